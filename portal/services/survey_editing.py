"""District staff's side of a survey: starting one from the template, its settings, its
questions, publishing and closing it, and the export of its responses. Plain functions taking
the acting user; refused input raises Rejected; the caller commits."""

import random
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import School, Survey, SurveyAnswer, SurveyItem, SurveyResponse
from portal.models.surveys import Channel, ItemKind
from portal.services.audit import record_audit
from portal.services.errors import Rejected
from portal.services.notices import announce
from portal.services.surveys import add_item, create_from_template


def start_of(district, day: date) -> datetime:
    """Midnight at the start of `day` where the district is (surveys open and close then)."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(district.timezone))


def local_day(district, moment: datetime) -> date:
    """The district's calendar day of `moment`."""
    return moment.astimezone(ZoneInfo(district.timezone)).date()


def _check_dates(opens_on: date, closes_on: date) -> None:
    if closes_on <= opens_on:
        raise Rejected({"closes_on": _("The closing date must come after the opening date.")})


def create_survey(district, actor, slug: str, opens_on: date, closes_on: date) -> Survey:
    """A new draft in `district` from the SSFR template, open from `opens_on` until the start
    of `closes_on` (the district's days)."""
    _check_dates(opens_on, closes_on)
    if db.session.scalars(select(Survey).where(Survey.slug == slug)).first():
        raise Rejected({"slug": _("Another survey already uses this web address name.")})
    survey = create_from_template(
        district.id, slug, start_of(district, opens_on), start_of(district, closes_on)
    )
    db.session.flush()
    record_audit(actor, "survey.created", "survey", survey.id, {"slug": slug})
    return survey


@dataclass(frozen=True)
class SurveySettings:
    """Everything the settings form sets, as plain values."""

    opens_on: date
    closes_on: date
    title: dict[str, str]
    intro: dict[str, str]
    covers_all_schools: bool
    school_ids: list[int]
    results_public: bool
    requires_access_code: bool
    baseline_id: int | None


def district_schools(district_id: int) -> list[School]:
    """The district's schools by name (the ones a survey may cover)."""
    return list(
        db.session.scalars(
            select(School).where(School.district_id == district_id).order_by(School.name)
        )
    )


def other_surveys(survey: Survey) -> list[Survey]:
    """The district's other surveys, which this one's results may be compared with."""
    return list(
        db.session.scalars(
            select(Survey).where(Survey.district_id == survey.district_id, Survey.id != survey.id)
        )
    )


def save_settings(survey: Survey, actor, district, settings: SurveySettings) -> None:
    """Dates, title and introduction, schools covered, who sees results, the baseline."""
    _check_dates(settings.opens_on, settings.closes_on)
    if not settings.covers_all_schools and not settings.school_ids:
        raise Rejected({"schools": _("Choose at least one school, or every school.")})
    if not settings.title.get(district.default_locale):
        raise Rejected(
            {
                f"title_{district.default_locale}": _(
                    "Give the survey a title in the district's main language."
                )
            }
        )
    schools = [s for s in district_schools(district.id) if s.id in set(settings.school_ids)]
    baselines = {s.id for s in other_surveys(survey)}
    if settings.baseline_id is not None and settings.baseline_id not in baselines:
        raise Rejected({"baseline_id": _("Choose a survey from the list.")})
    survey.opens_at = start_of(district, settings.opens_on)
    survey.closes_at = start_of(district, settings.closes_on)
    survey.title, survey.intro = dict(settings.title), dict(settings.intro)
    survey.covers_all_schools = settings.covers_all_schools
    survey.schools = schools
    if settings.results_public and not survey.results_public:
        survey.results_public = True
        announce("survey_results", survey)  # published surveys only (a draft tells no one)
    survey.results_public = settings.results_public
    survey.requires_access_code = settings.requires_access_code
    survey.baseline_id = settings.baseline_id


def publish(survey: Survey, actor) -> None:
    """Publish a draft (SurveyStateError when it is not one, or has no question)."""
    survey.publish()
    announce("survey_opened", survey)  # followers of the schools it covers hear of it
    record_audit(actor, "survey.published", "survey", survey.id)


