#!/usr/bin/env python
"""Generate a district at a chosen scale for the HTTP benchmark, onto SQLite or PostgreSQL.

    bench/make_district.py --scale small|medium|lausd [--schools N --students N
        --responses N --years N] [--seed 1] [--database-url URL] [--replace]

How it is built, so that every row is one the app could have written:

1. The Alembic migrations run on an empty database (a non-empty one is refused without
   --replace, which drops everything first).
2. The demo district is loaded through the real services (portal/demo): nine schools, two school
   years, the weighted student formula, funding streams, staff roles and salaries, plans with
   goals, strategies, investments, positions and budget lines, shared and approved plans with
   their snapshots, site councils with members, meetings with agendas, motions, votes and
   minutes, bulletins, the readiness survey and assessment, feedback with answers, calendars.
3. Older school years are copies of the current one, every date moved back by whole weeks.
4. The other schools are copies of the demo's schools that have plans (most with a site
   council), each copy remapping every key, with its own name, level, enrolment and short link;
   one school in 25 gets a plan of 80 investments (same total). Copies are bulk inserts.
5. Bulletins: copies of the demo's, a few per month over the years, translations included.
6. Survey responses: bulk inserts (COPY on PostgreSQL) into this year's open survey, across
   schools (by enrolment), roles, languages and channels, with `survey_tally` counted from the
   very rows written, exactly as services/surveys.py bumps it per response.
7. A self-check prints row counts and verifies the invariants (tallies = answers, enrolment sums
   to the students, allocations fit the money, budget lines sum to their investment).

`build(database_url, scale, seed)` does all of it from Python; `sample_urls(database_url)`
names the pages worth measuring.
"""

import argparse
import math
import os
import random
import sys
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, insert, inspect, or_, select, text  # noqa: E402

from bench.district_data import (  # noqa: E402
    DESCRIPTIONS,
    LEVELS,
    NAMES,
    PLACES,
    SCALES,
    STREETS,
)

LANGUAGE_WEIGHTS = [("en", 46), ("es", 34), ("zh_Hans", 8), ("vi", 7), ("ar", 5)]
ROLE_WEIGHTS = [
    ("parent", 50),
    ("teacher", 18),
    ("staff", 8),
    ("student", 10),
    ("community", 9),
    ("principal", 2),
    ("district", 3),
]
CHANNEL_WEIGHTS = [("online", 80), ("paper", 14), ("meeting", 6)]
AREA_LEAN = {
    "transparency": 2.3,
    "engagement": 2.6,
    "autonomy": 2.7,
    "innovation": 2.6,
    "equity": 2.4,
    "efficiency": 2.5,
}
COMMENTS = {
    "en": "Please share the budget earlier so the council has time to discuss it.",
    "es": "Por favor compartan el presupuesto antes para que el consejo pueda hablarlo.",
    "zh_Hans": "希望能更早公布预算，让委员会有时间讨论。",
    "vi": "Xin công bố ngân sách sớm hơn để hội đồng có thời gian thảo luận.",
    "ar": "نرجو نشر الميزانية مبكرًا حتى يتسنى للمجلس مناقشتها.",
}
# Rows the copies leave out: people, sessions, mail, audit and notices belong to what happened
# in the demo, not to a school's shape; survey rows are generated in bulk below.
NOT_COPIED = {
    "account_token",
    "answer_watch",
    "audit_entry",
    "district_import",
    "document_job",
    "enrollment_import",
    "follow",
    "login_session",
    "notice",
    "notice_delivery",
    "notice_preference",
    "outbox_message",
    "paper_sheet_use",
    "prior_allocation_import",
    "rate_limit_counter",
    "recovery_code",
    "role_grant",
    "sign_in_attempt",
    "subscriber",
    "survey",
    "survey_access_code",
    "survey_answer",
    "survey_dropped_submission",
    "survey_item",
    "survey_response",
    "survey_school",
    "survey_submission_receipt",
    "survey_tally",
    "two_factor_secret",
}
FEEDBACK_TARGETS = {"goal": "goal", "investment": "investment", "agenda_item": "agenda_item"}
SHORT_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
WEEK_DAYS_PER_YEAR = 364  # older years move back whole weeks: meetings keep their weekday
CHUNK = 5_000
SURVEY_CHUNK = 50_000


def scale_figures(scale: str, **overrides) -> dict:
    """The figures of a named scale, with any given override (None keeps the scale's)."""
    schools, students, responses, years = SCALES[scale]
    figures = {"schools": schools, "students": students, "responses": responses, "years": years}
    figures.update({k: v for k, v in overrides.items() if v is not None})
    return figures


