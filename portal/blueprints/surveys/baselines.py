"""District staff type in last year's survey results (a survey not run in the portal), so this
year's results can be compared with them."""

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField, IntegerField, StringField
from wtforms.validators import NumberRange, Optional

from portal.blueprints.surveys import bp
from portal.content import ssfr_survey
from portal.forms import PortalForm, saved
from portal.models.surveys import AGREEMENT_LABELS, DONT_KNOW, DONT_KNOW_LABEL, SurveyArea
from portal.permissions import DISTRICT_STAFF, role_required
from portal.services import survey_baselines as baselines

ANSWER_LABELS = {str(score): label for score, label in AGREEMENT_LABELS.items()} | {
    DONT_KNOW: DONT_KNOW_LABEL
}
COUNT_MESSAGE = _l("Enter a whole number of 0 or more.")


class BaselineForm(PortalForm):
    """The year, the day it was taken, and per SSFR item how many gave each answer."""

    label = StringField(_l("School year of the survey"), description=_l("For example 2025-26."))
    taken_on = DateField(
        _l("Day the survey was taken"),
        validators=[Optional()],
        invalid_value_message=_l("Enter a date such as 2026-03-15."),
    )

    def items(self):
        """(area, [(item key, prompt, [(answer label, field)])]) in the template's order."""
        return [
            (
                area,
                [
                    (
                        key,
                        prompt,
                        [
                            (ANSWER_LABELS[a], self[baselines.field_name(key, a)])
                            for a in baselines.ANSWERS
                        ],
                    )
                    for key, prompt in items
                ],
            )
            for area, items in ssfr_survey.ITEMS.items()
        ]

    def counts(self) -> dict:
        return {
            key: {a: self[baselines.field_name(key, a)].data for a in baselines.ANSWERS}
            for items in ssfr_survey.ITEMS.values()
            for key, _prompt in items
        }


for _items in ssfr_survey.ITEMS.values():
    for _key, _prompt in _items:
        for _answer in baselines.ANSWERS:
            setattr(
                BaselineForm,
                baselines.field_name(_key, _answer),
                IntegerField(
                    ANSWER_LABELS[_answer],
                    validators=[Optional(), NumberRange(0, baselines.MAX_COUNT, COUNT_MESSAGE)],
                    render_kw={"inputmode": "numeric"},
                ),
            )


@bp.route("/manage/surveys/baselines/new", methods=["GET", "POST"])
@role_required(*DISTRICT_STAFF)
def enter_baseline():
    """Type in last year's results, item by item."""
    form = BaselineForm()
    if saved(
        form,
        lambda: baselines.enter_baseline(
            g.district, current_user, form.label.data, form.taken_on.data, form.counts()
        ),
    ):
        flash(
            _(
                "Last year's results are saved. Choose them as the comparison in a survey's "
                "settings."
            ),
            "success",
        )
        return redirect(url_for("surveys.manage_index"), code=303)
    return render_template(
        "manage/years/baseline.html", form=form, area_label=lambda a: SurveyArea(a).label
    ), (422 if form.is_submitted() else 200)
