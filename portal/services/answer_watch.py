""" "Tell me when it's answered": an e-mail address a commenter gives for the answer only.

It is an `AnswerWatch` row (the comment's id, the address, the reader's language), never a
column of the comment: it is not shown with the comment's public name, not exported, not in the
audit log. Once the answer is public (the comment published and answered, in either order) one
message goes to the address in that language and the row is deleted in the same transaction;
an address never used is deleted by `flask purge` (retention kind "answer_addresses").

The message is transactional (one reply to one request, not a list): it carries no
List-Unsubscribe, only the line saying it is sent once."""

import re

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from portal.extensions import db
from portal.forms import EMAIL_PATTERN
from portal.i18n import LANGUAGES, normalize_locale
from portal.models import District, Feedback, School
from portal.models.feedback import FeedbackVisibility
from portal.models.notices import AnswerWatch
from portal.services import mail
from portal.services.errors import Rejected

EMAIL_MAX = 254


def clean_address(email: str | None) -> str:
    """The address as stored (trimmed, lower case), "" for none; Rejected when it is not one."""
    email = (email or "").strip().lower()
    if email and (len(email) > EMAIL_MAX or not re.match(EMAIL_PATTERN, email)):
        raise Rejected({"email": _("Enter a valid e-mail address, or leave it empty.")})
    return email


def watch(feedback: Feedback, email: str, locale: str) -> AnswerWatch | None:
    """Keep `email` (already cleaned) to tell the comment's writer about its answer, once.
    None when no address was given. The comment must be flushed (it needs its id)."""
    if not email:
        return None
    row = AnswerWatch(feedback_id=feedback.id, email=email, locale=normalize_locale(locale) or "en")
    db.session.add(row)
    return row


def watch_of(feedback: Feedback) -> AnswerWatch | None:
    return db.session.scalars(
        select(AnswerWatch).where(AnswerWatch.feedback_id == feedback.id)
    ).first()


def deliver(feedback: Feedback, page: tuple[str, dict] | None) -> bool:
    """If the comment's answer is now public and someone asked to hear it, queue the one
    message and delete the address (not committed: the caller's transaction holds both).
    `page` is (endpoint, values) of the public page showing the comment. True if queued."""
    if feedback.visibility != FeedbackVisibility.VISIBLE or not feedback.answer:
        return False
    row = watch_of(feedback)
    if row is None:
        return False
    district = db.session.get(District, feedback.district_id)
    school = db.session.get(School, feedback.school_id) if feedback.school_id else None
    with force_locale(row.locale):
        context = {
            "comment": feedback,
            "place": school.name if school is not None else district.name,
            "district": district,
            "url": page_url(page, feedback, row.locale),
        }
        subject = _("Your comment was answered: %(place)s", place=context["place"])
        body = render_template("notices/answer_email.txt", **context)
        html = render_template("notices/answer_email.html", subject=subject, **context)
    tag = LANGUAGES[row.locale].tag if row.locale in LANGUAGES else row.locale
    queued = mail.queue(
        f"answer:{feedback.id}",
        row.email,
        subject,
        body,
        {"Content-Language": tag},
        html=html,
        transactional=True,
    )
    db.session.delete(row)
    db.session.flush()
    return queued


def page_url(page: tuple[str, dict] | None, feedback: Feedback, locale: str) -> str:
    """The full address of the comment on its page, in `locale` (works without a request)."""
    base = current_app.config["PUBLIC_BASE_URL"]
    tag = LANGUAGES[locale].tag if locale in LANGUAGES else locale
    if page is None:
        return f"{base}/?lang={tag}"
    endpoint, values = page
    values = {key: value for key, value in values.items() if key != "_anchor"}
    path = current_app.url_map.bind("localhost").build(endpoint, {**values, "lang": tag})
    return f"{base}{path}#comment-{feedback.id}"
