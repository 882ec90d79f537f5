"""Tier 1 survey rules: building a survey, validating and storing responses, access codes,
paper sheet codes. Plain functions; the caller commits.
"""

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import exists, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.content import ssfr_survey
from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.models.base import utcnow
from portal.models.survey_guard import DropReason
from portal.models.surveys import (
    AGREEMENT_SCALE,
    DONT_KNOW,
    Channel,
    ItemKind,
    PaperSheetUse,
    RespondentRole,
    Survey,
    SurveyAccessCode,
    SurveyAnswer,
    SurveyArea,
    SurveyItem,
    SurveyPhase,
    SurveyRespondentTally,
    SurveyResponse,
    SurveyState,
    SurveySubmissionReceipt,
    SurveyTally,
    random_row_id,
    survey_school,
)
from portal.services.errors import Rejected
from portal.services.survey_codes import hash_code, parse_sheet_code
from portal.services.survey_guard import Dropped, ReceiptRules, check_receipt

AREA_ORDER = {area.value: index for index, area in enumerate(SurveyArea)}
DISTRICT_WIDE = "district"
COMMENT_MAX = 2000
ITEM_FIELD = re.compile(r"^item-(\d+)$")


def item_field(item_id: int) -> str:
    return f"item-{item_id}"


def add_item(survey: Survey, area: str, kind: str, prompt: dict, key: str = "", options=None):
    """Append an item to an area of a survey."""
    position = 1 + max((i.position for i in survey.items if i.area == area), default=0)
    item = SurveyItem(
        area=area,
        area_order=AREA_ORDER.get(area, len(AREA_ORDER)),
        position=position,
        kind=kind,
        key=key,
        prompt=dict(prompt),
        options=list(options or []),
        source_locale="en",
    )
    survey.items.append(item)
    return item


def create_from_template(district_id: int, slug: str, opens_at: datetime, closes_at: datetime):
    """A new draft survey holding the SSFR template: six areas, their items, a closing comment."""
    survey = Survey(
        district_id=district_id,
        slug=slug,
        title=dict(ssfr_survey.TITLE),
        intro=dict(ssfr_survey.INTRO),
        opens_at=opens_at,
        closes_at=closes_at,
        state=SurveyState.DRAFT.value,
        covers_all_schools=True,
        results_public=False,
        requires_access_code=False,
        source_locale="en",
    )
    for area, items in ssfr_survey.ITEMS.items():
        for key, prompt in items:
            add_item(survey, area, ItemKind.AGREEMENT.value, prompt, key=key)
    key, prompt = ssfr_survey.CLOSING_COMMENT
    add_item(survey, SurveyArea.EFFICIENCY.value, ItemKind.COMMENT.value, prompt, key=key)
    db.session.add(survey)
    return survey


# --- submissions ---------------------------------------------------------------------------


@dataclass
class Submission:
    """A validated response, ready to store."""

    role: str
    school_id: int | None
    language: str
    answers: list[dict] = field(default_factory=list)


class SubmissionError(Rejected):
    """Answers that cannot be stored: `fields` maps an answer's name (role, school, language,
    access_code, sheet_code, item-<id>) to its message; `messages` are about the whole form."""


Answers = Mapping[str, str]  # an answer's name -> what was typed or chosen, as posted


def _respondent(survey: Survey, answers: Answers) -> tuple[dict, dict]:
    errors, values = {}, {}
    role = answers.get("role") or ""
    if role not in {r.value for r in RespondentRole}:
        errors["role"] = _("Choose the description that fits you best.")
    values["role"] = role
    school = answers.get("school") or ""
    if school == DISTRICT_WIDE:
        values["school_id"] = None
    elif school.isdigit() and answers_for_school(survey, int(school)):
        values["school_id"] = int(school)
    else:
        errors["school"] = _("Choose a school from the list, or the whole district.")
        values["school_id"] = None
    language = answers.get("language") or ""
    if language not in LANGUAGES:
        errors["language"] = _("Choose a language from the list.")
    values["language"] = language
    return values, errors


