"""Full addresses of our pages, always on the configured site address (PUBLIC_BASE_URL), never
the request's Host header: an e-mail, a calendar feed or a QR code must point at the real site
whoever asked, and a forged Host must never reach a page or a feed."""

from flask import current_app, url_for


def public_url(endpoint: str, **values) -> str:
    """The page's full address on PUBLIC_BASE_URL."""
    return current_app.config["PUBLIC_BASE_URL"] + url_for(endpoint, **values)
