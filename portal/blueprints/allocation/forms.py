"""The allocation workspace's forms: funding streams, need groups, the enrollment file, new
scenarios, a scenario's weights, and its status buttons. HTML names are the ones the pages
have always had (`name_en`, `w-elementary-all`, `central_share` ...)."""

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, ValidationError

from portal.forms import (
    ChoiceField,
    DollarsField,
    MultiCheckboxField,
    PercentField,
    PortalForm,
    per_language,
)
from portal.i18n import translated
from portal.models import SchoolLevel
from portal.models.allocation import Distribution, ScenarioStatus, StreamKind
from portal.services.allocation import ALL_STUDENTS
from portal.services.allocation_setup import LEVELS, check_stream_text
from portal.services.errors import Rejected


class Dollars(DollarsField):
    """Dollars with the example this field's hint gives (`message` when it cannot be read)."""

    def __init__(self, label=None, validators=None, message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        if message is not None:
            self.message = message


class Percent(PercentField):
    """A percentage such as 12.5 or 12.5% -> Decimal."""

    message = _l("Enter a percentage from 0 to 100.")


class Present:
    """The field was filled in and could be read (0 counts); an unreadable value already has
    its own message, so this adds none."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if field.data is None and not field.process_errors:
            raise ValidationError(str(self.message))


class Between:
    """A number from `low` to `high`, when one was given (empty means the default)."""

    def __init__(self, low, high, message):
        self.low, self.high, self.message = low, high, message

    def __call__(self, form, field):
        if field.data is not None and not self.low <= field.data <= self.high:
            raise ValidationError(str(self.message))


class StreamForm(PortalForm):
    """A new funding stream. The district's main language is set by the handler
    (`main_locale`): the name, and for restricted money its rule, must be written in it."""

    kind = ChoiceField(
        _l("Kind"),
        choices=[SelectChoice(kind.value, kind.label) for kind in StreamKind],
        invalid_choice_message=_l("Choose a kind."),
    )
    revenue = Dollars(
        _l("Projected revenue (dollars)"),
        validators=[Present(_l("Enter an amount in dollars, such as 1,250,000."))],
        message=_l("Enter an amount in dollars, such as 1,250,000."),
        description=_l("Dollars, such as 1,250,000 or 1250000.50."),
        render_kw={"inputmode": "decimal"},
    )
    distribution = ChoiceField(
        _l("How it reaches schools"),
        choices=[SelectChoice(d.value, d.label) for d in Distribution],
        invalid_choice_message=_l("Choose how it reaches schools."),
    )
    grant = Dollars(
        _l("For a grant: dollars per eligible school"),
        message=_l("Enter an amount in dollars, such as 25,000."),
        description=_l("Dollars, such as 25,000; leave it empty for none."),
        render_kw={"inputmode": "decimal"},
    )
    # The district's own rows: the service keeps only those (the page lists no others).
    eligible = MultiCheckboxField(
        _l("Eligible schools (for grants)"), coerce=int, choices=[], validate_choice=False
    )
    allowed_category = MultiCheckboxField(coerce=int, choices=[], validate_choice=False)

    main_locale = "en"

    def validate(self, extra_validators=None) -> bool:
        """The fields, and the stream's words (the service's rule, so that every problem
        shows at once, not the words only after the amounts are right)."""
        valid = super().validate(extra_validators)
        try:
            check_stream_text(
                self.main_locale,
                self.kind.data,
                self.translations("name"),
                self.translations("restriction"),
            )
        except Rejected as error:
            self.reject(error)
            return False
        return valid

    def values(self) -> dict:
        """The service's arguments."""
        return {
            "names": self.translations("name"),
            "kind": self.kind.data,
            "restrictions": self.translations("restriction"),
            "revenue_cents": self.revenue.data,
            "distribution": self.distribution.data,
            "grant_cents": self.grant.data,
            "school_ids": self.eligible.data or [],
            "category_ids": self.allowed_category.data or [],
        }


per_language(StreamForm, "name", _l("Name in each language"), 200, textarea=False)
per_language(
    StreamForm,
    "restriction",
    _l("For restricted money: what it may pay for, in one plain sentence"),
    500,
    textarea=False,
)


def stream_form(main_locale: str, **kwargs) -> StreamForm:
    """A stream form for a district writing first in `main_locale`."""
    form = StreamForm(**kwargs)
    form.main_locale = main_locale
    return form


class NeedGroupForm(PortalForm):
    """A new need group; the service checks the column name and the name in the main language
    together, so both problems show at once."""

    key = StringField(
        _l("Column name in the enrollment file"),
        description=_l("Lowercase letters, digits and _, starting with a letter, such as foster."),
        render_kw={"maxlength": 40},
    )

    def values(self) -> dict:
        """The service's arguments."""
        return {"key": self.key.data or "", "names": self.translations("group_name")}


