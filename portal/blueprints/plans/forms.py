"""The plans domain's forms. The HTML names and ids are the ones the editor's htmx, its focus
handling and the tests know: a row's fields are `<kind>-<row>-<name>` ("goal-12-statement",
"action-new-7-owner", "inv-new-cost"), budget cells `cell-<investment>-<stream>`, and the
district's lists `<prefix>_<locale>` (per_language).

A row form's fields are named after the row's columns (`cost_cents`, sent as "cost"), so its
`values()` go to services.plan_editing as they are, and a field added to the form and the model
needs nothing in between: the editor draws a row form's fields in their declared order
(editor_forms.py makes one form per row as the page draws it)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, StopValidation
from wtforms.widgets import DateInput

from portal.formatting import fte as print_fte
from portal.formatting import parse_fte
from portal.forms import (
    DollarsField,
    PercentField,
    PortalForm,
    WebAddressField,
    _ParsedField,
    parse_date,
    parse_int,
    per_language,
)
from portal.i18n import translated
from portal.models.planning import ActionStatus, PlanStatus
from portal.models.staffing import Recurrence
from portal.services.plans import NEEDS_QUESTIONS

# -- Fields ------------------------------------------------------------------------------------


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class Given:
    """Validator: the field has a value (0 is one, blank is not). Silent when what was typed is
    already refused, so a field shows one message."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if field.errors:
            raise StopValidation()
        if field.data is None or field.data == "":
            raise StopValidation(str(self.message))