def default_url(scale: str) -> str:
    """DATABASE_URL, else a SQLite file under instance/."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    path = ROOT / "instance" / f"bench-{scale}.sqlite3"
    path.parent.mkdir(exist_ok=True)
    return f"sqlite:///{path}"


def make_app(database_url: str, **config):
    """The portal on `database_url` (cheap password hashing: the demo accounts only)."""
    from portal import create_app

    # The whole-page cache is off while building: nothing has been served yet, and its
    # invalidation writes on a second connection, which waits on SQLite's lock held here.
    settings = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PASSWORD_ARGON2_COST": (1, 64, 1),
        "PAGE_CACHE_ENABLED": False,
    }
    settings.update(config)
    return create_app(settings)


class Stages:
    """Times each stage and prints it as it ends."""

    def __init__(self, out):
        self.out, self.times = out, {}

    @contextmanager
    def stage(self, name: str):
        start = time.perf_counter()
        self.out(f"[{name}] ...")
        yield
        self.times[name] = round(time.perf_counter() - start, 2)
        self.out(f"[{name}] {self.times[name]:.1f} s")


# -- the empty database ----------------------------------------------------------------------


def _prepare_database(url: str, replace: bool) -> None:
    """Refuse a database that holds anything, or drop everything with `replace`."""
    engine = create_engine(url)
    try:
        names = inspect(engine).get_table_names()
        filled = False
        if names:
            with engine.connect() as conn:
                filled = "district" not in names or bool(
                    conn.execute(text("SELECT count(*) FROM district")).scalar()
                )
        if filled and not replace:
            raise SystemExit(f"{url} is not empty: pass --replace to drop everything in it first")
        if names:
            if engine.dialect.name == "postgresql":
                with engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE"))
                    conn.execute(text("CREATE SCHEMA public"))
            else:
                with engine.begin() as conn:
                    conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                    for name in names:
                        conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}"')
    finally:
        engine.dispose()


# -- copying rows ----------------------------------------------------------------------------


class Copier:
    """Copies a row and everything below it (every row that points at a copied row, down the
    foreign keys), with new ids and every key remapped; ids are handed out here so one
    transaction can insert many copies at once."""

    def __init__(self, db, rng: random.Random):
        self.db, self.rng = db, rng
        self.tables = [t for t in db.metadata.sorted_tables if t.name not in NOT_COPIED]
        self.by_name = {t.name: t for t in db.metadata.sorted_tables}
        self.next_id: dict[str, int] = {}

    def new_id(self, table: str) -> int:
        if table not in self.next_id:
            query = f'SELECT max(id) FROM "{table}"'  # noqa: S608 - a name from the metadata
            top = self.db.session.execute(text(query)).scalar()
            self.next_id[table] = (top or 0) + 1
        self.next_id[table] += 1
        return self.next_id[table] - 1

    def pick(self, root: str, ids) -> dict[str, list[dict]]:
        """The rows under root rows `ids`, table by table, parents first."""
        session = self.db.session
        root_table = self.by_name[root]
        picked = {
            root: [
                dict(r._mapping)
                for r in session.execute(select(root_table).where(root_table.c.id.in_(ids)))
            ]
        }
        keys = {root: set(ids)}
        for table in self.tables:
            if table.name == root:
                continue
            conds = [
                fk.parent.in_(keys[fk.column.table.name])
                for fk in table.foreign_keys
                if fk.column.table.name in keys and fk.column.table.name != table.name
            ]
            if not conds:
                continue
            rows = [dict(r._mapping) for r in session.execute(select(table).where(or_(*conds)))]
            # A row belongs to the copy only when every copied parent it is deleted with
            # (ON DELETE CASCADE) is in the copy too: minutes approved at a copied meeting but
            # written for another one stay where they are.
            owners = [
                (fk.parent.name, keys[fk.column.table.name])
                for fk in table.foreign_keys
                if fk.ondelete == "CASCADE" and fk.column.table.name in keys
            ]
            rows = [r for r in rows if all(r[c] is None or r[c] in ids_ for c, ids_ in owners)]
            if rows:
                picked[table.name] = rows
                if "id" in table.c:
                    keys[table.name] = {r["id"] for r in rows}
        return picked

    def copy(self, picked, root: str, old_root: int, root_values: dict, shift_days: int = 0):
        """One copy of `picked` under a new root row (its columns overridden by `root_values`).
        Returns ({table: new rows}, {table: {old id: new id}})."""
        maps: dict[str, dict[int, int]] = {}
        out: dict[str, list[dict]] = {}
        shift = timedelta(days=shift_days)
        for name, rows in picked.items():
            table = self.by_name[name]
            if "id" in table.c:
                maps[name] = {r["id"]: self.new_id(name) for r in rows}
        for name, rows in picked.items():
            table = self.by_name[name]
            fks = [(fk.parent.name, fk.column.table.name) for fk in table.foreign_keys]
            copies = []
            for row in rows:
                new = dict(row)
                if name in maps:
                    new["id"] = maps[name][row["id"]]
                for column, parent in fks:
                    value = new[column]
                    if value is None:
                        continue
                    if parent in maps and value in maps[parent]:
                        new[column] = maps[parent][value]
                    elif parent == name:
                        new[column] = None  # a link to a row outside the copy (a plan's source)
                if shift_days:
                    for column, value in new.items():
                        if isinstance(value, date):
                            new[column] = value - shift
                if name == root and row["id"] == old_root:
                    new.update(root_values)
                copies.append(new)
            out[name] = copies
        self._fix(out, maps)
        return out, maps

    def _fix(self, out, maps) -> None:
        """Keys kept inside values: a meeting's present members, minutes sections by agenda
        item, a comment's target; and unique event ids."""
        members = maps.get("committee_member", {})
        items = maps.get("agenda_item", {})
        for row in out.get("calendar_event", []):
            row["uid"] = f"{self.rng.getrandbits(128):032x}"
        for row in out.get("meeting", []):
            if row.get("present_member_ids"):
                row["present_member_ids"] = [members.get(m, m) for m in row["present_member_ids"]]
        for row in out.get("minutes_version", []):
            if isinstance(row.get("sections"), dict):
                row["sections"] = {
                    str(items.get(int(k), k)) if str(k).isdigit() else k: v
                    for k, v in row["sections"].items()
                }
        for row in out.get("feedback", []):
            target = maps.get(FEEDBACK_TARGETS.get(row["target_type"], ""), {})
            row["target_id"] = target.get(row["target_id"], row["target_id"])

    def insert(self, rows_by_table: dict[str, list[dict]]) -> None:
        """Bulk-insert copies, parents first."""
        for table in self.db.metadata.sorted_tables:
            rows = rows_by_table.get(table.name)
            for start in range(0, len(rows or ()), CHUNK):
                self.db.session.execute(insert(table), rows[start : start + CHUNK])


