"""Communications staff: write a bulletin, translate it side by side, publish or schedule it."""

import csv
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.blueprints.bulletins import bp
from portal.blueprints.bulletins.routes import queue_emails, short_url
from portal.blueprints.school_access import district_row_or_404
from portal.extensions import db
from portal.forms import parse_date, parse_time
from portal.i18n import LANGUAGES, language_label
from portal.models import Bulletin, BulletinImage, School
from portal.models.base import utcnow
from portal.models.bulletins import BULLETIN_FIELDS, BulletinStatus
from portal.permissions import BULLETIN_EDITORS, role_required
from portal.services import bulletins as service
from portal.services.images import ImageRejected, process_image

MAX_ALT_LENGTH = 300


def _bulletin_or_404(bulletin_id: int) -> Bulletin:
    return district_row_or_404(Bulletin, bulletin_id)


def _target_locale(bulletin: Bulletin) -> str:
    wanted = request.values.get("target") or ""
    if wanted in LANGUAGES and wanted != bulletin.source_locale:
        return wanted
    return next(c for c in LANGUAGES if c != bulletin.source_locale)


def _district_schools() -> list[School]:
    return list(
        db.session.scalars(
            select(School).where(School.district_id == g.district.id).order_by(School.name)
        )
    )


def _editor(
    bulletin: Bulletin, status=200, errors=None, form=None, picture_form=None, status_form=None
):
    """The editor page. After a rejected form, `form` (the text), `status_form` (publishing)
    or `picture_form` holds what was typed, and the page shows it, not what is stored."""
    target = _target_locale(bulletin)
    return render_template(
        "bulletins/editor.html",
        bulletin=bulletin,
        source=bulletin.source_locale,
        target=target,
        states={code: service.translation_state(bulletin, code) for code in LANGUAGES},
        missing=service.missing_required(bulletin, g.district.required_locales or []),
        sms={
            code: service.sms_length(
                form.get(f"sms_{code}", "") if form else (bulletin.sms or {}).get(code, "")
            )
            for code in LANGUAGES
        },
        schools=_district_schools(),
        errors=errors or {},
        form=form,
        picture_form=picture_form,
        status_form=status_form or form,
        fields=BULLETIN_FIELDS,
        max_lengths=service.MAX_LENGTHS,
        max_links=service.MAX_LINKS,
        link_kinds=", ".join(service.LINK_KINDS),
        link_text=service.link_text(bulletin.links),
    ), status


def _too_long(text: str, limit: int) -> str:
    return _(
        "This is %(count)d characters long; it can be at most %(limit)d.",
        count=len(text),
        limit=limit,
    )


def _read_content(bulletin: Bulletin, form) -> tuple[dict, dict]:
    """The editor's text, links, schools and review choice, checked. Returns (content, errors);
    nothing is changed."""
    source, target = bulletin.source_locale, _target_locale(bulletin)
    errors, values = {}, {}
    for field in BULLETIN_FIELDS:
        for code in (source, target):
            name = f"{field}_{code}"
            # Browsers send a textarea's line breaks as CR LF; the text keeps LF.
            value = (form.get(name) or "").replace("\r\n", "\n").strip()
            if len(value) > service.MAX_LENGTHS[field]:
                errors[name] = _too_long(value, service.MAX_LENGTHS[field])
            values[(field, code)] = value
    if not values[("title", source)]:
        errors[f"title_{source}"] = _("Give the bulletin a title.")
    if not values[("body", source)]:
        errors[f"body_{source}"] = _("Write the bulletin's text.")
    links, bad_links = service.parse_links(form.get("links", ""), g.district.id)
    if bad_links:
        # The format is in the hint beside the field; the message says which lines are wrong.
        errors["links"] = _(
            "Not a link to a page of this portal: %(lines)s.",
            lines="; ".join(f"“{line[:80]}”" for line in bad_links),
        )
    elif len(links) > service.MAX_LINKS:
        errors["links"] = _(
            "There are %(count)d links; a bulletin can show at most %(limit)d.",
            count=len(links),
            limit=service.MAX_LINKS,
        )
    wanted = {int(v) for v in form.getlist("school") if v.isdigit()}
    schools = [s for s in _district_schools() if s.id in wanted]
    content = {
        "values": values,
        "links": links,
        "schools": schools,
        "review": form.get("review"),
        "target": target,
    }
    return content, errors


def _apply_content(bulletin: Bulletin, content: dict) -> None:
    """Write checked editor content to the bulletin (not committed)."""
    before = service.snapshot(bulletin)
    for (field, code), value in content["values"].items():
        texts = dict(getattr(bulletin, field) or {})
        if value:
            texts[code] = value
        else:
            texts.pop(code, None)
        setattr(bulletin, field, texts)
    service.record_revision(bulletin, current_user.id, before)
    bulletin.links = content["links"]
    bulletin.schools = content["schools"]
    target = content["target"]
    if content["review"] in ("draft", "reviewed") and content["values"][("title", target)]:
        service.set_review(bulletin, target, content["review"] == "reviewed")


