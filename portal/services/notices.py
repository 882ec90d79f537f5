"""Telling followers that something happened: `announce(kind, target)` records the event once
(a `Notice` with a unique key) and gives each confirmed follower who hears it one delivery:
as-it-happens followers get their message queued in the outbox at once (in the caller's
transaction), weekly followers' deliveries wait for `flask send-digests`. Announcing the same
event again tells no one twice: the notice exists, and a delivery is unique per person.

Each kind has a describer (the registry below, not an if-chain): it turns the object into the
notice's school(s), title, time and page, or None when the event did not happen after all."""

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import current_app, render_template
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.extensions import db
from portal.i18n import LANGUAGES, pick_translation
from portal.models import District, School, Subscriber
from portal.models.base import utcnow
from portal.models.notices import Frequency, Notice, NoticeDelivery, NoticeKind
from portal.services import follows, mail, staff_notices
from portal.services.short_links import ensure_short_link, short_url


@dataclass
class Draft:
    """What a describer says about an event (the notice before it is stored)."""

    district_id: int
    key: str
    title: dict
    source_locale: str
    path: str
    school_ids: list[int] = field(default_factory=list)
    starts_at: datetime | None = None
    ics_path: str = ""
    short_kind: str = ""
    short_id: int | None = None


# The one line each kind says, with the thing's title (and time) in it.
HEADLINES = {
    NoticeKind.PLAN_SHARED: _l("The school plan is open for your comments: %(title)s"),
    NoticeKind.BUDGET_PUBLISHED: _l("The budget allocation is published: %(title)s"),
    NoticeKind.MEETING_SCHEDULED: _l("Meeting scheduled: %(title)s, %(when)s"),
    NoticeKind.AGENDA_POSTED: _l("Agenda posted: %(title)s, %(when)s"),
    NoticeKind.SURVEY_OPENED: _l("A survey is open: %(title)s"),
    NoticeKind.SURVEY_RESULTS: _l("Survey results are published: %(title)s"),
    NoticeKind.APPROVAL_RECORDED: _l("Approved: %(title)s"),
    NoticeKind.BULLETIN_PUBLISHED: _l("New bulletin: %(title)s"),
}