def _merge(into: dict, more: dict) -> None:
    for name, rows in more.items():
        into.setdefault(name, []).extend(rows)


# -- stages ----------------------------------------------------------------------------------


def _demo(db, scale: str):
    from portal.demo import load_demo
    from portal.models import District

    load_demo()
    district = db.session.scalars(select(District)).one()
    district.name = f"Bench Unified ({scale})"
    district.region = "US"
    district.timezone = "America/Los_Angeles"
    district.required_locales = ["en", "es", "zh_Hans", "vi", "ar"]
    db.session.commit()
    return district


def _older_years(db, copier, district, years: int) -> list[str]:
    """Copies of the current year's rows, moved back whole weeks, until there are `years`."""
    from portal.models import SchoolYear

    existing = list(
        db.session.scalars(select(SchoolYear).where(SchoolYear.district_id == district.id))
    )
    current = next(y for y in existing if y.is_current)
    made = []
    if len(existing) >= years:
        return made
    picked = copier.pick("school_year", [current.id])
    earliest = min(y.starts_on.year for y in existing)
    for back in range(
        current.starts_on.year - earliest + 1,
        current.starts_on.year - earliest + 1 + years - len(existing),
    ):
        start = current.starts_on.year - back
        label = f"{start}-{str(start + 1)[-2:]}"
        rows, maps = copier.copy(
            picked,
            "school_year",
            current.id,
            {
                "label": label,
                "starts_on": date(start, 7, 1),
                "ends_on": date(start + 1, 6, 30),
                "is_current": False,
            },
            shift_days=WEEK_DAYS_PER_YEAR * back,
        )
        new_year = maps["school_year"][current.id]
        for row in rows.get("plan_version", []):
            if isinstance(row.get("snapshot"), dict):
                row["snapshot"] = {**row["snapshot"], "year": {"id": new_year, "label": label}}
        copier.insert(rows)
        made.append(label)
    db.session.commit()
    return made


def _enrolments(rng, count: int, students: int, levels: list[str]) -> list[int]:
    """Each school's enrolment by its level (a spread around the level's mean), scaled so the
    whole district adds up to `students` exactly."""
    means = {level: mean for level, _s, _share, mean, _g in LEVELS}
    raw = [means[level] * rng.lognormvariate(0, 0.3) for level in levels]
    scale = students / sum(raw)
    exact = [r * scale for r in raw]
    sizes = [max(1, int(e)) for e in exact]
    rest = students - sum(sizes)
    order = sorted(range(count), key=lambda i: exact[i] - int(exact[i]), reverse=True)
    for i in range(abs(rest)):
        sizes[order[i % count]] += 1 if rest > 0 else -1
    return sizes


