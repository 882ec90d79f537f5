"""Notices for staff and committee members (a `User`): the kinds only they hear, who hears each
(principals of the school, district staff, the committee's members), and their messages.

`announce(kind, target)` in portal/services/notices.py records the event once; for a kind with
an audience here, `tell_users` gives each person in it one delivery, whatever number of roles
brings them there (a member who is also the principal hears once): as it happens, or pending
for the daily digest, or nothing when they turned the kind off (`NoticePreference`; no row
means as it happens). Each message is in the person's own language and ends with a link to
their choices and a signed one-click "stop this kind" link (List-Unsubscribe)."""

from collections.abc import Callable
from enum import StrEnum

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.models import District, RoleGrant, User
from portal.models.accounts import Role
from portal.models.base import utcnow
from portal.models.committees import CommitteeMember
from portal.models.notices import Frequency, Notice, NoticeDelivery, NoticeKind, NoticePreference
from portal.services import mail


class StaffKind(StrEnum):
    """Kinds of notice only staff and members hear (followers' kinds are NoticeKind)."""

    COMMENT_WAITING = "comment_waiting"
    COMMENT_REPORTED = "comment_reported"
    PLAN_RETURNED = "plan_returned"
    PLAN_SUBMITTED = "plan_submitted"
    SCHOOL_BEHIND = "school_behind"
    VOTE_OPEN = "vote_open"
    MINUTES_DRAFT = "minutes_draft"
    MINUTES_APPROVED = "minutes_approved"
    DEADLINE_REMINDER = "deadline_reminder"
    MEETING_REMINDER = "meeting_reminder"


HEADLINES = {
    StaffKind.COMMENT_WAITING: _l("A comment is waiting for your review: %(title)s"),
    StaffKind.COMMENT_REPORTED: _l("A reader reported a comment: %(title)s"),
    StaffKind.PLAN_RETURNED: _l("The district returned your plan: %(title)s"),
    StaffKind.PLAN_SUBMITTED: _l("A plan was submitted for review: %(title)s"),
    StaffKind.SCHOOL_BEHIND: _l("Behind schedule: %(title)s"),
    StaffKind.VOTE_OPEN: _l("A vote is open: %(title)s"),
    StaffKind.MINUTES_DRAFT: _l("Draft minutes are ready for amendments: %(title)s"),
    StaffKind.MINUTES_APPROVED: _l("Minutes approved: %(title)s"),
    StaffKind.DEADLINE_REMINDER: _l("Deadline coming up: %(title)s, %(when)s"),
    StaffKind.MEETING_REMINDER: _l("Reminder: %(title)s, %(when)s"),
}

# What each kind is called on the preferences page.
KIND_LABELS = {
    StaffKind.COMMENT_WAITING: _l("Comments waiting for review"),
    StaffKind.COMMENT_REPORTED: _l("Comments reported by readers"),
    StaffKind.PLAN_RETURNED: _l("Our plan returned by the district"),
    StaffKind.DEADLINE_REMINDER: _l("District deadlines coming up"),
    StaffKind.PLAN_SUBMITTED: _l("Plans submitted for review"),
    StaffKind.SCHOOL_BEHIND: _l("Schools behind schedule"),
    NoticeKind.MEETING_SCHEDULED: _l("A meeting scheduled"),
    NoticeKind.AGENDA_POSTED: _l("An agenda posted"),
    StaffKind.VOTE_OPEN: _l("A vote open"),
    StaffKind.MINUTES_DRAFT: _l("Draft minutes ready for amendments"),
    StaffKind.MINUTES_APPROVED: _l("Minutes approved"),
    StaffKind.MEETING_REMINDER: _l("Meeting reminders, a day before"),
}

# A stop link for the daily digest itself: every kind chosen "daily" turns off.
DAILY = "daily"
KIND_LABELS[DAILY] = _l("The daily digest")

# Reminders make no sense a day late: as it happens, or off.
NO_DIGEST = frozenset({StaffKind.DEADLINE_REMINDER, StaffKind.MEETING_REMINDER})


def _active(query):
    return query.where(User.is_active.is_not(False))


