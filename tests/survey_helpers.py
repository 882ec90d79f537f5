"""Builders shared by the survey tests."""

import hashlib
import time
from datetime import timedelta

from itsdangerous import URLSafeSerializer

from portal.extensions import db
from portal.models import Survey
from portal.models.base import utcnow
from portal.models.surveys import ItemKind
from portal.services import surveys as survey_service
from portal.services.survey_guard import RECEIPT_SALT


def make_survey(app, district_id, slug="ssfr-test", opens_in_days=-1, closes_in_days=30, **kw):
    """A published survey from the SSFR template; returns its id.

    The tests answer in milliseconds: the minimum fill time is off for the survey tests (it has
    its own tests in tests/test_trust_ballots.py, which set it per test)."""
    app.config["SURVEY_MIN_FILL_SECONDS"] = 0
    with app.app_context():
        now = utcnow()
        survey = survey_service.create_from_template(
            district_id,
            slug,
            now + timedelta(days=opens_in_days),
            now + timedelta(days=closes_in_days),
        )
        survey.publish()
        for key, value in kw.items():
            setattr(survey, key, value)
        db.session.commit()
        survey_id = survey.id
        db.session.remove()
    return survey_id


def receipt_for(app, survey_id, label="form", age=60.0) -> str:
    """A receipt as the server issues it, for a form of the survey drawn `age` seconds ago. The
    same `label` gives the same one-time nonce: the same form sent again."""
    nonce = hashlib.sha256(label.encode()).hexdigest()[:32]
    drawn = round(time.time() - age, 3)
    return URLSafeSerializer(app.secret_key, salt=RECEIPT_SALT).dumps([survey_id, drawn, nonce])


def answer_form(
    app, survey_id, role="parent", school="district", language="es", score="3", **extra
):
    """Form data answering every agreement item of a survey with `score`; a `receipt` label
    becomes a receipt the server could have issued (receipt_for)."""
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        form = {"role": role, "school": school, "language": language}
        for item in survey.items:
            if item.kind == ItemKind.AGREEMENT:
                form[survey_service.item_field(item.id)] = score
        db.session.remove()
    if "receipt" in extra:
        extra["receipt"] = receipt_for(app, survey_id, extra["receipt"])
    form.update(extra)
    return form
