"""Leaving and reporting a comment (anyone, no account), and moderating a school's comments
(its editors: publish, hide with a reason, answer) or the district's own, on its committees'
agendas (district staff, the same moves on the same page)."""

from flask import abort, current_app, flash, g, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.blueprints.feedback import bp
from portal.blueprints.feedback.forms import (
    FeedbackForm,
    feedback_form,
    moderation_form,
    with_ids,
)
from portal.blueprints.school_access import editable_school_or_404
from portal.extensions import db, limiter
from portal.htmx import render
from portal.models import Feedback, School
from portal.models.feedback import FeedbackStatus, FeedbackVisibility
from portal.permissions import (
    DISTRICT_STAFF,
    SCHOOL_EDITORS,
    can_moderate_feedback,
    public,
    role_required,
)
from portal.services import answer_watch, feedback
from portal.services.errors import Rejected

bp.add_app_template_global(feedback_form, "feedback_form")


@bp.app_template_global("feedback_status_label")
def feedback_status_label(status: str) -> str:
    """A comment's status in the reader's language ("" for none)."""
    return str(FeedbackStatus(status).label) if status in set(FeedbackStatus) else ""


def _page_url(found: feedback.Found) -> str:
    """The public page showing what the comment is about: where its writer goes back to."""
    endpoint, values = found.page
    return url_for(endpoint, **values)


def _open_target_or_404(kind: str, target_id: int | None) -> feedback.Found:
    """What a comment would be about, if it is open to comments in this district; 404 if not."""
    found = feedback.find_target(g.district, kind, target_id)
    if found is None:
        abort(404)
    return found


def _take_comment(form: FeedbackForm, found: feedback.Found):
    """Store the comment `form` sent about `found` (uncommitted); raise Rejected, with each
    field's message, when it cannot be taken."""
    if not form.validate():
        raise Rejected(
            {name: errors[0] for name, errors in form.errors.items()}
            | _address_errors(form.email.data)
        )
    return feedback.leave_feedback(
        found.target.type,
        found.row.id,
        form.body.data,
        form.name.data,
        str(get_locale()),
        g.district,
        email=form.email.data,
    )


def _thanks(row: Feedback, back: str):
    """Back to the page the comment is about, saying what happens next."""
    if row.visibility == FeedbackVisibility.PENDING:
        flash(_("Thank you. Your comment will appear after a quick review."), "success")
    else:
        flash(_("Thank you. Your comment is published."), "success")
    return redirect(back, code=303)


@bp.app_template_global("comment_form_id")
def comment_form_id(kind: str, target_id: int) -> str:
    """The id of the element a "Comment" link fills with the form (htmx's target)."""
    return f"comment-form-{kind}-{target_id}"


@bp.get("/feedback/<kind>/<int:target_id>/new")
@public
def new_comment(kind: str, target_id: int):
    """The comment form of one thing, on a page of its own: never cached (its form token is
    the visitor's), so the pages that link here can be. Inline for htmx's "Comment" link."""
    found = _open_target_or_404(kind, target_id)
    return _comment_page(feedback_form(kind, target_id), found)


@bp.post("/feedback/<kind>/<int:target_id>/new")
@limiter.limit(lambda: current_app.config.get("FEEDBACK_RATE_LIMIT", "20 per hour"))
@public
def send_comment(kind: str, target_id: int):
    """Take a comment; a refused one comes back on this page with everything typed, each
    message beside its field and in the summary."""
    found = _open_target_or_404(kind, target_id)
    form = with_ids(FeedbackForm(), kind, target_id)
    form.target_type.data, form.target_id.data = kind, target_id  # the URL's, not the body's
    back = _page_url(found)
    if form.website.data:  # the honeypot: a robot filled it in
        return redirect(back, code=303)
    try:
        row = _take_comment(form, found)
    except Rejected as error:
        db.session.rollback()
        return _comment_again(form, found, back, error)
    db.session.commit()
    return _thanks(row, back)


@bp.post("/feedback")
@limiter.limit(lambda: current_app.config.get("FEEDBACK_RATE_LIMIT", "20 per hour"))
@public
def leave_feedback():
    """The form's earlier address (target in hidden fields), kept for pages already in
    visitors' browsers and caches; new pages post to `send_comment`."""
    form = FeedbackForm()
    found = _open_target_or_404(form.target_type.data, form.target_id.data)
    back = _page_url(found)
    if form.website.data:  # the honeypot: a robot filled it in
        return redirect(back, code=303)
    try:
        row = _take_comment(form, found)
    except Rejected as error:
        db.session.rollback()
        if "email" in error.fields or (form.email.data or "").strip():
            return _comment_again(form, found, back, error)
        flash(str(error), "error")
        return redirect(back, code=303)
    db.session.commit()
    return _thanks(row, back)


def _comment_page(form: FeedbackForm, found: feedback.Found, status: int = 200):
    """The comment form on its own page, or only the form for htmx's inline "Comment"."""
    return render(
        "feedback/comment.html",
        "feedback/_partials/comment_form.html",
        comment_form_id(found.target.type, found.row.id),
        status,
        form=form,
        back=_page_url(found),
        label=found.target.label,
        place=found.school.name if found.school is not None else g.district.name,
    )


