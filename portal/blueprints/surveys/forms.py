"""The survey's forms: the public one (answers, drawn by the templates, checked by the service),
the results filter and the paper-sheet range (GET forms), and the staff's forms."""

from functools import lru_cache

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp

from portal.forms import MultiCheckboxField, PortalForm, per_language
from portal.i18n import LANGUAGES, translated
from portal.models.surveys import AREA_LABELS, Channel, ItemKind, RespondentRole
from portal.services.survey_editing import SurveySettings, local_day
from portal.services.survey_results import ResultFilter
from portal.services.surveys import DISTRICT_WIDE, item_field

SLUG = Regexp(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    message=_l("Use lowercase letters, digits and single hyphens only."),
)
KIND_LABELS = {
    ItemKind.AGREEMENT: _l("Agree or disagree (4 points and don't know)"),
    ItemKind.CHOICE: _l("One choice from a list"),
    ItemKind.COMMENT: _l("Short comment"),
}
RESPONDENT_FIELDS = ("role", "school", "language", "access_code")


# --- the public survey -----------------------------------------------------------------------


class AnswersForm(PortalForm):
    """A survey's answers as typed: the "about you" questions, one `item-<id>` field per
    question (see `answers_form`), and the stepped form's hidden fields. Nothing is refused
    here: services.surveys checks the answers, and `reject` keeps its messages by name for the
    templates (`answer_errors`), which draw the survey's own radios and selects."""

    role = StringField()
    school = StringField()
    language = StringField()
    access_code = StringField()
    receipt = HiddenField()
    shown_in = HiddenField()  # the language the page was drawn in
    current = HiddenField()  # the screen shown
    goto = HiddenField()  # Next, Back or a language button: the screen wanted ("all": all)
    website = StringField()  # the honeypot: people leave it empty

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        """Read the post as WTForms does, keeping answers to unknown questions aside."""
        formdata = self.meta.wrap_formdata(self, formdata)
        # Answers to questions this survey does not have (an old page, a tampered form): kept
        # so the service can say the form does not match.
        self.stray = {
            name: formdata.get(name) or ""
            for name in (formdata or {})
            if name.startswith("item-") and name not in self._fields
        }
        self.answer_errors = {}
        super().process(formdata, obj, data=data, extra_filters=extra_filters, **kwargs)

    def get(self, name: str, default: str = "") -> str:
        """What was typed or chosen for `name`, as the templates read it."""
        field = self._fields.get(name)
        value = field.data if field is not None else None
        return default if value in (None, "") else value

    def answers(self) -> dict[str, str]:
        """Every answer, by name, for services.surveys."""
        names = [*RESPONDENT_FIELDS, *(n for n in self._fields if n.startswith("item-"))]
        return {**{name: self._fields[name].data or "" for name in names}, **self.stray}

    def screens(self, count: int) -> tuple[int, int | None]:
        """(the screen being left, the screen wanted or None for all of them); ValueError when
        either is not a screen of the form."""
        current = int(self.current.data if self.current.data is not None else "0")
        goto = self.goto.data if self.goto.data is not None else "0"
        wanted = None if goto == "all" else int(goto)
        if not (0 <= current < count and (wanted is None or 0 <= wanted < count)):
            raise ValueError("not a screen of this survey")
        return current, wanted

    def reject(self, error) -> None:
        """Keep a SubmissionError's messages by answer name (whole-form ones as "form")."""
        self.answer_errors = dict(error.fields)
        if error.messages:
            self.answer_errors["form"] = " ".join(error.messages)


def answers_form(survey) -> AnswersForm:
    """The answers form of `survey`: AnswersForm with a field per question."""
    return _answers_form_class(tuple(item.id for item in survey.items))()


@lru_cache(maxsize=256)
def _answers_form_class(item_ids: tuple[int, ...]) -> type:
    """The form class for these questions. Built once per set of questions (WTForms works out
    a new class's fields on its first use, a third of a submission's time): a pure function of
    the ids, so the cache holds no state that another process could need."""
    form_class = type("SurveyAnswersForm", (AnswersForm,), {})
    for item_id in item_ids:
        setattr(form_class, item_field(item_id), StringField())
    return form_class


class MoveForm(PortalForm):
    """Read before the survey's handler runs, for its rate limit: Next, Back and the language
    buttons store nothing, so they are never slowed down."""

    class Meta:
        csrf = False

    goto = HiddenField()


class AnotherPersonForm(PortalForm):
    """The household button ("Someone else in my household wants to answer"): this device
    may answer once more."""


