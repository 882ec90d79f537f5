"""The audit log, for admins: every change to the public record (meetings, motions, votes,
minutes, rosters, moderation, plans, calendars, allocation, accounts), newest first, a hundred
at a time. Entries are written by services.audit.record_audit in the change's own transaction."""

from flask import render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from portal.blueprints.manage import bp
from portal.extensions import db
from portal.forms import PortalForm
from portal.models import AuditEntry, Role
from portal.permissions import role_required

PER_PAGE = 100


class AuditPageForm(PortalForm):
    """?page=N, read as a GET form (a bad number is page 1)."""

    class Meta:
        csrf = False

    page = IntegerField(_l("Page"), validators=[Optional(), NumberRange(min=1, max=10_000)])


@bp.get("/audit")
@role_required(Role.ADMIN)
def audit_log():
    """Every change to the public record: who, when, what."""
    form = AuditPageForm(meta={"csrf": False})
    page = form.page.data if form.validate() and form.page.data else 1
    newest_first = (
        select(AuditEntry).options(selectinload(AuditEntry.user)).order_by(AuditEntry.id.desc())
    )
    rows = list(db.session.scalars(newest_first.offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)))
    return render_template(
        "manage/audit.html", rows=rows[:PER_PAGE], page=page, more=len(rows) > PER_PAGE
    )
