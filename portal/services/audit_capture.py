"""Every change to the public record lands in the audit log, field by field, without each
service remembering to say so.

How it works (installed once by `install()`, from create_app):

- A registry (`AUDITED`, extended with `audited()`) names the models of the public record: the
  plan and its goals, strategies, actions, investments, budget lines and review comments; funding
  streams and allocation scenarios; committees, rosters, meetings, agendas, motions, votes,
  minutes and their amendments. (Schools, accounts and calendar events keep their named entries
  only.) For models that are public only
  once published (bulletins, surveys, the readiness summary, public comments) only the
  publishing fields are watched, and creating or deleting a draft is not an entry.
- Updates are read from SQLAlchemy's attribute history in the session's `before_flush` (before
  the flush resets it): each changed column as [before, after]. JSON and translated fields are
  compared whole; binary columns (pictures, documents) are never copied; `created_at`,
  `updated_at` and derived search text are left out. Inserts are read in the mapper's
  `after_insert` (the row has its id by then), deletes in `before_flush` and, for rows deleted
  by an ORM cascade, in `after_delete`. Nothing here loads a row: values come from the object
  in hand.
- A service's own `record_audit(actor, "vote.cast", ...)` stays the entry for a named action.
  When the changed row is the entry's object, or a child of it (a vote of the motion, a member
  of the committee, a goal of the plan), the field changes are added to that entry under
  detail["changes"] instead of making a second entry that says the same thing (an entry
  flushed together with the new rows it names waits for the next flush, when they have their
  ids: `after_flush_postexec`). Changes no named
  entry claims are written just before the commit as one entry per row ("investment.updated"),
  in one executemany INSERT: editing 200 investments in one request costs one more statement
  for their 200 entries, plus at most one query per parent model for rows the session does not
  hold (measured: 1 UPDATE alone; 1 UPDATE + 2 parent reads + 1 INSERT with capture).
- Who: a named entry names its `actor`; an automatic one names `db.session.info["actor"]`, which
  the web layer sets for each request to the signed-in user (see `install`). Outside a request
  (the CLI, the demo loader, the scheduler, a test calling a service) it is None: the system.
- Where: each entry gets the `school_id` and `district_id` of the row it is about, found by
  walking up the parent keys through the rows already in the session; the few parents that are
  not are read in one query per model for the whole flush.
- Never audited: the audit log itself, sign-in sessions and attempts, the e-mail outbox, survey
  responses (anonymous by construction) and anything else not in the registry. Bulk UPDATE or
  DELETE statements bypass the ORM and so this capture: services of the public record use the
  ORM.
- A rolled-back transaction drops what it had collected: the log only says what was committed.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import LargeBinary, event, insert, select
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm import attributes as orm_attributes

from portal.extensions import db
from portal.models.base import utcnow

PENDING = "audit_pending"  # session.info: {(type, id): change} not yet in an entry
SEQ = "audit_seq"  # session.info: how many named entries this transaction has recorded
SINCE = "audit_since"  # session.info: {named entry: SEQ when it was recorded}
DEFERRED = "audit_deferred"  # session.info: named entries waiting for their rows' ids
SEEN_DELETES = "audit_seen_deletes"  # session.info: deletes read in this flush's before_flush
ACTOR = "actor"  # session.info: the acting user, a zero-argument callable returning it, or None
# Columns whose change says nothing a reader needs (the entry has its own time) or is derived.
NEVER_COPIED = {"created_at", "updated_at", "search_text"}


@dataclass(frozen=True)
class Audited:
    """How a model is audited: its parent (for "where" and for claiming by a named entry) and,
    for models public only once published, the only fields watched (rows=False: creating and
    deleting a draft are not entries)."""

    parent: tuple[str, type] | None = None
    fields: frozenset[str] | None = None
    rows: bool = True


AUDITED: dict[type, Audited] = {}


def audited(model, parent: tuple[str, type] | None = None, fields=None, rows: bool = True):
    """Add `model` to the audit registry (call at import time, before the app serves)."""
    AUDITED[model] = Audited(parent, frozenset(fields) if fields else None, rows)
    if not event.contains(model, "after_insert", _after_insert):
        event.listen(model, "after_insert", _after_insert)
        event.listen(model, "after_delete", _after_delete)


def _register_public_record() -> None:
    from portal import models as m

    audited(m.SchoolPlan)
    audited(m.Goal, ("plan_id", m.SchoolPlan))
    audited(m.Strategy, ("goal_id", m.Goal))
    audited(m.PlanAction, ("strategy_id", m.Strategy))
    audited(m.Investment, ("plan_id", m.SchoolPlan))
    audited(m.BudgetLine, ("investment_id", m.Investment))
    audited(m.PlanReviewComment, ("plan_id", m.SchoolPlan))
    audited(m.FundingStream)
    audited(m.AllocationScenario)
    audited(m.Committee)
    audited(m.CommitteeMember, ("committee_id", m.Committee))
    audited(m.Meeting, ("committee_id", m.Committee))
    audited(m.AgendaItem, ("meeting_id", m.Meeting))
    audited(m.Motion, ("meeting_id", m.Meeting))
    audited(m.MotionVote, ("motion_id", m.Motion))
    audited(m.MeetingDocument, ("meeting_id", m.Meeting))
    audited(m.MinutesVersion, ("meeting_id", m.Meeting))
    audited(m.MinutesAmendment, ("minutes_id", m.MinutesVersion))
    audited(m.Bulletin, fields={"status", "publish_at", "published_at"}, rows=False)
    audited(m.Survey, fields={"state", "opens_at", "closes_at", "results_public"}, rows=False)
    audited(
        m.ReadinessAssessment, fields={"public_summary_published", "public_summary"}, rows=False
    )
    audited(
        m.Feedback,
        fields={"visibility", "hidden_reason", "status", "answer", "what_changed"},
        rows=False,
    )


def install(app) -> None:
    """Register the registry and the session listeners (once per process), and the request
    hook that names the signed-in user as the actor of automatic entries."""
    if not AUDITED:
        _register_public_record()
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_flush_postexec", _after_flush_postexec)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_transaction_end", _after_transaction_end)


def set_actor(session, actor) -> None:
    """Name who automatic entries are by: a user, a callable returning one, or None (the
    system). The web layer calls this per request; the CLI and the scheduler leave it None."""
    session.info[ACTOR] = actor


# --- reading a row ------------------------------------------------------------------------


def _table(model) -> str:
    return model.__tablename__


def _plain(value):
    """A JSON-safe copy of a column value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return str(value)


