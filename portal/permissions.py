"""Who may do what, in one place: the role tuples routes declare, the `can_*(user, obj)` checks
that handlers, services and templates all call, and the route decorators.

A template never re-derives a role rule: it asks `can_*` (registered as Jinja globals in
`register`)."""

from functools import wraps

from flask_login import current_user

from portal.access import deny, sign_in_first
from portal.models.accounts import Role

# Who may edit a school's calendar, plan and budget: its principals, district staff, admins.
SCHOOL_EDITORS = (Role.PRINCIPAL, Role.DISTRICT)
# Who may run a committee's meetings: school editors and the committee's own officers.
OFFICERS = (Role.PRINCIPAL, Role.DISTRICT, Role.COUNCIL)
# Who votes and proposes amendments: members signed in (council members, principals).
MEMBERS = (Role.COUNCIL, Role.PRINCIPAL)
# Who writes and publishes bulletins.
BULLETIN_EDITORS = (Role.COMMS, Role.DISTRICT)
# Who runs the readiness assessment (tiers 1 and 2, the report).
ASSESSMENT_STAFF = (Role.DISTRICT, Role.FACILITATOR)
# Who runs surveys, the district's settings, funding and the district-wide plan items.
DISTRICT_STAFF = (Role.DISTRICT,)


def public(view):
    """Mark a view as open to anyone. Every view is either public or declares its roles; the
    route-enumeration tests read these marks."""
    view.is_public = True
    return view


def cacheable(view):
    """Mark a public view whose anonymous GET answer is the same for everyone with the same
    language, so shared caches may keep it (see web._cache_headers). Never for forms."""
    view.cacheable = True
    return public(view)


def role_required(*roles: Role):
    """Route decorator: anonymous visitors go to sign-in; signed-in users lacking a role get 403.

    Admins pass every check. With no roles given, any signed-in account passes. A view with
    neither this nor @public is refused (portal.access: deny by default).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return sign_in_first()
            if roles and not current_user.has_role(*roles):
                deny(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator


def confidential(view):
    """Route decorator for interview records (tier 3): sign-in first, then 404 unless the
    facilitator or an admin, so nobody learns that interview records exist."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return sign_in_first()
        if not can_read_interviews(current_user):
            deny(404)
        return view(*args, **kwargs)

    wrapped.required_roles = (Role.FACILITATOR,)
    wrapped.confidential = True
    return wrapped


def _holds(user, *roles: Role) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_role(*roles))


def can_manage_users(user) -> bool:
    return _holds(user, Role.ADMIN)


def can_open_manage(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.grants)


def is_district_staff(user) -> bool:
    """District staff (and admins): surveys, funding, district settings, district-wide events."""
    return _holds(user, *DISTRICT_STAFF)


def can_run_assessment(user) -> bool:
    return _holds(user, *ASSESSMENT_STAFF)


def can_read_interviews(user) -> bool:
    """Tier 3's confidential interview records: the facilitator (and admins) only."""
    return _holds(user, Role.FACILITATOR)


def can_take_inventory(user, assessment) -> bool:
    """An official answers the inventory only when invited to it (admins may look)."""
    if not user.is_authenticated:
        return False
    return user.has_role(Role.ADMIN) or user.id in {i.user_id for i in assessment.invites}


def can_edit_bulletins(user) -> bool:
    return _holds(user, *BULLETIN_EDITORS)


def can_edit_school(user, school) -> bool:
    """District staff and admins edit every school; a principal only the schools they lead."""
    if not user.is_authenticated:
        return False
    if user.has_role(Role.DISTRICT):
        return True
    return school.id in user.school_ids(Role.PRINCIPAL)


def can_submit_plan(user, plan) -> bool:
    """Sending the council-approved plan to the district: the school's editors."""
    return can_edit_school(user, plan.school)


def can_review_plans(user) -> bool:
    """Accepting or returning schools' plans and recording the board's approval."""
    return is_district_staff(user)


def can_read_review_comments(user, plan) -> bool:
    """The district's comments on a returned plan: the school's editors, its council members
    and district staff (the public reads only the plan's status)."""
    if user is None or not user.is_authenticated:
        return False
    return can_edit_school(user, plan.school) or plan.school_id in user.school_ids(Role.COUNCIL)


def can_edit_event(user, event) -> bool:
    """A district-wide event is district staff's; a school's event is its editors'."""
    if event.school_id is None:
        return is_district_staff(user)
    return can_edit_school(user, event.school)


def member_of(user, committee):
    """The user's own seat on the committee (a CommitteeMember), or None."""
    if user is None or not user.is_authenticated:
        return None
    return next((m for m in committee.members if m.user_id == user.id), None)


def can_run_committee(user, committee) -> bool:
    """Principals of the school, district staff, and the committee's chair or secretary."""
    if committee.school is not None and can_edit_school(user, committee.school):
        return True
    if committee.school is None and is_district_staff(user):
        return True
    member = member_of(user, committee)
    return member is not None and member.officer in ("chair", "secretary")


def refusal_status(user, school, *, seat=None) -> int:
    """How to refuse a signed-in user a staff page of `school`: 403 to someone who holds a role
    at the school (or a seat on its committee), who knows the page exists; 404 to everyone
    else, so a principal learns nothing about another school's pages. District-wide pages
    (school None) are no secret: 403."""
    if school is None or seat is not None or can_edit_school(user, school):
        return 403
    tied = {grant.school_id for grant in user.grants if grant.school_id}
    return 403 if school.id in tied else 404


def can_manage_committee(user, committee) -> bool:
    """The roster and rules belong to the school's editors (district staff for a district
    committee), not to the committee's own officers."""
    if committee.school is None:
        return is_district_staff(user)
    return can_edit_school(user, committee.school)


def can_moderate_feedback(user, feedback) -> bool:
    """A school's comment: its editors; a comment on a district committee's agenda (no
    school): district staff."""
    if feedback.school_id is None:
        return is_district_staff(user)
    return can_edit_school(user, feedback.school)


def register(app) -> None:
    """Make every `can_*` check (and the role names) available to templates."""
    for name, value in globals().items():
        if name.startswith(("can_", "is_")) or name == "member_of":
            app.jinja_env.globals[name] = value
    app.jinja_env.globals["Role"] = Role