def _school_rows(rng, count: int, taken: set[str]):
    """(name, slug, level, grades, address) for `count` new schools."""
    out = []
    choices = [row for row in LEVELS]
    weights = [row[2] for row in LEVELS]
    for _ in range(count):
        level, suffix, _share, _mean, grades = rng.choices(choices, weights)[0]
        words = (
            rng.choice(NAMES) if rng.random() < 0.5 else f"{rng.choice(NAMES)} {rng.choice(PLACES)}"
        )
        name = f"{words} {suffix}"
        slug = name.lower().replace(" ", "-")
        n = 2
        while slug in taken:
            slug = f"{name.lower().replace(' ', '-')}-{n}"
            n += 1
        if n > 2:
            name = f"{name} {n - 1}"
        taken.add(slug)
        address = f"{rng.randint(100, 9999)} {rng.choice(STREETS)}"
        out.append((name, slug, level, grades, address))
    return out


def _short_codes(db, rng):
    from portal.models import ShortLink

    taken = set(db.session.scalars(select(ShortLink.code)))

    def code():
        while True:
            value = "".join(rng.choice(SHORT_ALPHABET) for _ in range(6))
            if value not in taken:
                taken.add(value)
                return value

    return code


def _rescale_enrolment(rows, new_total: int) -> None:
    old = next((r["pupils"] for r in rows if r["group_key"] == "all"), None)
    for row in rows:
        row["pupils"] = (
            new_total
            if row["group_key"] == "all"
            else (round(row["pupils"] * new_total / old) if old else row["pupils"])
        )


