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
from portal.i18n import LANGUAGES
from portal.models import Bulletin, BulletinImage, Role, School
from portal.models.base import utcnow
from portal.models.bulletins import BULLETIN_FIELDS, BulletinStatus
from portal.permissions import role_required
from portal.services import bulletins as service
from portal.services.images import ImageRejected, process_image

EDITORS = (Role.COMMS, Role.DISTRICT)
MAX_LENGTHS = {"title": 200, "summary": 500, "body": 20000, "sms": 480}
LINK_KINDS = ("plan", "budget", "calendar", "school", "survey")


def _bulletin_or_404(bulletin_id: int) -> Bulletin:
    return district_row_or_404(Bulletin, bulletin_id)


def _target_locale(bulletin: Bulletin) -> str:
    wanted = request.values.get("target") or ""
    if wanted in LANGUAGES and wanted != bulletin.source_locale:
        return wanted
    return next(c for c in LANGUAGES if c != bulletin.source_locale)


def parse_links(raw: str) -> tuple[list[dict], list[str]]:
    """Lines like "plan: oak-grove-elementary" -> [{"kind": "plan", "slug": ...}], and the bad
    lines."""
    links, bad = [], []
    for line in (raw or "").splitlines():
        if not line.strip():
            continue
        kind, _sep, slug = line.partition(":")
        kind, slug = kind.strip().lower(), slug.strip()
        if kind in LINK_KINDS and slug and len(slug) <= 80:
            links.append({"kind": kind, "slug": slug})
        else:
            bad.append(line.strip()[:80])
    return links[:10], bad


def _editor(bulletin: Bulletin, status=200, errors=None, form=None):
    target = _target_locale(bulletin)
    schools = list(
        db.session.scalars(
            select(School).where(School.district_id == g.district.id).order_by(School.name)
        )
    )
    return render_template(
        "bulletins/editor.html",
        bulletin=bulletin,
        source=bulletin.source_locale,
        target=target,
        states={code: service.translation_state(bulletin, code) for code in LANGUAGES},
        missing=service.missing_required(bulletin, g.district.required_locales or []),
        sms={code: service.sms_length((bulletin.sms or {}).get(code, "")) for code in LANGUAGES},
        schools=schools,
        errors=errors or {},
        form=form or {},
        fields=BULLETIN_FIELDS,
        link_text="\n".join(f"{link['kind']}: {link['slug']}" for link in bulletin.links or []),
    ), status


@bp.get("/manage/bulletins")
@role_required(*EDITORS)
def manage_index():
    """Every bulletin, newest first, with its status and languages."""
    bulletins = list(
        db.session.scalars(
            select(Bulletin)
            .where(Bulletin.district_id == g.district.id)
            .order_by(Bulletin.created_at.desc())
        )
    )
    return render_template("bulletins/manage.html", bulletins=bulletins, errors={}, form={})


@bp.post("/manage/bulletins")
@role_required(*EDITORS)
def create():
    """Start a bulletin from its title in the district's main language."""
    source = g.district.default_locale
    title = (request.form.get(f"title_{source}") or "").strip()[:200]
    if not title:
        bulletins = list(
            db.session.scalars(select(Bulletin).where(Bulletin.district_id == g.district.id))
        )
        return render_template(
            "bulletins/manage.html",
            bulletins=bulletins,
            errors={"title": _("Give the bulletin a title.")},
            form=request.form,
        ), 422
    bulletin = Bulletin(
        district_id=g.district.id,
        slug=service.unique_slug(title, utcnow().strftime("%Y-%m")),
        title={source: title},
        source_locale=source,
        created_by_id=current_user.id,
    )
    db.session.add(bulletin)
    db.session.commit()
    return redirect(url_for("bulletins.edit", bulletin_id=bulletin.id), code=303)