def _answer(item: SurveyItem, raw: str) -> dict | None:
    """One answer as stored, or None when it is not one of the item's answers."""
    if item.kind == ItemKind.AGREEMENT:
        if raw == DONT_KNOW:
            return {"item_id": item.id, "dont_know": True}
        if raw.isdigit() and int(raw) in AGREEMENT_SCALE:
            return {"item_id": item.id, "score": int(raw)}
        return None
    if item.kind == ItemKind.CHOICE:
        if raw in {option["value"] for option in item.options}:
            return {"item_id": item.id, "choice": raw}
        return None
    return {"item_id": item.id, "comment": raw} if len(raw) <= COMMENT_MAX else None


def _items(survey: Survey, answers: Answers, items=None) -> tuple[list[dict], dict, list]:
    by_id = {item.id: item for item in survey.items}
    errors, stored, messages = {}, [], []
    for name in answers:
        match = ITEM_FIELD.match(name)
        if name.startswith("item-") and (not match or int(match.group(1)) not in by_id):
            messages = [_("This form does not match the survey. Please reload the page.")]
    for item in items if items is not None else survey.items:
        raw = (answers.get(item_field(item.id)) or "").strip()
        if not raw:
            continue
        answer = _answer(item, raw)
        if answer is not None:
            stored.append(answer)
        elif item.kind == ItemKind.COMMENT:
            errors[item_field(item.id)] = _(
                "Please keep your comment under %(num)d characters.", num=COMMENT_MAX
            )
        else:
            errors[item_field(item.id)] = _("Choose one of the answers.")
    return stored, errors, messages


def validate_respondent(survey: Survey, answers: Answers) -> dict:
    """Check the "about you" answers: {role, school_id, language}, or SubmissionError."""
    values, errors = _respondent(survey, answers)
    if errors:
        raise SubmissionError(errors)
    return values


def validate_items(survey: Survey, answers: Answers, items=None) -> list[dict]:
    """Check answers to `items` (default: all), as stored; SubmissionError names each wrong
    one. An answer to a question the survey does not have is an error too."""
    stored, errors, messages = _items(survey, answers, items)
    if errors or messages:
        raise SubmissionError(errors, *messages)
    return stored


def validate_submission(survey: Survey, answers: Answers) -> Submission:
    """Validate a whole response (every error at once), or raise SubmissionError."""
    values, errors = _respondent(survey, answers)
    stored, item_errors, messages = _items(survey, answers)
    if errors or item_errors or messages:
        raise SubmissionError({**errors, **item_errors}, *messages)
    return Submission(values["role"], values["school_id"], values["language"], stored)


def submit_online(
    survey: Survey,
    answers: Answers,
    receipt: str | None,
    access_code: str | None,
    rules: ReceiptRules,
    now: float | None = None,
) -> SurveyResponse:
    """A response from the public form. A draft's preview stores nothing.

    The form's receipt is required: one this server issued for this survey (survey_guard),
    drawn long enough ago, and spent once. Dropped (a Rejected) says why a submission is not
    stored; the caller rolls back, counts it (survey_guard.count_dropped) and shows the form."""
    if survey.is_draft:
        raise SubmissionError({}, _("This is a preview of a draft survey: answers are not saved."))
    # The answers first: a person with a mistake to fix sees it, and the form keeps its receipt.
    submission = validate_submission(survey, answers)
    checked = check_receipt(rules, survey, receipt, now)
    return record_response(
        survey, submission, Channel.ONLINE, receipt_token=checked.nonce, access_code=access_code
    )


def enter_paper_sheet(
    survey: Survey, actor, secret: str, typed_code: str, channel: Channel, answers: Answers
) -> str:
    """Store a paper sheet (or answers taken at a meeting) typed in by `actor`; returns the
    sheet's code. The code and every answer are checked together, so all errors show at once."""
    if channel not in (Channel.PAPER, Channel.MEETING):
        raise SubmissionError({"channel": _("Choose where the answers come from.")})
    code = parse_sheet_code(secret, survey.id, typed_code)
    errors = {}
    if not typed_code.strip():
        errors["sheet_code"] = _("Enter the code printed on the sheet.")
    elif code is None:
        errors["sheet_code"] = _("This is not a sheet code printed for this survey.")
    try:
        submission = validate_submission(survey, answers)
    except SubmissionError as error:
        raise SubmissionError({**errors, **error.fields}, *error.messages) from None
    if errors:
        raise SubmissionError(errors)
    record_response(survey, submission, channel, sheet_code=code, entered_by_id=actor.id)
    return code


