"""Drawing the plan editor's forms: one per row, made as the page draws it, with its id prefix,
its lists to choose from and its text in the editing language; the one that was refused comes
back as it was sent."""

import json

from flask import url_for
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from wtforms.fields.choices import SelectChoice

from portal.blueprints.plans.forms import (
    NeedsForm,
    ProgressForm,
    field_ids,
    options,
    row_form,
    settings_form,
)
from portal.i18n import translated
from portal.models.staffing import Recurrence
from portal.services.plans import NEEDS_QUESTIONS


def form_prefix(kind: str, row_id, parent=None) -> str:
    """The id prefix of a row's form: "goal-12", "strategy-new-3" (a new one under goal 3),
    "inv-new", "progress-12", "settings", "need"."""
    if kind in ("settings", "needs"):
        return {"settings": "settings", "needs": "need"}[kind]
    short = {"investment": "inv", "position": "pos"}.get(kind, kind)
    if row_id == "new" and parent is not None:
        return f"{short}-new-{parent}"
    return f"{short}-{row_id}"


def _short(text: str, length: int = 60) -> str:
    """Like Jinja's truncate: whole words, "..." at the end, 5 characters of leeway."""
    if len(text) <= length + 5:
        return text
    return text[: length - 3].rsplit(" ", 1)[0] + "..."


def editor_choices(plan, district_goals, categories, roles=(), streams=()) -> dict[str, list]:
    """The lists the row forms choose from, in the reader's language: roles grouped by their
    group and strategies by their goal (<optgroup>), the base program first among the goals."""
    goal_names = {goal.id: _("Goal %(n)s", n=n) for n, goal in enumerate(plan.goals, start=1)}
    grouped = {
        "staff_role_id": [SelectChoice("", _("Choose a role"))]
        + [
            SelectChoice(str(r.id), translated(r, "name").text, optgroup=str(r.group_label))
            for r in roles
        ],
        "strategy_id": [SelectChoice("", _("None"))]
        + [
            SelectChoice(
                str(s.id),
                _short(translated(s, "description").text),
                optgroup=goal_names[goal.id],
            )
            for goal in plan.goals
            for s in goal.strategies
        ],
    }
    lists = {
        "district_goal_id": [("", _("None"))]
        + [(str(d.id), translated(d, "title").text) for d in district_goals],
        "goal_id": [("", _("Base program (the core staffing every school needs)"))]
        + [
            (str(goal.id), f"{goal_names[goal.id]}: {_short(translated(goal, 'statement').text)}")
            for goal in plan.goals
        ],
        "category_id": [("", _("None"))]
        + [(str(c.id), f"{c.code} · {translated(c, 'name').text}") for c in categories],
        "funding_stream_id": [("", _("Not chosen yet"))]
        + [(str(s.id), translated(s, "name").text) for s in streams],
    }
    return {name: options(pairs) for name, pairs in lists.items()} | grouped


class InLanguage:
    """A row as its form shows it: translatable text in the editing language."""

    def __init__(self, row, locale: str):
        self._row, self._locale = row, locale

    def __getattr__(self, name):
        value = getattr(self._row, name)
        return value.get(self._locale, "") if isinstance(value, dict) else value


class EditorForms:
    """The plan editor's forms, made as the page draws each row: filled from the row in the
    editing language, or, for the one form that was refused (`at` says whose: kind, row id or
    "new", parent), that form as it was sent, with its errors."""

    def __init__(
        self, plan, choices: dict, locale: str, refused=None, at=None, actual_costing=False
    ):
        self.plan, self.choices, self.locale = plan, choices, locale
        self.actual_costing = actual_costing
        self.refused, self.at = refused, at
        if refused is not None:
            self._dress(refused, *at)

    def refused_in(self, *kinds):
        """The refused form, when it is one of these kinds (its section shows the summary)."""
        return self.refused if self.refused is not None and self.at[0] in kinds else None

    def _form(self, kind: str, row_id, parent, row=None, form_class=None, **data):
        if self.refused is not None and self.at == (kind, row_id, parent):
            return self.refused
        shown = InLanguage(row, self.locale) if row is not None else None
        if form_class is not None:
            form = form_class(formdata=None, obj=shown, data=data)
        else:
            form = row_form(kind, self.actual_costing, formdata=None, obj=shown, data=data)
        return self._dress(form, kind, row_id, parent)

    def _dress(self, form, kind: str, row_id, parent):
        field_ids(form, form_prefix(kind, row_id, parent))
        if parent is not None:
            form.parent_id.data = str(parent)
        for name, field in form._fields.items():
            if name in self.choices:
                field.choices = self.choices[name]
        if row_id == "new" and kind in ("strategy", "action"):
            form.description.label.text = (
                _("New strategy") if kind == "strategy" else _("New action")
            )
        if kind == "goal" and self.locale == "en":
            statement = form.statement
            statement.render_kw = {
                **statement.render_kw,
                "hx-post": url_for("plans.readability"),
                "hx-trigger": "keyup changed delay:800ms",
                "hx-target": f"#{statement.id}-reading",
                "hx-swap": "outerHTML",
                "hx-vals": json.dumps({"csrf_token": generate_csrf()}),
            }
        return form

    def goal(self, goal=None):
        return self._form("goal", goal.id if goal else "new", None, goal)

    def strategy(self, strategy=None, goal=None):
        if strategy is None:
            return self._form("strategy", "new", goal.id)
        return self._form("strategy", strategy.id, None, strategy)

    def action(self, action=None, strategy=None):
        if action is None:
            return self._form("action", "new", strategy.id)
        return self._form("action", action.id, None, action)

    def investment(self, investment=None):
        if investment is None:
            return self._form("investment", "new", None, priority=len(self.plan.investments) + 1)
        return self._form("investment", investment.id, None, investment)

    def position(self, investment=None):
        if investment is None:
            return self._form(
                "position",
                "new",
                None,
                priority=len(self.plan.investments) + 1,
                recurrence=Recurrence.ONGOING.value,
            )
        return self._form("position", investment.id, None, investment)

    def progress(self, goal, measurements=()):
        last = measurements[-1].value if measurements else None
        return self._form("progress", goal.id, None, form_class=ProgressForm, value=last)

    def settings(self):
        if self.refused_in("settings"):
            return self.refused
        return settings_form(self.plan, formdata=None, obj=self.plan)

    def needs(self):
        if self.refused_in("needs"):
            return self.refused
        needs = self.plan.needs or {}
        answers = {key: (needs.get(key) or {}).get(self.locale, "") for key, _q in NEEDS_QUESTIONS}
        return field_ids(NeedsForm(formdata=None, data=answers), "need")
