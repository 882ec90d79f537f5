"""Pictures people upload: checked by decoding them (never by the file name), re-encoded so no
metadata or trailing payload survives, and resized for phones."""

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
LARGE_WIDTH, SMALL_WIDTH = 1200, 480


class ImageRejected(ValueError):
    """The upload is not a picture we accept."""


@dataclass(frozen=True)
class ProcessedImage:
    mimetype: str
    width: int
    height: int
    large: bytes
    small: bytes
    digest: str


def _encode(image: Image.Image, width: int, keep_alpha: bool) -> bytes:
    copy = image.copy()
    if copy.width > width:
        copy = copy.resize(
            (width, round(copy.height * width / copy.width)), Image.Resampling.LANCZOS
        )
    out = io.BytesIO()
    if keep_alpha:
        copy.save(out, "PNG", optimize=True)
    else:
        copy.convert("RGB").save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


def process_image(data: bytes) -> ProcessedImage:
    """Decode, check and re-encode an upload in two widths; raises ImageRejected."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise ImageRejected(probe.format or "unknown")
            if probe.width * probe.height > MAX_PIXELS:
                raise ImageRejected("too many pixels")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image.seek(0)  # the first frame of an animation
            keep_alpha = (
                image.mode in ("RGBA", "LA", "P")
                and "transparency" in image.info
                or image.mode in ("RGBA", "LA")
            )
            frame = image.convert("RGBA" if keep_alpha else "RGB")
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as error:
        if isinstance(error, ImageRejected):
            raise
        raise ImageRejected(str(error)) from error
    large = _encode(frame, LARGE_WIDTH, keep_alpha)
    small = _encode(frame, SMALL_WIDTH, keep_alpha)
    width = min(frame.width, LARGE_WIDTH)
    height = round(frame.height * width / frame.width)
    return ProcessedImage(
        "image/png" if keep_alpha else "image/jpeg",
        width,
        height,
        large,
        small,
        hashlib.sha256(large).hexdigest()[:16],
    )
