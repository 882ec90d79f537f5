"""The committee domain's forms: a committee, a member, the quorum, a meeting, an agenda item,
attendance, a motion, votes (a member's own and the secretary's record), a document, minutes,
amendments and their approval.

The HTML names are the ones the pages always had (`title_en`, `vote-<member id>`, `present`,
`discussion_<item id>`...). Rules the services hold are checked here too where a page shows
every problem of a form at once (a title in the district's main language, amendments still
open); the messages are the services' own."""

from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Field,
    HiddenField,
    IntegerField,
    SearchField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import Label
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput, TextInput

from portal.content.sample_agendas import SAMPLE_AGENDAS
from portal.forms import ChoiceField, MultiCheckboxField, PortalForm, TimeOfDayField, per_language
from portal.i18n import LANGUAGES, pick
from portal.models.committees import (
    DISTRICT_KINDS,
    SCHOOL_KINDS,
    MotionSubject,
    Officer,
    Seat,
    VoteChoice,
)
from portal.services import meetings, minutes, rosters, votes

ACCEPT = "accepted"
DECLINE = "declined"


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _row_id(value):
    """A row's id from a select, or None for the empty choice (and anything but a number)."""
    text = str(value if value is not None else "")
    return int(text) if text.isdigit() else None


def _choices(enum, blank=None) -> list[SelectChoice]:
    head = [SelectChoice("", blank)] if blank is not None else []
    return head + [SelectChoice(item.value, item.label) for item in enum]


def row_choices(rows, label, blank) -> list[SelectChoice]:
    """A select's options for rows (members, meetings): their ids, after an empty choice."""
    return [SelectChoice("", blank)] + [SelectChoice(row.id, label(row)) for row in rows]


def with_id(field, new_id: str):
    """Give a field drawn once per row (an amendment's note, a member's vote) its own id."""
    field.id = new_id
    field.label = Label(new_id, field.label.text)
    return field


class PageAnchor(Field):
    """A part of the page a refusal points at that is not an input (the list of amendments):
    the error summary links to its id. Never drawn."""

    def widget(self, field, **kwargs):
        return ""


class RecordForm(PortalForm):
    """A committee form. `main_locale` is the district's main language: each per-language group
    in `main_language_required` must be written in it."""

    main_language_required: dict = {}

    def __init__(self, *args, main_locale: str = "en", **kwargs):
        super().__init__(*args, **kwargs)
        self.main_locale = main_locale

    def main_language_needed(self, prefix: str) -> bool:
        return True

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for prefix, message in self.main_language_required.items():
            written = self.translations(prefix).get(self.main_locale)
            if not written and self.main_language_needed(prefix):
                self.group_errors.setdefault(prefix, []).append(str(message))
                valid = False
        return valid


class CommitteeForm(RecordForm):
    kind = ChoiceField(
        _l("Kind"),
        choices=lambda: _choices(SCHOOL_KINDS, _l("Choose a kind")),
        validators=[DataRequired(message=rosters.KIND_NEEDED)],
        invalid_choice_message=rosters.KIND_NEEDED,
    )
    main_language_required = {"purpose": rosters.PURPOSE_NEEDED}

    def committee(self) -> dict:
        """The committee as `rosters.create_committee` takes it."""
        return {
            "kind": self.kind.data,
            "name": self.translations("name"),
            "purpose": self.translations("purpose"),
        }


per_language(
    CommitteeForm, "name", _l("Name in each language (optional)"), rosters.NAME_LENGTH, False
)
per_language(CommitteeForm, "purpose", _l("What it does, in plain words"), rosters.PURPOSE_LENGTH)


class DistrictCommitteeForm(CommitteeForm):
    """A committee of the district's own (DELAC, budget advisory committee, advisory council)."""

    kind = ChoiceField(
        _l("Kind"),
        choices=lambda: _choices(DISTRICT_KINDS, _l("Choose a kind")),
        validators=[DataRequired(message=rosters.KIND_NEEDED)],
        invalid_choice_message=rosters.KIND_NEEDED,
    )


