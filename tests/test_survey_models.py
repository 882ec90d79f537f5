"""Survey's transitions: every legal move and every illegal one, as plain model calls."""

from datetime import UTC, datetime, timedelta

import pytest

from portal.models import Survey, SurveyItem
from portal.models.base import IllegalMove
from portal.models.surveys import SurveyPhase, SurveyState

NOW = datetime(2026, 11, 10, 16, tzinfo=UTC)
DAY = timedelta(days=1)


def _survey(phase: SurveyPhase, items: int = 1) -> Survey:
    """A survey in `phase` at NOW, with `items` questions."""
    opens, closes = {
        SurveyPhase.DRAFT: (NOW - DAY, NOW + DAY),
        SurveyPhase.UPCOMING: (NOW + DAY, NOW + 9 * DAY),
        SurveyPhase.OPEN: (NOW - DAY, NOW + DAY),
        SurveyPhase.CLOSED: (NOW - 9 * DAY, NOW - DAY),
    }[phase]
    survey = Survey(
        slug="s",
        title={"en": "S"},
        opens_at=opens,
        closes_at=closes,
        state=SurveyState.DRAFT.value if phase == SurveyPhase.DRAFT else SurveyState.PUBLISHED,
    )
    survey.items = [SurveyItem(area="equity", kind="agreement", prompt={}) for _ in range(items)]
    assert survey.phase(NOW) == phase
    return survey


def test_publishing_a_draft_with_questions():
    survey = _survey(SurveyPhase.DRAFT)
    survey.publish()
    assert survey.state == SurveyState.PUBLISHED and survey.phase(NOW) == SurveyPhase.OPEN


def test_closing_an_open_survey_ends_it_now():
    survey = _survey(SurveyPhase.OPEN)
    survey.close_now(NOW)
    assert survey.closes_at == NOW and survey.phase(NOW) == SurveyPhase.CLOSED


def test_a_draft_loses_a_question():
    survey = _survey(SurveyPhase.DRAFT, items=2)
    survey.remove_item(survey.items[0])
    assert len(survey.items) == 1


ILLEGAL = [
    (SurveyPhase.UPCOMING, "publish"),  # already published
    (SurveyPhase.OPEN, "publish"),
    (SurveyPhase.CLOSED, "publish"),
    (SurveyPhase.DRAFT, "close_now"),  # nobody can answer a draft: nothing to close
    (SurveyPhase.UPCOMING, "close_now"),
    (SurveyPhase.CLOSED, "close_now"),
    (SurveyPhase.UPCOMING, "remove_item"),  # answers keep the questions they answered
    (SurveyPhase.OPEN, "remove_item"),
    (SurveyPhase.CLOSED, "remove_item"),
    (SurveyPhase.OPEN, "require_draft"),
]


@pytest.mark.parametrize(("phase", "move"), ILLEGAL)
def test_illegal_moves_raise_and_change_nothing(phase, move):
    survey = _survey(phase)
    before = (survey.state, survey.opens_at, survey.closes_at, len(survey.items))
    with pytest.raises(IllegalMove):
        if move == "close_now":
            survey.close_now(NOW)
        elif move == "remove_item":
            survey.remove_item(survey.items[0])
        else:
            getattr(survey, move)()
    assert (survey.state, survey.opens_at, survey.closes_at, len(survey.items)) == before


def test_an_empty_draft_is_not_published():
    survey = _survey(SurveyPhase.DRAFT, items=0)
    with pytest.raises(IllegalMove):
        survey.publish()
    assert survey.state == SurveyState.DRAFT


def test_every_phase_has_a_label():
    assert [str(phase.label) for phase in SurveyPhase] == [
        "Draft",
        "Published, not open yet",
        "Open",
        "Closed",
    ]