def open_surveys(district_id: int, school_id: int | None = None, now=None) -> list[Survey]:
    """Published surveys open right now; with a school, only those that cover it."""
    now = now or utcnow()
    surveys = db.session.scalars(
        select(Survey)
        .where(
            Survey.district_id == district_id,
            Survey.state == SurveyState.PUBLISHED,
            Survey.opens_at <= now,
            Survey.closes_at > now,
        )
        .order_by(Survey.closes_at)
    )
    return [s for s in surveys if school_id is None or s.covers(school_id)]


def find_survey(district_id: int, slug: str) -> Survey | None:
    """The district's survey at /surveys/<slug> (drafts too: the caller decides who sees one)."""
    return db.session.scalars(
        select(Survey).where(Survey.slug == slug, Survey.district_id == district_id)
    ).first()


def published_surveys(district_id: int) -> list[Survey]:
    """The district's published surveys, newest first (the public list)."""
    return list(
        db.session.scalars(
            select(Survey)
            .where(Survey.district_id == district_id, Survey.state == SurveyState.PUBLISHED)
            .order_by(Survey.opens_at.desc())
        )
    )


def district_surveys(district_id: int) -> list[Survey]:
    """Every survey of the district, newest first (drafts too)."""
    return list(
        db.session.scalars(
            select(Survey).where(Survey.district_id == district_id).order_by(Survey.opens_at.desc())
        )
    )


def answers_for_school(survey: Survey, school_id: int) -> bool:
    """Whether a respondent may answer `survey` for the school `school_id` (one EXISTS: the
    submission path never loads the district's list of schools)."""
    from portal.models import School

    if survey.covers_all_schools:
        found = exists().where(School.id == school_id, School.district_id == survey.district_id)
    else:
        found = exists().where(
            survey_school.c.survey_id == survey.id, survey_school.c.school_id == school_id
        )
    return bool(db.session.scalar(select(found)))


def school_choices(survey: Survey) -> list:
    """(id, name) of the schools a respondent may answer for, by name: the form's list reads
    only these two columns (a district may have a thousand schools)."""
    from portal.models import School

    stmt = select(School.id, School.name).order_by(School.name)
    if survey.covers_all_schools:
        stmt = stmt.where(School.district_id == survey.district_id)
    else:
        stmt = stmt.join(survey_school, survey_school.c.school_id == School.id).where(
            survey_school.c.survey_id == survey.id
        )
    return list(db.session.execute(stmt))


def covered_schools(survey: Survey):
    if survey.covers_all_schools:
        from portal.models import School

        return list(
            db.session.scalars(
                select(School).where(School.district_id == survey.district_id).order_by(School.name)
            )
        )
    return list(survey.schools)


