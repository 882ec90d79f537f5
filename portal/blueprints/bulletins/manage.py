"""Communications staff: write a bulletin, translate it side by side, publish or schedule it."""

from datetime import timedelta

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from portal.blueprints.bulletins import bp
from portal.blueprints.bulletins.forms import (
    BulletinForm,
    NewBulletinForm,
    PictureForm,
    SmsCountForm,
    StatusForm,
)
from portal.blueprints.school_access import district_row_or_404
from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.models import Bulletin
from portal.models.base import utcnow
from portal.models.bulletins import BULLETIN_FIELDS
from portal.permissions import BULLETIN_EDITORS, role_required
from portal.responses import csv_download
from portal.services import bulletin_pictures as pictures
from portal.services import bulletin_text
from portal.services import bulletins as service
from portal.services.bulletin_links import LINK_KINDS, MAX_LINKS, link_text
from portal.services.errors import Rejected
from portal.services.text_messages import (
    SMS_DEFAULT_DAYS,
    SMS_HEADER,
    SMS_PERIODS,
    notice_rows,
    sms_length,
    sms_rows,
)

DONE = {
    "publish": _l("Published."),
    "schedule": _l("Scheduled."),
    "archive": _l("Archived."),
    "draft": _l("Back to draft."),
}


def _bulletin_or_404(bulletin_id: int) -> Bulletin:
    return district_row_or_404(Bulletin, bulletin_id)


def _target_locale(bulletin: Bulletin) -> str:
    """The translation shown beside the original (`?target=`), another language by default."""
    wanted = request.args.get("target") or ""
    if wanted in LANGUAGES and wanted != bulletin.source_locale:
        return wanted
    return next(c for c in LANGUAGES if c != bulletin.source_locale)


def _text_form(bulletin: Bulletin, posted: bool) -> BulletinForm:
    """The editor's form: what was sent (`posted`), or what is stored."""
    if posted:
        form = BulletinForm()
    else:
        stored = {
            f"{name}_{code}": (getattr(bulletin, name) or {}).get(code, "")
            for name in BULLETIN_FIELDS
            for code in LANGUAGES
        }
        state = bulletin_text.translation_state(bulletin, _target_locale(bulletin))
        stored.update(
            review="reviewed" if state == "reviewed" else "draft",
            school=[s.id for s in bulletin.schools],
            links=link_text(bulletin.links),
        )
        form = BulletinForm(formdata=None, data=stored)
    form.school.choices = [
        SelectChoice(s.id, s.name) for s in service.district_schools(g.district.id)
    ]
    return form


def _picture_form(bulletin: Bulletin) -> PictureForm:
    alt = (bulletin.image.alt or {}) if bulletin.image else {}
    return PictureForm(formdata=None, data={f"alt_{c}": alt.get(c, "") for c in LANGUAGES})


def _content(form: BulletinForm, bulletin: Bulletin) -> service.EditorContent:
    target = _target_locale(bulletin)
    return service.EditorContent(
        target=target,
        texts=form.typed((bulletin.source_locale, target)),
        links=form.links.data or "",
        school_ids=form.school.data or [],
        review=form.review.data,
    )


def _save_text(bulletin: Bulletin, form: BulletinForm) -> None:
    """Check the editor's form and save its content (Rejected, with nothing saved, if not)."""
    if not form.validate_on_submit():
        raise Rejected()
    service.save_content(bulletin, g.district, _content(form, bulletin), current_user)


def _reject(error: Rejected, *forms) -> None:
    """Each message beside its field, on whichever of the page's forms has it."""
    for name, message in error.fields.items():
        owner = next((f for f in forms if name in f), forms[0])
        owner.reject(Rejected({name: message}))
    forms[0].form_errors.extend(error.messages)


def _errors(*forms) -> tuple[dict, list]:
    """{field id: message} of every form on the page, and the messages of none of their fields."""
    fields = {f.id: " ".join(map(str, f.errors)) for form in forms for f in form if f.errors}
    return fields, [str(m) for form in forms for m in form.form_errors]


def _editor(bulletin, form=None, status_form=None, picture_form=None, status=200):
    """The editor page. After a rejected form, that form holds what was typed, and the page
    shows it, not what is stored."""
    target = _target_locale(bulletin)
    form = form or _text_form(bulletin, posted=False)
    status_form = status_form or StatusForm(formdata=None)
    picture_form = picture_form or _picture_form(bulletin)
    errors, messages = _errors(form, status_form, picture_form)
    return render_template(
        "bulletins/editor.html",
        bulletin=bulletin,
        form=form,
        status_form=status_form,
        picture_form=picture_form,
        errors=errors,
        messages=messages,
        source=bulletin.source_locale,
        target=target,
        states={code: bulletin_text.translation_state(bulletin, code) for code in LANGUAGES},
        missing=bulletin_text.missing_required(bulletin, g.district.required_locales or []),
        sms={code: sms_length(form[f"sms_{code}"].data or "") for code in LANGUAGES},
        fields=BULLETIN_FIELDS,
        max_lengths=service.MAX_LENGTHS,
        max_links=MAX_LINKS,
        link_kinds=", ".join(LINK_KINDS),
    ), status


def _to_editor(bulletin: Bulletin):
    target = _target_locale(bulletin)
    return redirect(url_for("bulletins.edit", bulletin_id=bulletin.id, target=target), code=303)


