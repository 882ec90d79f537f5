"""Reading bulletins: the list, one bulletin, the Atom feed, the print edition and the monthly
packet, short links, and e-mail subscription."""

import base64
import calendar as month_calendar
import io
from datetime import UTC, date, datetime

from flask import abort, current_app, g, make_response, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from portal import formatting
from portal.blueprints.bulletins import bp
from portal.extensions import csrf, db, limiter
from portal.forms import EMAIL_PATTERN, parse_int
from portal.i18n import LANGUAGES, TranslatedValue, pick_translation
from portal.models import Bulletin, School, ShortLink, Subscriber, Survey
from portal.models.base import utcnow
from portal.models.bulletins import BulletinStatus, bulletin_school
from portal.pdf import PDF_MIMETYPE, render_pdf
from portal.permissions import cacheable, public
from portal.services import bulletins as service
from portal.services import mail

PER_PAGE = 20


def publish_due() -> None:
    """Scheduled bulletins whose time has come are published on the next request (no daemon
    needed; `flask publish-scheduled` from cron does the same)."""
    if g.district is None:
        return
    due = service.due_bulletins(g.district.id, utcnow())
    for bulletin in due:
        if service.publish(bulletin):
            queue_emails(bulletin)
    if due:
        db.session.commit()


def published_query(school: School | None = None):
    query = (
        select(Bulletin)
        .options(selectinload(Bulletin.schools))
        .where(Bulletin.district_id == g.district.id, Bulletin.status == BulletinStatus.PUBLISHED)
        .order_by(Bulletin.published_at.desc(), Bulletin.id.desc())
    )
    if school is not None:
        addressed = select(bulletin_school.c.bulletin_id).where(
            bulletin_school.c.school_id == school.id
        )
        everyone = (
            ~select(bulletin_school.c.bulletin_id)
            .where(bulletin_school.c.bulletin_id == Bulletin.id)
            .exists()
        )
        query = query.where(or_(Bulletin.id.in_(addressed), everyone))
    return query


def latest_for(school: School | None = None, limit: int = 3) -> list[Bulletin]:
    """The newest published bulletins for the home page or a school page."""
    if g.district is None:
        return []
    return list(db.session.scalars(published_query(school).limit(limit)))


def text(bulletin: Bulletin, field: str, locale: str | None = None):
    locale = locale or str(get_locale())
    return pick_translation(
        getattr(bulletin, field), locale, (bulletin.source_locale, g.district.default_locale)
    )


def bulletin_url(bulletin: Bulletin, locale: str, external: bool = True) -> str:
    tag = LANGUAGES[locale].tag if locale in LANGUAGES else locale
    path = url_for("bulletins.show", slug=bulletin.slug, lang=tag)
    return current_app.config["PUBLIC_BASE_URL"] + path if external else path


def short_url(kind: str, target_id: int, locale: str) -> str:
    code = service.short_code(kind, target_id)
    prefix = {"bulletin": "b", "school": "s", "survey": "q"}[kind]
    tag = LANGUAGES[locale].tag if locale in LANGUAGES else locale
    return f"{current_app.config['PUBLIC_BASE_URL']}/{prefix}/{code}/{tag}"


def share_link(kind: str, target_id: int) -> str:
    """The short link of a page in the reader's language, made (and saved) on first use."""
    url = short_url(kind, target_id, str(get_locale()))
    db.session.commit()
    return url


def queue_emails(bulletin: Bulletin) -> int:
    """One message per confirmed subscriber who should get it, in their language."""
    school_ids = {school.id for school in bulletin.schools}
    subscribers = db.session.scalars(
        select(Subscriber).where(
            Subscriber.district_id == bulletin.district_id, Subscriber.confirmed_at.is_not(None)
        )
    )
    count = 0
    for subscriber in subscribers:
        if school_ids and subscriber.school_id and subscriber.school_id not in school_ids:
            continue
        unsubscribe = current_app.config["PUBLIC_BASE_URL"] + url_for(
            "bulletins.unsubscribe", token=mail.subscriber_token(subscriber, "unsubscribe")
        )
        with force_locale(subscriber.locale):
            title = text(bulletin, "title", subscriber.locale)
            summary = text(bulletin, "summary", subscriber.locale)
            content = text(bulletin, "body", subscriber.locale)
            body = render_template(
                "bulletins/email.txt",
                bulletin=bulletin,
                title=title,
                summary=summary,
                body=content,
                url=bulletin_url(bulletin, subscriber.locale),
                unsubscribe_url=unsubscribe,
            )
        reader = LANGUAGES.get(subscriber.locale, LANGUAGES["en"]).tag
        # The message's languages: the reader's (our words), then the text's if it is another.
        languages = [reader] + [
            v.language.tag for v in (title, summary, content) if v.text and v.is_fallback
        ]
        queued = mail.queue(
            f"bulletin:{bulletin.id}:subscriber:{subscriber.id}",
            subscriber.email,
            title.text,
            body,
            {
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Content-Language": ", ".join(dict.fromkeys(languages)),
            },
        )
        count += int(queued)
    return count