def _columns(obj, spec: Audited):
    for prop in obj.__mapper__.column_attrs:
        key = prop.key
        if key == "id" or key in NEVER_COPIED:
            continue
        if spec.fields is not None and key not in spec.fields:
            continue
        if any(isinstance(col.type, LargeBinary) for col in prop.columns):
            continue
        yield key


def _values(obj, spec: Audited) -> dict:
    """The row's loaded values (never loads one: a server default not read back is left out)."""
    state = orm_attributes.instance_dict(obj)
    return {
        key: _plain(state[key])
        for key in _columns(obj, spec)
        if key in state and state[key] is not None and not isinstance(state[key], bytes)
    }


def _updated_fields(obj, spec: Audited) -> dict:
    state = db.inspect(obj)
    fields = {}
    for key in _columns(obj, spec):
        history = state.attrs[key].history
        if not history.added and not history.deleted:
            continue
        before = _plain(history.deleted[0]) if history.deleted else None
        after = _plain(history.added[0]) if history.added else None
        if isinstance(before, bytes) or isinstance(after, bytes) or before == after:
            continue
        fields[key] = [before, after]
    return fields


def _own_place(obj):
    """(school_id, district_id) the row itself says, and whether it says anything."""
    from portal.models import District, School

    if isinstance(obj, School):
        return obj.id, obj.district_id, True
    if isinstance(obj, District):
        return None, obj.id, True
    has_school = "school_id" in obj.__mapper__.column_attrs
    has_district = "district_id" in obj.__mapper__.column_attrs
    if not (has_school or has_district):
        return None, None, False
    state = orm_attributes.instance_dict(obj)
    return state.get("school_id"), state.get("district_id"), True


def _in_session(session, model, row_id):
    """The row if the session holds it loaded, without a query."""
    if model is None or row_id is None:
        return None
    obj = session.identity_map.get(db.inspect(model).identity_key_from_primary_key((row_id,)))
    if obj is None or db.inspect(obj).expired:
        return None
    return obj


def _ancestors(session, obj) -> list[tuple[str, int]]:
    """(type, id) of the row's parents, as far up as the session holds them (no query)."""
    keys = []
    seen = 0
    while obj is not None and seen < 6:
        spec = AUDITED.get(type(obj))
        if spec is None or spec.parent is None:
            break
        column, model = spec.parent
        parent_id = orm_attributes.instance_dict(obj).get(column)
        if parent_id is None:
            break
        keys.append((_table(model), parent_id))
        obj = _in_session(session, model, parent_id)
        seen += 1
    return keys


