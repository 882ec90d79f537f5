"""Last year's survey results as a baseline, for a survey that was not run in the portal:
district staff type in, per item, how many people gave each answer. The figures are kept as a
closed survey of the SSFR template with no responses, only tallies (`Survey.entered_outside`),
so the results page compares with it as with an earlier survey run here.

Honest limits: only district-wide totals are entered, so no breakdown (school, language,
role) has a baseline; and the public sees an item's baseline only when at least the district's
small-group threshold answered it (`published_counts`)."""

import re
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.models.surveys import AGREEMENT_SCALE, DONT_KNOW, Survey, SurveyTally
from portal.services.audit import record_audit
from portal.services.errors import Rejected
from portal.services.survey_results import item_distributions
from portal.services.surveys import create_from_template

ANSWERS = [str(score) for score in AGREEMENT_SCALE] + [DONT_KNOW]
MAX_COUNT = 1_000_000
# Entered tallies match no breakdown filter: their role, language and school are none of the
# real ones (school 0 is "the whole district", so -1).
ENTERED = {"respondent_role": "", "school_id": -1, "language": "", "channel": "entered"}


def field_name(key: str, answer: str) -> str:
    """The form field of an item's answer count: "c__transparency__understand_allocation__1"."""
    return f"c__{key.replace('.', '__')}__{answer}"


def enter_baseline(district, actor, label: str, taken_on: date | None, counts: dict) -> Survey:
    """Save last year's results typed in by district staff: `label` names the year ("2025-26"),
    `taken_on` is when the survey was taken, `counts` is {item key: {answer: count}} for the
    SSFR items (answers "1".."4" and "dk"; a missing count is 0). Rejected when the label or
    date is missing or taken, a count is not a whole number of 0 or more, or nothing was entered.
    The caller commits."""
    label = (label or "").strip()
    errors = {}
    if not label or len(label) > 20:
        errors["label"] = _("Name the year, such as 2025-26.")
    slug = "baseline-" + re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    if label and db.session.scalar(select(Survey.id).where(Survey.slug == slug)) is not None:
        errors["label"] = _("Results for %(label)s were already entered.", label=label)
    if taken_on is None or taken_on >= date.today():
        errors["taken_on"] = _("Enter the day the survey was taken, before today.")
    for key, answers in counts.items():
        for answer, value in answers.items():
            if value is not None and not 0 <= value <= MAX_COUNT:
                errors[field_name(key, answer)] = _("Enter a whole number of 0 or more.")
    if not errors and not any(v for answers in counts.values() for v in answers.values() if v):
        errors["label"] = _("Enter at least one count.")
    if errors:
        raise Rejected(errors)
    opens = datetime.combine(taken_on, time.min, UTC)
    survey = create_from_template(district.id, slug[:80], opens, opens + timedelta(days=1))
    survey.title = {}
    for code in LANGUAGES:
        with force_locale(code):
            survey.title[code] = _(
                "Survey of %(label)s (results entered by the district)", label=label
            )
    survey.publish()
    survey.entered_outside = True
    db.session.flush()
    for item in survey.items:
        for answer, value in counts.get(item.key, {}).items():
            if value:
                db.session.add(
                    SurveyTally(
                        survey_id=survey.id, item_id=item.id, answer=answer, count=value, **ENTERED
                    )
                )
    db.session.flush()
    record_audit(
        actor,
        "survey.baseline_entered",
        "survey",
        survey.id,
        {"label": label, "items": sum(1 for a in counts.values() if any(a.values()))},
    )
    return survey


def published_counts(survey: Survey, chosen: list, threshold: int):
    """What the public may see of an entered baseline, shaped as survey_results._published:
    (None, {item_id: answer counts, or None when fewer than `threshold` answered}); None for a
    breakdown, since only district-wide totals were entered."""
    if chosen:
        return None
    return None, {
        item_id: counts if sum(counts.values()) >= threshold else None
        for item_id, counts in item_distributions(survey.id).items()
    }
