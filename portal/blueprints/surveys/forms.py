from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp

from portal.blueprints.manage.forms import MultiCheckboxField
from portal.i18n import LANGUAGES
from portal.models.surveys import AREA_LABELS, ItemKind

SLUG = Regexp(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    message=_l("Use lowercase letters, digits and single hyphens only."),
)
KIND_LABELS = {
    ItemKind.AGREEMENT: _l("Agree or disagree (4 points and don't know)"),
    ItemKind.CHOICE: _l("One choice from a list"),
    ItemKind.COMMENT: _l("Short comment"),
}


def per_language(form_class, prefix: str, label, max_length: int, textarea: bool = True) -> None:
    """Add one field per portal language, named `<prefix>_<locale>`."""
    field_class = TextAreaField if textarea else StringField
    for code, lang in LANGUAGES.items():
        setattr(
            form_class,
            f"{prefix}_{code}",
            field_class(lang.native_name, validators=[Length(max=max_length)]),
        )


class NewSurveyForm(FlaskForm):
    slug = StringField(
        _l("Web address name"),
        validators=[DataRequired(message=_l("Enter a web address name.")), Length(max=80), SLUG],
        description=_l(
            "Lowercase letters and digits, words joined by single hyphens, for example "
            "readiness-2026."
        ),
    )
    opens_on = DateField(_l("Opens on"), validators=[InputRequired(message=_l("Choose a date."))])
    closes_on = DateField(_l("Closes on"), validators=[InputRequired(message=_l("Choose a date."))])


class SurveySettingsForm(FlaskForm):
    opens_on = DateField(_l("Opens on"), validators=[InputRequired(message=_l("Choose a date."))])
    closes_on = DateField(_l("Closes on"), validators=[InputRequired(message=_l("Choose a date."))])
    covers_all_schools = BooleanField(_l("Every school in the district"))
    schools = MultiCheckboxField(_l("Or only these schools"), coerce=int, choices=[])
    results_public = BooleanField(_l("Anyone may see the results (small groups stay hidden)"))
    requires_access_code = BooleanField(_l("Answering needs a one-time access code"))
    baseline_id = SelectField(_l("Compare results with"), coerce=int, choices=[])


per_language(SurveySettingsForm, "title", _l("Title"), 200, textarea=False)
per_language(SurveySettingsForm, "intro", _l("Introduction"), 2000)


class ItemForm(FlaskForm):
    area = SelectField(
        _l("Area"), choices=[SelectChoice(area.value, label) for area, label in AREA_LABELS.items()]
    )
    kind = SelectField(
        _l("Kind of question"),
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
    )


per_language(ItemForm, "prompt", _l("Statement or question"), 500)
# Choices for "one choice" items: one per line, the same lines in the same order in each language.
per_language(ItemForm, "options", _l("Choices, one per line"), 2000)


class AccessCodeForm(FlaskForm):
    count = IntegerField(
        _l("How many codes"),
        validators=[
            InputRequired(message=_l("Enter a number.")),
            NumberRange(min=1, max=2000, message=_l("Enter a number from 1 to 2,000.")),
        ],
        description=_l("A whole number from 1 to 2,000."),
    )
    batch_label = StringField(
        _l("What the codes are for"),
        validators=[Length(max=120)],
        description=_l("For example: Oak Grove family night, 12 March."),
    )


class PaperEntryForm(FlaskForm):
    sheet_code = StringField(
        _l("Sheet code"),
        validators=[
            DataRequired(message=_l("Enter the code printed on the sheet.")),
            Length(max=16),
        ],
        description=_l("As printed at the top of the sheet, for example 0042-K7Q."),
    )
    channel = SelectField(_l("Where the answers come from"), choices=[])
    language = SelectField(
        _l("Language of the sheet"),
        choices=[SelectChoice(code, lang.native_name) for code, lang in LANGUAGES.items()],
    )