class MemberForm(RecordForm):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=rosters.NAME_NEEDED),
            Length(max=rosters.MEMBER_NAME_LENGTH),
        ],
        filters=[_strip],
    )
    seat = ChoiceField(
        _l("Seat"),
        choices=lambda: _choices(Seat, _l("Choose a seat")),
        validators=[DataRequired(message=rosters.SEAT_NEEDED)],
        invalid_choice_message=rosters.SEAT_NEEDED,
    )
    officer = ChoiceField(
        _l("Officer role"),
        choices=lambda: _choices(Officer),
        invalid_choice_message=rosters.OFFICER_NEEDED,
    )
    term_start = DateField(
        _l("Term starts"),
        validators=[InputRequired(message=rosters.START_NEEDED)],
        invalid_value_message=rosters.START_NEEDED,
        description=_l("For example 2026-09-01."),
    )
    term_end = DateField(
        _l("Term ends (optional)"),
        validators=[Optional()],
        invalid_value_message=rosters.END_AFTER_START,
        description=_l("For example 2028-06-30."),
    )
    email = EmailField(
        _l("Portal account e-mail, to vote on a phone (optional)"),
        validators=[Optional(), Length(max=254)],
        filters=[_strip],
    )
    name_public = BooleanField(_l("The member agrees to show their name publicly"))
    parent_of_english_learner = BooleanField(_l("Parent of an English learner"))
    district_employee = BooleanField(_l("Employed by the district"))

    def validate_term_end(self, field):
        if field.data and self.term_start.data and field.data < self.term_start.data:
            raise ValidationError(str(rosters.END_AFTER_START))

    def validate_email(self, field):
        if field.data and rosters.account_by_email(field.data) is None:
            raise ValidationError(str(rosters.NO_ACCOUNT))

    def member(self) -> dict:
        """The member as `rosters.add_member` takes it."""
        return {
            "name": self.name.data,
            "seat": self.seat.data,
            "officer": self.officer.data or "",
            "term_start": self.term_start.data,
            "term_end": self.term_end.data,
            "email": self.email.data or "",
            "name_public": self.name_public.data,
            "parent_of_english_learner": self.parent_of_english_learner.data,
            "district_employee": self.district_employee.data,
        }


class QuorumForm(RecordForm):
    quorum_percent = IntegerField(
        _l("Quorum: more than this percent of seated members present"),
        widget=TextInput(),
        validators=[
            InputRequired(message=rosters.QUORUM_NEEDED),
            NumberRange(*rosters.QUORUM_RANGE, message=rosters.QUORUM_NEEDED),
        ],
        invalid_value_message=rosters.QUORUM_NEEDED,
        description=_l("A whole number from 1 to 99."),
        render_kw={"inputmode": "numeric"},
    )


class MeetingForm(RecordForm):
    """A meeting's title, day, time and place: changed on the meeting's page."""

    day = DateField(
        _l("Date"),
        validators=[InputRequired(message=meetings.DAY_NEEDED)],
        invalid_value_message=meetings.DAY_NEEDED,
        description=_l("For example 2026-12-03."),
    )
    starts = TimeOfDayField(
        _l("Starts at"),
        validators=[InputRequired(message=meetings.TIME_NEEDED)],
        description=_l("24-hour clock, for example 18:30."),
        render_kw={"type": "time"},
    )
    place = StringField(
        _l("Place"),
        validators=[Length(max=meetings.PLACE_LENGTH)],
        filters=[_strip],
        render_kw={"maxlength": meetings.PLACE_LENGTH},
    )
    interpretation = BooleanField(_l("Interpretation offered"))
    childcare = BooleanField(_l("Childcare offered"))
    main_language_required = {"title": meetings.TITLE_NEEDED}

    def fill(self, meeting, timezone: str) -> "MeetingForm":
        """Show the stored meeting, its time on the district's clock."""
        for code in LANGUAGES:
            self[f"title_{code}"].data = (meeting.title or {}).get(code, "")
        local = meeting.starts_at.astimezone(ZoneInfo(timezone))
        self.day.data, self.starts.data = local.date(), local.time()
        self.place.data = meeting.place
        self.interpretation.data, self.childcare.data = meeting.interpretation, meeting.childcare
        return self

    def details(self) -> dict:
        """The meeting as `meetings.add_meeting` and `edit_meeting` take it."""
        return {
            "title": self.translations("title"),
            "day": self.day.data,
            "starts": self.starts.data,
            "place": self.place.data or "",
            "interpretation": self.interpretation.data,
            "childcare": self.childcare.data,
        }


