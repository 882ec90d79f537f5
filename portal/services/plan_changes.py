"""What changed in a school plan since the site council approved a version: goals, investments,
budget lines and the allocation, added, removed or before → after (`changes_since`). The public
plan, budget and PDF list these beside the working plan (services/plan_versions.py)."""

from dataclasses import dataclass

from portal.models import PlanVersion, SchoolPlan
from portal.services.plan_snapshots import goal_snapshot, investment_snapshot, texts


@dataclass(frozen=True)
class Change:
    """One difference between an approved version and the working plan. `kind`: "added",
    "removed", "amount" (before → after, in cents) or "changed" (text). `what`: "goal",
    "investment", "budget_line" or "allocation". `text` is the thing's own text in every
    language ({"en": ...}); `stream_name` names the funding stream of a budget line."""

    kind: str
    what: str
    text: dict
    before_cents: int | None = None
    after_cents: int | None = None
    stream_name: dict | None = None
    source_locale: str = "en"


def _lines(investment: dict) -> dict[int, int]:
    return {b["funding_stream_id"]: b["cents"] for b in investment["budget_lines"] if b["cents"]}


def changes_since(version: PlanVersion, plan: SchoolPlan, money=None) -> list[Change]:
    """What differs between `version` and the working `plan`: goals added, removed or with
    their text changed; investments added, removed or with a new cost; budget lines (money
    from a funding stream to an investment) added, removed or changed; and the allocation's
    total, when `money` (the school's published money now) is given. Empty: nothing changed."""
    before = version.snapshot
    now = {
        "goals": [goal_snapshot(goal) for goal in plan.goals],
        "investments": [investment_snapshot(i) for i in plan.investments],
    }
    changes: list[Change] = []
    old_goals = {g["id"]: g for g in before["goals"]}
    new_goals = {g["id"]: g for g in now["goals"]}
    for gid, goal in new_goals.items():
        old = old_goals.get(gid)
        if old is None:
            changes.append(
                Change("added", "goal", goal["statement"], source_locale=goal["source_locale"])
            )
        elif _goal_text(old) != _goal_text(goal):
            changes.append(
                Change("changed", "goal", goal["statement"], source_locale=goal["source_locale"])
            )
    for gid, goal in old_goals.items():
        if gid not in new_goals:
            changes.append(
                Change("removed", "goal", goal["statement"], source_locale=goal["source_locale"])
            )

    streams = {s["id"]: s for s in (before["allocation"] or {}).get("streams", [])}
    if money is not None:
        for source in money.sources:
            streams.setdefault(
                source.stream.id,
                {"name": texts(source.stream.name), "source_locale": source.stream.source_locale},
            )
    old_investments = {i["id"]: i for i in before["investments"]}
    new_investments = {i["id"]: i for i in now["investments"]}
    for iid, inv in new_investments.items():
        old = old_investments.get(iid)
        locale = inv["source_locale"]
        if old is None:
            changes.append(
                Change(
                    "added",
                    "investment",
                    inv["description"],
                    None,
                    inv["cost_cents"],
                    source_locale=locale,
                )
            )
            continue
        if old["cost_cents"] != inv["cost_cents"]:
            changes.append(
                Change(
                    "amount",
                    "investment",
                    inv["description"],
                    old["cost_cents"],
                    inv["cost_cents"],
                    source_locale=locale,
                )
            )
        elif old["description"] != inv["description"] or old["priority"] != inv["priority"]:
            changes.append(
                Change("changed", "investment", inv["description"], source_locale=locale)
            )
        old_lines, new_lines = _lines(old), _lines(inv)
        for sid in sorted(old_lines.keys() | new_lines.keys()):
            a, b = old_lines.get(sid), new_lines.get(sid)
            if a != b:
                stream = streams.get(sid, {"name": {}, "source_locale": "en"})
                changes.append(
                    Change(
                        "amount",
                        "budget_line",
                        inv["description"],
                        a or 0,
                        b or 0,
                        stream_name=stream["name"],
                        source_locale=locale,
                    )
                )
    for iid, inv in old_investments.items():
        if iid not in new_investments:
            changes.append(
                Change(
                    "removed",
                    "investment",
                    inv["description"],
                    inv["cost_cents"],
                    None,
                    source_locale=inv["source_locale"],
                )
            )

    old_total = (before["allocation"] or {}).get("total_cents")
    new_total = money.total_cents if money is not None else None
    if money is not None and old_total != new_total:
        changes.append(Change("amount", "allocation", {}, old_total, new_total))
    return changes


def _goal_text(goal: dict) -> tuple:
    return (
        goal["statement"],
        goal["indicator"],
        goal["baseline"],
        goal["target"],
        goal["target_date"],
        [(s["description"], [a["description"] for a in s["actions"]]) for s in goal["strategies"]],
    )
