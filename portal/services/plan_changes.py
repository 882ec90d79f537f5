"""What changed in a school plan since the site council approved a version: goals, investments,
positions (their role, FTE, whether they recur, the goal or base program they serve), budget
lines and the allocation, added, removed or before → after (`changes_since`). The public plan,
budget and PDF list these beside the working plan (services/plan_versions.py)."""

from dataclasses import dataclass

from portal.models import PlanVersion, SchoolPlan
from portal.models.staffing import Recurrence
from portal.services.plan_snapshots import goal_snapshot, investment_snapshot, texts


@dataclass(frozen=True)
class Change:
    """One difference between an approved version and the working plan. `kind`: "added",
    "removed", "amount" (before → after, in cents), "changed" (text), "fte" (before → after,
    in hundredths), "role" (`before_role_name` → `role_name`; None: not a position),
    "recurrence" (now `recurrence`) or "moved" (to the goal `goal_text`, or to the base
    program when None). `what`: "goal", "investment", "position", "budget_line" or
    "allocation". `text` is the thing's own text in every language ({"en": ...});
    `stream_name` names the funding stream of a budget line, `role_name` a position's role."""

    kind: str
    what: str
    text: dict
    before_cents: int | None = None
    after_cents: int | None = None
    stream_name: dict | None = None
    source_locale: str = "en"
    before_fte: int | None = None
    after_fte: int | None = None
    role_name: dict | None = None
    before_role_name: dict | None = None
    recurrence: str | None = None
    goal_text: dict | None = None


def _lines(investment: dict) -> dict[int, int]:
    return {b["funding_stream_id"]: b["cents"] for b in investment["budget_lines"] if b["cents"]}


def _role_of(investment: dict) -> dict | None:
    return investment.get("staff_role")  # absent from snapshots taken before positions


def _recurrence(investment: dict) -> str:
    return investment.get("recurrence") or Recurrence.ONGOING.value


def _people_changes(old: dict, inv: dict, goals: dict) -> list[Change]:
    """A kept investment's changes as a position or in what it serves, in plain words."""
    text, locale = inv["description"], inv["source_locale"]
    found = []
    old_role, new_role = _role_of(old), _role_of(inv)
    if (old_role or {}).get("id") != (new_role or {}).get("id"):
        found.append(
            Change(
                "role",
                "position",
                text,
                source_locale=locale,
                role_name=(new_role or {}).get("name"),
                before_role_name=(old_role or {}).get("name"),
                after_fte=inv.get("fte"),
            )
        )
    elif new_role and old.get("fte") != inv.get("fte"):
        found.append(
            Change(
                "fte",
                "position",
                text,
                source_locale=locale,
                before_fte=old.get("fte"),
                after_fte=inv.get("fte"),
                role_name=new_role["name"],
            )
        )
    if _recurrence(old) != _recurrence(inv):
        found.append(
            Change(
                "recurrence", "investment", text, source_locale=locale, recurrence=_recurrence(inv)
            )
        )
    if old["goal_id"] != inv["goal_id"]:
        goal = goals.get(inv["goal_id"])
        found.append(
            Change(
                "moved",
                "investment",
                text,
                source_locale=locale,
                goal_text=goal["statement"] if goal else None,
            )
        )
    return found


def _added_or_removed(kind: str, inv: dict) -> Change:
    """An investment, or a position with its role and FTE, added or removed."""
    role = _role_of(inv)
    cents = inv["cost_cents"]
    return Change(
        kind,
        "position" if role else "investment",
        inv["description"],
        cents if kind == "removed" else None,
        cents if kind == "added" else None,
        source_locale=inv["source_locale"],
        role_name=role["name"] if role else None,
        before_fte=inv.get("fte") if kind == "removed" else None,
        after_fte=inv.get("fte") if kind == "added" else None,
    )


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
            changes.append(_added_or_removed("added", inv))
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
        changes.extend(_people_changes(old, inv, new_goals))
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
            changes.append(_added_or_removed("removed", inv))

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
