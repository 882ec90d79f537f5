"""Survey submissions at scale (issue 18): the tallies kept at submit equal a recount of the
stored answers, also under concurrent submitters; a receipt is spent once; and one submission
runs the same few statements however many questions it answers."""

import random
import threading
from collections import Counter

import pytest
from sqlalchemy import func, literal_column, select

from portal.extensions import db
from portal.models import School, Survey
from portal.models.surveys import (
    Channel,
    SurveyAnswer,
    SurveyRespondentTally,
    SurveyResponse,
    SurveyTally,
)
from portal.services import survey_disclosure as disclosure
from portal.services import surveys as survey_service
from portal.services.survey_guard import Dropped
from portal.services.survey_results import ResultFilter, offered_values, response_counts
from tests.statements import counted
from tests.survey_helpers import answer_form

# The same SQL text in SELECT and GROUP BY (a bound 0 would be two parameters to PostgreSQL).
SCHOOL = func.coalesce(SurveyResponse.school_id, literal_column("0"))
ROLES = ("parent", "teacher", "student", "community")
LANGUAGES = ("en", "es", "vi")


def _schools(district_id: int) -> list[int]:
    """The test district's schools, adding two so that answers spread over several."""
    for n in (1, 2):
        db.session.add(School(district_id=district_id, name=f"Scale {n}", slug=f"scale-{n}"))
    db.session.commit()
    return list(db.session.scalars(select(School.id).where(School.district_id == district_id)))


def _random_submission(rng: random.Random, survey: Survey, schools: list[int]):
    answers = []
    for item in survey.items:
        pick = rng.random()
        if item.kind != "agreement" or pick < 0.15:
            continue  # a skipped question
        answers.append(
            {"item_id": item.id, "dont_know": True}
            if pick < 0.25
            else {"item_id": item.id, "score": rng.randint(1, 4)}
        )
    school = rng.choice([*schools, None])
    return survey_service.Submission(rng.choice(ROLES), school, rng.choice(LANGUAGES), answers)


def _recount_answers(survey_id: int) -> Counter:
    """(item, role, school, language, channel, answer) -> count, straight from the answers."""
    rows = db.session.execute(
        select(
            SurveyAnswer.item_id,
            SurveyResponse.respondent_role,
            SCHOOL,
            SurveyResponse.language,
            SurveyResponse.channel,
            SurveyAnswer.score,
            SurveyAnswer.dont_know,
            func.count(),
        )
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyResponse.survey_id == survey_id)
        .group_by(
            SurveyAnswer.item_id,
            SurveyResponse.respondent_role,
            SCHOOL,
            SurveyResponse.language,
            SurveyResponse.channel,
            SurveyAnswer.score,
            SurveyAnswer.dont_know,
        )
    )
    counts = Counter()
    for item, role, school, lang, channel, score, dk, n in rows:
        counts[(item, role, school, lang, channel, "dk" if dk else str(score))] += n
    return counts


def _tallied_answers(survey_id: int) -> Counter:
    rows = db.session.execute(select(SurveyTally).where(SurveyTally.survey_id == survey_id))
    return Counter(
        {
            (t.item_id, t.respondent_role, t.school_id, t.language, t.channel, t.answer): t.count
            for (t,) in rows
            if t.count
        }
    )


def _recount_people(survey_id: int) -> Counter:
    """(school, language, role, channel) -> respondents, as the results counted them before
    the respondent tallies (a GROUP BY over every response)."""
    rows = db.session.execute(
        select(
            SCHOOL,
            SurveyResponse.language,
            SurveyResponse.respondent_role,
            SurveyResponse.channel,
            func.count(),
        )
        .where(SurveyResponse.survey_id == survey_id)
        .group_by(
            SCHOOL,
            SurveyResponse.language,
            SurveyResponse.respondent_role,
            SurveyResponse.channel,
        )
    )
    return Counter({tuple(row[:4]): row[4] for row in rows})


def _tallied_people(survey_id: int) -> Counter:
    table = SurveyRespondentTally
    rows = db.session.execute(select(table).where(table.survey_id == survey_id))
    return Counter(
        {
            (t.school_id, t.language, t.respondent_role, t.channel): t.count
            for (t,) in rows
            if t.count
        }
    )