def _place_ref(obj):
    """Where the row belongs: ("known", school, district), or the parent row to ask."""
    school_id, district_id, says = _own_place(obj)
    if says:
        return ("known", school_id, district_id)
    spec = AUDITED.get(type(obj))
    if spec and spec.parent:
        column, model = spec.parent
        return (model, orm_attributes.instance_dict(obj).get(column))
    return ("known", None, None)


# --- collecting changes ---------------------------------------------------------------------


def _collect(session, obj, op: str, fields: dict) -> None:
    if not fields and op == "updated":
        return
    key = (_table(type(obj)), obj.id)
    pending = session.info.setdefault(PENDING, {})
    earlier = pending.get(key)
    if earlier is None:
        pending[key] = {
            "type": key[0],
            "id": key[1],
            "op": op,
            "fields": fields,
            "parents": _ancestors(session, obj),
            "place": _place_ref(obj),
            "seq": session.info.get(SEQ, 0),
        }
        return
    earlier["seq"] = session.info.get(SEQ, 0)
    # The same row changed again in this transaction: keep the first before, the last after.
    merged = earlier["fields"]
    for name, (before, after) in fields.items():
        merged[name] = [merged[name][0] if name in merged else before, after]
    if op == "deleted":
        if earlier["op"] == "created":
            del pending[key]  # made and removed before anyone could see it
            return
        earlier["op"] = "deleted"
        earlier["fields"] = {
            name: [pair[0], None] for name, pair in merged.items() if pair[0] is not None
        }
    earlier["fields"] = {n: p for n, p in earlier["fields"].items() if p[0] != p[1]}
    if earlier["op"] == "updated" and not earlier["fields"]:
        del pending[key]


def _after_insert(_mapper, _connection, obj):
    session = object_session(obj)
    spec = AUDITED.get(type(obj))
    if session is None or spec is None or not spec.rows:
        return
    values = _values(obj, spec)
    _collect(session, obj, "created", {name: [None, value] for name, value in values.items()})


def _after_delete(_mapper, _connection, obj):
    # Rows an ORM cascade deletes never pass through before_flush's session.deleted.
    session = object_session(obj)
    spec = AUDITED.get(type(obj))
    if session is None or spec is None or not spec.rows:
        return
    if (type(obj), obj.id) in session.info.get(SEEN_DELETES, set()):
        return
    _collect(session, obj, "deleted", {n: [v, None] for n, v in _values(obj, spec).items()})


def _claim(session, entry) -> None:
    """Move the pending changes of the entry's object into the entry, and those of its children
    made since the named entry before it (the demo makes a plan's goals long before the vote
    that approves it: "plan.approved" does not take them)."""
    pending = session.info.get(PENDING)
    if not pending:
        return
    since = session.info.get(SINCE, {}).get(entry, 0)
    key = (entry.object_type, entry.object_id)
    mine = [
        k
        for k, change in pending.items()
        if k == key or (key in change["parents"] and change["seq"] >= since)
    ]
    if not mine:
        return
    detail = dict(entry.detail or {})
    changes = list(detail.get("changes", []))
    for k in mine:
        change = pending.pop(k)
        changes.append({name: change[name] for name in ("type", "id", "op", "fields")})
    detail["changes"] = changes
    entry.detail = detail


def claim_for(entry) -> None:
    """Called by record_audit: the new entry takes the changes earlier flushes collected; what
    is collected from now on belongs to the next named entry (or to this one, if flushed with
    it)."""
    session = db.session()
    seq = session.info.get(SEQ, 0)
    session.info.setdefault(SINCE, {})[entry] = seq
    _claim(session, entry)
    session.info[SEQ] = seq + 1


def _before_flush(session, _flush_context, _instances):
    from portal.models import AuditEntry

    seen = session.info.setdefault(SEEN_DELETES, set())
    for obj in session.dirty:
        spec = AUDITED.get(type(obj))
        if spec is not None and obj not in session.deleted:
            _collect(session, obj, "updated", _updated_fields(obj, spec))
    for obj in session.deleted:
        spec = AUDITED.get(type(obj))
        if spec is not None and spec.rows:
            seen.add((type(obj), obj.id))
            values = _values(obj, spec)
            _collect(session, obj, "deleted", {n: [v, None] for n, v in values.items()})
    entries = [obj for obj in session.new if isinstance(obj, AuditEntry)]
    if entries and any(_records_rows(obj) for obj in session.new):
        # A named entry flushed with the rows it made (a member added to a committee): the
        # rows get their ids in this flush, so the entry waits for the next one and takes
        # their changes then (after_flush_postexec).
        for entry in entries:
            session.expunge(entry)
        session.info.setdefault(DEFERRED, []).extend(entries)
        return
    for entry in entries:
        _claim(session, entry)
    _place_entries(session, [e for e in entries if e.school_id is None and e.district_id is None])


