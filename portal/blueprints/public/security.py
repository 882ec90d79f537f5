"""/.well-known/security.txt (RFC 9116): where to report a security problem, from the district's
SECURITY_CONTACT setting (a mailto: or https: address, read from the config, then the
environment). Without a contact there is no file (404): the portal never promises an address
nobody reads. Public, the same for everyone, and never sets a cookie."""

import os
from datetime import timedelta

from flask import current_app, make_response

from portal.blueprints.public import bp
from portal.i18n import LANGUAGES
from portal.models.base import utcnow
from portal.permissions import public


def security_contact() -> str | None:
    """The configured address for security reports, if it is a mailto: or https: one."""
    value = current_app.config.get("SECURITY_CONTACT") or os.environ.get("SECURITY_CONTACT")
    value = (value or "").strip()
    if value.startswith(("mailto:", "https://")) and "\n" not in value:
        return value
    return None


@bp.get("/.well-known/security.txt")
@public
def security_txt():
    """The security contact, in the plain-text form security researchers' tools read."""
    contact = security_contact()
    if contact is None:
        return make_response("Not found\n", 404, {"Content-Type": "text/plain; charset=utf-8"})
    base = current_app.config["PUBLIC_BASE_URL"]
    # Expires is required: a year ahead, at midnight, so the file is the same all day.
    expires = (utcnow() + timedelta(days=365)).replace(hour=0, minute=0, second=0, microsecond=0)
    lines = [
        f"Contact: {contact}",
        f"Expires: {expires:%Y-%m-%dT%H:%M:%SZ}",
        f"Preferred-Languages: {', '.join(lang.tag for lang in LANGUAGES.values())}",
        f"Canonical: {base}/.well-known/security.txt",
        f"Policy: {base}/privacy",
    ]
    response = make_response("\n".join(lines) + "\n")
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
