"""The staffing setup's forms: a role, the salary table of a year (two money fields per role,
added by `salary_form`), how positions are priced, and a base-program rule."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from portal.formatting import parse_fte
from portal.forms import (
    ChoiceField,
    DollarsField,
    PortalForm,
    _ParsedField,
    parse_int,
    per_language,
)
from portal.i18n import translated
from portal.models.district import SchoolLevel
from portal.models.staffing import PositionCosting, RoleGroup

MONEY_MESSAGE = _l("Enter an amount in dollars, such as 68,500 or 68500.50.")


class Dollars(DollarsField):
    message = MONEY_MESSAGE


class FteField(_ParsedField):
    """Full-time people as typed ("1", "0.5") -> hundredths."""

    message = _l("Enter how many full-time people, such as 1 or 0.5.")

    def parse(self, text):
        return parse_fte(text)

    def format(self, hundredths):
        whole, part = divmod(int(hundredths), 100)
        return f"{whole}.{part:02d}".rstrip("0") if part else str(whole)


class StudentsField(_ParsedField):
    """A whole number of students, such as 24."""

    message = _l("Enter a whole number of students, such as 24.")

    def parse(self, text):
        return parse_int(text, 1, 5_000)


class RoleForm(PortalForm):
    """A role: the finance system's job code, its name in each language, its group."""

    code = StringField(
        _l("Job code"),
        filters=[lambda text: (text or "").strip()],
        validators=[Length(max=40)],
        description=_l("The finance system's code for the job, such as T100."),
        render_kw={"maxlength": 40, "autocomplete": "off"},
    )
    group = ChoiceField(
        _l("Kind of staff"),
        choices=[SelectChoice(g.value, g.label) for g in RoleGroup],
        invalid_choice_message=_l("Choose the kind of staff."),
    )

    def values(self) -> dict:
        return {
            "code": self.code.data or "",
            "names": self.translations("name"),
            "group": self.group.data or "",
        }


per_language(RoleForm, "name", _l("Name in each language"), 120, textarea=False)


def role_form(role=None, **kwargs) -> RoleForm:
    """A role form, filled from `role` until it is sent."""
    form = RoleForm(**kwargs)
    if role is not None and not form.is_submitted():
        form.code.data, form.group.data = role.code, role.group
        for code, text in (role.name or {}).items():
            if f"name_{code}" in form._fields:
                form[f"name_{code}"].data = text
    return form


class SalaryForm(PortalForm):
    """The salary table: `salary_<role id>` and `benefits_<role id>` per role."""

    role_ids: list[int] = []

    def rows(self) -> dict:
        """{role_id: (salary_cents, benefits_cents)} as typed (None for an empty field)."""
        return {
            role_id: (self[f"salary_{role_id}"].data, self[f"benefits_{role_id}"].data)
            for role_id in self.role_ids
        }


def salary_form(roles, rates, **kwargs) -> SalaryForm:
    """The table's form for these roles, filled from the year's `rates` until it is sent."""
    fields = {"role_ids": [r.id for r in roles]}
    for role in roles:
        name = translated(role, "name").text
        fields[f"salary_{role.id}"] = Dollars(
            _l("%(role)s: average salary", role=name), render_kw={"inputmode": "decimal"}
        )
        fields[f"benefits_{role.id}"] = Dollars(
            _l("%(role)s: average benefits", role=name), render_kw={"inputmode": "decimal"}
        )
    form = type("SalaryTableForm", (SalaryForm,), fields)(**kwargs)
    if not form.is_submitted():
        for role in roles:
            rate = rates.get(role.id)
            if rate is not None:
                form[f"salary_{role.id}"].data = rate.salary_cents
                form[f"benefits_{role.id}"].data = rate.benefits_cents
    return form


class CostingForm(PortalForm):
    """How positions are priced."""

    costing = RadioField(
        _l("How positions are priced"),
        choices=[SelectChoice(c.value, c.label) for c in PositionCosting],
        validators=[InputRequired(message=_l("Choose how positions are priced."))],
    )


LEVEL_CHOICES = [SelectChoice("", _l("Every school"))] + [
    SelectChoice(lv.value, lv.label) for lv in SchoolLevel
]


class RuleForm(PortalForm):
    """A base-program rule: a role, which schools, at least how many, and per how many."""

    role = ChoiceField(_l("Role"), choices=[], validate_choice=False)
    level = ChoiceField(
        _l("Which schools"),
        choices=LEVEL_CHOICES,
        invalid_choice_message=_l("Choose which schools."),
    )
    minimum_fte = FteField(
        _l("At least this many full-time people"),
        description=_l("Such as 1 or 0.5; 0 when only the students count."),
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    students_per_fte = StudentsField(
        _l("One full-time person for every … students (optional)"),
        description=_l("A whole number, such as 24; leave it empty for a fixed number."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )

    def values(self) -> dict:
        role = self.role.data or ""
        return {
            "role_id": int(role) if role.isdigit() else None,
            "level": self.level.data or "",
            # Empty with a number of students: only the students count.
            "minimum_fte": 0
            if self.minimum_fte.data is None and self.students_per_fte.data
            else self.minimum_fte.data,
            "students_per_fte": self.students_per_fte.data,
        }


def rule_form(roles, rule=None, **kwargs) -> RuleForm:
    """A rule form offering the district's `roles`, filled from `rule` until it is sent."""
    form = RuleForm(**kwargs)
    form.role.choices = [SelectChoice("", _l("Choose a role"))] + [
        SelectChoice(str(r.id), f"{translated(r, 'name').text} ({r.code})") for r in roles
    ]
    if rule is not None and not form.is_submitted():
        form.role.data = str(rule.staff_role_id)
        form.level.data = rule.level or ""
        form.minimum_fte.data = rule.minimum_fte
        form.students_per_fte.data = rule.students_per_fte
    return form


class MoveRoleForm(PortalForm):
    """A role moved one place: the button pressed says "up" or "down"."""

    direction = StringField()