LINK_KIND_LABELS = {
    "plan": _l("School plan"),
    "budget": _l("Budget"),
    "calendar": _l("Calendar"),
    "school": _l("School"),
    "survey": _l("Survey"),
}


@bp.app_template_global("pick_bulletin")
def pick_bulletin(bulletin: Bulletin, field: str):
    return text(bulletin, field)


@bp.app_template_global("link_kind_label")
def link_kind_label(kind: str) -> str:
    return LINK_KIND_LABELS.get(kind, "")


@bp.get("/bulletins")
@cacheable
def index():
    """Newest first, grouped by month, optionally for one school."""
    publish_due()
    school = None
    if request.args.get("school"):
        school = db.session.scalars(
            select(School).where(
                School.slug == request.args["school"], School.district_id == g.district.id
            )
        ).first()
    page = parse_int(request.args.get("page"), 1, 500) or 1
    rows = list(
        db.session.scalars(
            published_query(school).offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)
        )
    )
    months: dict[tuple[int, int], list] = {}
    for bulletin in rows[:PER_PAGE]:
        months.setdefault((bulletin.published_at.year, bulletin.published_at.month), []).append(
            bulletin
        )
    schools = list(
        db.session.scalars(
            select(School).where(School.district_id == g.district.id).order_by(School.name)
        )
    )
    return render_template(
        "bulletins/index.html",
        months=months,
        school=school,
        schools=schools,
        page=page,
        has_more=len(rows) > PER_PAGE,
        month_name=lambda m: _month_label(m),
    )


def _month_label(key: tuple[int, int]) -> str:
    return formatting.month(date(key[0], key[1], 1))


def _published_or_404(slug: str) -> Bulletin:
    bulletin = db.session.scalars(
        select(Bulletin)
        .options(selectinload(Bulletin.schools))
        .where(Bulletin.slug == slug, Bulletin.district_id == g.district.id)
    ).first()
    if bulletin is None or bulletin.status not in (
        BulletinStatus.PUBLISHED,
        BulletinStatus.ARCHIVED,
    ):
        abort(404)
    return bulletin


def link_cards(bulletin: Bulletin) -> list[dict]:
    """Portal things a bulletin links to, as cards (unknown targets are left out). `name` is a
    TranslatedValue: a survey's title may be a fallback; a school's name is its name."""
    locale = str(get_locale())
    cards = []
    for link in bulletin.links or []:
        kind, slug = link.get("kind"), link.get("slug")
        if kind not in service.LINK_ENDPOINTS:
            continue
        if kind == "survey":
            survey = db.session.scalars(
                select(Survey).where(Survey.slug == slug, Survey.district_id == g.district.id)
            ).first()
            if survey is None:
                continue
            name = pick_translation(survey.title, locale, (survey.source_locale,))
        else:
            school = db.session.scalars(
                select(School).where(School.slug == slug, School.district_id == g.district.id)
            ).first()
            if school is None:
                continue
            name = TranslatedValue(school.name, locale, False)
        cards.append(
            {"kind": kind, "name": name, "url": url_for(service.LINK_ENDPOINTS[kind], slug=slug)}
        )
    return cards


@bp.get("/bulletins/<slug>")
@cacheable
def show(slug: str):
    """One bulletin in the reader's language; the switcher lists only its languages."""
    publish_due()
    bulletin = _published_or_404(slug)
    locale = str(get_locale())
    return render_template(
        "bulletins/show.html",
        bulletin=bulletin,
        title=text(bulletin, "title"),
        summary=text(bulletin, "summary"),
        body=text(bulletin, "body"),
        body_html=service.render_markdown(text(bulletin, "body").text),
        available=[LANGUAGES[c] for c in LANGUAGES if c in bulletin.locales],
        coming=locale not in bulletin.locales,
        cards=link_cards(bulletin),
    )


