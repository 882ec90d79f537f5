"""The paper survey's forms: which sheets to print now (a GET form), and a packet of many
sheets that district staff ask for, made in the background (a POST form)."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

from portal.formatting import number
from portal.forms import PortalForm
from portal.i18n import LANGUAGES

# Sheet numbers are printed in the sheet code; past this they stop meaning anything.
LAST_SERIAL = 999_999


class PaperSheetsForm(PortalForm):
    """Which paper sheets to print (a GET form: /surveys/<slug>/paper.pdf?first=1&count=20).
    How many one request may print is the view's decision (PAPER_SHEETS_PER_REQUEST)."""

    class Meta:
        csrf = False

    first = IntegerField(default=1, validators=[Optional(), NumberRange(min=1, max=LAST_SERIAL)])
    count = IntegerField(default=1, validators=[Optional(), NumberRange(min=1)])

    @property
    def first_serial(self) -> int:
        return self.first.data or 1

    @property
    def wanted(self) -> int:
        """How many sheets were asked for (1 when not said)."""
        return self.count.data or 1

    def serials(self) -> range:
        """The sheets' serial numbers: from `first`, `count` of them."""
        return range(self.first_serial, self.first_serial + self.wanted)


class PacketForm(PortalForm):
    """A packet of paper sheets for staff to print, made in the background."""

    first = IntegerField(
        _l("First sheet number"),
        default=1,
        validators=[
            InputRequired(message=_l("Enter a number.")),
            NumberRange(min=1, max=LAST_SERIAL, message=_l("Enter a number from 1 to 999,999.")),
        ],
        description=_l("Start after the last sheet you printed, so no two sheets share a code."),
    )
    count = IntegerField(
        _l("How many sheets"), validators=[InputRequired(message=_l("Enter a number."))]
    )
    language = SelectField(_l("Language of the sheets"))

    @classmethod
    def of(cls, args, locale: str, next_first: int = 1) -> "PacketForm":
        """The form, filled from the address (?first=&count=, as the print link sends) or the
        post; otherwise the sheets start at `next_first` (after those already asked for), in
        the page's language."""
        form = cls()
        form.language.choices = [
            SelectChoice(code, lang.native_name, render_kw={"lang": lang.tag})
            for code, lang in LANGUAGES.items()
        ]
        most = current_app.config["PAPER_SHEETS_PER_PACKET"]
        form.count.validators = [
            *form.count.validators,
            NumberRange(
                min=1,
                max=most,
                message=_l("Enter a number from 1 to %(most)s.", most=number(most)),
            ),
        ]
        form.count.description = _l(
            "Up to %(most)s sheets. They are made in the background; this page shows when "
            "they are ready.",
            most=number(most),
        )
        if not form.is_submitted():
            asked = PaperSheetsForm(formdata=args)
            asked.validate()
            given = {name: field.data for name, field in asked._fields.items() if not field.errors}
            form.first.data = (given.get("first") if "first" in args else None) or next_first
            form.count.data = given.get("count") if "count" in args else None
            form.language.data = locale
        return form
