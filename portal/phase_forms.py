"""The four phases' dates as one form: the district's calendar template, a school's own dates,
and the review before the next school year opens all use it."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms.validators import Optional

from portal.forms import PortalForm
from portal.models.calendar import Phase

DATE_MESSAGE = _l("Enter a date such as 2026-12-03.")


class PhaseDatesForm(PortalForm):
    """The four phases' first and last days (`<phase>_starts`, `<phase>_ends`). Whether a
    phase may be left empty is the service's rule (a school's may, the district's may not)."""

    def dates(self) -> dict:
        return {
            phase: (self[f"{phase.value}_starts"].data, self[f"{phase.value}_ends"].data)
            for phase in Phase
        }

    def fill(self, windows: dict) -> None:
        """Show stored dates: {phase: (starts, ends)}."""
        for phase, (starts, ends) in windows.items():
            self[f"{Phase(phase).value}_starts"].data = starts
            self[f"{Phase(phase).value}_ends"].data = ends

    def phase_fields(self):
        """(phase, its first-day field, its last-day field), in the year's order."""
        return [
            (phase, self[f"{phase.value}_starts"], self[f"{phase.value}_ends"]) for phase in Phase
        ]


for _phase in Phase:
    setattr(
        PhaseDatesForm,
        f"{_phase.value}_starts",
        DateField(
            _l("From"),
            validators=[Optional()],
            invalid_value_message=DATE_MESSAGE,
            description=_l("For example 2026-09-01."),
        ),
    )
    setattr(
        PhaseDatesForm,
        f"{_phase.value}_ends",
        DateField(_l("To"), validators=[Optional()], invalid_value_message=DATE_MESSAGE),
    )
