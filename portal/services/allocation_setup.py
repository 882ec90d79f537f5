"""District staff set up the year's allocation: funding streams, need groups, and scenarios of
per-pupil weights, which they adopt or publish as "what you would receive".

Plain values in, the acting user passed in; refused input raises `Rejected` with a message per
field; nothing here commits (the route does, once)."""

import re

from flask_babel import gettext as _
from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    AllocationScenario,
    FundingStream,
    InvestmentCategory,
    NeedGroup,
    School,
)
from portal.models.allocation import Distribution, ScenarioStatus, StreamKind
from portal.services import funding
from portal.services.allocation import ALL_STUDENTS
from portal.services.audit import record_audit
from portal.services.errors import Rejected
from portal.services.notices import announce

# The school levels a scenario has weights for, in the order the matrix shows them.
LEVELS = ("elementary", "middle", "high", "other")
# A need group's key is a column of the enrollment file and of the weights.
GROUP_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
MAX_CENTRAL_SHARE_BP = 10000  # 100 %


def weight_groups(district_id: int) -> list[str]:
    """The weights' columns: every student first, then the district's need groups."""
    return [ALL_STUDENTS, *[group.key for group in funding.need_groups(district_id)]]


# --- funding streams ---------------------------------------------------------------------------


def check_stream_text(main_locale: str, kind: str, names: dict, restrictions: dict) -> None:
    """A stream's words: its name in the district's main language, and for restricted money
    one sentence on what it may pay for. Rejected with every problem at once."""
    problems = {}
    if not names.get(main_locale):
        problems["name"] = _("Name the funding stream in the district's main language.")
    if kind == StreamKind.RESTRICTED and not restrictions.get(main_locale):
        problems["restriction"] = _("Say in one sentence what restricted money may pay for.")
    if problems:
        raise Rejected(problems)


def add_stream(
    district,
    year,
    actor,
    *,
    names: dict,
    kind: str,
    restrictions: dict,
    revenue_cents: int | None,
    distribution: str,
    grant_cents: int | None,
    school_ids: list[int],
    category_ids: list[int],
) -> FundingStream:
    """Add a funding stream for the year. Grants go to `school_ids` (the district's schools
    among them); restricted money may pay for `category_ids` (none: any category)."""
    check_stream_text(district.default_locale, kind, names, restrictions)
    problems = {}
    if kind not in {k.value for k in StreamKind}:
        problems["kind"] = _("Choose a kind.")
    if distribution not in {d.value for d in Distribution}:
        problems["distribution"] = _("Choose how it reaches schools.")
    if revenue_cents is None or revenue_cents < 0:
        problems["revenue"] = _("Enter an amount in dollars, such as 1,250,000.")
    if grant_cents is not None and grant_cents < 0:
        problems["grant"] = _("Enter an amount in dollars, such as 25,000.")
    if problems:
        raise Rejected(problems)
    restricted = kind == StreamKind.RESTRICTED
    stream = FundingStream(
        district_id=district.id,
        school_year_id=year.id,
        name=names,
        kind=kind,
        restriction=restrictions,
        revenue_cents=revenue_cents,
        distribution=distribution,
        grant_cents=grant_cents or 0,
        source_locale=district.default_locale,
        eligible_schools=_district_rows(School, district.id, school_ids),
        allowed_categories=_district_rows(InvestmentCategory, district.id, category_ids)
        if restricted
        else [],
    )
    db.session.add(stream)
    db.session.flush()
    record_audit(
        actor,
        "funding_stream.added",
        "funding_stream",
        stream.id,
        {"name": names.get(district.default_locale), "revenue_cents": revenue_cents},
    )
    return stream


def _district_rows(model, district_id: int, ids: list[int]) -> list:
    """The rows of `model` with these ids that belong to the district (others are ignored)."""
    if not ids:
        return []
    return list(
        db.session.scalars(select(model).where(model.id.in_(ids), model.district_id == district_id))
    )