def moving_between_screens() -> bool:
    """Whether this post only moves between the survey's screens (it stores nothing)."""
    return MoveForm().goto.data is not None


class ResultFilterForm(PortalForm):
    """Who the results cover, and what they are compared with (a GET form: links can be
    shared). A value that is not in the lists is ignored."""

    class Meta:
        csrf = False

    role = SelectField(_l("Who answered"), id="filter-role", validate_choice=False)
    school = SelectField(_l("School"), id="filter-school", validate_choice=False)
    language = SelectField(_l("Language"), id="filter-language", validate_choice=False)
    baseline = SelectField(_l("Compare with"), id="filter-baseline", validate_choice=False)

    @classmethod
    def of(cls, formdata, schools, earlier) -> "ResultFilterForm":
        """The filters read from the query string, with the lists to choose from: the schools
        the survey covers and the `earlier` surveys to compare with."""
        form = cls(formdata=formdata)
        form.role.choices = [SelectChoice("", _l("Everyone"))] + [
            SelectChoice(role.value, role.label) for role in RespondentRole
        ]
        form.school.choices = [
            SelectChoice("", _l("All schools")),
            SelectChoice(DISTRICT_WIDE, _l("The whole district (no one school)")),
        ] + [SelectChoice(str(school.id), school.name) for school in schools]
        form.language.choices = [SelectChoice("", _l("All languages"))] + [
            SelectChoice(code, lang.native_name, render_kw={"lang": lang.tag})
            for code, lang in LANGUAGES.items()
        ]
        form.baseline.choices = [SelectChoice("none", _l("No comparison"))] + [
            _survey_choice(other, year=True) for other in earlier
        ]
        return form

    def where(self) -> ResultFilter:
        """Whose answers the results cover."""
        role = self.role.data if self.role.data in {r.value for r in RespondentRole} else None
        language = self.language.data if self.language.data in LANGUAGES else None
        school = self.school.data or ""
        school_id = 0 if school == DISTRICT_WIDE else int(school) if school.isdigit() else None
        return ResultFilter(role=role, school_id=school_id, language=language)

    def show_baseline(self, baseline) -> None:
        """Select the comparison in effect (the survey's own baseline when none was asked)."""
        self.baseline.data = str(baseline.id) if baseline is not None else "none"


def _survey_choice(survey, year: bool = False) -> SelectChoice:
    """A survey as a choice: its title in the reader's language (a fallback keeps its own
    `lang`), and the year it opened."""
    title = translated(survey, "title")
    label = f"{title} ({format_date(survey.opens_at, 'yyyy')})" if year else str(title)
    render_kw = {"lang": title.language.tag} if title.is_fallback else {}
    return SelectChoice(str(survey.id), label, render_kw=render_kw)


# --- staff -----------------------------------------------------------------------------------


class NewSurveyForm(PortalForm):
    """A new survey from the template: its address and its dates."""

    slug = StringField(
        _l("Web address name"),
        validators=[DataRequired(message=_l("Enter a web address name.")), Length(max=80), SLUG],
        description=_l(
            "Lowercase letters and digits, words joined by single hyphens, for example "
            "readiness-2026."
        ),
    )
    opens_on = DateField(_l("Opens on"), validators=[InputRequired(message=_l("Choose a date."))])
    closes_on = DateField(_l("Closes on"), validators=[InputRequired(message=_l("Choose a date."))])