def close(survey: Survey, actor) -> None:
    """Close an open survey now (SurveyStateError when it is not open)."""
    survey.close_now()
    record_audit(actor, "survey.closed", "survey", survey.id)


def choice_options(lines: dict[str, str], main_locale: str) -> list[dict]:
    """A choice question's options from its lines in each language: one option per line of the
    main language, labelled in every language that has a line at the same place."""
    split = {
        code: [line.strip() for line in (text or "").splitlines() if line.strip()]
        for code, text in lines.items()
    }
    options = []
    for index, label in enumerate(split.get(main_locale, [])):
        labels = {main_locale: label}
        for code, values in split.items():
            if code != main_locale and index < len(values):
                labels[code] = values[index]
        options.append({"value": str(index + 1), "label": labels})
    return options


def add_question(
    survey: Survey,
    actor,
    main_locale: str,
    area: str,
    kind: str,
    prompt: dict[str, str],
    option_lines: dict[str, str],
) -> SurveyItem:
    """Add a question to a draft (SurveyStateError for a published survey)."""
    survey.require_draft()
    options = choice_options(option_lines, main_locale) if kind == ItemKind.CHOICE else []
    if not prompt.get(main_locale):
        raise Rejected(
            {f"prompt_{main_locale}": _("Write the statement in the district's main language.")}
        )
    if kind == ItemKind.CHOICE and len(options) < 2:
        raise Rejected({f"options_{main_locale}": _("Give at least two choices, one per line.")})
    return add_item(survey, area, kind, prompt, options=options)


def edit_question(item: SurveyItem, actor, main_locale: str, prompt: dict[str, str]) -> None:
    """Correct a question's wording and translations (allowed once published: the answers
    keep their meaning)."""
    if not prompt.get(main_locale):
        raise Rejected(
            {f"prompt_{main_locale}": _("Write the statement in the district's main language.")}
        )
    item.prompt = dict(prompt)


def remove_question(survey: Survey, actor, item: SurveyItem) -> None:
    """Remove a question from a draft (SurveyStateError for a published survey)."""
    survey.remove_item(item)


def response_counts(district_id: int) -> dict[int, int]:
    """How many responses each of the district's surveys has."""
    return dict(
        db.session.execute(
            select(SurveyResponse.survey_id, func.count())
            .join(Survey)
            .where(Survey.district_id == district_id)
            .group_by(SurveyResponse.survey_id)
        ).all()
    )


def typed_in_count(survey: Survey) -> int:
    """Responses entered by staff (paper sheets and meetings)."""
    return db.session.scalar(
        select(func.count()).where(
            SurveyResponse.survey_id == survey.id, SurveyResponse.channel != Channel.ONLINE.value
        )
    )


def export_table(survey: Survey) -> tuple[list[str], list[list]]:
    """Every response as a row (header, rows), with nothing that identifies anyone: no response
    id, and rows in no order that follows how they were stored (paper sheets are typed one
    after another, so an id or the storage order could pair answers with sheets)."""
    items = list(survey.items)
    header = ["channel", "role", "school", "language", "submitted_on"]
    header += [item.key or f"item-{item.id}" for item in items]
    schools = dict(db.session.execute(select(School.id, School.name)).all())
    answers: dict[int, dict[int, str]] = {}
    for response_id, item_id, score, dont_know, choice, comment in db.session.execute(
        select(
            SurveyAnswer.response_id,
            SurveyAnswer.item_id,
            SurveyAnswer.score,
            SurveyAnswer.dont_know,
            SurveyAnswer.choice,
            SurveyAnswer.comment,
        )
        .join(SurveyResponse)
        .where(SurveyResponse.survey_id == survey.id)
    ):
        value = "dk" if dont_know else score if score is not None else choice or comment or ""
        answers.setdefault(response_id, {})[item_id] = str(value)
    rows = []
    for response in db.session.scalars(
        select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)
    ):
        row = answers.get(response.id, {})
        rows.append(
            [
                response.channel,
                response.respondent_role,
                schools.get(response.school_id, "district"),
                response.language,
                response.submitted_on.isoformat(),
            ]
            + [row.get(item.id, "") for item in items]
        )
    random.SystemRandom().shuffle(rows)
    rows.sort(key=lambda r: r[4])  # by day (already a column), shuffled within each day
    return header, rows