def remove_stream(stream: FundingStream, actor) -> None:
    """Remove a funding stream (its budget lines go with it)."""
    record_audit(
        actor,
        "funding_stream.removed",
        "funding_stream",
        stream.id,
        {"name": (stream.name or {}).get(stream.source_locale)},
    )
    db.session.delete(stream)


# --- need groups -------------------------------------------------------------------------------


def add_need_group(district, actor, *, key: str, names: dict) -> NeedGroup:
    """Add a need group (foster youth, gifted ...): a column of its own in the weights and in
    the enrollment file, after the existing ones."""
    key = (key or "").strip().lower()
    existing = funding.need_groups(district.id)
    problems = {}
    if not GROUP_KEY.fullmatch(key) or key == ALL_STUDENTS:
        problems["key"] = _(
            "Use a short column name of lowercase letters, digits and _, such as foster."
        )
    elif any(group.key == key for group in existing):
        problems["key"] = _("There is already a group with this column name.")
    if not names.get(district.default_locale):
        problems["group_name"] = _("Name the group in the district's main language.")
    if problems:
        raise Rejected(problems)
    group = NeedGroup(
        district_id=district.id,
        key=key,
        name=names,
        source_locale=district.default_locale,
        position=max((group.position for group in existing), default=0) + 1,
    )
    db.session.add(group)
    return group


# --- scenarios ---------------------------------------------------------------------------------


def add_scenario(
    district, year, actor, *, name: str, base: AllocationScenario | None = None
) -> AllocationScenario:
    """A new draft scenario for the year, copied from `base` (or with empty weights)."""
    scenario = AllocationScenario(
        district_id=district.id,
        school_year_id=year.id,
        name=(name or "").strip()[:120] or _("New scenario"),
        weights={level: dict(cells) for level, cells in (base.weights if base else {}).items()},
        central_share_bp=base.central_share_bp if base else 0,
        minimum_cents=base.minimum_cents if base else 0,
        hold_harmless=base.hold_harmless if base else False,
    )
    db.session.add(scenario)
    db.session.flush()
    return scenario


def edit_scenario(
    scenario: AllocationScenario,
    actor,
    *,
    name: str,
    weights: dict[str, dict[str, int]],
    central_share_bp: int,
    minimum_cents: int,
    hold_harmless: bool,
) -> None:
    """Save a scenario's weights matrix ({level: {group: cents per pupil}}), the share of
    formula money held centrally (basis points), the minimum budget and hold harmless. A
    published scenario's change is audited: it changes what schools are told they get."""
    problems = {}
    name = (name or "").strip()
    if not name:
        problems["name"] = _("Enter a name.")
    for level, cells in weights.items():
        for key, cents in cells.items():
            if cents < 0:
                problems[f"w-{level}-{key}"] = _("Enter dollars per pupil, such as 3,741.")
    if not 0 <= central_share_bp <= MAX_CENTRAL_SHARE_BP:
        problems["central_share"] = _("Enter a percentage from 0 to 100.")
    if minimum_cents < 0:
        problems["minimum"] = _("Enter an amount in dollars, such as 250,000.")
    if problems:
        raise Rejected(problems)
    scenario.name = name[:120]
    scenario.weights = {level: dict(cells) for level, cells in weights.items() if cells}
    scenario.central_share_bp = central_share_bp
    scenario.minimum_cents = minimum_cents
    scenario.hold_harmless = hold_harmless
    if scenario.status != ScenarioStatus.DRAFT:
        record_audit(actor, "scenario.saved", "allocation_scenario", scenario.id, {"name": name})


def move_scenario(scenario: AllocationScenario, status: ScenarioStatus, actor) -> None:
    """Adopt a scenario, publish it as "what you would receive", or take it back to draft
    (the model's transitions; IllegalMove when it already has that status)."""
    replaced = scenario.move_to(status)
    announce("budget_published", scenario)  # adopted or what-if: published; draft: nothing
    record_audit(
        actor,
        f"scenario.{status.value}",
        "allocation_scenario",
        scenario.id,
        {"name": scenario.name, "replaced": [other.id for other in replaced]},
    )
