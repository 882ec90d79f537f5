"""Writing and reading the audit log: who did what to the public record, in the same transaction
as the change. Read by admins at /manage/audit (and /manage/audit.csv).

Services name their actions with `record_audit`; the field-by-field before and after of every
audited row is added by portal.services.audit_capture (its docstring says how), either into the
named entry or as an entry of its own.
"""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import AuditEntry, School, User
from portal.models.base import utcnow
from portal.services import audit_capture


def record_audit(
    actor,
    action: str,
    object_type: str,
    object_id: int,
    detail: dict | None = None,
    *,
    school_id: int | None = None,
    district_id: int | None = None,
) -> AuditEntry:
    """Add an audit entry for `actor` (a user, or None for the system: the CLI, the scheduler).

    The row's field changes collected so far in this transaction (and those flushed with the
    entry) are added to it under detail["changes"]. The school and district are found from the
    object when not given."""
    entry = AuditEntry(
        at=utcnow(),
        user_id=actor.id if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=dict(detail or {}),
        school_id=school_id,
        district_id=district_id,
    )
    audit_capture.claim_for(entry)
    db.session.add(entry)
    return entry


# --- reading the log ------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    """What the admin asked to see: every field optional. `kind` is an object type
    ("investment") or an action's prefix ("vote", "plan.shared"); days are in `timezone`."""

    district_id: int | None = None
    school_id: int | None = None
    user_id: int | None = None
    kind: str = ""
    since: date | None = None
    until: date | None = None
    timezone: str = "UTC"


def _day_start(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time.min, ZoneInfo(timezone)).astimezone(UTC)


def _filtered(f: AuditFilter):
    query = select(AuditEntry)
    if f.district_id is not None:
        # Entries from before the log knew where a row belonged have no district: kept.
        query = query.where(
            or_(AuditEntry.district_id == f.district_id, AuditEntry.district_id.is_(None))
        )
    if f.school_id is not None:
        query = query.where(AuditEntry.school_id == f.school_id)
    if f.user_id is not None:
        query = query.where(AuditEntry.user_id == f.user_id)
    if f.kind:
        kind = f.kind.strip()
        escaped = kind.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(
            or_(
                AuditEntry.object_type == kind,
                AuditEntry.action == kind,
                AuditEntry.action.like(f"{escaped}.%", escape="\\"),
            )
        )
    if f.since is not None:
        query = query.where(AuditEntry.at >= _day_start(f.since, f.timezone))
    if f.until is not None:
        query = query.where(AuditEntry.at < _day_start(f.until + timedelta(days=1), f.timezone))
    return query.order_by(AuditEntry.id.desc())


def audit_page(f: AuditFilter, page: int, per_page: int) -> tuple[list[AuditEntry], bool]:
    """One page of the filtered log, newest first, and whether there is an older page."""
    query = _filtered(f).options(selectinload(AuditEntry.user))
    rows = list(db.session.scalars(query.offset((page - 1) * per_page).limit(per_page + 1)))
    return rows[:per_page], len(rows) > per_page


def _show(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def change_lines(entry: AuditEntry) -> list[str]:
    """The entry's field changes as lines a person reads: "investment 12 cost_cents: 9500000 →
    19500000" (JSON and translated fields shown whole)."""
    lines = []
    for change in entry.changes:
        row = f"{change['type']} {change['id']}"
        if change["op"] != "updated":
            row = f"{row} ({change['op']})"
        fields = change.get("fields") or {}
        if not fields:
            lines.append(row)
        for name, (before, after) in sorted(fields.items()):
            lines.append(f"{row} {name}: {_show(before)} → {_show(after)}")
    return lines


def other_detail(entry: AuditEntry) -> str:
    """What the named action recorded besides the field changes, as compact JSON."""
    rest = {k: v for k, v in (entry.detail or {}).items() if k != "changes"}
    return json.dumps(rest, ensure_ascii=False, sort_keys=True) if rest else ""


def audit_export(f: AuditFilter) -> tuple[list[str], list[list]]:
    """The filtered log as a CSV table: one row per entry, the changes one per line in a cell."""
    header = [
        _("When (UTC)"),
        _("Who"),
        _("Action"),
        _("Object"),
        _("School"),
        _("Changes (before → after)"),
        _("Details"),
    ]
    query = _filtered(f).options(selectinload(AuditEntry.user))
    entries = list(db.session.scalars(query))
    schools = school_names({e.school_id for e in entries if e.school_id is not None})
    rows = [
        [
            entry.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            who(entry),
            entry.action,
            f"{entry.object_type} {entry.object_id}",
            schools.get(entry.school_id, ""),
            "\n".join(change_lines(entry)),
            other_detail(entry),
        ]
        for entry in entries
    ]
    return header, rows


def who(entry: AuditEntry) -> str:
    """The person by name, "#id" for a removed account, or "the system"."""
    if entry.user is not None:
        return entry.user.name
    if entry.user_id is not None:
        return f"#{entry.user_id}"
    return _("The system")


def school_names(ids) -> dict[int, str]:
    """{school id: name} for the schools named in a page of entries."""
    if not ids:
        return {}
    return dict(db.session.execute(select(School.id, School.name).where(School.id.in_(ids))).all())


def filter_choices(district_id: int) -> dict[str, list[tuple]]:
    """The filter form's choices: the district's schools, the people who appear in the log,
    and the kinds of object it holds."""
    schools = db.session.execute(
        select(School.id, School.name)
        .where(School.district_id == district_id)
        .order_by(School.name)
    ).all()
    people = db.session.execute(
        select(User.id, User.name)
        .where(User.id.in_(select(AuditEntry.user_id).where(AuditEntry.user_id.is_not(None))))
        .order_by(User.name)
    ).all()
    types = set(db.session.scalars(select(AuditEntry.object_type).distinct()))
    actions = db.session.scalars(select(AuditEntry.action).distinct())
    kinds = sorted(types | {action.split(".")[0] for action in actions})
    return {
        "schools": [(sid, name) for sid, name in schools],
        "people": [(uid, name) for uid, name in people],
        "kinds": [(kind, kind) for kind in kinds],
    }