@bp.get("/bulletins/<slug>/picture/<digest>-<size>")
@public
def picture(slug: str, digest: str, size: str):
    """The bulletin's picture; the address changes with the picture, so it is cached for good."""
    bulletin = _published_or_404(slug)
    image = bulletin.image
    if image is None or image.digest != digest or size not in ("small", "large"):
        abort(404)
    response = make_response(image.small if size == "small" else image.large)
    response.headers["Content-Type"] = image.mimetype
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def image_data_uri(bulletin: Bulletin) -> str | None:
    """The large picture inline, for the print edition (the PDF fetches nothing)."""
    if bulletin.image is None:
        return None
    return (
        f"data:{bulletin.image.mimetype};base64," + base64.b64encode(bulletin.image.large).decode()
    )


@bp.get("/bulletins/feed.xml")
@cacheable
def feed():
    """Atom feed of the newest bulletins, in `?lang=`, for the district or `?school=`."""
    publish_due()
    school = None
    if request.args.get("school"):
        school = db.session.scalars(
            select(School).where(School.slug == request.args["school"])
        ).first()
        if school is None:
            abort(404)
    bulletins = list(db.session.scalars(published_query(school).limit(30)))
    locale = str(get_locale())
    entries = []
    for b in bulletins:
        body = text(b, "body")
        entries.append(
            {
                "bulletin": b,
                "title": text(b, "title"),
                "summary": text(b, "summary"),
                "content": render_template(
                    "bulletins/_partials/feed_content.html",
                    body=body,
                    body_html=service.render_markdown(body.text),
                ),
                "url": bulletin_url(b, locale),
            }
        )
    body = render_template(
        "bulletins/feed.xml",
        entries=entries,
        school=school,
        updated=(bulletins[0].updated_at if bulletins else datetime(2000, 1, 1, tzinfo=UTC)),
        self_url=current_app.config["PUBLIC_BASE_URL"] + request.full_path.rstrip("?"),
        lang=LANGUAGES.get(locale, LANGUAGES["en"]).tag,
    )
    response = make_response(body)
    response.headers["Content-Type"] = "application/atom+xml; charset=utf-8"
    return response


def _qr_data_uri(url: str) -> str:
    import segno

    buffer = io.BytesIO()
    # PNG, not SVG: a raster prints crisply at this size and every PDF reader shows it.
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _print_item(bulletin: Bulletin, locale: str) -> dict:
    url = short_url("bulletin", bulletin.id, locale)
    body = text(bulletin, "body")
    return {
        "bulletin": bulletin,
        "title": text(bulletin, "title"),
        "summary": text(bulletin, "summary"),
        "body": body,
        "body_html": service.render_markdown(body.text),
        "url": url,
        "qr": _qr_data_uri(url),
        "picture": image_data_uri(bulletin),
        "alt": pick_translation(bulletin.image.alt, locale, (bulletin.source_locale,))
        if bulletin.image
        else None,
        "coming": locale not in bulletin.locales,
    }


def _pdf_response(data: bytes, filename: str):
    response = make_response(data)
    response.headers["Content-Type"] = PDF_MIMETYPE
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.get("/bulletins/<slug>.pdf")
@cacheable
def show_pdf(slug: str):
    """The print edition: the bulletin with a QR code back to it online, in this language."""
    bulletin = _published_or_404(slug)
    item = _print_item(bulletin, str(get_locale()))
    pdf = render_pdf("bulletins/print.html", items=[item], heading=None)
    db.session.commit()  # a short link made on first use
    return _pdf_response(pdf, f"{bulletin.slug}.pdf")


@bp.get("/bulletins/<int:year>/<int:month>.pdf")
@cacheable
def monthly_packet(year: int, month: int):
    """Every bulletin published that month, as one printable packet."""
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        abort(404)
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year, month, month_calendar.monthrange(year, month)[1], 23, 59, 59, tzinfo=UTC)
    rows = list(
        db.session.scalars(
            published_query()
            .where(Bulletin.published_at >= start, Bulletin.published_at <= end)
            .order_by(None)
            .order_by(Bulletin.published_at)
        )
    )
    if not rows:
        abort(404)
    locale = str(get_locale())
    items = [_print_item(b, locale) for b in rows]
    pdf = render_pdf("bulletins/print.html", items=items, heading=_month_label((year, month)))
    db.session.commit()
    return _pdf_response(pdf, f"bulletins-{year}-{month:02d}.pdf")


@bp.get("/b/<code>", defaults={"lang": None})
@bp.get("/b/<code>/<lang>")
@public
def short_bulletin(code: str, lang: str | None):
    """A bulletin's short address, from a text message or paper."""
    return _follow_short_link("bulletin", code, lang)