per_language(NeedGroupForm, "group_name", _l("Name in each language"), 120, textarea=False)


class EnrollmentForm(PortalForm):
    """An enrollment file to preview."""

    file = FileField(
        _l("Enrollment file"),
        validators=[FileRequired(message=_l("Choose a CSV or XLSX file."))],
        render_kw={"accept": ".csv,.xlsx"},
    )


class NewScenarioForm(PortalForm):
    """A new scenario, copied from one of the year's (choices set by the handler) or empty."""

    name = StringField(
        _l("New scenario name"),
        id="scenario-name",
        validators=[Length(max=120)],
        render_kw={"maxlength": 120},
    )
    # Another district's scenario is a 404 (the handler looks it up), not a form error.
    copy_of = ChoiceField(_l("Start from"), choices=[], validate_choice=False)


def new_scenario_form(scenarios, empty_label, **kwargs) -> NewScenarioForm:
    """A new-scenario form offering the year's `scenarios` to copy (or `empty_label`)."""
    form = NewScenarioForm(**kwargs)
    form.copy_of.choices = [SelectChoice("", empty_label)] + [
        SelectChoice(str(s.id), s.name) for s in scenarios
    ]
    return form


class ScenarioStatusForm(PortalForm):
    """The button pressed: adopt, publish as "what you would receive", or back to draft."""

    status = StringField(validators=[AnyOf([status.value for status in ScenarioStatus])])


class PerPupil(DollarsField):
    """One cell of the weights matrix: dollars per pupil for a level and a group."""

    message = _l("Enter dollars per pupil, such as 3,741.")


class ScenarioForm(PortalForm):
    """A scenario's name, weights (one `w-<level>-<group>` cell each, added by
    `scenario_form`), central share, minimum budget and hold harmless."""

    name = StringField(
        _l("Name"),
        filters=[lambda text: (text or "").strip()],
        validators=[DataRequired(message=_l("Enter a name.")), Length(max=120)],
        render_kw={"maxlength": 120},
    )
    central_share = Percent(
        _l("Share of formula money held centrally, in percent"),
        validators=[Between(0, 100, _l("Enter a percentage from 0 to 100."))],
        description=_l("A number from 0 to 100, such as 10 or 12.5."),
        render_kw={"inputmode": "decimal"},
    )
    minimum = Dollars(
        _l("Minimum budget for every school (dollars)"),
        message=_l("Enter an amount in dollars, such as 250,000."),
        description=_l("Dollars, such as 250,000; 0 for none."),
        render_kw={"inputmode": "decimal"},
    )
    hold_harmless = BooleanField(_l("Hold harmless: no school below last year's allocation"))

    cells: dict[tuple[str, str], str] = {}

    def cell(self, level: str, key: str):
        """The weights matrix's field for a level and a group."""
        return self._fields[self.cells[(level, key)]]

    def values(self) -> dict:
        """The service's arguments: empty cells are no weight, empty amounts are 0."""
        weights = {}
        for (level, key), attribute in self.cells.items():
            cents = self._fields[attribute].data
            if cents is not None:
                weights.setdefault(level, {})[key] = cents
        share = self.central_share.data or Decimal(0)
        return {
            "name": self.name.data,
            "weights": weights,
            "central_share_bp": int(share * 100),
            "minimum_cents": self.minimum.data or 0,
            "hold_harmless": self.hold_harmless.data,
        }


def scenario_form(groups: list[str], group_names: dict, scenario, **kwargs) -> ScenarioForm:
    """The editor's form for these weight columns, filled from `scenario` until it is sent."""
    cells, attributes = {}, {}
    for level in LEVELS:
        for key in groups:
            group = (
                _("Every student")
                if key == ALL_STUDENTS
                else translated(group_names[key], "name").text
            )
            attribute = f"w_{level}_{key}"
            cells[(level, key)] = attribute
            attributes[attribute] = PerPupil(
                f"{SchoolLevel(level).label}: {group}",
                name=f"w-{level}-{key}",
                render_kw={"inputmode": "decimal"},
            )
    form = type("ScenarioWeightsForm", (ScenarioForm,), {**attributes, "cells": cells})(**kwargs)
    if not form.is_submitted():
        form.name.data = scenario.name
        form.central_share.data = Decimal(scenario.central_share_bp) / 100
        form.minimum.data = scenario.minimum_cents
        form.hold_harmless.data = scenario.hold_harmless
        for (level, key), attribute in cells.items():
            form[attribute].data = scenario.weights.get(level, {}).get(key)
    return form
