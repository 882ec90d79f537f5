"""The audit log, for admins: every change to the public record (minutes, motions, votes,
agendas, rosters, moderation), newest first, a hundred at a time."""

from flask import render_template, request
from sqlalchemy import select

from portal.blueprints.committees import bp
from portal.extensions import db
from portal.forms import parse_int
from portal.models import AuditEntry, Role
from portal.permissions import role_required

PER_PAGE = 100


@bp.get("/manage/audit")
@role_required(Role.ADMIN)
def audit_log():
    """Every change to minutes, motions, votes, agendas and moderation: who, when, what."""
    page = parse_int(request.args.get("page"), 1, 10_000) or 1
    newest_first = select(AuditEntry).order_by(AuditEntry.id.desc())
    rows = list(db.session.scalars(newest_first.offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)))
    return render_template(
        "committees/audit.html", rows=rows[:PER_PAGE], page=page, more=len(rows) > PER_PAGE
    )
