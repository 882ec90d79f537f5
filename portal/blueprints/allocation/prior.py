"""District staff: last year's allocations read from a file (a preview, then a confirmation),
so hold harmless and "change from last year" work in the district's first year."""

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired

from portal.blueprints.allocation import bp
from portal.blueprints.school_access import current_year_or_404, district_row_or_404
from portal.extensions import db
from portal.forms import PortalForm
from portal.models.year_rollover import PriorAllocationImport
from portal.permissions import DISTRICT_STAFF, role_required
from portal.services import prior_allocations as prior
from portal.services.errors import Rejected
from portal.services.funding import streams_for


class PriorAllocationForm(PortalForm):
    """A file of last year's allocations to preview."""

    file = FileField(
        _l("Last year's allocations file"),
        validators=[FileRequired(message=_l("Choose a CSV or XLSX file."))],
        render_kw={"accept": ".csv,.xlsx"},
    )


def _page(form=None, status=200):
    year = current_year_or_404()
    return render_template(
        "allocation/prior.html",
        year=year,
        form=form or PriorAllocationForm(formdata=None),
        figures=prior.prior_figures(year.id),
        schools=g.district.schools,
        streams=streams_for(g.district.id, year.id),
    ), status


@bp.get("/manage/allocation/prior")
@role_required(*DISTRICT_STAFF)
def prior_index():
    """Last year's allocation of each school, and the file upload that sets it."""
    return _page()


@bp.post("/manage/allocation/prior")
@role_required(*DISTRICT_STAFF)
def upload_prior():
    """Read a file of last year's allocations and show a preview; only the staged file is
    saved. A file with problems shows every one of them, and nothing is staged."""
    year = current_year_or_404()
    form = PriorAllocationForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(prior.MAX_UPLOAD_BYTES + 1)
        try:
            preview = prior.stage_prior(g.district, year, current_user, data, upload.filename)
        except prior.PriorRejected as error:
            db.session.rollback()
            return render_template("allocation/prior_preview.html", preview=error.preview), 422
        except Rejected as error:
            form.reject(error)
        else:
            db.session.commit()
            return render_template("allocation/prior_preview.html", preview=preview)
    db.session.rollback()
    return _page(form, 422)


@bp.post("/manage/allocation/prior/<int:import_id>/apply")
@role_required(*DISTRICT_STAFF)
def apply_prior(import_id: int):
    """Save a previewed file of last year's allocations, all rows in one transaction."""
    staged = district_row_or_404(PriorAllocationImport, import_id)
    try:
        changed = prior.apply_prior_import(staged, current_user)
    except Rejected as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Last year's allocations saved (%(num)d schools changed).", num=changed), "success")
    return redirect(url_for("allocation.prior_index"), code=303)
