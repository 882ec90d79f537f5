"""Feedback's moves, legal and illegal: a comment waiting for review is published or hidden, a
published one may be hidden and reported, a hidden one only published again; any comment may be
answered (and the answer changed) with a known status and some text."""

from datetime import UTC, datetime

import pytest

from portal.models import Feedback
from portal.models.base import IllegalMove
from portal.models.feedback import (
    FEEDBACK_STATUS_LABELS,
    FEEDBACK_VISIBILITY_LABELS,
    FeedbackStatus,
    FeedbackVisibility,
)

PENDING, VISIBLE, HIDDEN = (v.value for v in FeedbackVisibility)
AT = datetime(2026, 11, 12, 18, tzinfo=UTC)


class Moderator:
    id = 7


def comment(visibility: str = PENDING) -> Feedback:
    return Feedback(
        school_id=1,
        target_type="goal",
        target_id=1,
        body="More reading, please.",
        visibility=visibility,
        flags=0,
        status=FeedbackStatus.RECEIVED.value,
        answer="",
        hidden_reason="",
    )


def test_the_enums_keep_the_stored_values_and_have_labels(app):
    assert [v.value for v in FeedbackVisibility] == ["pending", "visible", "hidden"]
    assert [s.value for s in FeedbackStatus] == [
        "received",
        "considered",
        "acted_on",
        "not_adopted",
    ]
    with app.test_request_context():
        assert set(FEEDBACK_VISIBILITY_LABELS) == set(FeedbackVisibility)
        assert set(FEEDBACK_STATUS_LABELS) == set(FeedbackStatus)
        assert str(FeedbackStatus.ACTED_ON.label) == "Acted on"
        assert str(FeedbackVisibility.PENDING.label) == "Waiting for review"


@pytest.mark.parametrize("start", [PENDING, HIDDEN])
def test_approve_publishes_a_pending_or_hidden_comment(start):
    row = comment(start)
    row.hidden_reason = "Spam" if start == HIDDEN else ""
    row.approve(Moderator())
    assert row.visibility == VISIBLE and row.moderated_by_id == 7
    assert row.hidden_reason == ("Spam" if start == HIDDEN else "")  # the record keeps why


def test_approve_refuses_a_published_comment():
    with pytest.raises(IllegalMove):
        comment(VISIBLE).approve(Moderator())


@pytest.mark.parametrize("start", [PENDING, VISIBLE])
def test_hide_takes_a_reason_from_a_pending_or_published_comment(start):
    row = comment(start)
    row.hide(Moderator(), "  Names a child  ")
    assert row.visibility == HIDDEN
    assert row.hidden_reason == "Names a child" and row.moderated_by_id == 7


@pytest.mark.parametrize(
    ("start", "reason"),
    [(HIDDEN, "Again"), (PENDING, ""), (VISIBLE, "   "), (PENDING, None)],
    ids=["already hidden", "no reason", "blank reason", "none"],
)
def test_hide_refuses_a_hidden_comment_or_no_reason(start, reason):
    row = comment(start)
    row.hidden_reason = "First reason" if start == HIDDEN else ""
    with pytest.raises(IllegalMove):
        row.hide(Moderator(), reason)
    assert row.visibility == start
    assert row.hidden_reason == ("First reason" if start == HIDDEN else "")


@pytest.mark.parametrize("visibility", [PENDING, VISIBLE, HIDDEN])
@pytest.mark.parametrize("status", list(FeedbackStatus))
def test_any_comment_can_be_answered_with_a_known_status(visibility, status):
    row = comment(visibility)
    row.answer_with(status.value, " We added a reading group. ", " Plan: goal 2 ", AT)
    assert (row.status, row.answer, row.what_changed, row.answered_at) == (
        status.value,
        "We added a reading group.",
        "Plan: goal 2",
        AT,
    )
    assert row.visibility == visibility  # answering neither publishes nor hides


def test_an_answer_can_be_changed():
    row = comment(VISIBLE)
    row.answer_with("considered", "We will look at it.", "", AT)
    row.answer_with("acted_on", "We did it.", "A second group", AT)
    assert (row.status, row.answer, row.what_changed) == (
        "acted_on",
        "We did it.",
        "A second group",
    )


@pytest.mark.parametrize(
    ("status", "text"),
    [("done", "We did it."), ("", "We did it."), ("acted_on", ""), ("acted_on", "  ")],
    ids=["unknown status", "no status", "no text", "blank text"],
)
def test_an_answer_needs_a_known_status_and_text(status, text):
    row = comment(VISIBLE)
    with pytest.raises(IllegalMove):
        row.answer_with(status, text, "", AT)
    assert (row.status, row.answer, row.answered_at) == ("received", "", None)


def test_flag_counts_reports_on_a_published_comment():
    row = comment(VISIBLE)
    row.flag()
    row.flag()
    assert row.flags == 2


@pytest.mark.parametrize("start", [PENDING, HIDDEN])
def test_flag_refuses_what_the_public_cannot_see(start):
    row = comment(start)
    with pytest.raises(IllegalMove):
        row.flag()
    assert row.flags == 0


def test_a_comment_without_a_district_is_refused_by_the_database(app):
    """The table's check: every comment belongs to a district (a school's comment takes its
    school's when only the school is named)."""
    import sqlalchemy as sa

    from portal.extensions import db

    with app.app_context():
        orphan = comment()
        orphan.school_id = None
        db.session.add(orphan)
        with pytest.raises(sa.exc.IntegrityError):
            db.session.flush()
        db.session.rollback()