def _path(endpoint: str, **values) -> str:
    """A page's path, with or without a request (the demo loader and the CLI announce too)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def _plan(plan) -> Draft | None:
    school = plan.school
    if school is None and plan.school_id is not None:
        school = db.session.get(School, plan.school_id)
    if school is None:
        return None  # a plan of no school yet (the model's own tests): nobody to tell
    return Draft(
        school.district_id,
        f"plan-shared:{plan.id}",
        {"en": school.name},
        "en",
        _path("plans.school_plan", slug=school.slug),
        [school.id],
        short_kind="school",
        short_id=school.id,
    )


def _scenario(scenario) -> Draft | None:
    if scenario.status not in ("adopted", "what_if"):
        return None  # taken back to draft: nothing to tell
    return Draft(
        scenario.district_id,
        f"allocation:{scenario.id}:{scenario.status}",
        {"en": scenario.name},
        "en",
        _path("allocation.district"),
    )


def _meeting(meeting, kind: str) -> Draft:
    committee = meeting.committee
    return Draft(
        committee.district_id,
        f"{kind}:{meeting.id}",
        dict(meeting.title or {}),
        meeting.source_locale or "en",
        _path("committees.meeting", meeting_id=meeting.id),
        [committee.school_id] if committee.school_id else [],
        starts_at=meeting.starts_at,
        ics_path=_path("notices.meeting_ics", meeting_id=meeting.id),
    )


def _survey(survey, kind: str) -> Draft | None:
    if survey.is_draft or (kind == NoticeKind.SURVEY_RESULTS and not survey.results_public):
        return None
    results = kind == NoticeKind.SURVEY_RESULTS
    return Draft(
        survey.district_id,
        f"{kind}:{survey.id}",
        dict(survey.title or {}),
        survey.source_locale or "en",
        _path("surveys.results" if results else "surveys.take", slug=survey.slug),
        [] if survey.covers_all_schools else [s.id for s in survey.schools],
        short_kind="" if results else "survey",
        short_id=None if results else survey.id,
    )


def _motion(motion) -> Draft:
    """A motion that passed (the caller announces only those)."""
    meeting = motion.meeting
    draft = _meeting(meeting, NoticeKind.APPROVAL_RECORDED)
    draft.key = f"approval:{motion.id}"
    draft.title = dict(motion.text or {}) or dict(meeting.title or {})
    draft.starts_at = None
    draft.ics_path = ""
    return draft


def _bulletin(bulletin) -> Draft:
    return Draft(
        bulletin.district_id,
        f"bulletin:{bulletin.id}",
        dict(bulletin.title or {}),
        bulletin.source_locale or "en",
        _path("bulletins.show", slug=bulletin.slug),
        [school.id for school in bulletin.schools],
        short_kind="bulletin",
        short_id=bulletin.id,
    )


DESCRIBERS: dict[str, Callable] = {
    NoticeKind.PLAN_SHARED: _plan,
    NoticeKind.BUDGET_PUBLISHED: _scenario,
    NoticeKind.MEETING_SCHEDULED: lambda m: _meeting(m, NoticeKind.MEETING_SCHEDULED),
    NoticeKind.AGENDA_POSTED: lambda m: _meeting(m, NoticeKind.AGENDA_POSTED),
    NoticeKind.SURVEY_OPENED: lambda s: _survey(s, NoticeKind.SURVEY_OPENED),
    NoticeKind.SURVEY_RESULTS: lambda s: _survey(s, NoticeKind.SURVEY_RESULTS),
    NoticeKind.APPROVAL_RECORDED: _motion,
    NoticeKind.BULLETIN_PUBLISHED: _bulletin,
}


def describer(kind: str) -> Callable:
    """The kind's describer: followers' kinds here, staff and members' in staff_notices,
    reminders' in reminders."""
    from portal.services import reminders  # it reads the calendar, which announces

    found = (
        DESCRIBERS.get(kind) or staff_notices.DESCRIBERS.get(kind) or reminders.DESCRIBERS.get(kind)
    )
    if found is None:
        raise ValueError(f"{kind!r} is not a kind of notice")
    return found


def headline_of(kind: str):
    return HEADLINES.get(kind) or staff_notices.HEADLINES[kind]


# Kinds followers hear (a reminder of a meeting too, always as it happens).
FOLLOWER_KINDS = frozenset(NoticeKind) | {staff_notices.StaffKind.MEETING_REMINDER}


def announce(kind: str, target) -> Notice | None:
    """Record that `kind` happened to `target` and tell everyone who hears it, once each:
    followers (their kinds), then staff and members (staff_notices.tell_users). Not
    committed: the caller's transaction keeps the notice with what it changed."""
    draft = describer(kind)(target)
    if draft is None:
        return None
    notice = db.session.scalars(select(Notice).where(Notice.key == draft.key)).first()
    if notice is None:
        if draft.short_kind:
            ensure_short_link(draft.short_kind, draft.short_id)
        notice = Notice(kind=str(kind), **vars(draft))
        db.session.add(notice)
        db.session.flush()
    district = db.session.get(District, notice.district_id)
    told = set(
        db.session.scalars(
            select(NoticeDelivery.subscriber_id).where(NoticeDelivery.notice_id == notice.id)
        )
    )
    emails = []
    followers = []
    if kind in FOLLOWER_KINDS:
        followers = follows.audience(notice.district_id, kind, notice.school_ids)
    for subscriber, frequency in followers:
        emails.append(subscriber.email)
        if kind == staff_notices.StaffKind.MEETING_REMINDER:
            frequency = Frequency.NOW.value  # a reminder in next week's digest is no reminder
        if subscriber.id in told:
            continue
        delivery = NoticeDelivery(notice=notice, subscriber_id=subscriber.id, frequency=frequency)
        db.session.add(delivery)
        if frequency == Frequency.NOW:
            queue_now(notice, district, subscriber, target)
            delivery.status, delivery.sent_at = "sent", utcnow()
    db.session.flush()
    staff_notices.tell_users(notice, kind, target, district, skip_emails=emails)
    return notice