def _manage_page(form: NewBulletinForm, status: int = 200):
    bulletins = db.session.scalars(
        select(Bulletin)
        .where(Bulletin.district_id == g.district.id)
        .order_by(Bulletin.created_at.desc())
    )
    errors, messages = _errors(form)
    return render_template(
        "bulletins/manage.html",
        bulletins=list(bulletins),
        form=form,
        errors=errors,
        messages=messages,
        source=g.district.default_locale,
        max_title=service.MAX_LENGTHS["title"],
    ), status


@bp.get("/manage/bulletins")
@role_required(*BULLETIN_EDITORS)
def manage_index():
    """Every bulletin, newest first, with its status and languages."""
    return _manage_page(NewBulletinForm(formdata=None))


@bp.post("/manage/bulletins")
@role_required(*BULLETIN_EDITORS)
def create():
    """Start a bulletin from its title in the district's main language."""
    form = NewBulletinForm()
    title = form[f"title_{g.district.default_locale}"].data or ""
    try:
        bulletin = service.create_bulletin(g.district, title, current_user)
    except Rejected as error:
        db.session.rollback()
        form.reject(error)
        return _manage_page(form, 422)
    db.session.commit()
    return redirect(url_for("bulletins.edit", bulletin_id=bulletin.id), code=303)


@bp.route("/manage/bulletins/<int:bulletin_id>", methods=["GET", "POST"])
@role_required(*BULLETIN_EDITORS)
def edit(bulletin_id: int):
    """The source language and one translation side by side, field by field."""
    bulletin = _bulletin_or_404(bulletin_id)
    if request.method == "GET":
        return _editor(bulletin)
    form = _text_form(bulletin, posted=True)
    try:
        _save_text(bulletin, form)
    except Rejected as error:
        db.session.rollback()
        _reject(error, form)
        return _editor(bulletin, form, StatusForm(), status=422)
    db.session.commit()
    flash(_("Bulletin saved."), "success")
    return _to_editor(bulletin)


@bp.post("/manage/bulletins/<int:bulletin_id>/status")
@role_required(*BULLETIN_EDITORS)
def change_status(bulletin_id: int):
    """Publish (when the required languages are reviewed, or anyway with a note), schedule,
    archive, or take back to draft. When the editor's text comes along (the buttons belong to
    the editor's form), it is checked and saved first; if anything is refused, nothing is saved
    and the editor shows what was typed."""
    bulletin = _bulletin_or_404(bulletin_id)
    status_form = StatusForm()
    if not status_form.validate_on_submit():
        abort(400)
    form = _text_form(bulletin, posted=True)
    came_along = form.came_along(bulletin.source_locale)
    form = form if came_along else _text_form(bulletin, posted=False)
    action = status_form.action.data
    try:
        if came_along:
            _save_text(bulletin, form)
        service.change_status(bulletin, g.district, action, current_user, **status_form.choices())
    except Rejected as error:
        db.session.rollback()
        _reject(error, form, status_form)
        return _editor(bulletin, form, status_form, status=422)
    db.session.commit()
    flash(str(DONE[action]), "success")
    return _to_editor(bulletin)


@bp.post("/manage/bulletins/sms-length")
@role_required(*BULLETIN_EDITORS)
def sms_counter():
    """The text-message counter as the summary is typed (htmx)."""
    code, typed = SmsCountForm().typed()
    return render_template(
        "bulletins/_partials/sms_counter.html", count=sms_length(typed), code=code
    )


@bp.get("/manage/bulletins/sms.csv")
@role_required(*BULLETIN_EDITORS)
def sms_csv():
    """Text messages for the district SMS tool, per language with their short links: the
    bulletins' summaries, and the notices of the last `days` days (7, 30 or 90; 30 unless said)."""
    days = request.args.get("days", str(SMS_DEFAULT_DAYS))
    if days not in {str(n) for n in SMS_PERIODS}:
        abort(400, description=_("Choose one of the periods offered."))
    days = int(days)
    until = utcnow()
    rows = sms_rows(g.district.id) + notice_rows(g.district.id, until - timedelta(days=days), until)
    return csv_download(SMS_HEADER, rows, "text-messages.csv")


@bp.post("/manage/bulletins/<int:bulletin_id>/image")
@role_required(*BULLETIN_EDITORS)
def upload_image(bulletin_id: int):
    """Add or replace the bulletin's picture, or (with no file chosen) change only what it is
    described as; a description for people who cannot see it is required."""
    bulletin = _bulletin_or_404(bulletin_id)
    form = PictureForm()
    upload = form.image.data
    data = upload.read(pictures.MAX_IMAGE_BYTES + 1) if upload and upload.filename else b""
    try:
        pictures.save_picture(bulletin, form.descriptions(), data, current_user)
    except Rejected as error:
        db.session.rollback()
        form.reject(error)
        return _editor(bulletin, picture_form=form, status=422)
    db.session.commit()
    flash(_("Picture saved."), "success")
    return _to_editor(bulletin)


@bp.post("/manage/bulletins/<int:bulletin_id>/image/delete")
@role_required(*BULLETIN_EDITORS)
def delete_image(bulletin_id: int):
    """Remove the picture."""
    bulletin = _bulletin_or_404(bulletin_id)
    pictures.remove_picture(bulletin, current_user)
    db.session.commit()
    flash(_("Picture removed."), "success")
    return _to_editor(bulletin)
