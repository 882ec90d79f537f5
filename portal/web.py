"""Request plumbing shared by every page: language, district, security and caching headers."""

import hashlib
import os
from functools import lru_cache
from urllib.parse import urlencode

from flask import Flask, abort, current_app, g, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from portal import formatting, forms, i18n, page_cache, permissions
from portal.extensions import db
from portal.models import District, GlossaryTerm, Role
from portal.models.calendar import EventKind, Phase
from portal.services.glossary import GlossaryMarker

# A strict policy: no inline script or style, nothing from another origin.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


def init_app(app: Flask) -> None:
    app.session_interface = CookieSafeSessions()
    app.before_request(_load_district)
    app.before_request(_choose_language)
    # Flask runs after_request hooks in reverse order: the cache decision must come last, when
    # every cookie the response sets is already on it.
    app.after_request(_cache_headers)
    app.after_request(_security_headers)
    app.after_request(_remember_language)
    app.after_request(_buffer_static_files)
    app.context_processor(_template_context)
    app.jinja_env.filters["money"] = formatting.money
    app.jinja_env.filters["money_exact"] = formatting.money_exact
    app.jinja_env.filters["whole_values"] = formatting.whole_values
    # A name or year range inside a translated sentence keeps its own direction: in Arabic,
    # "خطة 2026-27: César Chávez Elementary" would otherwise come apart around the Latin name.
    app.jinja_env.filters["bdi"] = lambda value: Markup("<bdi>{}</bdi>").format(value)
    app.jinja_env.filters["number"] = formatting.number
    app.jinja_env.filters["fte"] = formatting.fte
    app.jinja_env.filters["percent"] = formatting.percent
    app.jinja_env.filters["day"] = formatting.day
    app.jinja_env.filters["short_day"] = formatting.short_day
    app.jinja_env.filters["month"] = formatting.month
    app.jinja_env.filters["clock"] = formatting.clock
    app.jinja_env.filters["local"] = formatting.local
    app.jinja_env.filters["glossary"] = _glossary
    app.jinja_env.filters["language_name"] = i18n.language_label
    app.jinja_env.filters["event_kind_label"] = lambda value: EventKind(value).label
    app.jinja_env.filters["phase_label"] = lambda value: Phase(value).label
    app.jinja_env.globals["translated"] = i18n.translated
    app.jinja_env.globals["pick"] = i18n.pick
    app.jinja_env.globals["language_label"] = i18n.language_label
    app.jinja_env.globals["written"] = i18n.written
    app.jinja_env.globals["glossed"] = _glossed
    app.jinja_env.globals["static_url"] = static_url
    app.jinja_env.globals["url_with_lang"] = url_with_lang
    permissions.register(app)
    app.jinja_env.globals["csrf_field"] = forms.csrf_field
    app.jinja_env.filters["role_label"] = lambda value: Role(value).label
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    # `{% do list.append(x) %}` instead of `{% set _ = ... %}`, which shadows the gettext `_`.
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def _load_district() -> None:
    if request.endpoint in ("static", "public.healthz"):
        return
    g.district = District.current()


def _choose_language() -> None:
    """`?lang=xx` picks the language for this and later visits (remembered in a cookie)."""
    wanted = request.args.get("lang")
    if wanted is None:
        return
    code = i18n.normalize_locale(wanted)
    if code is None:
        g.bad_language = wanted
        abort(400, description=_("That language is not available."))
    g.chosen_locale = code


def _remember_language(response):
    code = getattr(g, "chosen_locale", None)
    if code and request.cookies.get(i18n.COOKIE_NAME) != code:
        response.set_cookie(
            i18n.COOKIE_NAME,
            code,
            max_age=i18n.COOKIE_MAX_AGE,
            samesite="Lax",
            secure=request.is_secure,
            httponly=True,
        )
    return response


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config.get("ENV_NAME") == "production":
        # Browsers remember to use https for a year (the app refuses a non-https site address).
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def _glossary(text):
    """Link the glossary's terms in public text (terms loaded and compiled once per request)."""
    marker = g.get("glossary_marker")
    if marker is None:
        rows = (
            db.session.scalars(
                select(GlossaryTerm).where(GlossaryTerm.district_id == g.district.id)
            )
            if g.get("district")
            else []
        )
        terms = [
            (
                t.slug,
                str(i18n.translated(t, "term").text or ""),
                str(i18n.translated(t, "definition").text or ""),
            )
            for t in rows
        ]
        base = url_for("plans.glossary")
        marker = g.glossary_marker = GlossaryMarker(terms, lambda slug: f"{base}#{slug}")
    return marker.mark(str(text or ""))


