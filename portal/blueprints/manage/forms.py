"""The workspace's forms: accounts and roles, schools, the district's settings, the account
search."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SearchField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from portal.forms import ChoiceField, MultiCheckboxField, PortalForm, email_field, per_language
from portal.i18n import LANGUAGES
from portal.models.accounts import ROLE_LABELS
from portal.models.district import LEVEL_LABELS


def show_texts(form: PortalForm, prefix: str, values: dict[str, str]) -> None:
    """Put stored {locale: text} into the form's `<prefix>_<code>` fields (before anything is
    posted)."""
    for code in LANGUAGES:
        form[f"{prefix}_{code}"].data = (values or {}).get(code, "")


LANGUAGE_CHOICES = [
    SelectChoice(code, lang.native_name, {"lang": lang.tag}) for code, lang in LANGUAGES.items()
]


class UserForm(PortalForm):
    """An account: its details, its roles and the schools they name, active or not. The
    schools to choose from are set by the handler (`schools.choices`)."""

    name = StringField(
        _l("Full name"),
        validators=[DataRequired(message=_l("Enter a name.")), Length(max=200)],
    )
    email = email_field()
    # No password: a new account gets an invitation by e-mail and chooses its own
    # (portal.services.invitations).
    preferred_locale = ChoiceField(
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

    def account(self) -> dict:
        """What `services.users.save_user` takes."""
        return {
            "name": self.name.data,
            "email": self.email.data,
            "preferred_locale": self.preferred_locale.data,
            "roles": self.roles.data or [],
            "school_ids": self.schools.data or [],
            "is_active": self.is_active.data,
        }


class SchoolForm(PortalForm):
    """A school's details and its description for families in each language."""

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
    level = ChoiceField(
        _l("Level"), choices=[SelectChoice(lv.value, label) for lv, label in LEVEL_LABELS.items()]
    )
    address = StringField(_l("Address"), validators=[Length(max=300)])
    area = StringField(
        _l("Part of the district"),
        validators=[Length(max=80)],
        description=_l("The part of the district the school is in, for browsing the school list."),
    )
    enrollment = IntegerField(
        _l("Enrollment"),
        validators=[
            InputRequired(message=_l("Enter the number of students.")),
            NumberRange(min=0, max=20000, message=_l("Enter a number from 0 to 20,000.")),
        ],
    )
    source_locale = ChoiceField(
        _l("Language the description was written in"),
        choices=LANGUAGE_CHOICES,
    )

    def details(self) -> dict:
        """What `services.schools.create_school` and `update_school` take."""
        return {
            "name": self.name.data,
            "slug": self.slug.data,
            "level": self.level.data,
            "address": self.address.data,
            "area": (self.area.data or "").strip(),
            "enrollment": self.enrollment.data,
            "source_locale": self.source_locale.data,
            "description": self.translations("description"),
        }


per_language(SchoolForm, "description", _l("Description for families, in each language"), 4000)


# Regions whose school districts might run the portal; names come from Babel in the reader's
# language, so the list needs no catalog entries.
REGIONS = ("US", "CA", "MX", "PR", "GB", "IE", "AU", "NZ")


def region_choices():
    names = get_locale().territories
    return [SelectChoice(code, names.get(code, code)) for code in REGIONS]


class DistrictForm(PortalForm):
    """The district's settings (the time zone is checked by the service, which knows the
    time zones)."""

    name = StringField(
        _l("District name"),
        validators=[DataRequired(message=_l("Enter a name.")), Length(max=200)],
    )
    default_locale = ChoiceField(
        _l("Main language (shown when a translation is missing)"), choices=LANGUAGE_CHOICES
    )
    region = ChoiceField(
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
    roll_call_votes = BooleanField(
        _l("Committee votes are roll calls: the public record shows each member's vote"),
        description=_l("Otherwise the public sees the totals only."),
    )
    # Session limits (portal.services.session_limits checks the ranges again).
    session_idle_minutes = IntegerField(
        _l("Sign staff out after this many minutes without activity"),
        validators=[
            Optional(),
            NumberRange(min=5, max=240, message=_l("Enter a number from 5 to 240.")),
        ],
    )
    session_max_hours = IntegerField(
        _l("Sign staff out this many hours after they sign in, even when active"),
        validators=[
            Optional(),
            NumberRange(min=1, max=24, message=_l("Enter a number from 1 to 24.")),
        ],
        description=_l("“Keep me signed in” lasts no longer than this either."),
    )

    def session_limits(self) -> dict:
        """What `services.session_limits.set_session_limits` takes."""
        return {
            "idle_minutes": self.session_idle_minutes.data,
            "max_hours": self.session_max_hours.data,
        }

    def settings(self) -> dict:
        """What `services.schools.update_district` takes."""
        return {
            "name": self.name.data,
            "default_locale": self.default_locale.data,
            "timezone": self.timezone.data,
            "region": self.region.data,
            "small_cell_threshold": self.small_cell_threshold.data,
            "roll_call_votes": self.roll_call_votes.data,
            "tagline": self.translations("tagline"),
        }


per_language(
    DistrictForm,
    "tagline",
    _l("Tagline on the home page, in each language"),
    300,
    textarea=False,
)


class UserSearchForm(PortalForm):
    """The account search (a GET form: nothing to protect)."""

    class Meta:
        csrf = False

    q = SearchField(
        _l("Name or e-mail"),
        id="user-search",
        validators=[Length(max=100)],
        render_kw={"maxlength": 100},
    )
