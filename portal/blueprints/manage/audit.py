"""The audit log, for admins: every change to the public record (plans and their money,
allocation, meetings, motions, votes, minutes, rosters, publishing, moderation, calendars,
accounts), newest first, a hundred at a time, filtered by school, person, kind and date, and as
CSV. Entries are written by services.audit in the change's own transaction; there is no route
that edits or deletes one (and the model refuses to)."""

from flask import g, render_template, request
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField
from wtforms.validators import NumberRange, Optional

from portal.blueprints.manage import bp
from portal.forms import ChoiceField, PortalForm
from portal.models import Role
from portal.permissions import role_required
from portal.responses import csv_download
from portal.services import audit as audit_service

PER_PAGE = 100


class AuditFilterForm(PortalForm):
    """The log's filters and page, read as a GET form (a bad value is no filter, page 1)."""

    class Meta:
        csrf = False

    school = ChoiceField(_l("School"), validators=[Optional()], validate_choice=False)
    person = ChoiceField(_l("Person"), validators=[Optional()], validate_choice=False)
    kind = ChoiceField(_l("Kind"), validators=[Optional()], validate_choice=False)
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])
    page = IntegerField(_l("Page"), validators=[Optional(), NumberRange(min=1, max=10_000)])


def _read_filters() -> tuple[AuditFilterForm, audit_service.AuditFilter]:
    district = g.district
    form = AuditFilterForm(formdata=request.args)
    choices = audit_service.filter_choices(district.id if district else None)
    form.school.choices = [("", _l("Every school"))] + [(str(k), v) for k, v in choices["schools"]]
    form.person.choices = [("", _l("Everyone"))] + [(str(k), v) for k, v in choices["people"]]
    form.kind.choices = [("", _l("Every kind"))] + choices["kinds"]
    form.validate()

    def number(field):
        return int(field.data) if not field.errors and (field.data or "").isdigit() else None

    return form, audit_service.AuditFilter(
        district_id=district.id if district else None,
        school_id=number(form.school),
        user_id=number(form.person),
        kind="" if form.kind.errors else (form.kind.data or ""),
        since=None if form.since.errors else form.since.data,
        until=None if form.until.errors else form.until.data,
        timezone=district.timezone if district else "UTC",
    )


@bp.get("/audit")
@role_required(Role.ADMIN)
def audit_log():
    """Every change to the public record: who, when, what, before and after."""
    form, filters = _read_filters()
    page = form.page.data if not form.page.errors and form.page.data else 1
    rows, more = audit_service.audit_page(filters, page, PER_PAGE)
    schools = audit_service.school_names({r.school_id for r in rows if r.school_id})
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "manage/audit.html",
        form=form,
        rows=rows,
        page=page,
        more=more,
        args=args,
        schools=schools,
        change_lines=audit_service.change_lines,
        other_detail=audit_service.other_detail,
    )


@bp.get("/audit.csv")
@role_required(Role.ADMIN)
def audit_export():
    """The filtered log as CSV (every page), cells safe to open in a spreadsheet."""
    _form, filters = _read_filters()
    header, rows = audit_service.audit_export(filters)
    return csv_download(header, rows, "audit-log.csv")