def _glossed(obj, field: str) -> Markup:
    """A row's translatable field in the reader's language with glossary terms linked; a
    fallback is wrapped in a span that carries its language."""
    value = i18n.translated(obj, field)
    marked = _glossary(value.text)
    if value.is_fallback:
        # The text in its own language and direction, then the notice in the reader's.
        return Markup(  # noqa: S704 - every part is escaped or marked by the glossary
            '<span lang="{tag}" dir="{dir}" class="fallback-inline">{text}</span> '
            '<small class="fallback-tag">{notice}</small>'
        ).format(
            tag=value.language.tag,
            dir=value.language.direction,
            text=marked,
            notice=_("(in %(language)s)", language=i18n.language_label(value.locale)),
        )
    return marked


def _cache_headers(response):
    """Anonymous GETs of public pages may be cached; anything personal must not be.

    Public pages depend on the language (cookie or Accept-Language) and on htmx's headers.
    """
    if request.endpoint == "static":
        return response
    response.vary.update(("Cookie", "Accept-Language", "HX-Request", "HX-Target"))
    if "Cache-Control" in response.headers:
        return response
    cacheable = (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and (
            (request.endpoint or "").startswith("public.")
            or getattr(current_app.view_functions.get(request.endpoint), "cacheable", False)
        )
        and not current_user.is_authenticated
        and "Set-Cookie" not in response.headers
    )
    if cacheable:
        seconds = current_app.config["PUBLIC_CACHE_SECONDS"]
        response.headers["Cache-Control"] = f"public, max-age={seconds}"
        if current_app.extensions.get("page_cache") is not None:
            # The whole-page cache keeps it, unless a cookie is set after all (SessionGuard).
            response.headers[page_cache.STORE_HEADER] = "1"
    else:
        response.headers["Cache-Control"] = "private, no-store"
    return response


class CookieSafeSessions(SecureCookieSessionInterface):
    """Flask writes the session cookie after every `after_request` hook has run, so the cache
    decision cannot see it coming. Here, the last step: a response that sets any cookie is never
    shared (`private, no-store`, and the whole-page cache does not keep it)."""

    def save_session(self, app, session, response):
        super().save_session(app, session, response)
        if "Set-Cookie" in response.headers and response.cache_control.public:
            response.headers["Cache-Control"] = "private, no-store"
            response.headers.pop(page_cache.STORE_HEADER, None)


def _buffer_static_files(response):
    """Read our small static files into memory so the compression hook can gzip them too (it
    gzips only buffered bodies; a file stream would reach gzip-only browsers uncompressed)."""
    if request.endpoint == "static" and response.status_code == 200 and response.is_streamed:
        stream = response.response
        body = b"".join(stream)
        if hasattr(stream, "close"):
            stream.close()
        response.direct_passthrough = False
        response.set_data(body)
    return response


@lru_cache(maxsize=64)
def _static_digest(path: str, mtime: float) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()[:12]


def static_url(filename: str) -> str:
    """URL of a static file with its content hash, so browsers may cache it for a year."""
    path = os.path.join(current_app.static_folder, filename)
    return url_for("static", filename=filename, v=_static_digest(path, os.path.getmtime(path)))


def url_with_lang(tag: str) -> str:
    """The current page's URL in another language (other query arguments kept)."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [tag]
    return request.path + "?" + urlencode(args, doseq=True)


def _template_context() -> dict:
    language = i18n.current_language()
    return {
        "district": getattr(g, "district", None),
        "languages": i18n.LANGUAGES,
        "current_language": language,
        "locale_code": str(get_locale()),
    }