def principals(school_id: int | None) -> list[User]:
    """A school's principals; for no school (the district's own thing), district staff."""
    if school_id is None:
        return district_staff()
    return list(
        db.session.scalars(
            _active(
                select(User)
                .join(RoleGrant, RoleGrant.user_id == User.id)
                .where(RoleGrant.role == Role.PRINCIPAL.value, RoleGrant.school_id == school_id)
            )
            .distinct()
            .order_by(User.id)
        )
    )


def district_staff() -> list[User]:
    return list(
        db.session.scalars(
            _active(
                select(User)
                .join(RoleGrant, RoleGrant.user_id == User.id)
                .where(RoleGrant.role == Role.DISTRICT.value)
            )
            .distinct()
            .order_by(User.id)
        )
    )


def members(committee) -> list[User]:
    """The committee's members who have an account (whose term has not ended)."""
    today = utcnow().date()
    return list(
        db.session.scalars(
            _active(
                select(User)
                .join(CommitteeMember, CommitteeMember.user_id == User.id)
                .where(
                    CommitteeMember.committee_id == committee.id,
                    (CommitteeMember.term_end.is_(None)) | (CommitteeMember.term_end >= today),
                )
            )
            .distinct()
            .order_by(User.id)
        )
    )


def _meeting_of(target):
    """A meeting, or the meeting of a motion or of minutes."""
    return getattr(target, "meeting", None) or target


# kind -> who hears it, given the notice's target.
AUDIENCES: dict[str, Callable] = {
    StaffKind.COMMENT_WAITING: lambda feedback: principals(feedback.school_id),
    StaffKind.COMMENT_REPORTED: lambda feedback: principals(feedback.school_id),
    StaffKind.PLAN_RETURNED: lambda plan: principals(plan.school_id),
    StaffKind.PLAN_SUBMITTED: lambda plan: district_staff(),
    StaffKind.SCHOOL_BEHIND: lambda _target: district_staff(),
    StaffKind.DEADLINE_REMINDER: lambda deadline: principals(deadline.school.id),
    NoticeKind.MEETING_SCHEDULED: lambda m: members(_meeting_of(m).committee),
    NoticeKind.AGENDA_POSTED: lambda m: members(_meeting_of(m).committee),
    StaffKind.VOTE_OPEN: lambda m: members(_meeting_of(m).committee),
    StaffKind.MINUTES_DRAFT: lambda m: members(_meeting_of(m).committee),
    StaffKind.MINUTES_APPROVED: lambda m: members(_meeting_of(m).committee),
    StaffKind.MEETING_REMINDER: lambda m: members(_meeting_of(m).committee),
}


def _path(endpoint: str, **values) -> str:
    return current_app.url_map.bind("localhost").build(endpoint, values)


def _draft(**values):
    from portal.services.notices import Draft

    return Draft(**values)


def _place_title(district_id: int, school) -> dict:
    if school is not None:
        return {"en": school.name}
    return {"en": db.session.get(District, district_id).name}


def _comment(feedback, kind: str):
    """A comment waiting for review (only while it waits), or reported (while not hidden)."""
    from portal.models.feedback import FeedbackVisibility

    if kind == StaffKind.COMMENT_WAITING and feedback.visibility != FeedbackVisibility.PENDING:
        return None
    if kind == StaffKind.COMMENT_REPORTED and (
        not feedback.flags or feedback.visibility == FeedbackVisibility.HIDDEN
    ):
        return None
    school = feedback.school
    if school is not None:
        path = _path("feedback.moderate", slug=school.slug)
    else:
        path = _path("feedback.moderate_district")
    return _draft(
        district_id=feedback.district_id,
        key=f"{kind}:{feedback.id}",
        title=_place_title(feedback.district_id, school),
        source_locale="en",
        path=path,
        school_ids=[school.id] if school is not None else [],
    )


def _plan(plan, kind: str):
    """A plan sent to the district, or returned to the school (each time it happens)."""
    school = plan.school
    if kind == StaffKind.PLAN_SUBMITTED:
        at, path = plan.submitted_at, _path("plans.review_plans") + f"#plan-{school.slug}"
    else:
        at, path = plan.returned_at, _path("plans.edit_plan", slug=school.slug)
    if at is None:
        return None
    return _draft(
        district_id=school.district_id,
        key=f"{kind}:{plan.id}:{at:%Y%m%dT%H%M%S}",
        title={"en": school.name},
        source_locale="en",
        path=path,
        school_ids=[school.id],
    )