def queue_now(notice: Notice, district: District, subscriber: Subscriber, target) -> bool:
    """The as-it-happens message for one follower (a bulletin is sent whole, as always)."""
    if notice.kind == NoticeKind.BULLETIN_PUBLISHED:
        from portal.services.subscriptions import queue_bulletin_email

        return queue_bulletin_email(target, district, subscriber)
    with force_locale(subscriber.locale):
        line = render_line(notice, district, subscriber.locale)
        context = {"line": line, **footer(subscriber, district)}
        body = render_template("notices/email.txt", **context)
        html = render_template("notices/email.html", **context)
        ics = meeting_ics(target) if notice.ics_path else None
    extra = outbox_extras(html, [ics] if ics else None)
    return mail.queue(
        f"notice:{notice.id}:subscriber:{subscriber.id}",
        subscriber.email,
        line.headline,
        body,
        {**follows.unsubscribe_headers(subscriber), "Content-Language": _tag(subscriber.locale)},
        **extra,
    )


def outbox_extras(html: str | None, attachments: list | None) -> dict:
    """The HTML part and attachments, when the outbox takes them (issue 17's multipart
    outbox); without it, messages stay plain text and the .ics is a link in the text."""
    accepts = inspect.signature(mail.queue).parameters
    extra = {}
    if html and "html" in accepts:
        extra["html"] = html
    if attachments and "attachments" in accepts:
        extra["attachments"] = attachments
    return extra


def meeting_ics(meeting) -> dict:
    """A meeting's calendar entry as a small .ics attachment, in the reader's language."""
    # Imported here: notice_ics reads the calendar, whose services announce (plan_review).
    from portal.services.notice_ics import meeting_calendar

    text = meeting_calendar(meeting, _tag(str(get_locale())))
    return {"filename": "meeting.ics", "mimetype": "text/calendar", "text": text}


@dataclass(frozen=True)
class Line:
    """One notice as a reader sees it: where, what, and its links."""

    place: str
    headline: str
    url: str
    ics_url: str
    language: str  # the title's language tag when it is not the reader's, else ""


def _tag(locale: str) -> str:
    return LANGUAGES[locale].tag if locale in LANGUAGES else locale


def render_line(notice: Notice, district: District, locale: str) -> Line:
    """The notice in `locale` (call inside force_locale(locale))."""
    title = pick_translation(notice.title, locale, (notice.source_locale, district.default_locale))
    when = ""
    if notice.starts_at is not None:
        local = notice.starts_at.astimezone(ZoneInfo(district.timezone))
        when = format_datetime(local, "medium", locale=locale)
    headline = str(headline_of(notice.kind) % {"title": title.text, "when": when})
    place = (
        ", ".join(
            school.name
            for school in db.session.scalars(
                select(School).where(School.id.in_(notice.school_ids or [0])).order_by(School.name)
            )
        )
        or district.name
    )
    base = current_app.config["PUBLIC_BASE_URL"]
    url = None
    if notice.short_kind and notice.short_id:
        url = short_url(notice.short_kind, notice.short_id, locale)
    url = url or f"{base}{notice.path}?lang={_tag(locale)}"
    ics = f"{base}{notice.ics_path}?lang={_tag(locale)}" if notice.ics_path else ""
    language = _tag(title.locale) if title.is_fallback else ""
    return Line(place, headline, url, ics, language)


def footer(subscriber: Subscriber, district: District) -> dict:
    """What every message ends with: why they get it, and the manage and unsubscribe links."""
    return {
        "district": district,
        "manage_url": follows.manage_url(subscriber),
        "unsubscribe_url": follows.unsubscribe_url(subscriber),
    }