def _to_editor(bulletin: Bulletin, target: str | None = None):
    return redirect(url_for("bulletins.edit", bulletin_id=bulletin.id, target=target), code=303)


@bp.get("/manage/bulletins")
@role_required(*BULLETIN_EDITORS)
def manage_index():
    """Every bulletin, newest first, with its status and languages."""
    return _manage_page({}, None)


def _manage_page(errors: dict, form, status: int = 200):
    bulletins = list(
        db.session.scalars(
            select(Bulletin)
            .where(Bulletin.district_id == g.district.id)
            .order_by(Bulletin.created_at.desc())
        )
    )
    return render_template(
        "bulletins/manage.html",
        bulletins=bulletins,
        errors=errors,
        form=form,
        source=g.district.default_locale,
        max_title=service.MAX_LENGTHS["title"],
    ), status


@bp.post("/manage/bulletins")
@role_required(*BULLETIN_EDITORS)
def create():
    """Start a bulletin from its title in the district's main language."""
    source = g.district.default_locale
    name = f"title_{source}"
    title = (request.form.get(name) or "").strip()
    if not title:
        return _manage_page({name: _("Give the bulletin a title.")}, request.form, 422)
    if len(title) > service.MAX_LENGTHS["title"]:
        return _manage_page(
            {name: _too_long(title, service.MAX_LENGTHS["title"])}, request.form, 422
        )
    bulletin = Bulletin(
        district_id=g.district.id,
        slug=service.unique_slug(title, utcnow().strftime("%Y-%m")),
        title={source: title},
        source_locale=source,
        created_by_id=current_user.id,
    )
    db.session.add(bulletin)
    db.session.commit()
    return _to_editor(bulletin)


@bp.route("/manage/bulletins/<int:bulletin_id>", methods=["GET", "POST"])
@role_required(*BULLETIN_EDITORS)
def edit(bulletin_id: int):
    """The source language and one translation side by side, field by field."""
    bulletin = _bulletin_or_404(bulletin_id)
    if request.method == "GET":
        return _editor(bulletin)
    content, errors = _read_content(bulletin, request.form)
    if errors:
        return _editor(bulletin, 422, errors, request.form)
    _apply_content(bulletin, content)
    db.session.commit()
    flash(_("Bulletin saved."), "success")
    return _to_editor(bulletin, content["target"])


def _schedule_time(form, errors: dict) -> datetime | None:
    day, clock = parse_date(form.get("day")), parse_time(form.get("time"))
    if day is None:
        errors["day"] = _("Enter the day to publish it on.")
    if clock is None:
        errors["time"] = _("Enter the time to publish it at, such as 08:30.")
    if day is None or clock is None:
        return None
    when = datetime.combine(day, clock, ZoneInfo(g.district.timezone)).astimezone(UTC)
    if when <= utcnow():
        errors["day"] = _("That time has passed. Choose a later one, or publish now.")
        return None
    return when


@bp.post("/manage/bulletins/<int:bulletin_id>/status")
@role_required(*BULLETIN_EDITORS)
def change_status(bulletin_id: int):
    """Publish (when the required languages are reviewed, or anyway with a note), schedule,
    archive, or take back to draft. When the editor's text comes along (the buttons belong to
    the editor's form), it is checked and saved first; if anything is refused, nothing is saved
    and the editor shows what was typed."""
    bulletin = _bulletin_or_404(bulletin_id)
    form = request.form
    action = form.get("action")
    if action not in ("publish", "schedule", "archive", "draft"):
        abort(400)
    source = bulletin.source_locale
    errors: dict = {}
    target = None
    if f"title_{source}" in form:
        content, errors = _read_content(bulletin, form)
        if errors:
            return _editor(bulletin, 422, errors, form)
        _apply_content(bulletin, content)
        target = content["target"]
    missing = service.missing_required(bulletin, g.district.required_locales or [])
    if action in ("publish", "schedule") and not (bulletin.body or {}).get(source):
        errors[f"body_{source}"] = _("Write the bulletin's text before publishing.")
    if action == "publish" and missing and not form.get("anyway"):
        errors["anyway"] = _(
            "These languages are not reviewed yet: %(languages)s. Tick “Publish anyway” to "
            "show a “translation coming” note in them.",
            languages=", ".join(language_label(code) for code in missing),
        )
    when = _schedule_time(form, errors) if action == "schedule" else None
    if errors:
        db.session.rollback()
        return _editor(bulletin, 422, errors, form if target else None, status_form=form)
    if action == "publish":
        if service.publish(bulletin):
            queue_emails(bulletin)
        flash(_("Published."), "success")
    elif action == "schedule":
        bulletin.status, bulletin.publish_at = BulletinStatus.SCHEDULED, when
        flash(_("Scheduled."), "success")
    elif action == "archive":
        bulletin.status = BulletinStatus.ARCHIVED
        flash(_("Archived."), "success")
    elif bulletin.status == BulletinStatus.SCHEDULED:
        bulletin.status, bulletin.publish_at = BulletinStatus.DRAFT, None
        flash(_("Back to draft."), "success")
    else:
        db.session.commit()  # the text, if it came along
        flash(_("Bulletin saved."), "success")
        return _to_editor(bulletin, target)
    db.session.commit()
    return _to_editor(bulletin, target)