def _committee_draft(meeting, key: str, title: dict, path: str):
    committee = meeting.committee
    return _draft(
        district_id=committee.district_id,
        key=key,
        title=dict(title or {}) or dict(meeting.title or {}),
        source_locale=meeting.source_locale or "en",
        path=path,
        school_ids=[committee.school_id] if committee.school_id else [],
    )


def _vote(motion):
    """A motion open for the members' votes: the link is the vote page itself."""
    if motion.status != "open":
        return None
    meeting = motion.meeting
    path = _path("committees.vote", meeting_id=meeting.id) + f"#motion-{motion.id}"
    return _committee_draft(meeting, f"vote_open:{motion.id}", motion.text, path)


def _minutes(minutes, kind: str):
    """A draft version of minutes (once per version), or its approval."""
    meeting = minutes.meeting
    if kind == StaffKind.MINUTES_DRAFT:
        if not minutes.is_draft:
            return None
        path = _path("committees.review_minutes", meeting_id=meeting.id)
    else:
        if minutes.approved_at is None:
            return None
        path = _path("committees.meeting", meeting_id=meeting.id)
    return _committee_draft(meeting, f"{kind}:{minutes.id}", meeting.title, path)


# kind -> describer: the object into the notice (portal.services.notices.Draft), or None.
# The reminder kinds' describers are in portal/services/reminders.py.
DESCRIBERS: dict[str, Callable] = {
    StaffKind.COMMENT_WAITING: lambda f: _comment(f, StaffKind.COMMENT_WAITING),
    StaffKind.COMMENT_REPORTED: lambda f: _comment(f, StaffKind.COMMENT_REPORTED),
    StaffKind.PLAN_SUBMITTED: lambda p: _plan(p, StaffKind.PLAN_SUBMITTED),
    StaffKind.PLAN_RETURNED: lambda p: _plan(p, StaffKind.PLAN_RETURNED),
    StaffKind.VOTE_OPEN: _vote,
    StaffKind.MINUTES_DRAFT: lambda m: _minutes(m, StaffKind.MINUTES_DRAFT),
    StaffKind.MINUTES_APPROVED: lambda m: _minutes(m, StaffKind.MINUTES_APPROVED),
}


def kinds_for(user: User) -> list[str]:
    """The kinds a user can hear, for their preferences page, in the page's order."""
    held = {grant.role for grant in user.grants}
    kinds: list[str] = []
    if Role.PRINCIPAL.value in held:
        kinds += [
            StaffKind.COMMENT_WAITING,
            StaffKind.COMMENT_REPORTED,
            StaffKind.PLAN_RETURNED,
            StaffKind.DEADLINE_REMINDER,
        ]
    if Role.DISTRICT.value in held:
        kinds += [StaffKind.PLAN_SUBMITTED, StaffKind.SCHOOL_BEHIND]
        comments = (StaffKind.COMMENT_WAITING, StaffKind.COMMENT_REPORTED)
        kinds += [kind for kind in comments if kind not in kinds]
    seated = db.session.scalars(
        select(func.count()).select_from(CommitteeMember).where(CommitteeMember.user_id == user.id)
    ).one()
    if seated:
        kinds += [
            NoticeKind.MEETING_SCHEDULED,
            NoticeKind.AGENDA_POSTED,
            StaffKind.VOTE_OPEN,
            StaffKind.MINUTES_DRAFT,
            StaffKind.MINUTES_APPROVED,
            StaffKind.MEETING_REMINDER,
        ]
    return [str(k) for k in kinds]


def choices_for(kind: str) -> list[Frequency]:
    if kind in NO_DIGEST:
        return [Frequency.NOW, Frequency.OFF]
    return [Frequency.NOW, Frequency.DAILY, Frequency.OFF]


def preferences(user_id: int) -> dict[str, str]:
    """kind -> frequency the user chose (kinds without a row: as it happens)."""
    rows = db.session.scalars(select(NoticePreference).where(NoticePreference.user_id == user_id))
    return {row.kind: row.frequency for row in rows}


def frequency_of(user_id: int, kind: str) -> str:
    chosen = preferences(user_id).get(str(kind), Frequency.NOW.value)
    if chosen == Frequency.DAILY and kind in NO_DIGEST:
        return Frequency.NOW.value
    return chosen


