"""The calendar's staff forms: an event, the four phases' dates, a required event.

The HTML names are the ones the pages always had (`title_en`, `day`, `engage_starts`, ...); the
requirement form's selects keep their ids `req-kind` and `req-phase`, since the dashboard also
draws an event form with `kind` and `phase`."""

from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange
from wtforms.widgets import TextInput

from portal.forms import ChoiceField, PortalForm, TimeOfDayField, WebAddressField, per_language
from portal.i18n import LANGUAGES
from portal.models.calendar import EventKind, Phase
from portal.models.committees import CommitteeKind
from portal.phase_forms import DATE_MESSAGE, PhaseDatesForm  # noqa: F401 - manage.py reads it here
from portal.services.calendar_editing import (
    DESCRIPTION_LENGTH,
    PLACE_LENGTH,
    TITLE_LENGTH,
    EventDetails,
)

KIND_MESSAGE = _l("Choose what kind of event this is.")
PHASE_MESSAGE = _l("Choose the phase of the year.")


def _choices(enum, blank):
    return [SelectChoice("", blank)] + [SelectChoice(item.value, item.label) for item in enum]


def kind_field(**kwargs) -> ChoiceField:
    return ChoiceField(
        _l("Kind of event"),
        choices=lambda: _choices(EventKind, _l("Choose a kind")),
        validators=[DataRequired(message=KIND_MESSAGE)],
        invalid_choice_message=KIND_MESSAGE,
        default="",
        **kwargs,
    )


def phase_field(**kwargs) -> ChoiceField:
    return ChoiceField(
        _l("Phase of the year"),
        choices=lambda: _choices(Phase, _l("Choose a phase")),
        validators=[DataRequired(message=PHASE_MESSAGE)],
        invalid_choice_message=PHASE_MESSAGE,
        default="",
        **kwargs,
    )


class EndTimeField(TimeOfDayField):
    message = _l("Enter a time such as 20:00, or leave it empty.")


class EventLinkField(WebAddressField):
    message = _l("Enter a web address starting with https://, or leave it empty.")


class EventForm(PortalForm):
    """A school's event or a district-wide one. The title is needed in the district's main
    language (`main_locale`, set by `event_form`), checked here so that every mistake shows at
    once, and again by the service."""

    kind = kind_field()
    phase = phase_field()
    day = DateField(
        _l("Date"),
        validators=[InputRequired(message=DATE_MESSAGE)],
        invalid_value_message=DATE_MESSAGE,
        description=_l("For example 2026-12-03."),
    )
    starts = TimeOfDayField(
        _l("Starts at"),
        validators=[InputRequired(message=_l("Enter a time such as 18:30."))],
        description=_l("24-hour clock, for example 18:30."),
        render_kw={"type": "time"},
    )
    ends = EndTimeField(
        _l("Ends at (optional)"),
        description=_l("24-hour clock, for example 20:00."),
        render_kw={"type": "time"},
    )
    place = StringField(
        _l("Place"), validators=[Length(max=PLACE_LENGTH)], render_kw={"maxlength": PLACE_LENGTH}
    )
    online_url = EventLinkField(
        _l("Online link (optional)"),
        description=_l("A full web address, starting with http or https"),
        render_kw={"type": "url"},
    )
    committee = ChoiceField(
        _l("Committee"),
        choices=lambda: _choices(CommitteeKind, _l("None")),
        invalid_choice_message=_l("Choose a committee from the list."),
        default="",
    )
    interpretation = BooleanField(_l("Interpretation offered"))
    childcare = BooleanField(_l("Childcare offered"))

    main_locale = "en"

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (getattr(self, f"title_{self.main_locale}").data or "").strip():
            message = _l("Give the event a title in the district's main language.")
            self.group_errors.setdefault("title", []).append(str(message))
            return False
        return valid

    def fill(self, event, timezone: str) -> None:
        """Show a stored event, its times on the district's clock."""
        for code in LANGUAGES:
            self[f"title_{code}"].data = event.title.get(code, "")
            self[f"description_{code}"].data = (event.description or {}).get(code, "")
        starts = event.starts_at.astimezone(ZoneInfo(timezone))
        self.day.data, self.starts.data = starts.date(), starts.time()
        if event.ends_at is not None:
            self.ends.data = event.ends_at.astimezone(ZoneInfo(timezone)).time()
        for name in ("kind", "phase", "place", "online_url", "committee"):
            self[name].data = getattr(event, name) or ""
        self.interpretation.data, self.childcare.data = event.interpretation, event.childcare

    def details(self) -> EventDetails:
        return EventDetails(
            title=self.translations("title"),
            description=self.translations("description"),
            kind=self.kind.data,
            phase=self.phase.data,
            day=self.day.data,
            starts=self.starts.data,
            ends=self.ends.data,
            place=self.place.data or "",
            online_url=self.online_url.data or "",
            interpretation=self.interpretation.data,
            childcare=self.childcare.data,
            committee=self.committee.data or "",
        )


per_language(EventForm, "title", _l("Title in each language"), TITLE_LENGTH, textarea=False)
per_language(EventForm, "description", _l("What happens, in plain words"), DESCRIPTION_LENGTH)


def event_form(district, event=None, posted: bool = True) -> EventForm:
    """The event form for this district, showing `event` until it is posted. `posted=False`
    for a form drawn beside another one that was posted (it reads nothing from the request)."""
    form = EventForm() if posted else EventForm(formdata=None)
    form.main_locale = district.default_locale
    if event is not None and not (posted and form.is_submitted()):
        form.fill(event, district.timezone)
    return form


def phase_form(windows: dict, posted: bool = True) -> PhaseDatesForm:
    """The phase form showing the stored `windows` until it is posted (`posted`: see
    `event_form`)."""
    form = PhaseDatesForm() if posted else PhaseDatesForm(formdata=None)
    if not (posted and form.is_submitted()):
        form.fill(windows)
    return form


class RequirementForm(PortalForm):
    kind = kind_field(id="req-kind")
    phase = phase_field(id="req-phase")
    min_count = IntegerField(
        _l("How many"),
        default=1,
        validators=[
            InputRequired(message=_l("Enter a whole number from 1 to 50.")),
            NumberRange(min=1, max=50, message=_l("Enter a whole number from 1 to 50.")),
        ],
        invalid_value_message=_l("Enter a whole number from 1 to 50."),
        description=_l("A whole number from 1 to 50."),
        render_kw={"inputmode": "numeric"},
        widget=TextInput(),
    )
    due_on = DateField(
        _l("Scheduled by"),
        validators=[InputRequired(message=DATE_MESSAGE)],
        invalid_value_message=DATE_MESSAGE,
        description=_l("For example 2026-12-03."),
    )

    def requirement(self) -> dict:
        """What `services.calendar_editing.add_requirement` takes."""
        return {
            "kind": self.kind.data,
            "phase": self.phase.data,
            "min_count": self.min_count.data,
            "due_on": self.due_on.data,
        }


def requirement_form(posted: bool = True) -> RequirementForm:
    return RequirementForm() if posted else RequirementForm(formdata=None)