def _records_rows(obj) -> bool:
    spec = AUDITED.get(type(obj))
    return spec is not None and spec.rows


def _after_flush(session, _flush_context):
    session.info.pop(SEEN_DELETES, None)


def _after_flush_postexec(session, _flush_context):
    for entry in session.info.pop(DEFERRED, []):
        _claim(session, entry)
        session.add(entry)


def _before_commit(session):
    """Write what no named entry claimed: one entry per changed row, in the commit's flush."""
    from portal.models import AuditEntry

    if session.in_nested_transaction():
        return  # a savepoint: the named entry usually follows it (a vote stored in one)
    session.flush()  # what is still unflushed is read now, and claimed by its named entry
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    actor = session.info.get(ACTOR)
    actor = actor() if callable(actor) else actor
    user_id = actor.id if actor is not None and actor.is_authenticated else None
    changes = list(pending.values())
    places = _resolve(session, [c["place"] for c in changes])
    now = utcnow()
    rows = []
    for change in changes:
        school_id, district_id = places[_ref_key(change["place"])]
        rows.append(
            {
                "at": now,
                "user_id": user_id,
                "action": f"{change['type']}.{change['op']}",
                "object_type": change["type"],
                "object_id": change["id"],
                "detail": {"changes": [{k: change[k] for k in ("type", "id", "op", "fields")}]},
                "school_id": school_id,
                "district_id": district_id,
            }
        )
    # One executemany for them all (nothing needs their ids back).
    session.execute(insert(AuditEntry.__table__), rows)


def _forget(session):
    session.info.pop(PENDING, None)
    session.info.pop(DEFERRED, None)
    session.info.pop(SEQ, None)
    session.info.pop(SINCE, None)
    session.info.pop(SEEN_DELETES, None)


def _after_transaction_end(session, transaction):
    # Committed or rolled back, the whole transaction (a savepoint's end keeps what the
    # transaction collected: a vote stored in a savepoint waits for its named entry).
    if transaction.parent is None:
        _forget(session)


# --- where an entry belongs -----------------------------------------------------------------


def _ref_key(ref):
    return ref if ref[0] == "known" else (ref[0], ref[1])


def _place_entries(session, entries) -> None:
    """Named entries: the school and district of the object they name."""
    if not entries:
        return
    tables = {m.class_.__tablename__: m.class_ for m in db.Model.registry.mappers}
    refs = [(tables.get(e.object_type), e.object_id) for e in entries]
    places = _resolve(session, refs)
    for entry, ref in zip(entries, refs, strict=True):
        entry.school_id, entry.district_id = places[_ref_key(ref)]


def _resolve(session, refs) -> dict:
    """{ref: (school_id, district_id)} for ("known", s, d) and (model, id) refs, walking up
    parents through the session's rows and reading the missing ones one query per model."""
    from portal.models import School

    result = {}
    # For each (model, id) ref still open: [school, district, (model, id) to ask next].
    open_refs = {}
    for ref in refs:
        key = _ref_key(ref)
        if ref[0] == "known":
            result[key] = (ref[1], ref[2])
        elif ref[0] is None or ref[1] is None:
            result[key] = (None, None)
        else:
            open_refs[key] = [None, None, key]
    held = []  # rows read here stay referenced until the walk ends (the identity map is weak)
    with session.no_autoflush:
        for _ in range(8):
            if not open_refs:
                break
            missing = defaultdict(set)
            for _s, _d, (model, row_id) in open_refs.values():
                if _in_session(session, model, row_id) is None:
                    missing[model].add(row_id)
            for model, ids in missing.items():
                held.extend(session.scalars(select(model).where(model.id.in_(ids))))
            for key, walk in list(open_refs.items()):
                obj = _in_session(session, *walk[2])
                if obj is None:
                    result[key] = (walk[0], walk[1])
                    del open_refs[key]
                    continue
                school_id, district_id, says = _own_place(obj)
                walk[0] = walk[0] or school_id
                walk[1] = walk[1] or district_id
                if walk[1] is not None or (says and walk[0] is None):
                    result[key] = (walk[0], walk[1])
                    del open_refs[key]
                elif says:  # a school's row: its district is the school's
                    walk[2] = (School, walk[0])
                else:
                    ref = _place_ref(obj)
                    if ref[0] == "known" or ref[1] is None:
                        result[key] = (walk[0], walk[1])
                        del open_refs[key]
                    else:
                        walk[2] = (ref[0], ref[1])
    for key, walk in open_refs.items():
        result[key] = (walk[0], walk[1])
    return result
