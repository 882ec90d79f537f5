"""The readiness assessment's forms: starting one, inviting officials, the inventory, the
roundtable's notes, the facilitator's protocol, interviews and observations, the next steps."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, Regexp

from portal.content.readiness_inventory import QUESTIONS
from portal.forms import MultiCheckboxField, PortalForm, per_language
from portal.i18n import translated
from portal.models.readiness import ObservationCode
from portal.models.surveys import SurveyArea
from portal.services.readiness import InventoryEntry

SLUG = Regexp(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    message=_l("Use lowercase letters, digits and single hyphens only."),
)
UNSURE = "unsure"
# What the evidence-link check accepts (services.readiness.save_inventory), said in the hint.
LINKS_HINT = _l(
    "Each link starts with https:// or http://, for example https://example.org/budget."
)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _optional_id(value):
    """A select's value as an id: "" is none; anything not a number is no survey at all (0),
    which the service refuses."""
    if value in (None, ""):
        return None
    return int(value) if str(value).isdigit() else 0


class NewAssessmentForm(PortalForm):
    """A new assessment: its name, its address (/readiness/<slug>) and its Tier 1 survey."""

    title = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Enter a name.")), Length(max=200)],
        render_kw={"maxlength": 200},
    )
    slug = StringField(
        _l("Web address name"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Use lowercase letters, digits and single hyphens only.")),
            Length(max=80),
            SLUG,
        ],
        description=_l(
            "Lowercase letters and digits, words joined by single hyphens, for example "
            "readiness-2026."
        ),
        render_kw={"maxlength": 80, "autocapitalize": "none", "spellcheck": "false"},
    )
    tier1_survey_id = SelectField(
        _l("Tier 1 survey"), coerce=_optional_id, choices=[], validate_choice=False
    )

    @classmethod
    def of(cls, surveys) -> "NewAssessmentForm":
        """The form with the district's surveys to choose from (a title shown in another
        language than the page's says so with its `lang`)."""
        form = cls()
        form.tier1_survey_id.choices = [SelectChoice("", _l("None yet"))] + [
            SelectChoice(
                str(survey.id),
                str(title := translated(survey, "title")),
                render_kw={"lang": title.language.tag} if title.is_fallback else {},
            )
            for survey in surveys
        ]
        return form


class OverviewForm(PortalForm):
    """Who answers the inventory, and the public summary."""

    officials = MultiCheckboxField(
        _l("Officials asked to answer the inventory"),
        coerce=int,
        choices=[],
        invalid_choice_message=_l("Choose officials from the list."),
    )
    publish = BooleanField(_l("Publish the summary"))

    @classmethod
    def of(cls, assessment, officials) -> "OverviewForm":
        """The form with the officials to choose from, filled from `assessment` unless it was
        just posted."""
        form = cls()
        form.officials.choices = [SelectChoice(u.id, u.name) for u in officials]
        if not form.is_submitted():
            data = {f"summary_{code}": text for code, text in assessment.public_summary.items()}
            data["officials"] = [i.user_id for i in assessment.invites]
            data["publish"] = assessment.public_summary_published
            form.process(data=data)
        return form


per_language(OverviewForm, "summary", _l("Public summary, in each language"), 5000)


class InventoryForm(PortalForm):
    """One official's answers: for each question (fields named `<key>.rating`, `.answer`,
    `.evidence`, `.links`) a rating, an answer, the evidence and links to it."""

    @classmethod
    def of(cls, saved: dict) -> "InventoryForm":
        """The form, filled from the official's stored answers (InventoryAnswer by key)."""
        form = cls()
        if not form.is_submitted():
            data = {}
            for key, answer in saved.items():
                rating = str(answer.rating) if answer.rating else UNSURE
                data.update({f"{key}.rating": rating, f"{key}.answer": answer.answer})
                data.update({f"{key}.evidence": answer.evidence, f"{key}.links": answer.links})
            form.process(data=data)
        return form

    def entries(self) -> dict[str, InventoryEntry]:
        """What was typed, question by question, for services.readiness.save_inventory."""
        entries = {}
        for question in QUESTIONS:
            key = question.key
            rating = self[f"{key}.rating"].data or ""
            links = (self[f"{key}.links"].data or "").splitlines()
            entries[key] = InventoryEntry(
                rating=int(rating) if rating.isdigit() else None,
                unsure=rating == UNSURE,
                answer=(self[f"{key}.answer"].data or "").strip(),
                evidence=(self[f"{key}.evidence"].data or "").strip(),
                links=[line.strip() for line in links if line.strip()],
            )
        return entries


def _add_inventory_fields() -> None:
    ratings = AnyOf(["1", "2", "3", "4", UNSURE], message=_l("Choose one of the ratings."))
    for question in QUESTIONS:
        key = question.key
        setattr(
            InventoryForm,
            f"{key}.rating",
            StringField(_l("Rating"), id=f"{key}-rating", validators=[Optional(), ratings]),
        )
        for part, label in (("answer", _l("Your answer")), ("evidence", _l("Evidence"))):
            setattr(
                InventoryForm,
                f"{key}.{part}",
                TextAreaField(
                    label,
                    id=f"{key}-{part}",
                    validators=[Length(max=5000)],
                    render_kw={"maxlength": 5000},
                ),
            )
        setattr(
            InventoryForm,
            f"{key}.links",
            TextAreaField(
                _l("Links to evidence, one per line"),
                id=f"{key}-links",
                description=LINKS_HINT,
                render_kw={"rows": 2},
            ),
        )