def _long_plan(copier, rows, current_year_id: int, target: int = 80) -> None:
    """Make this copy's current plan one of 80 investments: each investment split into equal
    parts (cents to the last part), so every total stays what it was."""
    plans = {r["id"] for r in rows.get("school_plan", []) if r["school_year_id"] == current_year_id}
    investments = [r for r in rows.get("investment", []) if r["plan_id"] in plans]
    if not investments:
        return
    parts = math.ceil(target / len(investments))
    lines_by = defaultdict(list)
    for line in rows.get("budget_line", []):
        lines_by[line["investment_id"]].append(line)
    new_investments, new_lines = [], []
    for inv in investments:
        cost = inv["cost_cents"]
        lines = lines_by.get(inv["id"], [])
        originals = [(line, line["cents"]) for line in lines]
        inv["cost_cents"] = cost // parts + cost % parts
        for line, cents in originals:
            line["cents"] = cents // parts + cents % parts
        for _ in range(parts - 1):
            twin = dict(inv, id=copier.new_id("investment"), cost_cents=cost // parts)
            new_investments.append(twin)
            for line, cents in originals:
                new_lines.append(
                    dict(
                        line,
                        id=copier.new_id("budget_line"),
                        investment_id=twin["id"],
                        cents=cents // parts,
                    )
                )
    rows["investment"].extend(new_investments)
    rows.setdefault("budget_line", []).extend(new_lines)


def _schools(db, copier, rng, district, figures) -> dict:
    """The district's other schools, copied from the demo schools that have plans."""
    from portal.models import Enrollment, PriorAllocation, School, SchoolPlan, SchoolYear, ShortLink

    demo = list(db.session.scalars(select(School).order_by(School.id)))
    current = db.session.scalars(select(SchoolYear).where(SchoolYear.is_current)).one()
    with_plans = sorted(set(db.session.scalars(select(SchoolPlan.school_id))))
    with_council = set(
        db.session.scalars(text("SELECT school_id FROM committee WHERE school_id IS NOT NULL"))
    )
    # Two in three copies come from a school with a site council.
    templates = [s for s in with_plans if s in with_council] * 2 + [
        s for s in with_plans if s not in with_council
    ]
    total = max(figures["schools"], len(demo))
    new_count = total - len(demo)
    new_schools = _school_rows(rng, new_count, {s.slug for s in demo})
    levels = [s.level for s in demo] + [row[2] for row in new_schools]
    sizes = _enrolments(rng, total, figures["students"], levels)
    demo_sizes = {s.id: s.enrollment for s in demo}

    def template_size_of(school):
        return demo_sizes[school.id]

    # The demo schools take their share of the students too.
    for school, size in zip(demo, sizes, strict=False):
        rows = [
            {"group_key": e.group_key, "pupils": e.pupils, "obj": e}
            for e in db.session.scalars(select(Enrollment).where(Enrollment.school_id == school.id))
        ]
        _rescale_enrolment(rows, size)
        for row in rows:
            row["obj"].pupils = row["pupils"]
        for prior in db.session.scalars(
            select(PriorAllocation).where(PriorAllocation.school_id == school.id)
        ):
            prior.cents = round(prior.cents * size / school.enrollment)
        school.enrollment = size
    # The money grows with the students, so the formula's floors fit as they did in the demo.
    factor = max(1.0, figures["students"] / sum(template_size_of(s) for s in demo))
    db.session.execute(
        text("UPDATE funding_stream SET revenue_cents = CAST(revenue_cents * :f AS BIGINT)"),
        {"f": factor},
    )
    db.session.commit()
    picked = {t: copier.pick("school", [t]) for t in templates}
    template_size = {s.id: s.enrollment for s in demo}
    code = _short_codes(db, rng)
    batch: dict[str, list[dict]] = {}
    long_plans = 0
    for index, (name, slug, level, grades, address) in enumerate(new_schools):
        template = templates[index % len(templates)]
        size = sizes[len(demo) + index]
        rows, maps = copier.copy(
            picked[template],
            "school",
            template,
            {
                "name": name,
                "slug": slug,
                "level": level,
                "grades": grades,
                "address": address,
                "enrollment": size,
                "description": {k: v.format(n=size) for k, v in DESCRIPTIONS.items()},
            },
        )
        school_id = maps["school"][template]
        by_year = defaultdict(list)
        for row in rows.get("enrollment", []):
            by_year[row["school_year_id"]].append(row)
        for year_rows in by_year.values():
            _rescale_enrolment(year_rows, size)
        for row in rows.get("prior_allocation", []):
            row["cents"] = round(row["cents"] * size / template_size[template])
        for row in rows.get("plan_version", []):
            if isinstance(row.get("snapshot"), dict):
                school = {"id": school_id, "name": name, "slug": slug}
                row["snapshot"] = {**row["snapshot"], "school": school}
        if index % 25 == 7:
            _long_plan(copier, rows, current.id)
            long_plans += 1
        rows.setdefault("short_link", []).append(
            {"code": code(), "kind": "school", "target_id": school_id}
        )
        _merge(batch, rows)
        if (index + 1) % 50 == 0:
            copier.insert(batch)
            db.session.commit()
            batch = {}
    copier.insert(batch)
    db.session.commit()
    del ShortLink
    return {"schools": total, "copied": new_count, "plans_of_80": long_plans}


def _bulletins(db, copier, rng, district, figures) -> int:
    """A few bulletins a month over the years, copied from the demo's published ones."""
    from portal.models import Bulletin, SchoolYear

    published = list(
        db.session.scalars(
            select(Bulletin).where(Bulletin.status == "published").order_by(Bulletin.id)
        )
    )
    if not published:
        return 0
    first = db.session.scalar(select(func.min(SchoolYear.starts_on)))
    per_month = max(2, min(12, figures["schools"] // 80))
    picked = {b.id: copier.pick("bulletin", [b.id]) for b in published}
    code = _short_codes(db, rng)
    now = datetime.now(UTC)
    month = datetime(first.year, first.month, 1, 16, tzinfo=UTC)
    batch, made = {}, 0
    while month < now - timedelta(days=40):
        for k in range(per_month):
            template = published[(made + k) % len(published)]
            when = month + timedelta(days=rng.randint(0, 27), minutes=rng.randint(0, 300))
            stamp = when.strftime("%Y-%m")
            rows, maps = copier.copy(
                picked[template.id],
                "bulletin",
                template.id,
                {
                    "slug": f"{template.slug}-{stamp}-{k + 1}"[:120],
                    "title": {c: f"{t} ({stamp})" for c, t in template.title.items()},
                    "publish_at": when,
                    "published_at": when,
                    "created_at": when - timedelta(days=2),
                    "updated_at": when,
                },
            )
            rows.setdefault("short_link", []).append(
                {"code": code(), "kind": "bulletin", "target_id": maps["bulletin"][template.id]}
            )
            _merge(batch, rows)
        made += per_month
        month = (month + timedelta(days=32)).replace(day=1)
    copier.insert(batch)
    db.session.commit()
    return made


def _cumulative(weighted):
    values = [v for v, _ in weighted]
    total = sum(w for _, w in weighted)
    edges, running = [], 0.0
    for _, w in weighted:
        running += w / total
        edges.append(running)
    return values, edges


def _draw(rng_random, values, edges):
    r = rng_random()
    for value, edge in zip(values, edges, strict=True):
        if r < edge:
            return value
    return values[-1]


def _score_table(lean: float):
    """P(1..4, don't know) around `lean`, as cumulative edges (a rounded normal, 6 % dk)."""
    weights = [math.exp(-((s - lean) ** 2) / (2 * 0.85**2)) for s in (1, 2, 3, 4)]
    total = sum(weights)
    return _cumulative(
        [("dk", 6)] + [(s, 94 * w / total) for s, w in zip((1, 2, 3, 4), weights, strict=True)]
    )


def _survey(db, rng, figures) -> dict:
    """`responses` responses to this year's open survey, and the tallies they add."""
    from portal.models import School, Survey, SurveyTally

    survey = db.session.scalars(select(Survey).where(Survey.slug == "readiness-2026")).one()
    items = list(survey.items)
    schools = list(db.session.execute(select(School.id, School.enrollment)))
    school_values, school_edges = _cumulative([(sid, size) for sid, size in schools])
    roles = _cumulative(ROLE_WEIGHTS)
    languages = _cumulative(LANGUAGE_WEIGHTS)
    channels = _cumulative(CHANNEL_WEIGHTS)
    tables = {}
    for item in items:
        if item.kind == "agreement":
            lean = AREA_LEAN.get(item.area, 2.5)
            tables[item.id] = (_score_table(lean), _score_table(lean + 0.3))
    days = max(1, min(30, (datetime.now(UTC) - survey.opens_at).days))
    first_day = survey.opens_at.date()
    tally = Counter()
    for row in db.session.execute(
        select(SurveyTally).where(SurveyTally.survey_id == survey.id)
    ).scalars():
        key = (
            row.item_id,
            row.respondent_role,
            row.school_id,
            row.language,
            row.channel,
            row.answer,
        )
        tally[key] += row.count
    session = db.session
    postgres = db.engine.dialect.name == "postgresql"
    rnd = rng.random
    total = figures["responses"]
    made_answers = 0
    ids = set()

    def new_id():
        while True:
            value = rng.getrandbits(62) + 1
            if value not in ids:
                ids.add(value)
                return value

    for start in range(0, total, SURVEY_CHUNK):
        responses, answers = [], []
        for n in range(start, min(total, start + SURVEY_CHUNK)):
            school_id = None if rnd() < 0.08 else _draw(rnd, school_values, school_edges)
            role = _draw(rnd, *roles)
            language = _draw(rnd, *languages)
            channel = _draw(rnd, *channels)
            response_id = new_id()
            responses.append(
                (
                    response_id,
                    survey.id,
                    channel,
                    role,
                    school_id,
                    language,
                    first_day + timedelta(days=n % days),
                    None,
                )
            )
            group = (role, school_id or 0, language, channel)
            for item in items:
                if item.kind == "agreement":
                    if rnd() < 0.04:
                        continue
                    values, edges = tables[item.id][language == "en"]
                    value = _draw(rnd, values, edges)
                    if value == "dk":
                        answers.append((new_id(), response_id, item.id, None, True, None, None))
                    else:
                        answers.append((new_id(), response_id, item.id, value, False, None, None))
                    tally[(item.id, *group, str(value))] += 1
                elif item.kind == "choice" and item.options and rnd() < 0.9:
                    choice = item.options[int(rnd() * len(item.options))]["value"]
                    answers.append((new_id(), response_id, item.id, None, False, choice, None))
                    tally[(item.id, *group, f"c:{choice}")] += 1
                elif item.kind == "comment" and rnd() < 0.08:
                    answers.append(
                        (new_id(), response_id, item.id, None, False, None, COMMENTS[language])
                    )
        _write(
            session,
            postgres,
            "survey_response",
            "id, survey_id, channel, respondent_role, school_id, language, submitted_on, "
            "entered_by_id",
            responses,
        )
        _write(
            session,
            postgres,
            "survey_answer",
            "id, response_id, item_id, score, dont_know, choice, comment",
            answers,
        )
        made_answers += len(answers)
        session.commit()
    session.execute(SurveyTally.__table__.delete().where(SurveyTally.survey_id == survey.id))
    rows = [
        (survey.id, item_id, role, school_id, language, channel, answer, count)
        for (item_id, role, school_id, language, channel, answer), count in sorted(tally.items())
    ]
    _write(
        session,
        postgres,
        "survey_tally",
        "survey_id, item_id, respondent_role, school_id, language, channel, answer, count",
        rows,
    )
    session.commit()
    return {"responses": total, "answers": made_answers, "tally_rows": len(rows)}


def _write(session, postgres: bool, table: str, columns: str, rows) -> None:
    """Rows as tuples: COPY on PostgreSQL, executemany on SQLite, in the session's transaction."""
    if not rows:
        return
    connection = session.connection()
    if postgres:
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in columns.split(","))
        statement = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - ours
        connection.exec_driver_sql(statement, rows)


def _reset_sequences(db) -> None:
    """Ids were handed out here: PostgreSQL's sequences start after them."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        column = table.c.get("id")
        if (
            column is None
            or not column.autoincrement
            or table.name in ("survey_response", "survey_answer")
        ):
            continue
        sequence = db.session.execute(
            text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": f'"{table.name}"'}
        ).scalar()
        if sequence:
            db.session.execute(
                text(
                    "SELECT setval(:s, coalesce((SELECT max(id) FROM "  # noqa: S608 - metadata
                    f'"{table.name}"), 0) + 1, false)'
                ),
                {"s": sequence},
            )
    db.session.commit()


# -- checking --------------------------------------------------------------------------------


def counts(db) -> dict[str, int]:
    """Rows per table (tables with rows only)."""
    out = {}
    for table in db.metadata.sorted_tables:
        query = f'SELECT count(*) FROM "{table.name}"'  # noqa: S608 - a name from the metadata
        n = db.session.execute(text(query)).scalar()
        if n:
            out[table.name] = n
    return out


def check(db, figures: dict | None = None) -> list[str]:
    """The invariants, as a list of problems (empty when all hold)."""
    from portal.models import AllocationScenario, School, SchoolYear
    from portal.services.allocation_pages import try_scenario

    problems = []
    tally = db.session.execute(
        text(
            "SELECT survey_id, item_id, respondent_role, school_id, language, channel, answer, "
            "count FROM survey_tally WHERE count <> 0"
        )
    ).all()
    counted = db.session.execute(
        text(
            "SELECT r.survey_id, a.item_id, r.respondent_role, coalesce(r.school_id, 0), "
            "r.language, r.channel, CASE WHEN a.dont_know THEN 'dk' "
            "WHEN a.score IS NOT NULL THEN CAST(a.score AS VARCHAR(4)) "
            "ELSE 'c:' || a.choice END, count(*) FROM survey_answer a "
            "JOIN survey_response r ON r.id = a.response_id "
            "WHERE a.dont_know OR a.score IS NOT NULL OR a.choice IS NOT NULL "
            "GROUP BY 1, 2, 3, 4, 5, 6, 7"
        )
    ).all()
    if {tuple(r) for r in tally} != {tuple(r) for r in counted}:
        diff = len({tuple(r) for r in tally} ^ {tuple(r) for r in counted})
        problems.append(f"survey_tally differs from the answers in {diff} groups")
    students = db.session.scalar(select(func.sum(School.enrollment)))
    current = db.session.scalars(select(SchoolYear).where(SchoolYear.is_current)).one()
    enrolled = db.session.execute(
        text("SELECT sum(pupils) FROM enrollment WHERE group_key = 'all' AND school_year_id = :y"),
        {"y": current.id},
    ).scalar()
    if figures and students != figures["students"]:
        problems.append(f"schools enrol {students} students, not {figures['students']}")
    if enrolled != students:
        problems.append(f"enrolment rows count {enrolled} students, schools {students}")
    for scenario in db.session.scalars(select(AllocationScenario)):
        run = try_scenario(scenario)
        if run.result is None:
            problems.append(f"scenario {scenario.id} does not run: {run.problem}")
            continue
        if run.result.total_cents > run.result.available_cents or any(
            s.total_cents < 0 for s in run.result.schools
        ):
            problems.append(f"scenario {scenario.id} allocates more than it has")
    off = db.session.execute(
        text(
            "SELECT count(*) FROM investment i JOIN (SELECT investment_id, sum(cents) AS c "
            "FROM budget_line GROUP BY investment_id) b ON b.investment_id = i.id "
            "WHERE b.c <> i.cost_cents"
        )
    ).scalar()
    if off:
        problems.append(f"{off} investments whose budget lines do not add up to their cost")
    return problems


# -- the whole build -------------------------------------------------------------------------


def build(
    database_url: str,
    scale: str = "small",
    seed: int = 1,
    *,
    replace: bool = False,
    out=print,
    **overrides,
) -> dict:
    """Build the district; returns {figures, stages (seconds), counts, problems, made}."""
    from flask_migrate import upgrade

    from portal.extensions import db

    figures = scale_figures(scale, **overrides)
    rng = random.Random(seed)  # noqa: S311 - reproducible benchmark data
    # The demo's own random draws (portal/demo) are seeded by it; ids here come from `rng`.
    stages = Stages(out)
    _prepare_database(database_url, replace)
    app = make_app(database_url)
    made = {}
    with app.app_context():
        with stages.stage("migrate"):
            upgrade()
        with stages.stage("demo district (services)"):
            district = _demo(db, scale)
        copier = Copier(db, rng)
        with stages.stage("school years"):
            made["older_years"] = _older_years(db, copier, district, figures["years"])
        with stages.stage("schools, plans, councils, meetings"):
            made.update(_schools(db, copier, rng, district, figures))
        with stages.stage("bulletins"):
            made["bulletins"] = _bulletins(db, copier, rng, district, figures)
        with stages.stage("survey responses"):
            made.update(_survey(db, rng, figures))
        with stages.stage("sequences and statistics"):
            _reset_sequences(db)
            _analyze(db)
        with stages.stage("self-check"):
            table_counts = counts(db)
            problems = check(db, figures)
        db.session.remove()
        db.engine.dispose()
    return {
        "figures": figures,
        "stages": stages.times,
        "counts": table_counts,
        "problems": problems,
        "made": made,
        "size": database_size(database_url),
    }


def _analyze(db) -> None:
    """Fresh planner statistics: the benchmark measures the plans a settled database gets."""
    db.session.execute(text("ANALYZE"))  # PostgreSQL runs it in a transaction too (not VACUUM)
    db.session.commit()


def database_size(database_url: str) -> int | None:
    """Bytes the database takes (the file on SQLite)."""
    engine = create_engine(database_url)
    try:
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                return conn.execute(text("SELECT pg_database_size(current_database())")).scalar()
        path = engine.url.database
        return os.path.getsize(path) if path and os.path.exists(path) else None
    finally:
        engine.dispose()


def sample_urls(database_url: str, app=None) -> dict[str, str]:
    """Page name -> path of pages worth measuring, on a typical copied school."""
    from portal.extensions import db
    from portal.models import (
        Bulletin,
        Committee,
        Meeting,
        MinutesVersion,
        School,
        SchoolPlan,
        SchoolYear,
        Survey,
    )

    app = app or make_app(database_url)
    with app.app_context():
        current = db.session.scalars(select(SchoolYear).where(SchoolYear.is_current)).one()
        councils = select(Committee.school_id).where(Committee.school_id.is_not(None))
        planned = select(SchoolPlan.school_id).where(SchoolPlan.school_year_id == current.id)
        candidates = list(
            db.session.scalars(
                select(School)
                .where(School.id.in_(councils), School.id.in_(planned))
                .order_by(School.id)
            )
        )
        school = candidates[len(candidates) // 2]
        others = [s.slug for s in db.session.scalars(select(School).order_by(School.id).limit(40))]
        compared = [school.slug] + [s for s in others if s != school.slug][::9][:3]
        committee = db.session.scalars(
            select(Committee).where(Committee.school_id == school.id)
        ).first()
        meeting = db.session.scalars(
            select(Meeting)
            .join(MinutesVersion, MinutesVersion.meeting_id == Meeting.id)
            .where(Meeting.committee_id == committee.id, MinutesVersion.status == "approved")
            .order_by(Meeting.starts_at.desc())
        ).first()
        survey = db.session.scalars(select(Survey).where(Survey.slug == "readiness-2026")).one()
        bulletin = db.session.scalars(
            select(Bulletin)
            .where(Bulletin.status == "published")
            .order_by(Bulletin.published_at.desc())
        ).first()
        urls = {
            "home": "/",
            "school": f"/schools/{school.slug}",
            "plan": f"/schools/{school.slug}/plan",
            "budget": f"/schools/{school.slug}/budget",
            "calendar": f"/schools/{school.slug}/calendar",
            "compare": "/schools/compare?schools=" + ",".join(compared),
            "allocation": "/allocation",
            "survey": f"/surveys/{survey.slug}",
            "survey_results": f"/surveys/{survey.slug}/results",
            "survey_results_school": f"/surveys/{survey.slug}/results?school={school.id}",
            "survey_results_language": f"/surveys/{survey.slug}/results?language=es",
            "bulletins": "/bulletins",
            "bulletin": f"/bulletins/{bulletin.slug}",
            "feed": "/bulletins/feed.xml",
            "minutes_archive": f"/committees/{committee.id}/minutes",
            "meeting": f"/meetings/{meeting.id}",
            "meeting_ics": f"/meetings/{meeting.id}/meeting.ics",
            "plan_pdf": f"/schools/{school.slug}/plan.pdf",
        }
        db.session.remove()
    return urls


def _print_report(report: dict, out=print) -> None:
    out("figures: " + ", ".join(f"{k} {v:,}" for k, v in report["figures"].items()))
    out("made: " + ", ".join(f"{k} {v}" for k, v in report["made"].items()))
    out("stages (s): " + ", ".join(f"{k} {v}" for k, v in report["stages"].items()))
    out(f"total: {sum(report['stages'].values()):.1f} s")
    if report["size"]:
        out(f"database size: {report['size'] / 2**20:.1f} MiB")
    out("rows per table:")
    for name, n in sorted(report["counts"].items(), key=lambda kv: -kv[1]):
        out(f"  {name:32} {n:>12,}")
    out("self-check: " + ("all invariants hold" if not report["problems"] else "PROBLEMS"))
    for problem in report["problems"]:
        out(f"  - {problem}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--schools", type=int)
    parser.add_argument("--students", type=int)
    parser.add_argument("--responses", type=int)
    parser.add_argument("--years", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url")
    parser.add_argument("--replace", action="store_true", help="drop what the database holds")
    args = parser.parse_args(argv)
    url = args.database_url or default_url(args.scale)
    print(f"building the {args.scale} district on {url}")
    report = build(
        url,
        args.scale,
        args.seed,
        replace=args.replace,
        schools=args.schools,
        students=args.students,
        responses=args.responses,
        years=args.years,
    )
    _print_report(report)
    print("pages worth measuring:")
    for name, path in sample_urls(url).items():
        print(f"  {name:26} {path}")
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