def stop(user: User, kind: str) -> None:
    """The one-click stop: this kind off, or (the digest's link) every kind chosen daily."""
    if kind != DAILY:
        set_preference(user, kind, Frequency.OFF.value)
        return
    for chosen, frequency in preferences(user.id).items():
        if frequency == Frequency.DAILY:
            set_preference(user, chosen, Frequency.OFF.value)


def set_preference(user: User, kind: str, frequency: str) -> None:
    """Choose how one kind is heard (the caller checks the kind is the user's)."""
    if frequency not in {f.value for f in choices_for(kind)}:
        raise ValueError(f"{kind}: {frequency} is not a choice")
    row = db.session.scalars(
        select(NoticePreference).where(
            NoticePreference.user_id == user.id, NoticePreference.kind == kind
        )
    ).first()
    if row is None:
        row = NoticePreference(user_id=user.id, kind=kind)
        db.session.add(row)
    row.frequency = frequency


def user_locale(user: User, district: District) -> str:
    """The language of the user's own account, else the district's."""
    locale = user.preferred_locale
    return locale if locale in LANGUAGES else district.default_locale


def tell_users(notice: Notice, kind: str, target, district: District, skip_emails=()) -> None:
    """One delivery per person in the kind's audience (`skip_emails`: addresses already told
    as followers of this very notice)."""
    audience = AUDIENCES.get(str(kind))
    if audience is None:
        return
    told = set(
        db.session.scalars(
            select(NoticeDelivery.user_id).where(
                NoticeDelivery.notice_id == notice.id, NoticeDelivery.user_id.is_not(None)
            )
        )
    )
    skip = {email.lower() for email in skip_emails}
    for user in {u.id: u for u in audience(target)}.values():
        if user.id in told or user.email.lower() in skip:
            continue
        frequency = frequency_of(user.id, kind)
        if frequency == Frequency.OFF:
            continue
        delivery = NoticeDelivery(notice=notice, user_id=user.id, frequency=frequency)
        db.session.add(delivery)
        told.add(user.id)
        if frequency == Frequency.NOW:
            queue_for_user(notice, district, user)
            delivery.status, delivery.sent_at = "sent", utcnow()
    db.session.flush()


# Signed "stop this kind" links (List-Unsubscribe): nothing stored, no expiry.
def _stop_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="notice-stop")


def stop_token(user: User, kind: str) -> str:
    return _stop_serializer().dumps([user.id, user.email, str(kind)])


def from_stop_token(token: str) -> tuple[User, str] | None:
    try:
        user_id, email, kind = _stop_serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.email != email or kind not in KIND_LABELS:
        return None
    return user, kind


def _public(endpoint: str, **values) -> str:
    """A page's full address, with or without a request (the demo loader announces too)."""
    return current_app.config["PUBLIC_BASE_URL"] + _path(endpoint, **values)


def stop_url(user: User, kind: str) -> str:
    return _public("notices.stop_kind", token=stop_token(user, kind))


def user_footer(user: User, district: District, kind: str | None) -> dict:
    """Why they get it, their choices, and (one kind's message) stop this kind."""
    return {
        "district": district,
        "preferences_url": _public("notices.preferences"),
        "stop_url": stop_url(user, kind) if kind else "",
        "kind_label": KIND_LABELS.get(kind, "") if kind else "",
    }


def user_headers(user: User, kind: str, locale: str) -> dict:
    """One-click "stop this kind" (RFC 8058); a digest's goes to the choices page."""
    from portal.services.notices import _tag

    url = stop_url(user, kind)
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Content-Language": _tag(locale),
    }


def queue_for_user(notice: Notice, district: District, user: User) -> bool:
    """The as-it-happens message for one staff member or member, in their language."""
    from portal.services.notices import outbox_extras, render_line

    locale = user_locale(user, district)
    with force_locale(locale):
        line = render_line(notice, district, locale)
        context = {"line": line, **user_footer(user, district, notice.kind)}
        body = render_template("notices/staff_email.txt", **context)
        html = render_template("notices/staff_email.html", **context)
    return mail.queue(
        f"notice:{notice.id}:user:{user.id}",
        user.email,
        line.headline,
        body,
        user_headers(user, notice.kind, locale),
        **outbox_extras(html, None),
    )