@bp.get("/s/<code>", defaults={"lang": None})
@bp.get("/s/<code>/<lang>")
@public
def short_school(code: str, lang: str | None):
    """A school's short address."""
    return _follow_short_link("school", code, lang)


@bp.get("/q/<code>", defaults={"lang": None})
@bp.get("/q/<code>/<lang>")
@public
def short_survey(code: str, lang: str | None):
    """A survey's short address."""
    return _follow_short_link("survey", code, lang)


def _follow_short_link(kind: str, code: str, lang: str | None):
    """On to the page, in the language the link carries."""
    link = db.session.get(ShortLink, code.lower())
    if link is None or link.kind != kind:
        abort(404)
    tags = {language.tag for language in LANGUAGES.values()}
    args = {"lang": lang} if lang in tags else {}
    if kind == "bulletin":
        bulletin = db.session.get(Bulletin, link.target_id)
        if bulletin is None:
            abort(404)
        target = url_for("bulletins.show", slug=bulletin.slug, **args)
    elif kind == "school":
        school = db.session.get(School, link.target_id)
        if school is None:
            abort(404)
        target = url_for("public.school", slug=school.slug, **args)
    else:
        survey = db.session.get(Survey, link.target_id)
        if survey is None:
            abort(404)
        target = url_for("surveys.take", slug=survey.slug, **args)
    return redirect(target, code=302)


# -- Subscribing ------------------------------------------------------------------------------


@bp.route("/bulletins/subscribe", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SUBSCRIBE_RATE_LIMIT"], methods=["POST"])
@public
def subscribe():
    """Sign up with an e-mail address and a language; a signed link confirms it."""
    import re

    errors, form = {}, request.form
    schools = list(
        db.session.scalars(
            select(School).where(School.district_id == g.district.id).order_by(School.name)
        )
    )
    if request.method == "POST":
        if form.get("website"):  # the honeypot: people never see this field
            return render_template("bulletins/subscribe_sent.html")
        email = (form.get("email") or "").strip().lower()[:254]
        locale = form.get("locale") or ""
        school_slug = form.get("school") or ""
        school = next((s for s in schools if s.slug == school_slug), None)
        if not re.match(EMAIL_PATTERN, email):
            errors["email"] = _("Enter a valid e-mail address.")
        if locale not in LANGUAGES:
            errors["locale"] = _("Choose a language.")
        if school_slug and school is None:
            errors["school"] = _("Choose a school from the list.")
        if not errors:
            subscriber = db.session.scalars(
                select(Subscriber).where(
                    Subscriber.district_id == g.district.id, Subscriber.email == email
                )
            ).first() or Subscriber(district_id=g.district.id, email=email)
            subscriber.locale = locale
            subscriber.school_id = school.id if school else None
            db.session.add(subscriber)
            db.session.flush()
            if subscriber.confirmed_at is None:
                confirm = current_app.config["PUBLIC_BASE_URL"] + url_for(
                    "bulletins.confirm", token=mail.subscriber_token(subscriber, "confirm")
                )
                with force_locale(locale):
                    body = render_template("bulletins/confirm_email.txt", confirm_url=confirm)
                    subject = _(
                        "Please confirm your subscription to %(district)s bulletins",
                        district=g.district.name,
                    )
                # One confirmation message per address per day at most.
                mail.queue(f"confirm:{subscriber.id}:{utcnow():%Y-%m-%d}", email, subject, body)
            db.session.commit()
            return render_template("bulletins/subscribe_sent.html")
    return render_template(
        "bulletins/subscribe.html", errors=errors, form=form, schools=schools
    ), 422 if errors else 200


@bp.get("/bulletins/confirm/<token>")
@public
def confirm(token: str):
    subscriber = mail.subscriber_from_token(token, "confirm")
    if subscriber is None:
        return render_template("bulletins/token_invalid.html"), 400
    subscriber.confirmed_at = subscriber.confirmed_at or utcnow()
    db.session.commit()
    return render_template("bulletins/confirmed.html", subscriber=subscriber)


@bp.route("/bulletins/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # mail programs send the one-click POST (RFC 8058); the signed token is the proof
@public
def unsubscribe(token: str):
    """GET asks; POST (the button, or a mail program's one-click request) unsubscribes."""
    subscriber = mail.subscriber_from_token(token, "unsubscribe")
    if request.method == "GET":
        if subscriber is None:
            return render_template("bulletins/unsubscribed.html")
        return render_template("bulletins/unsubscribe.html", token=token)
    if subscriber is not None:
        db.session.delete(subscriber)
        db.session.commit()
    return render_template("bulletins/unsubscribed.html")