per_language(MeetingForm, "title", _l("Title in each language"), meetings.TITLE_LENGTH, False)


class NewMeetingForm(MeetingForm):
    """A new meeting, perhaps from a sample agenda, which also gives the title."""

    sample = ChoiceField(
        _l("Start from a sample agenda"),
        choices=lambda: (
            [SelectChoice("", _l("None"))]
            + [
                SelectChoice(key, pick(value["title"]).text)
                for key, value in SAMPLE_AGENDAS.items()
            ]
        ),
        validate_choice=False,  # an unknown sample is no sample, as before
    )

    def main_language_needed(self, prefix: str) -> bool:
        return self.sample.data not in SAMPLE_AGENDAS

    def details(self) -> dict:
        return {**super().details(), "sample": self.sample.data or ""}


class AgendaItemForm(RecordForm):
    main_language_required = {"item": meetings.ITEM_NEEDED}


per_language(AgendaItemForm, "item", _l("New agenda item"), meetings.ITEM_LENGTH, False)


class AttendanceForm(RecordForm):
    # Ids of people who are not members are dropped by the model, as they always were.
    present = MultiCheckboxField(_l("Members present"), coerce=_row_id, validate_choice=False)


class MotionForm(RecordForm):
    subject = ChoiceField(
        _l("If it passes, it approves"),
        choices=lambda: _choices(MotionSubject),
        default=MotionSubject.OTHER.value,
        invalid_choice_message=votes.SUBJECT_NEEDED,
    )
    mover_id = ChoiceField(
        _l("Moved by"),
        coerce=_row_id,
        validators=[DataRequired(message=votes.MOVER_NEEDED)],
        invalid_choice_message=votes.MOVER_NEEDED,
    )
    seconder_id = ChoiceField(
        _l("Seconded by"),
        coerce=_row_id,
        validators=[DataRequired(message=votes.SECONDER_NEEDED)],
        invalid_choice_message=votes.SECONDER_NEEDED,
    )
    main_language_required = {"motion": votes.MOTION_NEEDED}

    def validate_seconder_id(self, field):
        if field.data is not None and field.data == self.mover_id.data:
            raise ValidationError(str(votes.SECONDER_NEEDED))

    def offer(self, members, committee=None) -> "MotionForm":
        """Movers and seconders to choose from: the members seated at the meeting. A district
        committee's motion approves no school's plan or budget, so it offers only "nothing"."""
        options = row_choices(members, lambda m: m.name, _l("Choose a member"))
        self.mover_id.choices = self.seconder_id.choices = options
        if committee is not None and committee.school_id is None:
            self.subject.choices = _choices([MotionSubject.OTHER])
        return self

    def motion(self) -> dict:
        return {
            "text": self.translations("motion"),
            "subject": self.subject.data,
            "mover_id": self.mover_id.data,
            "seconder_id": self.seconder_id.data,
        }


per_language(MotionForm, "motion", _l("The motion in each language"), votes.MOTION_LENGTH, False)


class VoteForm(RecordForm):
    """A member's own vote on one motion: the motion's id and the button pressed."""

    motion_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    choice = ChoiceField(choices=lambda: _choices(VoteChoice), validators=[InputRequired()])