_add_inventory_fields()


class RoundtableNoteForm(PortalForm):
    """What the roundtable concluded on one question, or overall (question_key "")."""

    question_key = HiddenField()
    conclusion = TextAreaField(
        _l("Roundtable conclusion"),
        validators=[Length(max=5000)],
        render_kw={"rows": 2, "maxlength": 5000},
    )
    contentious = BooleanField(_l("Contentious"))
    carry = BooleanField(_l("Carry into the interviews"))
    close = BooleanField(_l("Close the inventory: the roundtable has been held"))

    def values(self) -> dict:
        """The note as services.readiness.save_roundtable_note takes it."""
        return {
            "question_key": self.question_key.data or "",
            "conclusion": self.conclusion.data or "",
            "contentious": self.contentious.data,
            "carry": self.carry.data,
            "close": self.close.data,
        }


def roundtable_forms(notes: dict) -> dict:
    """One filled form per question and one for the overall conclusions (key ""), each with
    ids of its own, since the page holds them all."""
    forms = {}
    for key in [q.key for q in QUESTIONS] + [""]:
        note = notes.get(key)
        form = RoundtableNoteForm(
            formdata=None,
            question_key=key,
            conclusion=note.conclusion if note else "",
            contentious=bool(note and note.contentious),
            carry=bool(note and note.carry_to_interviews),
        )
        form.conclusion.id = f"c-{key or 'overall'}"
        form.conclusion.label.field_id = form.conclusion.id
        for name in ("contentious", "carry", "close"):
            form[name].id = f"{name}-{key or 'overall'}"
        if not key:
            form.conclusion.label.text = _l("What the roundtable concluded")
            form.conclusion.render_kw = {"maxlength": 5000}
        forms[key] = form
    return forms


class ProtocolQuestionForm(PortalForm):
    """A question for the interview protocol (typed, or one of the suggestions)."""

    action = HiddenField()  # "question"
    text = StringField(
        _l("Add your own question"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Write the question.")), Length(max=1000)],
        render_kw={"maxlength": 1000},
    )

    def posted(self) -> bool:
        """This form (not the interview's) was sent."""
        return self.is_submitted() and self.action.data == "question"


class InterviewForm(PortalForm):
    """An interview the facilitator held."""

    action = HiddenField()  # "interview"
    interviewee_role = StringField(
        _l("Role of the person interviewed"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Enter the person's role.")), Length(max=120)],
        render_kw={"maxlength": 120},
    )
    department = StringField(
        _l("Department"), validators=[Length(max=120)], render_kw={"maxlength": 120}
    )
    interviewee_name = StringField(
        _l("Name (optional, never shown in reports)"),
        validators=[Length(max=200)],
        render_kw={"maxlength": 200},
    )
    held_on = DateField(_l("Date"), validators=[InputRequired(message=_l("Choose a date."))])
    notes = TextAreaField(
        _l("Notes"), validators=[Length(max=20000)], render_kw={"rows": 6, "maxlength": 20000}
    )

    def posted(self) -> bool:
        """This form (not the protocol question's) was sent."""
        return self.is_submitted() and self.action.data == "interview"

    def values(self) -> dict:
        """The interview as services.readiness.log_interview takes it."""
        return {
            "interviewee_role": self.interviewee_role.data or "",
            "department": self.department.data or "",
            "interviewee_name": self.interviewee_name.data or "",
            "held_on": self.held_on.data,
            "notes": self.notes.data or "",
        }


class ObservationForm(PortalForm):
    """A coded observation from an interview."""

    code = SelectField(
        _l("What you observed"),
        choices=[SelectChoice("", _l("Choose…"))]
        + [SelectChoice(code.value, code.label) for code in ObservationCode],
        default="",
        validators=[DataRequired(message=_l("Choose what you observed."))],
        invalid_choice_message=_l("Choose what you observed."),
    )
    survey_area = SelectField(
        _l("Area it touches"),
        choices=[SelectChoice("", _l("None in particular"))]
        + [SelectChoice(area.value, area.label) for area in SurveyArea],
        default="",
        invalid_choice_message=_l("Choose an area from the list."),
    )
    note = TextAreaField(
        _l("Note"), validators=[Length(max=5000)], render_kw={"rows": 3, "maxlength": 5000}
    )
    needs = TextAreaField(
        _l("For an opponent: what would they need to get on board?"),
        validators=[Length(max=5000)],
        render_kw={"rows": 2, "maxlength": 5000},
    )
    shareable = BooleanField(_l("This note may be quoted in the report, without a name"))

    def values(self) -> dict:
        """The observation as services.readiness.add_observation takes it."""
        return {
            "code": self.code.data or "",
            "survey_area": self.survey_area.data or "",
            "note": self.note.data or "",
            "needs": self.needs.data or "",
            "shareable": self.shareable.data,
        }


class NextStepsForm(PortalForm):
    """The facilitator's recommended next steps, at the end of the report."""

    next_steps = TextAreaField(
        _l("Write the recommended next steps"),
        validators=[Length(max=20000)],
        render_kw={"rows": 8, "maxlength": 20000},
    )
