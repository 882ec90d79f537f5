"""First run (`flask setup`): the district, its current school year and the first
administrator, who chooses a password from a one-time link (or types one at the console)."""

import re
import unicodedata
import zoneinfo
from datetime import date, datetime

from babel.numbers import get_territory_currencies
from flask_babel import gettext as _

from portal.extensions import db
from portal.forms import EMAIL_PATTERN
from portal.i18n import LANGUAGES
from portal.models import District, SchoolYear, User
from portal.models.account_tokens import LinkPurpose
from portal.models.base import utcnow
from portal.services import account_links, passwords
from portal.services.accounts import set_roles
from portal.services.audit import record_audit
from portal.services.errors import Rejected
from portal.services.throttle import normalize_email
from portal.services.users import NO_PASSWORD


def problems(
    *, district: str, time_zone: str, language: str, languages: list[str], region: str, email: str
) -> dict[str, str]:
    """What is wrong with the answers, by option name (empty when all is well)."""
    found = {}
    if not (district or "").strip() or len(district.strip()) > 200:
        found["district"] = _("Give the district's name (at most 200 characters).")
    if time_zone not in zoneinfo.available_timezones():
        found["time-zone"] = _(
            "Unknown time zone %(zone)s: use a name such as America/Los_Angeles.", zone=time_zone
        )
    known = ", ".join(LANGUAGES)
    if language not in LANGUAGES:
        found["language"] = _(
            "Unknown language %(code)s: use one of %(known)s.", code=language, known=known
        )
    unknown = [code for code in languages if code not in LANGUAGES]
    if unknown:
        found["languages"] = _(
            "Unknown language %(code)s: choose from %(known)s.",
            code=", ".join(unknown),
            known=known,
        )
    # A real country or territory: one with a currency (CLDR's "ZZ", "UN" ... have none).
    if not re.fullmatch(r"[A-Z]{2}", region or "") or not get_territory_currencies(region):
        found["region"] = _(
            "Unknown region %(code)s: use a two-letter country code such as US.", code=region
        )
    if not re.match(EMAIL_PATTERN, email or "") or len(email) > 254:
        found["admin-email"] = _("Enter a valid e-mail address.")
    return found


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:80]
    return slug or "district"


def _current_year_bounds(today: date) -> tuple[str, date, date]:
    """The school year (1 July to 30 June) that `today` falls in, labelled like 2026-27."""
    start_year = today.year if today.month >= 7 else today.year - 1
    label = f"{start_year}-{(start_year + 1) % 100:02d}"
    return label, date(start_year, 7, 1), date(start_year + 1, 6, 30)


def set_up(
    *,
    district: str,
    time_zone: str,
    language: str,
    languages: list[str],
    region: str,
    email: str,
    name: str,
    password: str | None = None,
    now: datetime | None = None,
) -> tuple[District, User, str | None]:
    """Create the district, its current school year and the first administrator. Returns
    (district, admin, token): the token of the one-time link, or None when `password` was
    given (checked by the password policy). Raises Rejected (by option name) for bad answers
    or when a district already exists."""
    if District.current() is not None:
        raise Rejected({}, _("This portal is already set up: a district exists."))
    found = problems(
        district=district,
        time_zone=time_zone,
        language=language,
        languages=languages,
        region=region,
        email=email,
    )
    if found:
        raise Rejected(found)
    now = now or utcnow()
    published = list(dict.fromkeys([language, *languages]))
    row = District(
        name=district.strip(),
        slug=_slug(district),
        default_locale=language,
        source_locale=language,
        timezone=time_zone,
        region=region,
        required_locales=published,
    )
    db.session.add(row)
    db.session.flush()
    # Plans, budgets and calendars belong to a school year: the site needs a current one.
    label, starts, ends = _current_year_bounds(now.astimezone(zoneinfo.ZoneInfo(time_zone)).date())
    db.session.add(
        SchoolYear(district_id=row.id, label=label, starts_on=starts, ends_on=ends, is_current=True)
    )
    admin = User(
        email=normalize_email(email),
        name=(name or "").strip()[:200] or _("Administrator"),
        preferred_locale=language,
        password_hash=NO_PASSWORD,
        is_active=True,
    )
    set_roles(admin, ["admin"], [])
    db.session.add(admin)
    db.session.flush()
    token = None
    if password is not None:
        passwords.set_password(admin, password)
    else:
        token, _link = account_links.issue(admin, LinkPurpose.SETUP, now)
    record_audit(
        None,
        "district.set_up",
        "district",
        row.id,
        {"languages": published, "region": region, "time_zone": time_zone, "year": label},
        district_id=row.id,
    )
    record_audit(
        None, "account.created", "user", admin.id, {"roles": ["admin"]}, district_id=row.id
    )
    return row, admin, token