def record_response(
    survey: Survey,
    submission: Submission,
    channel: Channel,
    *,
    receipt_token: str | None = None,
    access_code: str | None = None,
    sheet_code: str | None = None,
    entered_by_id: int | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> int:
    """Store one response and bump the tallies, in the caller's transaction; returns its id.

    Raises SubmissionError when the survey is not open (online only), the receipt, access code or
    sheet code was already used, or no code was given where one is required. Nothing is written
    in that case: every check happens before the first insert, and the unique keys catch races.

    A fixed number of statements whatever the number of answers (issue 18: 200 a second): the
    receipt (or sheet code) is spent by one INSERT ... ON CONFLICT DO NOTHING, the response is
    one INSERT, its answers one executemany, and each tally table one set-based upsert.
    """
    if channel == Channel.ONLINE and survey.phase(now) != SurveyPhase.OPEN:
        raise SubmissionError({}, _("This survey is not open for answers."))
    if survey.requires_access_code and channel == Channel.ONLINE:
        _spend_access_code(survey, access_code)
    if sheet_code is not None and not _spend_once(
        PaperSheetUse, survey_id=survey.id, sheet_code=sheet_code
    ):
        raise SubmissionError({"sheet_code": _("This sheet has already been entered.")})
    if receipt_token and not _spend_once(
        SurveySubmissionReceipt, survey_id=survey.id, token_hash=hash_code(receipt_token)
    ):
        raise Dropped(DropReason.REUSED, _("These answers were already received. Thank you!"))
    response_id = random_row_id()
    db.session.execute(
        insert(SurveyResponse.__table__).values(
            id=response_id,
            survey_id=survey.id,
            channel=channel.value,
            respondent_role=submission.role,
            school_id=submission.school_id,
            language=submission.language,
            submitted_on=today or date.today(),
            entered_by_id=entered_by_id,
        )
    )
    if submission.answers:
        # Every row with every column, so the driver sends them as one batch.
        db.session.execute(
            insert(SurveyAnswer.__table__),
            [
                {
                    "id": random_row_id(),
                    "response_id": response_id,
                    "item_id": answer["item_id"],
                    "score": answer.get("score"),
                    "dont_know": bool(answer.get("dont_know")),
                    "choice": answer.get("choice"),
                    "comment": answer.get("comment"),
                }
                for answer in submission.answers
            ],
        )
    # Last: the tally rows are the ones other submissions wait for, so they are locked for the
    # shortest time (until the caller's commit).
    _bump_tallies(survey.id, submission, channel)
    return response_id


def _upsert():
    return pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert


def _spend_once(model, **key) -> bool:
    """Insert the one-time row `key`; False when it was already there (one statement, and a
    concurrent spender waits on the unique key and then finds it taken)."""
    table = model.__table__
    stmt = _upsert()(table).values(**key).on_conflict_do_nothing()
    # RETURNING, not rowcount: the driver does not always report a count for this statement.
    return db.session.execute(stmt.returning(table.c.survey_id)).first() is not None


def _spend_access_code(survey: Survey, code: str | None) -> None:
    if not code or not code.strip():
        raise SubmissionError({"access_code": _("Enter the access code you were given.")})
    # One UPDATE both checks and spends the code, so two people cannot use it at once.
    spent = db.session.execute(
        update(SurveyAccessCode)
        .where(
            SurveyAccessCode.survey_id == survey.id,
            SurveyAccessCode.code_hash == hash_code(code),
            SurveyAccessCode.used.is_(False),
        )
        .values(used=True)
    ).rowcount
    if spent != 1:
        raise SubmissionError(
            {"access_code": _("This access code is not valid or has already been used.")}
        )


def tally_answer_key(answer: dict) -> str | None:
    if answer.get("dont_know"):
        return DONT_KNOW
    if answer.get("score") is not None:
        return str(answer["score"])
    if answer.get("choice") is not None:
        return f"c:{answer['choice']}"
    return None  # comments are read, not counted


def _bump_tallies(survey_id: int, submission: Submission, channel: Channel) -> None:
    """The respondent's group gains one respondent, and each counted answer one count: two
    set-based upserts, whatever the number of answers."""
    group = {
        "survey_id": survey_id,
        "school_id": submission.school_id or 0,
        "language": submission.language,
        "respondent_role": submission.role,
        "channel": channel.value,
    }
    people = _upsert()(SurveyRespondentTally.__table__).values(**group, count=1)
    db.session.execute(
        people.on_conflict_do_update(
            index_elements=list(group), set_={"count": SurveyRespondentTally.count + 1}
        )
    )
    keys = Counter()
    for answer in submission.answers:
        value = tally_answer_key(answer)
        if value is not None:
            keys[(answer["item_id"], value)] += 1
    if not keys:
        return
    rows = [
        {
            "survey_id": survey_id,
            "item_id": item_id,
            "respondent_role": submission.role,
            "school_id": submission.school_id or 0,
            "language": submission.language,
            "channel": channel.value,
            "answer": value,
            "count": count,
        }
        for (item_id, value), count in sorted(keys.items())  # one lock order: no deadlocks
    ]
    # One statement, compiled once and sent as a batch (executemany), whatever the answers.
    stmt = _upsert()(SurveyTally.__table__)
    stmt = stmt.on_conflict_do_update(
        index_elements=[
            "survey_id",
            "item_id",
            "respondent_role",
            "school_id",
            "language",
            "channel",
            "answer",
        ],
        set_={"count": SurveyTally.__table__.c.count + stmt.excluded.count},
    )
    db.session.execute(stmt, rows)
