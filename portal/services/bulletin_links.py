"""A bulletin's links to portal pages: the Links field as people type it (a pasted address or
"kind: web name"), and the cards a bulletin shows for them."""

from urllib.parse import urlsplit

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from portal.extensions import db
from portal.i18n import TranslatedValue, pick_translation
from portal.models import Bulletin, School, Survey

# What a bulletin can link to, and the page each kind opens.
LINK_ENDPOINTS = {
    "plan": "plans.school_plan",
    "budget": "allocation.school_budget",
    "calendar": "calendar.school_calendar",
    "school": "public.school",
    "survey": "surveys.take",
}
LINK_KINDS = tuple(LINK_ENDPOINTS)
LINK_KIND_LABELS = {
    "plan": _l("School plan"),
    "budget": _l("Budget"),
    "calendar": _l("Calendar"),
    "school": _l("School"),
    "survey": _l("Survey"),
}
MAX_LINKS = 10


def link_kind_label(kind: str) -> str:
    """What a card's link is, in the reader's language ("School plan")."""
    return LINK_KIND_LABELS.get(kind, "")


def _link_from_address(line: str) -> dict | None:
    """A portal page's address, whole ("https://…/schools/oak-grove/plan?lang=es") or its path."""
    parts = urlsplit(line)
    if not parts.path.startswith("/") or (parts.scheme and parts.scheme not in ("http", "https")):
        return None
    try:
        endpoint, args = current_app.url_map.bind("portal").match(parts.path, method="GET")
    except HTTPException:
        return None
    kind = next((k for k, e in LINK_ENDPOINTS.items() if e == endpoint), None)
    return {"kind": kind, "slug": args["slug"]} if kind and args.get("slug") else None


def _link_from_pair(line: str) -> dict | None:
    """ "plan: oak-grove-elementary": a kind, a colon, a web name."""
    kind, sep, slug = line.partition(":")
    kind, slug = kind.strip().lower(), slug.strip().lower()
    if not sep or kind not in LINK_KINDS or not slug or len(slug) > 80:
        return None
    return {"kind": kind, "slug": slug}


def parse_links(raw: str, district_id: int) -> tuple[list[dict], list[str]]:
    """The Links field: one link a line, as a portal page's address or as "kind: web name", to a
    school or survey of this district. Returns the links (each once) and the lines that are not
    such a link, as typed."""
    schools = set(db.session.scalars(select(School.slug).where(School.district_id == district_id)))
    surveys = set(db.session.scalars(select(Survey.slug).where(Survey.district_id == district_id)))
    links, bad = [], []
    for line in (raw or "").splitlines():
        line = line.strip()
        if not line:
            continue
        link = _link_from_address(line) or _link_from_pair(line)
        if link is None or link["slug"] not in (surveys if link["kind"] == "survey" else schools):
            bad.append(line)
        elif link not in links:
            links.append(link)
    return links, bad


def link_text(links: list[dict]) -> str:
    """Stored links as the editor shows them, one "kind: web name" a line."""
    return "\n".join(f"{link['kind']}: {link['slug']}" for link in links or [])


def link_cards(bulletin: Bulletin, locale: str) -> list[dict]:
    """Portal things a bulletin links to, as cards (unknown targets are left out). `name` is a
    TranslatedValue: a survey's title may be a fallback; a school's name is its name."""
    cards = []
    for link in bulletin.links or []:
        kind, slug = link.get("kind"), link.get("slug")
        if kind not in LINK_ENDPOINTS:
            continue
        model = Survey if kind == "survey" else School
        found = db.session.scalars(
            select(model).where(model.slug == slug, model.district_id == bulletin.district_id)
        ).first()
        if found is None:
            continue
        if kind == "survey":
            name = pick_translation(found.title, locale, (found.source_locale,))
        else:
            name = TranslatedValue(found.name, locale, False)
        cards.append({"kind": kind, "name": name, "url": url_for(LINK_ENDPOINTS[kind], slug=slug)})
    return cards
