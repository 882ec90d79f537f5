"""Every change to the public record lands in the audit log, field by field, without each
service remembering to say so.

How it works (installed once by `install()`, from create_app):

- A registry (`audit_rows.AUDITED`, extended with `audited()`) names the models of the public
  record: the plan and its goals, strategies, actions, investments, budget lines and review
  comments; funding streams and allocation scenarios; committees, rosters, meetings, agendas,
  motions, votes, minutes and their amendments. (Schools, accounts and calendar events keep
  their named entries only.) For models that are public only once published (bulletins,
  surveys, the readiness summary, public comments) only the publishing fields are watched, and
  creating or deleting a draft is not an entry.
- Updates are read from SQLAlchemy's attribute history in the session's `before_flush` (before
  the flush resets it): each changed column as [before, after]. JSON and translated fields are
  compared whole; binary columns (pictures, documents) are never copied; `created_at`,
  `updated_at` and derived search text are left out. Inserts are read in the mapper's
  `after_insert` (the row has its id by then), deletes in `before_flush` and, for rows deleted
  by an ORM cascade, in `after_delete`. Nothing here loads a row: values come from the object
  in hand.
- A service's own `record_audit(actor, "vote.cast", ...)` stays the entry for a named action.
  The changes of the entry's object, and of its children (a vote of the motion, a member of the
  committee, a goal of the plan) made since the named entry before it, go into that entry under
  detail["changes"], not into a second entry that says the same thing. An entry flushed with
  the new rows it names waits for the next flush, when they have ids (`after_flush_postexec`).
  What no named entry claims is written at the commit, one entry per row ("investment.updated"),
  in one executemany INSERT (200 investments edited at once: 1 UPDATE without capture; 1 UPDATE,
  2 parent reads and 1 INSERT with it). A savepoint's commit writes nothing (the named entry of
  a vote stored in one follows it).
- Who: a named entry names its `actor`; an automatic one names `db.session.info["actor"]`, which
  create_app's request hook sets to the signed-in user. Outside a request (the CLI, the demo
  loader, the scheduler, a test calling a service) it is None: the system.
- Where: school_id and district_id of the row, from its parents (portal.services.audit_rows).
- Never audited: the audit log itself, sign-in sessions and attempts, the e-mail outbox, survey
  responses (anonymous by construction), anything not in the registry, and bulk UPDATE/DELETE
  statements (they bypass the ORM; the public record's services use the ORM). A rolled-back
  transaction drops what it collected: the log says only what was committed.
"""

from sqlalchemy import event, insert
from sqlalchemy.orm import Session, object_session

from portal.extensions import db
from portal.models.base import utcnow
from portal.services import audit_rows as reading

PENDING = "audit_pending"  # session.info: {(type, id): change} not yet in an entry
SEQ = "audit_seq"  # session.info: how many named entries this transaction has recorded
SINCE = "audit_since"  # session.info: {named entry: SEQ when it was recorded}
DEFERRED = "audit_deferred"  # session.info: named entries waiting for their rows' ids
SEEN_DELETES = "audit_seen_deletes"  # session.info: deletes read in this flush's before_flush
ACTOR = "actor"  # session.info: the acting user, a zero-argument callable returning it, or None


def audited(model, parent: tuple[str, type] | None = None, fields=None, rows: bool = True):
    """Add `model` to the audit registry (call at import time, before the app serves)."""
    reading.AUDITED[model] = reading.Audited(parent, frozenset(fields) if fields else None, rows)
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
    """Fill the registry and register the session listeners (once per process)."""
    if not reading.AUDITED:
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


# --- collecting changes ---------------------------------------------------------------------


def _collect(session, obj, op: str, fields: dict) -> None:
    if not fields and op == "updated":
        return
    key = (reading.table(type(obj)), obj.id)
    pending = session.info.setdefault(PENDING, {})
    earlier = pending.get(key)
    if earlier is None:
        pending[key] = {
            "type": key[0],
            "id": key[1],
            "op": op,
            "fields": fields,
            "parents": reading.ancestors(session, obj),
            "place": reading.place_ref(obj),
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
    spec = reading.AUDITED.get(type(obj))
    if session is None or spec is None or not spec.rows:
        return
    values = reading.values(obj, spec)
    _collect(session, obj, "created", {name: [None, value] for name, value in values.items()})


def _after_delete(_mapper, _connection, obj):
    # Rows an ORM cascade deletes never pass through before_flush's session.deleted.
    session = object_session(obj)
    spec = reading.AUDITED.get(type(obj))
    if session is None or spec is None or not spec.rows:
        return
    if (type(obj), obj.id) in session.info.get(SEEN_DELETES, set()):
        return
    _collect(session, obj, "deleted", {n: [v, None] for n, v in reading.values(obj, spec).items()})


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
        spec = reading.AUDITED.get(type(obj))
        if spec is not None and obj not in session.deleted:
            _collect(session, obj, "updated", reading.updated_fields(obj, spec))
    for obj in session.deleted:
        spec = reading.AUDITED.get(type(obj))
        if spec is not None and spec.rows:
            seen.add((type(obj), obj.id))
            values = reading.values(obj, spec)
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
    reading.place_entries(
        session, [e for e in entries if e.school_id is None and e.district_id is None]
    )


def _records_rows(obj) -> bool:
    spec = reading.AUDITED.get(type(obj))
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
    places = reading.resolve(session, [c["place"] for c in changes])
    now = utcnow()
    new_entries = []
    for change in changes:
        school_id, district_id = places[reading.ref_key(change["place"])]
        new_entries.append(
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
    session.execute(insert(AuditEntry.__table__), new_entries)


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
