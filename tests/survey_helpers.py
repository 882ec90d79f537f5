"""Builders shared by the survey tests."""

from datetime import timedelta

from portal.extensions import db
from portal.models import Survey
from portal.models.base import utcnow
from portal.models.surveys import ItemKind
from portal.services import surveys as survey_service


def make_survey(app, district_id, slug="ssfr-test", opens_in_days=-1, closes_in_days=30, **kw):
    """A published survey from the SSFR template; returns its id."""
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


def answer_form(
    app, survey_id, role="parent", school="district", language="es", score="3", **extra
):
    """Form data answering every agreement item of a survey with `score`."""
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        form = {"role": role, "school": school, "language": language}
        for item in survey.items:
            if item.kind == ItemKind.AGREEMENT:
                form[survey_service.item_field(item.id)] = score
        db.session.remove()
    form.update(extra)
    return form