class RecordVotesForm(RecordForm):
    """The secretary's record of a motion's votes: one `vote-<member id>` select per member
    present (see `record_votes_form`)."""

    def choices(self) -> dict[int, str]:
        """{member id: yes, no, abstain or "" (not recorded)}."""
        return {
            int(name.removeprefix("vote_")): field.data or ""
            for name, field in self._fields.items()
            if name.startswith("vote_")
        }


def record_votes_form(motion, members, posted: bool = True) -> RecordVotesForm:
    """The record-votes form of `motion` for these members, each showing the vote stored; a
    member who voted themselves gets no select (their vote is theirs: the page shows it in
    `own_votes`, read-only). The ids carry the motion's, since a meeting's page holds one such
    form per open motion."""
    cast = {v.member_id: v.choice for v in motion.votes}
    own = [(m, motion.own_vote_of(m)) for m in members if motion.own_vote_of(m) is not None]
    mine = {m.id for m, _vote in own}

    class Votes(RecordVotesForm):
        own_votes = own

    for member in (m for m in members if m.id not in mine):
        field = ChoiceField(
            member.name,
            choices=lambda: _choices(VoteChoice, _l("Not recorded")),
            name=f"vote-{member.id}",
            id=f"vote-{motion.id}-{member.id}",
            default=cast.get(member.id, ""),
            validate_choice=False,  # anything but yes, no or abstain is "not recorded"
        )
        setattr(Votes, f"vote_{member.id}", field)
    return Votes() if posted else Votes(formdata=None)


class RecordAfterwardsForm(MotionForm):
    """A past meeting's decision taken on paper: the motion, its yes, no and abstain totals
    (or none, to record each member's vote next), and the signed signature page."""

    yes = IntegerField(_l("Yes"), validators=[Optional(), NumberRange(min=0, max=999)])
    no = IntegerField(_l("No"), validators=[Optional(), NumberRange(min=0, max=999)])
    abstain = IntegerField(_l("Abstain"), validators=[Optional(), NumberRange(min=0, max=999)])
    signed_title = StringField(
        _l("Document title"),
        default=votes.SIGNED_PAGE_TITLE,
        validators=[Length(max=meetings.DOCUMENT_TITLE_LENGTH)],
        filters=[_strip],
    )
    signed_page = FileField(
        _l("The signed signature page (PDF, up to 2 MB)"),
        validators=[FileRequired(message=votes.SIGNED_PAGE_NEEDED)],
        render_kw={"accept": "application/pdf"},
    )

    def validate_yes(self, field):
        given = [f.data is not None for f in (self.yes, self.no, self.abstain)]
        if any(given) and not all(given):
            raise ValidationError(str(votes.COUNT_NEEDED))

    def record(self) -> dict:
        """The decision as `votes.record_afterwards` takes it."""
        counts = {"yes": self.yes.data, "no": self.no.data, "abstain": self.abstain.data}
        return {
            **self.motion(),
            "counts": None if None in counts.values() else counts,
            "title": self.signed_title.data or "",
            "signed_page": self.signed_page.data.read(meetings.MAX_DOCUMENT_BYTES + 1),
        }


class DocumentForm(RecordForm):
    title = StringField(
        _l("Document title"),
        id="document-title",
        validators=[
            DataRequired(message=_l("Give the document a title.")),
            Length(max=meetings.DOCUMENT_TITLE_LENGTH),
        ],
        filters=[_strip],
    )
    document = FileField(
        _l("PDF or picture, up to 2 MB"),
        validators=[FileRequired(message=_l("Choose a PDF or a picture."))],
        render_kw={"accept": "application/pdf,image/jpeg,image/png,image/webp"},
    )

    def upload(self) -> bytes:
        """The file sent, read up to one byte over the limit (a larger one is refused)."""
        return self.document.data.read(meetings.MAX_DOCUMENT_BYTES + 1)


