from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)
from wtforms.widgets import CheckboxInput, ListWidget

from portal.forms import email_field
from portal.i18n import LANGUAGES
from portal.models.accounts import ROLE_LABELS
from portal.models.district import LEVEL_LABELS

LANGUAGE_CHOICES = [
    SelectChoice(code, lang.native_name, {"lang": lang.tag}) for code, lang in LANGUAGES.items()
]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(FlaskForm):
    name = StringField(
        _l("Full name"),
        validators=[DataRequired(message=_l("Enter a name.")), Length(max=200)],
    )
    email = email_field()
    password = PasswordField(
        _l("New password"),
        validators=[
            Optional(),
            Length(min=10, max=200, message=_l("Use at least 10 characters.")),
        ],
        description=_l("At least 10 characters. Leave empty to keep the current password."),
    )
    preferred_locale = SelectField(
        _l("Language for e-mail and documents"),
        choices=LANGUAGE_CHOICES,
    )
    roles = MultiCheckboxField(
        _l("Roles"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
    )
    schools = MultiCheckboxField(
        _l("Schools (for principals and committee members)"), coerce=int, choices=[]
    )
    is_active = BooleanField(_l("Account is active"), default=True)


class SchoolForm(FlaskForm):
    name = StringField(
        _l("School name"),
        validators=[DataRequired(message=_l("Enter a name.")), Length(max=200)],
    )
    slug = StringField(
        _l("Web address name"),
        validators=[
            DataRequired(message=_l("Enter a web address name.")),
            Length(max=80),
            Regexp(
                r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                message=_l("Use lowercase letters, digits and single hyphens only."),
            ),
        ],
    )
    level = SelectField(
        _l("Level"), choices=[SelectChoice(lv.value, label) for lv, label in LEVEL_LABELS.items()]
    )
    address = StringField(_l("Address"), validators=[Length(max=300)])
    enrollment = IntegerField(
        _l("Enrollment"),
        validators=[
            InputRequired(message=_l("Enter the number of students.")),
            NumberRange(min=0, max=20000, message=_l("Enter a number from 0 to 20,000.")),
        ],
    )
    source_locale = SelectField(
        _l("Language the description was written in"),
        choices=LANGUAGE_CHOICES,
    )


def description_field_name(code: str) -> str:
    return f"description_{code}"


# One description box per language, added to the class so WTForms binds them.
for _code, _lang in LANGUAGES.items():
    setattr(
        SchoolForm,
        description_field_name(_code),
        TextAreaField(_lang.native_name, validators=[Length(max=4000)]),
    )


# Regions whose school districts might run the portal; names come from Babel in the reader's
# language, so the list needs no catalog entries.
REGIONS = ("US", "CA", "MX", "PR", "GB", "IE", "AU", "NZ")


def region_choices():
    from flask_babel import get_locale

    names = get_locale().territories
    return [(code, names.get(code, code)) for code in REGIONS]


class DistrictForm(FlaskForm):
    name = StringField(
        _l("District name"),
        validators=[DataRequired(message=_l("Enter a name.")), Length(max=200)],
    )
    default_locale = SelectField(
        _l("Main language (shown when a translation is missing)"), choices=LANGUAGE_CHOICES
    )
    region = SelectField(
        _l("Region for numbers and money"),
        choices=region_choices,
        description=_l("Amounts are written the way this region writes them, in every language."),
    )
    timezone = StringField(
        _l("Time zone"),
        validators=[DataRequired(message=_l("Enter a time zone.")), Length(max=64)],
        description=_l("For example America/Los_Angeles."),
    )
    small_cell_threshold = IntegerField(
        _l("Smallest group shown in public results"),
        validators=[
            InputRequired(message=_l("Enter a number.")),
            NumberRange(min=5, max=100, message=_l("Enter a number from 5 to 100.")),
        ],
        description=_l("Groups with fewer responses show “fewer than N”. Never below 5."),
    )


for _code, _lang in LANGUAGES.items():
    setattr(
        DistrictForm,
        f"tagline_{_code}",
        StringField(_lang.native_name, validators=[Length(max=300)]),
    )
