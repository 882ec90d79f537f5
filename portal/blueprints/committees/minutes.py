"""Minutes: the secretary drafts them per agenda item, members who attended propose amendments,
the committee approves them at a later meeting, and a correction is a new, visible version
(the workflow is services/minutes.py)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.blueprints.committees import bp
from portal.blueprints.committees.forms import (
    ACCEPT,
    AmendmentDecisionForm,
    AmendmentForm,
    ApproveMinutesForm,
    MinutesSearchForm,
    minutes_form,
    row_choices,
    with_id,
)
from portal.blueprints.committees.loading import (
    amendment_to_decide,
    attending_seat_or_403,
    committee_or_404,
    meeting_or_404,
    meeting_to_run,
)
from portal.extensions import db
from portal.formatting import short_day
from portal.forms import parse_int, saved
from portal.i18n import translated
from portal.models import Meeting
from portal.permissions import MEMBERS, OFFICERS, cacheable, role_required
from portal.services import minutes

PER_PAGE = 20


def _to_minutes(meeting_id: int):
    return redirect(url_for("committees.edit_minutes", meeting_id=meeting_id), code=303)


def _approve_form(meeting: Meeting, draft, posted: bool = True) -> ApproveMinutesForm:
    form = ApproveMinutesForm(draft=draft) if posted else ApproveMinutesForm(formdata=None)
    form.at_meeting_id.choices = row_choices(
        minutes.later_meetings(meeting),
        lambda m: f"{translated(m, 'title').text}, {short_day(m.starts_at)}",
        _("Choose the meeting"),
    )
    return form


def _minutes_page(meeting: Meeting, form=None, approve=None, status: int = 200):
    """The secretary's minutes page: the minutes form (`form`, as posted), the amendments with
    their decision forms, and the approval form (`approve`, as posted)."""
    current = minutes.latest(meeting)
    decisions = {
        a.id: with_id(AmendmentDecisionForm(formdata=None).note, f"note-{a.id}")
        for a in (current.amendments if current else [])
    }
    return render_template(
        "committees/minutes_edit.html",
        meeting=meeting,
        minutes=current,
        form=form or minutes_form(meeting, current, posted=False),
        approve_form=approve or _approve_form(meeting, current, posted=False),
        notes=decisions,
    ), status


@bp.route("/manage/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
@role_required(*OFFICERS)
def edit_minutes(meeting_id: int):
    """Write the draft, item by item; after approval, start a correction as a new version."""
    meeting = meeting_to_run(meeting_id)
    form = minutes_form(meeting, minutes.latest(meeting))
    if saved(
        form,
        lambda: minutes.save_minutes(
            meeting,
            current_user,
            texts=form.texts(),
            correction_note=form.correction_note.data or "",
            locale=str(get_locale()),
        ),
    ):
        flash(_("Minutes saved."), "success")
        return _to_minutes(meeting.id)
    return _minutes_page(meeting, form, status=422 if form.is_submitted() else 200)


@bp.post("/manage/minutes/<int:minutes_id>/amendments/<int:amendment_id>")
@role_required(*OFFICERS)
def decide_amendment(minutes_id: int, amendment_id: int):
    """Accept (the item's text becomes the amendment) or decline, with a note."""
    amendment = amendment_to_decide(minutes_id, amendment_id)
    form = AmendmentDecisionForm()
    if not form.validate_on_submit():
        abort(400)
    minutes.decide_amendment(
        amendment, current_user, accept=form.decision.data == ACCEPT, note=form.note.data or ""
    )
    db.session.commit()
    return _to_minutes(amendment.minutes.meeting_id)


@bp.post("/manage/meetings/<int:meeting_id>/minutes/approve")
@role_required(*OFFICERS)
def approve_minutes(meeting_id: int):
    """Record that the committee approved the draft at a later meeting."""
    meeting = meeting_to_run(meeting_id)
    form = _approve_form(meeting, minutes.editable_draft(meeting))
    later = {m.id: m for m in minutes.later_meetings(meeting)}
    if saved(
        form,
        lambda: minutes.approve_minutes(
            meeting, current_user, at_meeting=later.get(form.at_meeting_id.data)
        ),
    ):
        flash(_("Minutes approved and published."), "success")
        return _to_minutes(meeting.id)
    return _minutes_page(meeting, approve=form, status=422)


def _review_page(meeting: Meeting, posted=None, status: int = 200):
    """The draft for members who attended: one amendment form per agenda item (the one
    `posted`, refused, keeps what was typed)."""
    draft = minutes.latest(meeting)
    forms = {item.id: AmendmentForm(formdata=None).for_item(item.id) for item in meeting.agenda}
    if posted is not None:
        forms[int(posted.item_key.data)] = posted.for_item(posted.item_key.data)
    return render_template(
        "committees/minutes_review.html",
        meeting=meeting,
        minutes=draft,
        forms_by_item=forms,
        posted=posted,
    ), status


@bp.post("/meetings/<int:meeting_id>/minutes/amendments")
@role_required(*MEMBERS)
def propose_amendment(meeting_id: int):
    """A member who attended proposes a change to one item of the draft minutes."""
    meeting = meeting_or_404(meeting_id)
    member = attending_seat_or_403(meeting)
    minutes.editable_draft(meeting)
    form = AmendmentForm()
    if form.item_key.data not in {str(item.id) for item in meeting.agenda}:
        abort(400)
    if saved(
        form,
        lambda: minutes.propose_amendment(
            meeting, member, current_user, item_key=form.item_key.data, text=form.text.data
        ),
    ):
        flash(
            _("Your amendment is proposed. The secretary will accept or decline it."),
            "success",
        )
        return redirect(url_for("committees.review_minutes", meeting_id=meeting.id), code=303)
    return _review_page(meeting, form, 422)


@bp.get("/meetings/<int:meeting_id>/minutes/draft")
@role_required(*MEMBERS)
def review_minutes(meeting_id: int):
    """The draft for members who attended, with a form to propose amendments."""
    meeting = meeting_or_404(meeting_id)
    attending_seat_or_403(meeting)
    return _review_page(meeting)


@bp.get("/committees/<int:committee_id>/minutes")
@cacheable
def minutes_archive(committee_id: int):
    """Approved minutes of past meetings, newest first, searchable by text, a page at a time."""
    committee = committee_or_404(committee_id)
    search = MinutesSearchForm(request.args)
    page = parse_int(request.args.get("page"), 1, 1000) or 1
    rows, more = minutes.archive(committee, search.query(), page, PER_PAGE)
    return render_template(
        "committees/minutes_archive.html",
        committee=committee,
        rows=rows,
        search=search,
        query=search.query(),
        page=page,
        more=more,
    )
