"""District staff open the next school year: a review page (GET, changes nothing) showing
what carries over, with the calendar template's moved dates editable, then one POST."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import DateField, HiddenField
from wtforms.validators import Optional

from portal.blueprints.manage import bp
from portal.extensions import db
from portal.forms import saved
from portal.models import SchoolYear
from portal.permissions import DISTRICT_STAFF, role_required
from portal.phase_forms import DATE_MESSAGE, PhaseDatesForm
from portal.services import year_rollover as rollover
from portal.services.errors import Rejected


@bp.app_template_global("ended_terms_of")
def ended_terms_of(committee):
    """For the roster page: members whose terms have ended (in the district's time zone)."""
    today = datetime.now(ZoneInfo(g.district.timezone)).date()
    return rollover.ended_terms_of(committee, today)


def rollover_form(plan, posted: bool):
    """The new year's phase dates and each required event's due date (`due_<id>`), filled
    with the dates moved to the new year until the form is posted."""
    fields = {
        f"due_{r.id}": DateField(
            _l("Due by"), validators=[Optional()], invalid_value_message=DATE_MESSAGE
        )
        for r, _due in plan.requirements
    }
    # The year the page offered: a second click, sent after the first opened it, must not open
    # the year after that.
    fields["opening"] = HiddenField()
    form_class = type("RolloverForm", (PhaseDatesForm,), fields)
    form = form_class() if posted else form_class(formdata=None)
    if not (posted and form.is_submitted()):
        form.opening.data = plan.label
        form.fill(plan.phases)
        for r, due in plan.requirements:
            form[f"due_{r.id}"].data = due
    return form


def _years():
    return list(
        db.session.scalars(
            select(SchoolYear)
            .where(SchoolYear.district_id == g.district.id)
            .order_by(SchoolYear.starts_on.desc())
        )
    )


def _page(form=None, status=200):
    try:
        plan = rollover.preview(g.district)
    except Rejected as refusal:
        return render_template(
            "manage/years/index.html", plan=None, refusal=refusal, years=_years(), form=None
        ), status
    form = form or rollover_form(plan, posted=False)
    return render_template(
        "manage/years/index.html", plan=plan, refusal=None, years=_years(), form=form
    ), status


@bp.get("/years")
@role_required(*DISTRICT_STAFF)
def years():
    """The district's school years, and what opening the next one would carry over."""
    return _page()


@bp.post("/years/next")
@role_required(*DISTRICT_STAFF)
def open_next_year():
    """Open the next school year with the reviewed dates (refused when it already exists)."""
    try:
        plan = rollover.preview(g.district)
    except Rejected as refusal:
        return render_template(
            "manage/years/index.html", plan=None, refusal=refusal, years=_years(), form=None
        ), 409
    form = rollover_form(plan, posted=True)
    if form.opening.data != plan.label:
        refusal = Rejected(
            {}, _("The school year %(label)s is already open.", label=form.opening.data or "")
        )
        return render_template(
            "manage/years/index.html", plan=None, refusal=refusal, years=_years(), form=None
        ), 409

    def _open():
        due = {r.id: form[f"due_{r.id}"].data for r, _d in plan.requirements}
        return rollover.open_next_year(g.district, current_user, form.dates(), due)

    if saved(form, _open):
        flash(_("The school year %(label)s is open.", label=plan.label), "success")
        return redirect(url_for("manage.years"), code=303)
    return _page(form, 422)