def _old_respondents(people: Counter, offered, threshold) -> disclosure.Respondents:
    """disclosure.respondents as it was computed from a recount of the responses."""
    sums = {d: Counter() for d in ("school", "language", "role", "channel")}
    for (school, language, role, channel), n in people.items():
        for dim, value in (
            ("school", school),
            ("language", language),
            ("role", role),
            ("channel", channel),
        ):
            sums[dim][value] += n
    return disclosure.Respondents(
        sum(people.values()),
        {d: disclosure._breakdown(dict(sums[d]), offered[d], threshold) for d in sums},
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tallies_by_dimension_equal_a_recount(clean_app, district, survey_id, seed):
    rng = random.Random(seed)  # noqa: S311 - seeded test data
    with clean_app.app_context():
        schools = _schools(district["id"])
        survey = db.session.get(Survey, survey_id)
        for _ in range(rng.randint(40, 120)):
            channel = rng.choice(list(Channel))
            survey_service.record_response(
                survey, _random_submission(rng, survey, schools), channel
            )
        db.session.commit()
        assert _tallied_answers(survey_id) == _recount_answers(survey_id)
        people = _recount_people(survey_id)
        assert _tallied_people(survey_id) == people
        # What the results read is what the recount gives, for every threshold and filter.
        offered = offered_values(survey)
        for threshold in (1, 3, 5, 10):
            assert disclosure.respondents(survey_id, offered, threshold) == _old_respondents(
                people, offered, threshold
            )
        for where in (
            ResultFilter(),
            ResultFilter(role="parent"),
            ResultFilter(language="es"),
            ResultFilter(school_id=0),
            ResultFilter(school_id=schools[0]),
            ResultFilter(role="teacher", language="vi", school_id=schools[-1]),
        ):
            chosen = {
                k: v
                for k, v in people.items()
                if (where.school_id is None or k[0] == where.school_id)
                and (where.language is None or k[1] == where.language)
                and (where.role is None or k[2] == where.role)
            }
            counts = response_counts(survey_id, where)
            assert counts.total == sum(chosen.values())
            by_role = Counter()
            for (_s, _l, role, _c), n in chosen.items():
                by_role[role] += n
            assert counts.by_role == dict(by_role)


def test_concurrent_submissions_lose_no_update(clean_app, district, survey_id):
    """Eight threads, each its own session and transactions, bumping the same tally rows."""
    threads, per_thread = 8, 25
    with clean_app.app_context():
        schools = _schools(district["id"])
    errors = []

    def submitter(n: int) -> None:
        rng = random.Random(n)  # noqa: S311 - seeded test data
        try:
            with clean_app.app_context():
                survey = db.session.get(Survey, survey_id)
                for _ in range(per_thread):
                    submission = _random_submission(rng, survey, schools[:1])
                    survey_service.record_response(survey, submission, Channel.ONLINE)
                    db.session.commit()
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    workers = [threading.Thread(target=submitter, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    with clean_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 200
        assert _tallied_answers(survey_id) == _recount_answers(survey_id)
        assert _tallied_people(survey_id) == _recount_people(survey_id)
        assert sum(_tallied_people(survey_id).values()) == threads * per_thread


def test_a_receipt_is_spent_once(clean_app, district, survey_id):
    with clean_app.app_context():
        survey = db.session.get(Survey, survey_id)
        submission = survey_service.Submission("parent", None, "en", [])
        survey_service.record_response(survey, submission, Channel.ONLINE, receipt_token="r-1")
        db.session.commit()
        with pytest.raises(Dropped):
            survey_service.record_response(survey, submission, Channel.ONLINE, receipt_token="r-1")
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1
        assert sum(_tallied_people(survey_id).values()) == 1


def _post_statements(app, client, survey_id, label, answered: int) -> list[str]:
    form = answer_form(app, survey_id, receipt=label)
    items = sorted(k for k in form if k.startswith("item-"))
    for name in items[answered:]:
        del form[name]
    with counted(app) as seen:
        response = client.post("/surveys/ssfr-test", data=form)
    assert response.status_code == 303
    return seen


def test_one_submission_runs_a_fixed_number_of_statements(clean_app, client, survey_id):
    one = _post_statements(clean_app, client, survey_id, "one", answered=1)
    every = _post_statements(clean_app, clean_app.test_client(), survey_id, "all", answered=99)
    assert len(one) == len(every), (one, every)
    # The district, the survey, its items, the school check, the receipt, the response, its
    # answers, two tally upserts, the transaction: no statement per answer.
    assert len(every) <= 12, every
