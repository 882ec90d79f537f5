"""District staff: funding streams, enrollment import with a preview, weights scenarios."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.blueprints.allocation import bp
from portal.blueprints.allocation.forms import (
    EnrollmentForm,
    NeedGroupForm,
    ScenarioStatusForm,
    new_scenario_form,
    scenario_form,
    stream_form,
)
from portal.blueprints.school_access import current_year_or_404, district_row_or_404
from portal.extensions import db
from portal.forms import saved
from portal.models import AllocationScenario, EnrollmentImport, FundingStream
from portal.models.allocation import Distribution, ScenarioStatus
from portal.permissions import DISTRICT_STAFF, role_required
from portal.services import allocation_pages as pages
from portal.services import allocation_setup as setup
from portal.services import enrollment
from portal.services.errors import Rejected


def _overview(status=200, **forms):
    """The workspace page; `forms` holds the one form that was sent (rejected), the others
    are drawn empty."""
    year = current_year_or_404()
    work = pages.workspace(g.district.id, year)
    blank = {"formdata": None}
    forms.setdefault("stream_form", stream_form(g.district.default_locale, **blank))
    forms.setdefault("group_form", NeedGroupForm(**blank))
    forms.setdefault("upload_form", EnrollmentForm(**blank))
    forms.setdefault(
        "scenario_form", new_scenario_form(work.scenarios, _("Empty weights"), **blank)
    )
    return render_template(
        "allocation/manage.html",
        work=work,
        year=year,
        distributions=list(Distribution),
        **forms,
    ), status


def _back():
    return redirect(url_for("allocation.manage_index"), code=303)


@bp.get("/manage/allocation")
@role_required(*DISTRICT_STAFF)
def manage_index():
    """Funding streams, enrollment and scenarios for the current school year."""
    return _overview()


@bp.post("/manage/allocation/streams")
@role_required(*DISTRICT_STAFF)
def add_stream():
    """Add a funding stream."""
    year = current_year_or_404()
    form = stream_form(g.district.default_locale)
    if saved(form, lambda: setup.add_stream(g.district, year, current_user, **form.values())):
        flash(_("Funding stream added."), "success")
        return _back()
    return _overview(422, stream_form=form)


@bp.post("/manage/allocation/groups")
@role_required(*DISTRICT_STAFF)
def add_need_group():
    """Add a need group (foster youth, gifted ...) with its own weight column."""
    form = NeedGroupForm()
    if saved(form, lambda: setup.add_need_group(g.district, current_user, **form.values())):
        flash(_("Need group added. Give it a weight in a scenario."), "success")
        return _back()
    return _overview(422, group_form=form)


@bp.post("/manage/allocation/streams/<int:stream_id>/delete")
@role_required(*DISTRICT_STAFF)
def delete_stream(stream_id: int):
    """Remove a funding stream."""
    setup.remove_stream(district_row_or_404(FundingStream, stream_id), current_user)
    db.session.commit()
    flash(_("Funding stream removed."), "success")
    return _back()


@bp.post("/manage/allocation/enrollment")
@role_required(*DISTRICT_STAFF)
def upload_enrollment():
    """Read an enrollment file and show a preview; only the staged file is saved, not yet the
    enrollment. A file with problems shows every one of them, and nothing is staged."""
    year = current_year_or_404()
    form = EnrollmentForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(enrollment.MAX_UPLOAD_BYTES + 1)
        try:
            preview = enrollment.stage_enrollment(
                g.district, year, current_user, data, upload.filename
            )
        except enrollment.EnrollmentRejected as error:
            db.session.rollback()
            return render_template("allocation/import_preview.html", preview=error.preview), 422
        except Rejected as error:
            form.reject(error)
        else:
            db.session.commit()
            return render_template("allocation/import_preview.html", preview=preview)
    db.session.rollback()
    return _overview(422, upload_form=form)


@bp.post("/manage/allocation/enrollment/<int:import_id>/apply")
@role_required(*DISTRICT_STAFF)
def apply_enrollment(import_id: int):
    """Save a previewed enrollment file, all rows in one transaction."""
    staged = district_row_or_404(EnrollmentImport, import_id)
    try:
        count = enrollment.apply_import(staged, current_user)
    except Rejected as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Enrollment saved for %(num)d schools.", num=count), "success")
    return _back()


@bp.post("/manage/allocation/scenarios")
@role_required(*DISTRICT_STAFF)
def add_scenario():
    """A new scenario, copied from an existing one (or empty)."""
    year = current_year_or_404()
    form = new_scenario_form(pages.year_scenarios(g.district.id, year.id), _("Empty weights"))
    if not form.validate_on_submit():
        return _overview(422, scenario_form=form)
    source = form.copy_of.data or ""
    base = district_row_or_404(AllocationScenario, int(source)) if source.isdigit() else None
    scenario = setup.add_scenario(g.district, year, current_user, name=form.name.data, base=base)
    db.session.commit()
    return redirect(url_for("allocation.edit_scenario", scenario_id=scenario.id), code=303)


@bp.route("/manage/allocation/scenarios/<int:scenario_id>", methods=["GET", "POST"])
@role_required(*DISTRICT_STAFF)
def edit_scenario(scenario_id: int):
    """The weights matrix, central share, minimum budget and hold harmless of a scenario."""
    scenario = district_row_or_404(AllocationScenario, scenario_id)
    page = pages.scenario_page(scenario)
    form = scenario_form(page.groups, page.group_names, scenario)
    if saved(form, lambda: setup.edit_scenario(scenario, current_user, **form.values())):
        flash(_("Scenario saved."), "success")
        return redirect(url_for("allocation.edit_scenario", scenario_id=scenario.id), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "allocation/scenario.html", scenario=scenario, page=page, form=form
    ), status


@bp.post("/manage/allocation/scenarios/<int:scenario_id>/status")
@role_required(*DISTRICT_STAFF)
def scenario_status(scenario_id: int):
    """Adopt a scenario, publish it as "what you would receive", or take it back to draft."""
    scenario = district_row_or_404(AllocationScenario, scenario_id)
    form = ScenarioStatusForm()
    if not form.validate_on_submit():
        abort(400)
    setup.move_scenario(scenario, ScenarioStatus(form.status.data), current_user)
    db.session.commit()
    flash(_("Scenario status saved."), "success")
    return _back()
