"""Short addresses for text messages and paper: /b/<code> (a bulletin), /s/<code> (a school),
/q/<code> (a survey), each followed by the reader's language.

A short link is made when its page is created or published (`ensure_short_link`, from a POST,
the CLI or a migration), never when a page is viewed: a page whose link does not exist yet
shows its full address instead (`share_url`)."""

import secrets

from flask import current_app, url_for
from sqlalchemy import select

from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.models import Bulletin, School, ShortLink, Survey

SHORT_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: easy to type from paper
CODE_LENGTH = 6
# The path prefix of each kind of short link, and the page it opens.
PREFIXES = {"bulletin": "b", "school": "s", "survey": "q"}
TARGETS = {
    "bulletin": (Bulletin, "bulletins.show"),
    "school": (School, "public.school"),
    "survey": (Survey, "surveys.take"),
}


def _stored(kind: str, target_id: int) -> ShortLink | None:
    return db.session.scalars(
        select(ShortLink).where(ShortLink.kind == kind, ShortLink.target_id == target_id)
    ).first()


def new_code() -> str:
    """A code no short link uses yet."""
    while True:
        code = "".join(secrets.choice(SHORT_ALPHABET) for _ in range(CODE_LENGTH))
        if db.session.get(ShortLink, code) is None:
            return code


def ensure_short_link(kind: str, target_id: int) -> str:
    """The short code of a bulletin, school or survey, made now if it has none (not
    committed: the caller's transaction keeps it with what it created)."""
    row = _stored(kind, target_id)
    if row is None:
        row = ShortLink(code=new_code(), kind=kind, target_id=target_id)
        db.session.add(row)
        db.session.flush()
    return row.code


def _tag(locale: str) -> str:
    return LANGUAGES[locale].tag if locale in LANGUAGES else locale


def short_url(kind: str, target_id: int, locale: str) -> str | None:
    """The stored short link in `locale`, or None when it has not been made."""
    row = _stored(kind, target_id)
    if row is None:
        return None
    return _short(kind, row.code, locale)


def _short(kind: str, code: str, locale: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/{PREFIXES[kind]}/{code}/{_tag(locale)}"


def full_url(kind: str, slug: str, locale: str) -> str:
    """A page's whole address in `locale` (what is shared while it has no short link)."""
    path = url_for(TARGETS[kind][1], slug=slug, lang=_tag(locale))
    return current_app.config["PUBLIC_BASE_URL"] + path


def share_url(kind: str, target, locale: str) -> str:
    """The address to print or text for `target` (a Bulletin, School or Survey): its short
    link, or its full address when it has none yet. Reads only."""
    return short_url(kind, target.id, locale) or full_url(kind, target.slug, locale)


def share_url_for_code(kind: str, slug: str, code: str | None, locale: str) -> str:
    """`share_url` for a page whose short code was already read (with the page's own row, so
    the page costs no statement for it): the short link, or the full address without one."""
    return full_url(kind, slug, locale) if code is None else _short(kind, code, locale)


def follow(kind: str, code: str, lang: str | None) -> str | None:
    """Where a short link leads, in the language it carries (a language the portal does not
    speak is dropped); None when there is no such link or its page is gone."""
    link = db.session.get(ShortLink, code.lower())
    if link is None or link.kind != kind:
        return None
    model, endpoint = TARGETS[kind]
    target = db.session.get(model, link.target_id)
    if target is None:
        return None
    tags = {language.tag for language in LANGUAGES.values()}
    args = {"lang": lang} if lang in tags else {}
    return url_for(endpoint, slug=target.slug, **args)
