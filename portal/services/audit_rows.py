"""Reading audited rows for the audit log without loading any: the registry of audited
models (filled by portal.services.audit_capture), a row's values and changed fields as JSON,
its parents as far up as the session holds them, and the school and district it belongs to:
the row's own columns, else its parents' (walked up through the rows the session holds; the
few it does not are read in one query per model for the whole flush).
"""

import enum
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import LargeBinary, select
from sqlalchemy.orm import attributes as orm_attributes

from portal.extensions import db

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


# --- reading a row ------------------------------------------------------------------------


def table(model) -> str:
    return model.__tablename__


def plain(value):
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
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    return str(value)


def columns(obj, spec: Audited):
    for prop in obj.__mapper__.column_attrs:
        key = prop.key
        if key == "id" or key in NEVER_COPIED:
            continue
        if spec.fields is not None and key not in spec.fields:
            continue
        if any(isinstance(col.type, LargeBinary) for col in prop.columns):
            continue
        yield key


def values(obj, spec: Audited) -> dict:
    """The row's loaded values (never loads one: a server default not read back is left out)."""
    state = orm_attributes.instance_dict(obj)
    return {
        key: plain(state[key])
        for key in columns(obj, spec)
        if key in state and state[key] is not None and not isinstance(state[key], bytes)
    }


def updated_fields(obj, spec: Audited) -> dict:
    state = db.inspect(obj)
    fields = {}
    for key in columns(obj, spec):
        history = state.attrs[key].history
        if not history.added and not history.deleted:
            continue
        before = plain(history.deleted[0]) if history.deleted else None
        after = plain(history.added[0]) if history.added else None
        if isinstance(before, bytes) or isinstance(after, bytes) or before == after:
            continue
        fields[key] = [before, after]
    return fields


def own_place(obj):
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


def in_session(session, model, row_id):
    """The row if the session holds it loaded, without a query."""
    if model is None or row_id is None:
        return None
    obj = session.identity_map.get(db.inspect(model).identity_key_from_primary_key((row_id,)))
    if obj is None or db.inspect(obj).expired:
        return None
    return obj


def ancestors(session, obj) -> list[tuple[str, int]]:
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
        keys.append((table(model), parent_id))
        obj = in_session(session, model, parent_id)
        seen += 1
    return keys


def place_ref(obj):
    """Where the row belongs: ("known", school, district), or the parent row to ask."""
    school_id, district_id, says = own_place(obj)
    if says:
        return ("known", school_id, district_id)
    spec = AUDITED.get(type(obj))
    if spec and spec.parent:
        column, model = spec.parent
        return (model, orm_attributes.instance_dict(obj).get(column))
    return ("known", None, None)


# --- where an entry belongs -----------------------------------------------------------------


def ref_key(ref):
    return ref if ref[0] == "known" else (ref[0], ref[1])


def place_entries(session, entries) -> None:
    """Named entries: the school and district of the object they name."""
    if not entries:
        return
    tables = {m.class_.__tablename__: m.class_ for m in db.Model.registry.mappers}
    refs = [(tables.get(e.object_type), e.object_id) for e in entries]
    places = resolve(session, refs)
    for entry, ref in zip(entries, refs, strict=True):
        entry.school_id, entry.district_id = places[ref_key(ref)]


def resolve(session, refs) -> dict:
    """{ref: (school_id, district_id)} for ("known", s, d) and (model, id) refs, walking up
    parents through the session's rows and reading the missing ones one query per model."""
    from portal.models import School

    result = {}
    # For each (model, id) ref still open: [school, district, (model, id) to ask next].
    open_refs = {}
    for ref in refs:
        key = ref_key(ref)
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
                if in_session(session, model, row_id) is None:
                    missing[model].add(row_id)
            for model, ids in missing.items():
                held.extend(session.scalars(select(model).where(model.id.in_(ids))))
            for key, walk in list(open_refs.items()):
                obj = in_session(session, *walk[2])
                if obj is None:
                    result[key] = (walk[0], walk[1])
                    del open_refs[key]
                    continue
                school_id, district_id, says = own_place(obj)
                walk[0] = walk[0] or school_id
                walk[1] = walk[1] or district_id
                if walk[1] is not None or (says and walk[0] is None):
                    result[key] = (walk[0], walk[1])
                    del open_refs[key]
                elif says:  # a school's row: its district is the school's
                    walk[2] = (School, walk[0])
                else:
                    ref = place_ref(obj)
                    if ref[0] == "known" or ref[1] is None:
                        result[key] = (walk[0], walk[1])
                        del open_refs[key]
                    else:
                        walk[2] = (ref[0], ref[1])
    for key, walk in open_refs.items():
        result[key] = (walk[0], walk[1])
    return result
