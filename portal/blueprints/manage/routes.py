"""The staff workspace: dashboard, accounts and roles, schools, the district's settings."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.blueprints.manage import bp
from portal.blueprints.manage.forms import (
    DistrictForm,
    SchoolForm,
    UserForm,
    UserSearchForm,
    show_texts,
)
from portal.extensions import db
from portal.forms import PortalForm, parse_int, saved
from portal.htmx import render
from portal.models import Role, School, SchoolLevel, User
from portal.permissions import DISTRICT_STAFF, role_required
from portal.services import schools as school_service
from portal.services.accounts import active_sessions, revoke_all_sessions
from portal.services.committee_record import member_desk
from portal.services.invitations import add_account, resend
from portal.services.session_limits import effective, set_session_limits
from portal.services.users import list_users, save_user, school_choices

SCHOOL_LEVELS = [level.value for level in SchoolLevel]


@bp.get("/")
@role_required()
def index():
    """What this account can do, by role; for a committee member, their committees, the next
    meetings, any open vote and drafts of minutes waiting for their amendments."""
    desk = member_desk(current_user.id, g.district) if g.district else None
    return render_template("manage/index.html", desk=desk)


@bp.get("/users")
@role_required(Role.ADMIN)
def users():
    """Every account, searchable by name or e-mail."""
    form = UserSearchForm(request.args)
    query = form.q.data if form.validate() else ""
    return render(
        "manage/users.html",
        "manage/_user_rows.html",
        "user-rows",
        users=list_users(query),
        form=form,
    )


def _user_form(user: User | None) -> UserForm:
    form = UserForm(obj=user)
    form.schools.choices = [SelectChoice(sid, name) for sid, name in school_choices(g.district.id)]
    if user is not None and not form.is_submitted():
        form.roles.data = [role.value for role in user.roles]
        form.schools.data = sorted({grant.school_id for grant in user.grants if grant.school_id})
    return form


def _save_user_form(user: User | None):
    """Create or edit an account; a refused form comes back with everything typed (422)."""
    form = _user_form(user)
    accounts = []  # the account saved, for its name

    def save():
        if user is None:  # a new account: its owner chooses a password from an invitation
            accounts.append(add_account(current_user, **form.account()))
        else:
            accounts.append(save_user(user, current_user, **form.account()))

    if saved(form, save):
        flash(_("Saved the account of %(name)s.", name=accounts[0].name), "success")
        if user is None:
            flash(
                _(
                    "An invitation to choose a password is on its way to %(email)s.",
                    email=accounts[0].email,
                ),
                "info",
            )
        return redirect(url_for("manage.users"), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("manage/user_form.html", form=form, user=user), status


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def create_user():
    """Create an account and give it roles."""
    return _save_user_form(None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_user(user_id: int):
    """Edit an account's details and roles."""
    user = db.session.get(User, user_id) or abort(404)
    return _save_user_form(user)


@bp.post("/users/<int:user_id>/invite")
@role_required(Role.ADMIN)
def resend_invitation(user_id: int):
    """E-mail the account a new link to choose its password (older links stop working)."""
    user = db.session.get(User, user_id) or abort(404)
    form = PortalForm()
    if saved(form, lambda: resend(user, current_user)):
        flash(_("A new link is on its way to %(email)s.", email=user.email), "success")
    else:
        for message in form.form_errors or [_("This account cannot be sent a link.")]:
            flash(message, "error")
    return redirect(url_for("manage.edit_user", user_id=user.id), code=303)


@bp.get("/users/<int:user_id>/sessions")
@role_required(Role.ADMIN)
def user_sessions(user_id: int):
    """Devices an account is signed in on."""
    user = db.session.get(User, user_id) or abort(404)
    return render_template("manage/user_sessions.html", user=user, rows=active_sessions(user.id))


@bp.post("/users/<int:user_id>/sessions/revoke")
@role_required(Role.ADMIN)
def revoke_user_sessions(user_id: int):
    """Sign an account out of every device (for a lost phone or a departure)."""
    user = db.session.get(User, user_id) or abort(404)
    keep = current_user.login_token if user.id == current_user.id else None
    revoke_all_sessions(user.id, except_token=keep)
    db.session.commit()
    flash(_("%(name)s is signed out of every device.", name=user.name), "success")
    return redirect(url_for("manage.user_sessions", user_id=user.id), code=303)


@bp.get("/schools")
@role_required(*DISTRICT_STAFF)
def schools():
    """The district's schools, 25 a page, searchable by name or address and by level (a GET
    form, so it works without JavaScript): a district of 1,000 schools stays usable."""
    query = (request.args.get("q") or "").strip()[:100]
    level = request.args.get("level")
    level = level if level in SCHOOL_LEVELS else None
    page = parse_int(request.args.get("page"), 1, 10_000) or 1
    found = school_service.search_schools(g.district.id, query, level, page=page)
    if found is None:  # past the last page
        abort(404)
    return render_template(
        "manage/schools.html",
        found=found,
        schools=found.schools,
        query=query,
        level=level,
        levels=SCHOOL_LEVELS,
    )


def _school_form(school: School | None) -> SchoolForm:
    form = SchoolForm(obj=school)
    if school is not None and not form.is_submitted():
        show_texts(form, "description", school.description)
    return form


def _save_school_form(school: School | None):
    """Add or edit a school; a refused form comes back with everything typed (422)."""
    form = _school_form(school)

    def save():
        nonlocal school
        if school is None:
            school = school_service.create_school(g.district, current_user, **form.details())
        else:
            school_service.update_school(school, current_user, **form.details())

    if saved(form, save):
        flash(_("Saved %(name)s.", name=school.name), "success")
        return redirect(url_for("manage.schools"), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("manage/school_form.html", form=form, school=school), status


@bp.route("/schools/new", methods=["GET", "POST"])
@role_required(*DISTRICT_STAFF)
def create_school():
    """Add a school."""
    return _save_school_form(None)


@bp.route("/schools/<slug>", methods=["GET", "POST"])
@role_required(*DISTRICT_STAFF)
def edit_school(slug: str):
    """Edit a school's details and its description in each language."""
    school = school_service.school_by_slug(slug) or abort(404)
    return _save_school_form(school)


@bp.route("/district", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def district_settings():
    """The district's name, main language, time zone, privacy threshold and tagline."""
    district = g.district
    form = DistrictForm(obj=district)
    if not form.is_submitted():
        show_texts(form, "tagline", district.tagline)
        form.session_idle_minutes.data, form.session_max_hours.data = effective(district)

    def save():
        school_service.update_district(district, current_user, **form.settings())
        set_session_limits(district, current_user, **form.session_limits())

    if saved(form, save):
        flash(_("District settings saved."), "success")
        return redirect(url_for("manage.district_settings"), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("manage/district.html", form=form), status
