"""Administrators: bring the district in from its spreadsheets (schools, staff accounts,
committee rosters, and the finance system's salary averages and positions): choose the kind,
upload, see every row or every problem, then confirm."""

from flask import Response, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from portal.blueprints.manage import bp
from portal.extensions import db
from portal.forms import PortalForm
from portal.models import Role
from portal.models.district_imports import DistrictImport
from portal.permissions import role_required
from portal.services import district_imports as imports
from portal.services.errors import Rejected

KIND_LABELS = {
    "schools": _l("Schools"),
    "staff": _l("Staff accounts"),
    "rosters": _l("Committee rosters"),
    "salaries": _l("Salary averages (finance system)"),
    "positions": _l("Positions in school budgets (finance system)"),
}


class ImportForm(PortalForm):
    """What the file holds, and the file."""

    kind = SelectField(
        _l("What the file holds"),
        choices=[SelectChoice(kind, label) for kind, label in KIND_LABELS.items()],
        validators=[InputRequired(message=_l("Choose what the file holds."))],
    )
    file = FileField(
        _l("File (CSV or XLSX, at most 1 MB)"),
        validators=[FileRequired(message=_l("Choose a CSV or XLSX file."))],
        render_kw={"accept": ".csv,.xlsx"},
    )


def _page(form=None, status=200, done=None):
    return render_template(
        "manage/imports/index.html",
        form=form or ImportForm(formdata=None),
        kinds=[
            (kind, KIND_LABELS[kind], imports.kind_module(kind).COLUMNS) for kind in imports.KINDS
        ],
        done=done,
    ), status


def _district_import_or_404(import_id: int) -> DistrictImport:
    staged = db.session.get(DistrictImport, import_id)
    if staged is None or g.district is None or staged.district_id != g.district.id:
        abort(404)
    return staged


@bp.get("/imports")
@role_required(Role.ADMIN)
def imports_index():
    """Choose what to import, with each kind's columns and a template to download."""
    done = request.args.get("done", type=int)
    staged = db.session.get(DistrictImport, done) if done else None
    if staged is not None and (not staged.applied or staged.district_id != g.district.id):
        staged = None
    return _page(done=staged)


@bp.get("/imports/<kind>/template.csv")
@role_required(Role.ADMIN)
def import_template(kind: str):
    """A CSV file to fill in: the header row and one example row."""
    if imports.kind_module(kind) is None:
        abort(404)
    response = Response(imports.template_csv(kind), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{kind}-template.csv"'
    return response


@bp.post("/imports")
@role_required(Role.ADMIN)
def upload_import():
    """Read a file and show a preview; only the staged rows are saved, nothing is applied. A
    file with problems shows every one of them, and nothing is staged."""
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(imports.MAX_UPLOAD_BYTES + 1)
        try:
            preview = imports.stage(g.district, current_user, form.kind.data, data, upload.filename)
        except imports.ImportRejected as error:
            db.session.rollback()
            return _preview(error.preview, 422)
        except Rejected as error:
            form.reject(error)
        else:
            db.session.commit()
            return _preview(preview, 200)
    db.session.rollback()
    return _page(form, 422)


def _preview(preview, status):
    return render_template(
        "manage/imports/preview.html", preview=preview, kind_label=KIND_LABELS[preview.kind]
    ), status


@bp.post("/imports/<int:import_id>/apply")
@role_required(Role.ADMIN)
def apply_import(import_id: int):
    """Save a previewed file, all its rows in one transaction."""
    staged = _district_import_or_404(import_id)
    try:
        imports.apply(staged, g.district, current_user)
    except Rejected as error:
        db.session.rollback()
        form = ImportForm(formdata=None)
        form.reject(error)
        return _page(form, 409)
    db.session.commit()
    return redirect(url_for("manage.imports_index", done=staged.id), code=303)


def _too_large(error):
    """A file over the request limit (a 10 MB spreadsheet): the import page says so, instead of
    the general error page; other manage pages keep the general one."""
    from portal.errors import _http_error

    if request.endpoint != "manage.upload_import":
        return _http_error(error)
    db.session.rollback()
    form = ImportForm(formdata=None)
    form.form_errors.append(
        _("The file is too large: an import file may be at most 1 MB. Split it into smaller files.")
    )
    return _page(form, 413)


bp.register_error_handler(413, _too_large)