class MinutesForm(RecordForm):
    """The minutes of a meeting: a discussion and what was heard for each agenda item (see
    `minutes_form`), and the note a correction of approved minutes needs."""

    correction_note = StringField(
        _l("To correct approved minutes, say what changes (it is shown with the new version)"),
        validators=[Length(max=minutes.NOTE_LENGTH)],
        filters=[_strip],
    )

    def texts(self) -> dict:
        """{agenda item id: {"discussion", "input"}} as `minutes.save_minutes` takes it."""
        texts: dict[str, dict] = {}
        for name, field in self._fields.items():
            part, _, key = name.partition("_")
            if part in ("discussion", "input") and key.isdigit():
                texts.setdefault(key, {})[part] = field.data or ""
        return texts


def minutes_form(meeting, version, posted: bool = True) -> MinutesForm:
    """The minutes form for the meeting's agenda, showing `version`'s text until posted;
    `posted=False` for one drawn beside another form that was posted."""
    sections = (version.sections or {}) if version else {}

    class Minutes(MinutesForm):
        pass

    length = {"maxlength": minutes.TEXT_LENGTH}
    for item in meeting.agenda:
        section = sections.get(str(item.id), {})
        setattr(
            Minutes,
            f"discussion_{item.id}",
            TextAreaField(
                _l("Discussion"),
                default=section.get("discussion", ""),
                validators=[Length(max=minutes.TEXT_LENGTH)],
                render_kw={"rows": 4, **length},
            ),
        )
        setattr(
            Minutes,
            f"input_{item.id}",
            TextAreaField(
                _l("Input from members and the public"),
                default=section.get("input", ""),
                validators=[Length(max=minutes.TEXT_LENGTH)],
                render_kw={"rows": 2, **length},
            ),
        )
    return Minutes() if posted else Minutes(formdata=None)


class ApproveMinutesForm(RecordForm):
    """The meeting where the committee approved the draft. `draft`'s open amendments are
    refused here too, so both problems show at once."""

    at_meeting_id = ChoiceField(
        _l("Approved by the committee at"),
        coerce=_row_id,
        validators=[DataRequired(message=minutes.LATER_MEETING_NEEDED)],
        invalid_choice_message=minutes.LATER_MEETING_NEEDED,
    )
    amendments = PageAnchor(_l("Amendments"))

    def __init__(self, *args, draft=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.draft = draft

    def validate_amendments(self, field):
        if self.draft is not None and self.draft.open_amendments:
            raise ValidationError(str(minutes.AMENDMENTS_OPEN))


class AmendmentForm(RecordForm):
    """New wording for one item of the draft minutes (a form per item: see `for_item`)."""

    item_key = HiddenField(validators=[InputRequired()])
    text = TextAreaField(
        _l("Propose a new wording"),
        validators=[DataRequired(message=minutes.WORDING_NEEDED), Length(max=minutes.TEXT_LENGTH)],
        filters=[_strip],
        render_kw={"rows": 3, "maxlength": minutes.TEXT_LENGTH},
    )

    def for_item(self, item_id) -> "AmendmentForm":
        """This form as the one of agenda item `item_id`: its box is `amend-<item id>`."""
        if self.item_key.data in (None, ""):
            self.item_key.data = str(item_id)
        with_id(self.text, f"amend-{item_id}")
        return self


class AmendmentDecisionForm(RecordForm):
    """Accept or decline an amendment (the button pressed), with a note."""

    decision = ChoiceField(
        choices=[SelectChoice(ACCEPT), SelectChoice(DECLINE)], validators=[InputRequired()]
    )
    note = StringField(
        _l("Note"),
        validators=[Length(max=minutes.NOTE_LENGTH)],
        filters=[_strip],
        render_kw={"maxlength": minutes.NOTE_LENGTH},
    )


class MinutesSearchForm(RecordForm):
    """The public archive's search box (a GET form: nothing to protect with a token)."""

    class Meta:
        csrf = False

    q = SearchField(
        _l("Search the minutes"),
        validators=[Length(max=100)],
        filters=[_strip],
        render_kw={"maxlength": 100},
    )

    def query(self) -> str:
        return (self.q.data or "")[:100]
