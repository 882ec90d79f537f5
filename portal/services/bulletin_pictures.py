"""A bulletin's picture: checked and re-encoded (portal.services.images), with a description
for people who cannot see it in each language, the original's required."""

from flask_babel import gettext as _

from portal.i18n import LANGUAGES
from portal.models import Bulletin, BulletinImage
from portal.services.bulletins import too_long
from portal.services.errors import Rejected
from portal.services.images import ImageRejected, process_image

MAX_ALT_LENGTH = 300
MAX_IMAGE_BYTES = 2 * 1024 * 1024


def save_picture(
    bulletin: Bulletin, alt: dict[str, str], data: bytes, actor, *, too_big: bool = False
) -> None:
    """Add or replace the picture (`data`, the upload's bytes, or b"" to keep the picture) and
    its descriptions: `alt` holds the languages on the form (empty text removes one); the
    others are kept. A description in the original language is required."""
    source, errors = bulletin.source_locale, {}
    described = dict(bulletin.image.alt or {}) if bulletin.image else {}
    for code, typed in alt.items():
        value = (typed or "").strip()
        if len(value) > MAX_ALT_LENGTH:
            errors[f"alt_{code}"] = too_long(value, MAX_ALT_LENGTH)
        if value:
            described[code] = value
        elif code in LANGUAGES:
            described.pop(code, None)
    if not described.get(source) and f"alt_{source}" not in errors:
        errors[f"alt_{source}"] = _("Describe the picture for people who cannot see it.")
    processed = None
    if not data and bulletin.image is None:
        errors["image"] = _("Choose a picture (JPEG, PNG, WebP or GIF).")
    elif too_big or len(data) > MAX_IMAGE_BYTES:
        errors["image"] = _("The picture is larger than 2 MB. Choose a smaller one.")
    elif data:
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
        raise Rejected(errors)
    image = bulletin.image or BulletinImage(source_locale=source)
    image.alt = described
    if processed is not None:
        image.mimetype, image.width, image.height = (
            processed.mimetype,
            processed.width,
            processed.height,
        )
        image.large, image.small, image.digest = processed.large, processed.small, processed.digest
    bulletin.image = image


def remove_picture(bulletin: Bulletin, actor) -> None:
    """Remove the picture and its descriptions."""
    bulletin.image = None
