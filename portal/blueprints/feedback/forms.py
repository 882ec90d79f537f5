"""The forms of the feedback domain: a comment from anyone, and the moderators' form (publish,
hide with a reason, answer). A page shows many of each, so every form is made for its target or
its comment with field ids of its own (the HTML names stay `body`, `reason`, `answer`...)."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import HiddenInput

from portal.forms import ChoiceField, PortalForm
from portal.models.feedback import Feedback, FeedbackStatus
from portal.services import answer_watch
from portal.services import feedback as service

MODERATION_ACTIONS = ("approve", "hide", "answer")


def _too_long(limit: int) -> Length:
    return Length(max=limit, message=_l("Write at most %(max)d characters."))


class FeedbackForm(PortalForm):
    """A comment on something the public can see; no account needed."""

    target_type = HiddenField()
    target_id = IntegerField(widget=HiddenInput())
    body = TextAreaField(
        _l("Your comment, in any language"),
        validators=[DataRequired(message=_l("Write your comment before sending it."))],
        render_kw={"rows": 3, "maxlength": service.BODY_MAX},
    )
    # No length check here: what a browser without `maxlength` sends is cut to fit by the
    # service rather than refused on a page the writer has already left.
    name = StringField(
        _l("Your name (optional)"),
        render_kw={"maxlength": service.NAME_MAX, "autocomplete": "name"},
    )
    # "Tell me when it's answered": kept apart from the comment (services/answer_watch.py),
    # checked there, so a bad address comes back beside this field with the comment kept.
    email = EmailField(
        _l("Your e-mail, to hear the answer (optional)"),
        render_kw={
            "maxlength": answer_watch.EMAIL_MAX,
            "autocomplete": "email",
            "inputmode": "email",
            "spellcheck": "false",
        },
    )
    # The honeypot: people never see it, form-filling robots fill it in.
    website = StringField(_l("Leave this empty"))


def feedback_form(target_type: str, target_id: int) -> FeedbackForm:
    """An empty comment form for one target, its ids unique on the page (a Jinja global, for
    the feedback partial)."""
    form = FeedbackForm(formdata=None, data={"target_type": target_type, "target_id": target_id})
    return with_ids(form, target_type, target_id)


def with_ids(form: FeedbackForm, target_type: str, target_id: int) -> FeedbackForm:
    """Give a comment form's fields the ids of its target (a page holds many)."""
    for field, prefix in (
        (form.body, "fb"),
        (form.name, "fbn"),
        (form.email, "fbe"),
        (form.website, "fbw"),
    ):
        _set_id(field, f"{prefix}-{target_type}-{target_id}")
    return form


class ModerationForm(PortalForm):
    """One comment's moderation: its buttons say the action (publish, hide, save the answer)."""

    action = SelectField(choices=[SelectChoice(action) for action in MODERATION_ACTIONS])
    reason = StringField(
        _l("Reason for hiding"),
        validators=[_too_long(service.REASON_MAX)],
        render_kw={"maxlength": service.REASON_MAX},
    )
    answer = TextAreaField(
        _l("Our answer"),
        validators=[_too_long(service.ANSWER_MAX)],
        render_kw={"rows": 2, "maxlength": service.ANSWER_MAX},
    )
    # The service says "Choose a status." for anything else, beside the field.
    status = ChoiceField(
        _l("Status"),
        choices=[SelectChoice(status.value, status.label) for status in FeedbackStatus],
        validate_choice=False,
    )
    what_changed = StringField(
        _l("What changed (optional)"),
        validators=[_too_long(service.CHANGED_MAX)],
        render_kw={"maxlength": service.CHANGED_MAX},
    )


def moderation_form(row: Feedback, submitted: bool = False) -> ModerationForm:
    """The moderation form of one comment, filled from the comment, or (`submitted`) with what
    the moderator just sent; its ids carry the comment's id."""
    form = ModerationForm(obj=row) if submitted else ModerationForm(formdata=None, obj=row)
    for name, prefix in (
        ("reason", "reason"),
        ("answer", "answer"),
        ("status", "status"),
        ("what_changed", "changed"),
    ):
        _set_id(form[name], f"{prefix}-{row.id}")
    return form


def _set_id(field, field_id: str) -> None:
    field.id = field_id
    field.label.field_id = field_id