@bp.route("/manage/bulletins/<int:bulletin_id>", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit(bulletin_id: int):
    """The source language and one translation side by side, field by field."""
    bulletin = _bulletin_or_404(bulletin_id)
    if request.method == "GET":
        return _editor(bulletin)
    form, errors = request.form, {}
    source, target = bulletin.source_locale, _target_locale(bulletin)
    values = {}
    for field in BULLETIN_FIELDS:
        for code in (source, target):
            values[(field, code)] = (form.get(f"{field}_{code}") or "").strip()[
                : MAX_LENGTHS[field]
            ]
    if not values[("title", source)]:
        errors[f"title_{source}"] = _("Give the bulletin a title.")
    if not values[("body", source)]:
        errors[f"body_{source}"] = _("Write the bulletin's text.")
    links, bad_links = parse_links(form.get("links", ""))
    if bad_links:
        errors["links"] = _("Write one link a line, such as “plan: oak-grove-elementary”.")
    school_ids = {int(v) for v in form.getlist("school") if v.isdigit()}
    if errors:
        return _editor(bulletin, 422, errors, form)
    service.record_revision(bulletin, current_user.id)
    for (field, code), value in values.items():
        texts = dict(getattr(bulletin, field) or {})
        if value:
            texts[code] = value
        else:
            texts.pop(code, None)
        setattr(bulletin, field, texts)
    bulletin.links = links
    bulletin.schools = list(
        db.session.scalars(
            select(School).where(School.id.in_(school_ids), School.district_id == g.district.id)
        )
    )
    if form.get("review") in ("draft", "reviewed") and values[("title", target)]:
        service.set_review(bulletin, target, form["review"] == "reviewed")
    db.session.commit()
    flash(_("Bulletin saved."), "success")
    return redirect(url_for("bulletins.edit", bulletin_id=bulletin.id, target=target), code=303)


@bp.post("/manage/bulletins/<int:bulletin_id>/status")
@role_required(*EDITORS)
def change_status(bulletin_id: int):
    """Publish (when the required languages are reviewed, or anyway with a note), schedule,
    archive, or take back to draft."""
    bulletin = _bulletin_or_404(bulletin_id)
    action = request.form.get("action")
    missing = service.missing_required(bulletin, g.district.required_locales or [])
    if not (bulletin.body or {}).get(bulletin.source_locale):
        flash(_("Write the bulletin's text before publishing."), "error")
        return redirect(url_for("bulletins.edit", bulletin_id=bulletin.id), code=303)
    if action in ("publish", "schedule") and missing and not request.form.get("anyway"):
        flash(
            _(
                "These languages are not reviewed yet: %(languages)s. Publish anyway to show a "
                "“translation coming” note in them.",
                languages=", ".join(LANGUAGES[c].native_name for c in missing if c in LANGUAGES),
            ),
            "error",
        )
        return redirect(url_for("bulletins.edit", bulletin_id=bulletin.id), code=303)
    if action == "publish":
        if service.publish(bulletin):
            queue_emails(bulletin)
        flash(_("Published."), "success")
    elif action == "schedule":
        day, clock = parse_date(request.form.get("day")), parse_time(request.form.get("time"))
        if day is None or clock is None:
            flash(_("Enter a date and a time to schedule it."), "error")
            return redirect(url_for("bulletins.edit", bulletin_id=bulletin.id), code=303)
        when = datetime.combine(day, clock, ZoneInfo(g.district.timezone)).astimezone(UTC)
        bulletin.status, bulletin.publish_at = BulletinStatus.SCHEDULED, when
        flash(_("Scheduled."), "success")
    elif action == "archive":
        bulletin.status = BulletinStatus.ARCHIVED
        flash(_("Archived."), "success")
    elif action == "draft" and bulletin.status == BulletinStatus.SCHEDULED:
        bulletin.status, bulletin.publish_at = BulletinStatus.DRAFT, None
        flash(_("Back to draft."), "success")
    else:
        abort(400)
    db.session.commit()
    return redirect(url_for("bulletins.edit", bulletin_id=bulletin.id), code=303)


@bp.post("/manage/bulletins/sms-length")
@role_required(*EDITORS)
def sms_counter():
    """The text-message counter as the summary is typed (htmx)."""
    name = next((k for k in request.form if k.startswith("sms_")), "sms_en")
    return render_template(
        "bulletins/_partials/sms_counter.html",
        count=service.sms_length(request.form.get(name, "")),
        code=name.removeprefix("sms_")[:16],
    )


@bp.get("/manage/bulletins/sms.csv")
@role_required(*EDITORS)
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
@role_required(*EDITORS)
def upload_image(bulletin_id: int):
    """Add or replace the bulletin's picture; a description for people who cannot see it is
    required."""
    bulletin = _bulletin_or_404(bulletin_id)
    errors = {}
    alt = {
        code: value
        for code in LANGUAGES
        if (value := (request.form.get(f"alt_{code}") or "").strip()[:300])
    }
    upload = request.files.get("image")
    data = upload.read(MAX_IMAGE_BYTES + 1) if upload and upload.filename else b""
    if not alt.get(bulletin.source_locale):
        errors["alt"] = _("Describe the picture for people who cannot see it.")
    if not data:
        errors["image"] = _("Choose a picture (JPEG, PNG, WebP or GIF).")
    elif len(data) > MAX_IMAGE_BYTES:
        errors["image"] = _("The picture is larger than 2 MB.")
    processed = None
    if not errors:
        try:
            processed = process_image(data)
        except ImageRejected:
            errors["image"] = _(
                "This file is not a picture we can use. Choose a JPEG, PNG, WebP or GIF."
            )
    if errors:
        return _editor(bulletin, 422, errors, request.form)
    image = bulletin.image or BulletinImage(source_locale=bulletin.source_locale)
    image.alt = alt
    image.mimetype, image.width, image.height = (
        processed.mimetype,
        processed.width,
        processed.height,
    )
    image.large, image.small, image.digest = processed.large, processed.small, processed.digest
    bulletin.image = image
    db.session.commit()
    flash(_("Picture saved."), "success")
    return redirect(url_for("bulletins.edit", bulletin_id=bulletin.id), code=303)


@bp.post("/manage/bulletins/<int:bulletin_id>/image/delete")
@role_required(*EDITORS)
def delete_image(bulletin_id: int):
    bulletin = _bulletin_or_404(bulletin_id)
    bulletin.image = None
    db.session.commit()
    flash(_("Picture removed."), "success")
    return redirect(url_for("bulletins.edit", bulletin_id=bulletin.id), code=303)