class SurveySettingsForm(PortalForm):
    """A survey's settings: title and introduction in each language, dates, schools, who sees
    the results, access codes, and the survey it is compared with."""

    opens_on = DateField(_l("Opens on"), validators=[InputRequired(message=_l("Choose a date."))])
    closes_on = DateField(_l("Closes on"), validators=[InputRequired(message=_l("Choose a date."))])
    covers_all_schools = BooleanField(_l("Every school in the district"))
    schools = MultiCheckboxField(_l("Or only these schools"), coerce=int, choices=[])
    results_public = BooleanField(_l("Anyone may see the results (small groups stay hidden)"))
    requires_access_code = BooleanField(_l("Answering needs a one-time access code"))
    baseline_id = SelectField(_l("Compare results with"), coerce=int, choices=[])

    @classmethod
    def of(cls, survey, district, schools, others) -> "SurveySettingsForm":
        """The form for `survey`, filled from it unless it was just posted."""
        form = cls()
        form.schools.choices = [SelectChoice(s.id, s.name) for s in schools]
        form.baseline_id.choices = [SelectChoice(0, _l("No comparison"))] + [
            SelectChoice(s.id, str(s.title.get(district.default_locale) or s.slug)) for s in others
        ]
        if not form.is_submitted():
            data = {f"title_{code}": text for code, text in survey.title.items()}
            data.update({f"intro_{code}": text for code, text in survey.intro.items()})
            data.update(
                opens_on=local_day(district, survey.opens_at),
                closes_on=local_day(district, survey.closes_at),
                covers_all_schools=survey.covers_all_schools,
                schools=[s.id for s in survey.schools],
                results_public=survey.results_public,
                requires_access_code=survey.requires_access_code,
                baseline_id=survey.baseline_id or 0,
            )
            form.process(data=data)
        return form

    def settings(self) -> SurveySettings:
        """The settings as services.survey_editing.save_settings takes them."""
        return SurveySettings(
            opens_on=self.opens_on.data,
            closes_on=self.closes_on.data,
            title=self.translations("title"),
            intro=self.translations("intro"),
            covers_all_schools=self.covers_all_schools.data,
            school_ids=list(self.schools.data or []),
            results_public=self.results_public.data,
            requires_access_code=self.requires_access_code.data,
            baseline_id=self.baseline_id.data or None,
        )


per_language(SurveySettingsForm, "title", _l("Title"), 200, textarea=False)
per_language(SurveySettingsForm, "intro", _l("Introduction"), 2000)


class PromptForm(PortalForm):
    """A question's wording in each language (all that changes once a survey is published)."""

    @classmethod
    def of(cls, item=None):
        """The form, filled from `item` (when editing one) unless it was just posted."""
        form = cls()
        if item is not None and not form.is_submitted():
            form.process(data={f"prompt_{code}": text for code, text in item.prompt.items()})
        return form


per_language(PromptForm, "prompt", _l("Statement or question"), 500)


class ItemForm(PromptForm):
    """A new question: its area, its kind, its wording and (for one choice) its choices."""

    area = SelectField(
        _l("Area"), choices=[SelectChoice(area.value, label) for area, label in AREA_LABELS.items()]
    )
    kind = SelectField(
        _l("Kind of question"),
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
    )

    def option_lines(self) -> dict[str, str]:
        """The choices typed in each language, one per line (for a "one choice" question)."""
        return {code: self[f"options_{code}"].data or "" for code in LANGUAGES}


# Choices for "one choice" items: one per line, the same lines in the same order in each language.
per_language(ItemForm, "options", _l("Choices, one per line"), 2000)


class AccessCodeForm(PortalForm):
    """A batch of one-time access codes to make."""

    count = IntegerField(
        _l("How many codes"),
        validators=[
            InputRequired(message=_l("Enter a number.")),
            NumberRange(min=1, max=2000, message=_l("Enter a number from 1 to 2,000.")),
        ],
        description=_l("A whole number from 1 to 2,000."),
    )
    batch_label = StringField(
        _l("What the codes are for"),
        validators=[Length(max=120)],
        description=_l("For example: Oak Grove family night, 12 March."),
    )


class PaperEntryForm(PortalForm):
    """The sheet being typed in; its answers come in the same post (AnswersForm). The service
    checks the code together with the answers, so every error shows at once."""

    sheet_code = StringField(
        _l("Sheet code"),
        description=_l("As printed at the top of the sheet, for example 0042-K7Q."),
        render_kw={"maxlength": 16},
    )
    channel = SelectField(
        _l("Where the answers come from"),
        choices=[
            SelectChoice(Channel.PAPER.value, Channel.PAPER.label),
            SelectChoice(Channel.MEETING.value, Channel.MEETING.label),
        ],
    )
    language = SelectField(
        _l("Language of the sheet"),
        choices=[SelectChoice(code, lang.native_name) for code, lang in LANGUAGES.items()],
    )

    @classmethod
    def of(cls, formdata_args, default_locale: str) -> "PaperEntryForm":
        """The form; after a sheet is saved, the next one starts with the same channel and
        language (?channel=&language= on the page's address)."""
        form = cls()
        if not form.is_submitted():
            wanted = cls(formdata=formdata_args, meta={"csrf": False})
            form.channel.data = wanted.channel.data or Channel.PAPER.value
            form.language.data = wanted.language.data or default_locale
        return form

    def reject(self, error) -> None:
        """Only the sheet's own fields: the answers' messages go to the AnswersForm."""
        for name, message in error.fields.items():
            if name in self._fields:
                self[name].errors = [*self[name].errors, str(message)]