@bp.post("/manage/bulletins/sms-length")
@role_required(*BULLETIN_EDITORS)
def sms_counter():
    """The text-message counter as the summary is typed (htmx)."""
    name = next((k for k in request.form if k.startswith("sms_")), "sms_en")
    return render_template(
        "bulletins/_partials/sms_counter.html",
        count=service.sms_length(request.form.get(name, "")),
        code=name.removeprefix("sms_")[:16],
    )


@bp.get("/manage/bulletins/sms.csv")
@role_required(*BULLETIN_EDITORS)
def sms_csv():
    """Text-message summaries with their short links, per language, for the district SMS tool."""
    rows = db.session.scalars(
        select(Bulletin)
        .where(Bulletin.district_id == g.district.id, Bulletin.status == BulletinStatus.PUBLISHED)
        .order_by(Bulletin.published_at.desc())
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["bulletin", "language", "message", "short_link", "characters", "segments"])
    for bulletin in rows:
        for code, message in sorted((bulletin.sms or {}).items()):
            if not message or code not in LANGUAGES:
                continue
            link = short_url("bulletin", bulletin.id, code)
            full = f"{message} {link}"
            count = service.sms_length(full)
            # A leading = + - @ would be read as a formula by a spreadsheet.
            safe = "'" + full if full[:1] in "=+-@" else full
            writer.writerow(
                [bulletin.slug, LANGUAGES[code].tag, safe, link, count["units"], count["segments"]]
            )
    db.session.commit()
    response = make_response(out.getvalue())
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="bulletin-text-messages.csv"'
    return response


MAX_IMAGE_BYTES = 2 * 1024 * 1024


@bp.post("/manage/bulletins/<int:bulletin_id>/image")
@role_required(*BULLETIN_EDITORS)
def upload_image(bulletin_id: int):
    """Add or replace the bulletin's picture, or (with no file chosen) change only what it is
    described as; a description for people who cannot see it is required."""
    bulletin = _bulletin_or_404(bulletin_id)
    form, errors = request.form, {}
    source = bulletin.source_locale
    # The languages on the form replace theirs; descriptions in other languages are kept.
    alt = dict(bulletin.image.alt or {}) if bulletin.image else {}
    for code in LANGUAGES:
        if f"alt_{code}" not in form:
            continue
        value = (form.get(f"alt_{code}") or "").strip()
        if len(value) > MAX_ALT_LENGTH:
            errors[f"alt_{code}"] = _too_long(value, MAX_ALT_LENGTH)
        if value:
            alt[code] = value
        else:
            alt.pop(code, None)
    upload = request.files.get("image")
    data = upload.read(MAX_IMAGE_BYTES + 1) if upload and upload.filename else b""
    if not alt.get(source) and f"alt_{source}" not in errors:
        errors[f"alt_{source}"] = _("Describe the picture for people who cannot see it.")
    if not data and bulletin.image is None:
        errors["image"] = _("Choose a picture (JPEG, PNG, WebP or GIF).")
    elif len(data) > MAX_IMAGE_BYTES:
        errors["image"] = _("The picture is larger than 2 MB. Choose a smaller one.")
    processed = None
    if data and "image" not in errors:
        try:
            processed = process_image(data)
        except ImageRejected:
            errors["image"] = _(
                "This file is not a picture we can use. Choose a JPEG, PNG, WebP or GIF."
            )
    if errors:
        if "image" not in errors and data:
            # A browser cannot be given the file back: say so beside the field.
            errors["image"] = _("The picture is fine, but choose it again: nothing was saved.")
        return _editor(bulletin, 422, errors, picture_form=form)
    image = bulletin.image or BulletinImage(source_locale=source)
    image.alt = alt
    if processed is not None:
        image.mimetype, image.width, image.height = (
            processed.mimetype,
            processed.width,
            processed.height,
        )
        image.large, image.small = processed.large, processed.small
        image.digest = processed.digest
    bulletin.image = image
    db.session.commit()
    flash(_("Picture saved."), "success")
    return _to_editor(bulletin, _target_locale(bulletin))


@bp.post("/manage/bulletins/<int:bulletin_id>/image/delete")
@role_required(*BULLETIN_EDITORS)
def delete_image(bulletin_id: int):
    bulletin = _bulletin_or_404(bulletin_id)
    bulletin.image = None
    db.session.commit()
    flash(_("Picture removed."), "success")
    return _to_editor(bulletin, _target_locale(bulletin))
