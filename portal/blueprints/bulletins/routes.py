"""Reading bulletins: the list, one bulletin, the Atom feed, the print edition and the monthly
packet, and short links. Every handler here only reads: scheduled bulletins are published by
`flask publish-scheduled`, short links are made when their page is created or published."""

from datetime import UTC, date, datetime

from flask import Response, abort, current_app, g, redirect, render_template, request
from flask_babel import get_locale

from portal import formatting
from portal.blueprints.bulletins import bp
from portal.forms import parse_int
from portal.i18n import LANGUAGES
from portal.models import Bulletin
from portal.permissions import cacheable, public
from portal.responses import pdf_download, public_pdf_limit
from portal.services import bulletin_reading as reading
from portal.services import short_links
from portal.services.bulletin_links import link_cards, link_kind_label
from portal.services.equity import find_schools
from portal.services.sanitize import render_markdown

# Schools the list's chooser offers at once; a larger district types part of a name first.
SCHOOL_CHOICES = 30


def _locale() -> str:
    return str(get_locale())


@bp.app_template_global("pick_bulletin")
def pick_bulletin(bulletin: Bulletin, field: str):
    """A bulletin's field in the reader's language (or marked as another)."""
    return reading.text(bulletin, field, _locale(), g.district.default_locale)


bp.add_app_template_global(link_kind_label, "link_kind_label")


def _month_label(key: tuple[int, int]) -> str:
    return formatting.month(date(key[0], key[1], 1))


def _readable_or_404(slug: str) -> Bulletin:
    return reading.readable_or_none(g.district.id, slug) or abort(404)


@bp.get("/bulletins")
@cacheable
def index():
    """Newest first, grouped by month, optionally for one school."""
    school = reading.district_school(g.district.id, request.args.get("school"))
    page = parse_int(request.args.get("page"), 1, 500) or 1
    months, has_more = reading.by_month(g.district.id, school, page)
    # The school chooser: the matches of `find` (at most SCHOOL_CHOICES), not every school.
    find = (request.args.get("find") or "").strip()[:100]
    schools, more_schools = find_schools(g.district.id, find, None, SCHOOL_CHOICES)
    return render_template(
        "bulletins/index.html",
        months=months,
        school=school,
        schools=schools,
        more_schools=more_schools,
        find=find,
        page=page,
        has_more=has_more,
        month_name=_month_label,
    )


@bp.get("/bulletins/<slug>")
@cacheable
def show(slug: str):
    """One bulletin in the reader's language; the switcher lists only its languages."""
    bulletin = _readable_or_404(slug)
    locale, fallback = _locale(), g.district.default_locale
    body = reading.text(bulletin, "body", locale, fallback)
    return render_template(
        "bulletins/show.html",
        bulletin=bulletin,
        title=reading.text(bulletin, "title", locale, fallback),
        summary=reading.text(bulletin, "summary", locale, fallback),
        body=body,
        body_html=render_markdown(body.text),
        available=[LANGUAGES[c] for c in LANGUAGES if c in bulletin.locales],
        coming=locale not in bulletin.locales,
        cards=link_cards(bulletin, locale),
    )


@bp.get("/bulletins/<slug>/picture/<digest>-<size>")
@public
def picture(slug: str, digest: str, size: str):
    """The bulletin's picture; the address changes with the picture, so it is cached for good."""
    image = _readable_or_404(slug).image
    if image is None or image.digest != digest or size not in ("small", "large"):
        abort(404)
    response = Response(image.small if size == "small" else image.large, mimetype=image.mimetype)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@bp.get("/bulletins/feed.xml")
@cacheable
def feed():
    """Atom feed of the newest bulletins, in `?lang=`, for the district or `?school=`."""
    school = None
    if request.args.get("school"):
        school = reading.district_school(g.district.id, request.args["school"]) or abort(404)
    locale = _locale()
    entries = reading.feed_entries(g.district, school, locale)
    body = render_template(
        "bulletins/feed.xml",
        entries=entries,
        school=school,
        updated=(
            entries[0]["bulletin"].updated_at if entries else datetime(2000, 1, 1, tzinfo=UTC)
        ),
        self_url=current_app.config["PUBLIC_BASE_URL"] + request.full_path.rstrip("?"),
        lang=LANGUAGES.get(locale, LANGUAGES["en"]).tag,
    )
    return Response(body, mimetype="application/atom+xml")


@bp.get("/bulletins/<slug>.pdf")
@public_pdf_limit
@cacheable
def show_pdf(slug: str):
    """The print edition: the bulletin with a QR code back to it online, in this language."""
    bulletin = _readable_or_404(slug)
    item = reading.print_item(bulletin, g.district, _locale())
    return pdf_download("bulletins/print.html", f"{bulletin.slug}.pdf", items=[item], heading=None)


@bp.get("/bulletins/<int:year>/<int:month>.pdf")
@public_pdf_limit
@cacheable
def monthly_packet(year: int, month: int):
    """Every bulletin published that month, as one printable packet."""
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        abort(404)
    rows = reading.of_month(g.district.id, year, month) or abort(404)
    items = [reading.print_item(b, g.district, _locale()) for b in rows]
    return pdf_download(
        "bulletins/print.html",
        f"bulletins-{year}-{month:02d}.pdf",
        items=items,
        heading=_month_label((year, month)),
    )


def _follow(kind: str, code: str, lang: str | None):
    """On to the page, in the language the link carries."""
    return redirect(short_links.follow(kind, code, lang) or abort(404), code=302)


@bp.get("/b/<code>", defaults={"lang": None})
@bp.get("/b/<code>/<lang>")
@public
def short_bulletin(code: str, lang: str | None):
    """A bulletin's short address, from a text message or paper."""
    return _follow("bulletin", code, lang)


@bp.get("/s/<code>", defaults={"lang": None})
@bp.get("/s/<code>/<lang>")
@public
def short_school(code: str, lang: str | None):
    """A school's short address."""
    return _follow("school", code, lang)


@bp.get("/q/<code>", defaults={"lang": None})
@bp.get("/q/<code>/<lang>")
@public
def short_survey(code: str, lang: str | None):
    """A survey's short address."""
    return _follow("survey", code, lang)