class _Worded:
    """A field whose refusal is worded for its own question ("Enter a number such as 60.")."""

    def __init__(self, label=None, validators=None, message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        if message is not None:
            self.message = message


class NumberField(_Worded, PercentField):
    """A number such as 48 or 62.5 -> Decimal."""


class Dollars(_Worded, DollarsField):
    """Dollars -> cents, with the message of the question asked."""


class WholeNumberField(_Worded, _ParsedField):
    """A whole number from 1 to 999 (a priority)."""

    def parse(self, text):
        return parse_int(text, 1, 999)


class DayField(_Worded, _ParsedField):
    """A date such as 2027-06-15, kept as typed when refused."""

    widget = DateInput()
    message = _l("Enter a date such as 2027-06-15.")

    def parse(self, text):
        return parse_date(text)

    def format(self, value):
        return value.isoformat()


class FteField(_Worded, _ParsedField):
    """Full-time equivalents as typed ("0.5", "1", "0,5") -> hundredths, 0.01 to 40.00."""

    message = _l(
        "Enter the FTE as a number from 0.01 to 40 with at most two decimals, such as 0.5."
    )

    def parse(self, text):
        value = parse_fte(text)
        return value if value is not None and FTE_LEAST <= value <= FTE_MOST else None

    def format(self, value):
        return print_fte(value)


FTE_LEAST, FTE_MOST = 1, 4000  # hundredths: 0.01 to 40 full-time people in one position


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as a select field's options."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def optional_id(value):
    """A chosen row's id, or None for the "None" option."""
    return None if value in (None, "") else int(value)


def _row_id(label, **kwargs):
    """A list of the plan's or the district's rows; the service checks what was chosen."""
    return SelectField(label, coerce=optional_id, choices=[], validate_choice=False, **kwargs)


def _text(label, required, max_length: int, **kwargs):
    return StringField(
        label,
        filters=[_strip],
        validators=[Given(required), Length(max=max_length)],
        render_kw={"maxlength": max_length},
        **kwargs,
    )


# -- The plan editor's rows --------------------------------------------------------------------


class RowForm(PortalForm):
    """A goal, strategy, action or investment."""

    parent_id = HiddenField()  # the goal a new strategy goes to, the strategy of a new action

    def values(self) -> dict:
        """The row's values by column name."""
        return {
            name: field.data
            for name, field in self._fields.items()
            if name not in ("csrf_token", "parent_id")
        }

    @property
    def parent(self) -> int | None:
        return parse_int(self.parent_id.data, 1, 2**31)


class GoalForm(RowForm):
    statement = _text(
        _l("Goal, in one sentence"), _l("Say what the goal is, in one sentence."), 500
    )
    indicator = _text(_l("How we measure it"), _l("Say how progress will be measured."), 300)
    baseline = NumberField(
        _l("Where we start"),
        message=_l("Enter a number such as 60."),
        description=_l("A number, such as 48 or 62.5."),
        render_kw={"inputmode": "decimal"},
    )
    target = NumberField(
        _l("Where we aim to be"),
        message=_l("Enter a number such as 80."),
        description=_l("A number, such as 65 or 80.5."),
        render_kw={"inputmode": "decimal"},
    )
    target_date = DayField(_l("By when"), description=_l("A date, such as 2027-06-15."))
    district_goal_id = _row_id(_l("District goal it serves"))


class StrategyForm(RowForm):
    description = _text(_l("Strategy"), _l("Describe the strategy."), 500)


class PlanActionForm(RowForm):
    description = _text(_l("Action"), _l("Describe the action."), 500)
    owner = StringField(
        _l("Who"), filters=[_strip], validators=[Length(max=120)], render_kw={"maxlength": 120}
    )
    due_on = DayField(_l("By when"), description=_l("A date, such as 2027-06-15."))
    status = SelectField(
        _l("Status"),
        choices=options((s.value, s.label) for s in ActionStatus),
        default=ActionStatus.NOT_STARTED.value,
        invalid_choice_message=_l("Choose a status."),
    )


def _cost():
    return Dollars(
        _l("Cost (dollars)"),
        [Given(_l("Enter an amount in dollars, such as 25,000."))],
        name="cost",
        message=_l("Enter an amount in dollars, such as 25,000."),
        description=_l("Dollars, such as 25,000 or 25000.50."),
        render_kw={"inputmode": "decimal"},
    )


def _priority():
    return WholeNumberField(
        _l("Priority (1 is funded first)"),
        [Given(_l("Enter a priority from 1 (first) to 999."))],
        message=_l("Enter a priority from 1 (first) to 999."),
        description=_l("A whole number from 1 to 999."),
        render_kw={"inputmode": "numeric"},
    )


def _recurrence():
    """Ongoing (it comes back next year) or one-time; drawn as two radio buttons."""
    return RadioField(
        _l("Does it come back next year?"),
        choices=options((r.value, r.label) for r in Recurrence),
        invalid_choice_message=_l("Say whether it comes back every year or is spent once."),
    )


class InvestmentForm(RowForm):
    description = _text(_l("What the money buys"), _l("Describe what the money buys."), 500)
    cost_cents = _cost()
    recurrence = _recurrence()
    priority = _priority()
    goal_id = _row_id(_l("Goal it serves"))
    strategy_id = _row_id(_l("Strategy"))
    category_id = _row_id(_l("Category"))
    funding_stream_id = _row_id(_l("Funding stream it is paid from"))


class PositionForm(RowForm):
    """A position: a staff role and its FTE. Under average costing its cost is the district's
    average for the role (the service prices it; `row_form` leaves the cost field out)."""

    staff_role_id = _row_id(_l("Role"), validators=[Given(_l("Choose the role."))])
    fte = FteField(
        _l("FTE (1 is one full-time person)"),
        [Given(_l("Enter the FTE, such as 1 or 0.5."))],
        description=_l("A number from 0.01 to 40, such as 1 or 0.5."),
        render_kw={"inputmode": "decimal"},
    )
    cost_cents = _cost()
    description = StringField(
        _l("What the person does (optional)"),
        filters=[_strip],
        validators=[Length(max=500)],
        render_kw={"maxlength": 500},
    )
    goal_id = _row_id(_l("Goal it serves"))
    strategy_id = _row_id(_l("Strategy"))
    funding_stream_id = _row_id(_l("Funding stream it is paid from"))
    category_id = _row_id(_l("Category"))
    recurrence = _recurrence()
    priority = _priority()


ROW_FORMS = {
    "goal": GoalForm,
    "strategy": StrategyForm,
    "action": PlanActionForm,
    "investment": InvestmentForm,
    "position": PositionForm,
}


def row_form(kind: str, actual_costing: bool, **kwargs):
    """A row's form; a position's has a cost field only when the district costs positions at
    their actual salary (under average costing the cost is computed, never typed)."""
    form = ROW_FORMS[kind](**kwargs)
    if kind == "position" and not actual_costing:
        del form.cost_cents
    return form


class MoveForm(PortalForm):
    direction = StringField()  # the button pressed: "up", else down

    @property
    def up(self) -> bool:
        return self.direction.data == "up"


class ProgressForm(PortalForm):
    value = NumberField(
        _l("This year's value of the indicator"),
        [Given(_l("Enter a number such as 72.5."))],
        message=_l("Enter a number such as 72.5."),
        description=_l("A number, such as 72.5."),
        render_kw={"inputmode": "decimal"},
    )


# -- The plan as a whole -----------------------------------------------------------------------


class StartPlanForm(PortalForm):
    origin = StringField(name="from")  # the button pressed: "previous" or "empty"


class SettingsForm(PortalForm):
    status = SelectField(
        _l("Status"),
        choices=options((s.value, s.label) for s in (PlanStatus.DRAFT, PlanStatus.SHARED)),
        invalid_choice_message=_l(
            "Choose draft or shared for feedback: only the site council's vote approves a plan."
        ),
        description=_l(
            "Shared for feedback puts the plan on the school's public pages. The site "
            "council's vote approves it."
        ),
    )
    planning_figure_cents = Dollars(
        _l("Planning figure before the allocation is known (dollars)"),
        name="planning_figure",
        message=_l("Enter an amount in dollars, such as 2,500,000."),
        description=_l(
            "Dollars, such as 2,500,000 or 2500000.50. Leave it empty once the allocation is "
            "published."
        ),
        render_kw={"inputmode": "decimal"},
    )

    @property
    def chosen_status(self):
        """The status asked for, or None when the form has none (an approved plan's)."""
        return self.status.data if self.status is not None else None


def settings_form(plan, **kwargs) -> SettingsForm:
    """The status and money form; an approved plan's status is the council's, not offered."""
    form = SettingsForm(**kwargs)
    if plan.is_approved:
        del form.status
    return field_ids(form, "settings")


class NeedsForm(PortalForm):
    """The needs assessment in the editing language: one answer per question, named by its key."""

    def answers(self) -> dict[str, str]:
        return {key: self._fields[key].data or "" for key, _question in NEEDS_QUESTIONS}


for _key, _question in NEEDS_QUESTIONS:
    setattr(
        NeedsForm,
        _key,
        TextAreaField(
            _question,
            filters=[_strip],
            validators=[Length(max=3000)],
            render_kw={"rows": 3, "maxlength": 3000},
        ),
    )


class ReadingForm(PortalForm):
    """What the reading-level hint reads (htmx sends the field being typed in)."""

    statement = StringField()


# -- The budget matrix -------------------------------------------------------------------------


class BudgetForm(PortalForm):
    """One dollars field per investment and funding stream (`budget_form` adds them)."""

    _cells: dict[str, tuple[int, int]] = {}

    def cells(self) -> dict[tuple[int, int], int]:
        """{(investment id, stream id): cents}, 0 for an empty cell."""
        return {where: self._fields[name].data or 0 for name, where in self._cells.items()}


def row_name(investment) -> str:
    """What an investment is called in a label: a position is "Counselor, 1 FTE"."""
    if investment.is_position:
        return _(
            "%(role)s, %(fte)s FTE",
            role=translated(investment.staff_role, "name").text,
            fte=print_fte(investment.fte),
        )
    return translated(investment, "description").text


def budget_form(ranked, sources, cells: dict) -> BudgetForm:
    """The matrix's form for these investments and the school's funding sources, showing the
    money assigned now (`cells`: {(investment id, stream id): cents})."""
    fields, where, data = {}, {}, {}
    for investment in ranked:
        for source in sources:
            name = f"cell-{investment.id}-{source.stream.id}"
            label = f"{row_name(investment)}: {translated(source.stream, 'name').text}"
            fields[name] = Dollars(
                label,
                message=_l("Enter dollars, such as 12,000, or leave it empty."),
                render_kw={"inputmode": "decimal"},
            )
            where[name] = (investment.id, source.stream.id)
            if cells.get(where[name]):
                data[name] = cells[where[name]]
    form_class = type("BudgetMatrixForm", (BudgetForm,), {**fields, "_cells": where})
    return form_class(data=data)


# -- The district's lists ----------------------------------------------------------------------


class DistrictGoalForm(PortalForm):
    pass


per_language(DistrictGoalForm, "title", _l("The goal in each language"), 300, textarea=False)


class CategoryForm(PortalForm):
    code = StringField(
        _l("Code"),
        filters=[_strip],
        validators=[Length(max=20)],
        description=_l("Up to 20 letters, digits, - or _, such as 1000."),
        render_kw={"maxlength": 20},
    )


per_language(CategoryForm, "name", _l("Name in each language"), 120, textarea=False)


class GlossaryTermForm(PortalForm):
    pass


per_language(GlossaryTermForm, "term", _l("The word in each language"), 120, textarea=False)
per_language(GlossaryTermForm, "definition", _l("A plain definition in each language"), 600)

DISTRICT_FORMS = {"goal": DistrictGoalForm, "category": CategoryForm, "term": GlossaryTermForm}


def field_ids(form, prefix: str):
    """Give each field the id `<prefix>-<name>`: the editor holds many forms of one kind."""
    for field in form:
        field.id = f"{prefix}-{field.name}"
        field.label.field_id = field.id
    return form


# -- The district's review ---------------------------------------------------------------------


class ReturnPlanForm(PortalForm):
    """District staff return a plan: what the school should change (the principal and the
    council read it)."""

    comment = TextAreaField(
        _l("What should the school change?"),
        filters=[_strip],
        validators=[Given(_l("Say what the school should change.")), Length(max=3000)],
        render_kw={"rows": 4, "maxlength": 3000},
    )


class BoardApprovalForm(PortalForm):
    """The board's approval of an accepted plan: the day and the board meeting's minutes."""

    board_approved_on = DayField(
        _l("Day the board approved it"),
        validators=[Given(_l("Give the day the board approved the plan."))],
    )
    minutes_url = WebAddressField(
        _l("Address of the board meeting's minutes"),
        validators=[Given(_l("Give the address of the board meeting's minutes."))],
        description=_l("A web address starting with https://"),
        render_kw={"inputmode": "url", "maxlength": 500},
    )