def _comment_again(form, found, back: str, error: Rejected):
    """The form again, with the comment, the messages beside their fields and in the summary
    (never cached: it answers a POST)."""
    for field in form:
        field.errors = []  # each message once: the service's, beside its field
    form.reject(error)
    with_ids(form, found.target.type, found.row.id)
    return _comment_page(form, found, 422)


def _address_errors(email: str | None) -> dict:
    """The address's error too, when the form fails before the service sees it."""
    try:
        answer_watch.clean_address(email)
    except Rejected as error:
        return error.fields
    return {}


def _flaggable_or_404(feedback_id: int) -> tuple[Feedback, feedback.Found]:
    row = db.session.get(Feedback, feedback_id)
    # Only a published comment can be reported: the confirmation page quotes it, and a pending
    # or hidden one must not be readable by its number.
    if row is None or row.visibility != FeedbackVisibility.VISIBLE:
        abort(404)
    found = feedback.target_of(row, g.district)
    if found is None:
        abort(404)
    return row, found


@bp.get("/feedback/<int:feedback_id>/flag")
@public
def confirm_flag(feedback_id: int):
    """ "Report this comment" on a page of its own (the button's form token is the visitor's,
    so it stays off the cached pages that list the comments)."""
    row, found = _flaggable_or_404(feedback_id)
    return render_template(
        "feedback/flag.html", comment=row, back=_page_url(found), label=found.target.label
    )


@bp.post("/feedback/<int:feedback_id>/flag")
@limiter.limit("30 per hour")
@public
def flag_feedback(feedback_id: int):
    """Anyone can flag a comment for the moderators to look at again."""
    row, found = _flaggable_or_404(feedback_id)
    feedback.flag(row)
    db.session.commit()
    flash(_("Thank you. A moderator will look at it."), "success")
    return redirect(_page_url(found), code=303)


def _moderation_page(school: School | None, failed=None, status: int = 200):
    """The queue of a school's comments (`school`) or of the district's own (None); after a
    refused post, `failed` is the comment's form as sent, with its errors, and the error
    summary at the top."""
    if school is None:
        rows = feedback.district_moderation_queue(g.district)
    else:
        rows = feedback.moderation_queue(school)
    forms = {row.id: moderation_form(row) for row in rows}
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render_template(
        "feedback/moderate.html",
        school=school,
        place_name=school.name if school is not None else g.district.name,
        rows=rows,
        forms=forms,
        failed=failed[1] if failed else None,
        target_label=feedback.target_label,
    ), status


@bp.get("/manage/schools/<slug>/feedback")
@role_required(*SCHOOL_EDITORS)
def moderate(slug: str):
    """The moderation queue first, then everything else, flagged first."""
    return _moderation_page(editable_school_or_404(slug))


@bp.get("/manage/district/feedback")
@role_required(*DISTRICT_STAFF)
def moderate_district():
    """The district's own comments (on its committees' agendas), in the same queue."""
    return _moderation_page(None)


def _own_feedback(school: School | None, feedback_id: int) -> Feedback:
    """The comment, if it is `school`'s (or the district's own, for None) and the user may
    moderate it; 404 otherwise."""
    row = db.session.get(Feedback, feedback_id)
    if row is None or row.school_id != (school.id if school is not None else None):
        abort(404)
    if row.district_id != g.district.id or not can_moderate_feedback(current_user, row):
        abort(404)
    return row


def _moderate(school: School | None, row: Feedback, back: str):
    """Approve, hide (with a reason), or answer a comment; back to its queue."""
    form = moderation_form(row, submitted=True)
    valid = form.validate()
    if form.action.errors:
        abort(400)
    try:
        if not valid:
            raise Rejected()
        if form.action.data == "approve":
            feedback.approve(row, current_user)
        elif form.action.data == "hide":
            feedback.hide(row, current_user, form.reason.data)
        else:
            feedback.answer(
                row, current_user, form.status.data, form.answer.data, form.what_changed.data
            )
    except Rejected as error:
        db.session.rollback()
        form.reject(error)
        return _moderation_page(school, (row.id, form), 422)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(back, code=303)


@bp.post("/manage/schools/<slug>/feedback/<int:feedback_id>")
@role_required(*SCHOOL_EDITORS)
def moderate_one(slug: str, feedback_id: int):
    """Approve, hide (with a reason), or answer a school's comment."""
    school = editable_school_or_404(slug)
    row = _own_feedback(school, feedback_id)
    return _moderate(school, row, url_for("feedback.moderate", slug=slug))


@bp.post("/manage/district/feedback/<int:feedback_id>")
@role_required(*DISTRICT_STAFF)
def moderate_district_one(feedback_id: int):
    """Approve, hide (with a reason), or answer a comment on a district committee's agenda."""
    row = _own_feedback(None, feedback_id)
    return _moderate(None, row, url_for("feedback.moderate_district"))
