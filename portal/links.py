"""Full addresses of our pages, always on the configured site address (PUBLIC_BASE_URL), never
the request's Host header: an e-mail, a calendar feed or a QR code must point at the real site
whoever asked, and a forged Host must never reach a page or a feed."""

from flask import current_app, has_request_context, url_for


def public_url(endpoint: str, **values) -> str:
    """The page's full address on PUBLIC_BASE_URL, inside a request or outside one (a CLI job,
    the demo loader, a notice queued by `flask send-reminders`)."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["PUBLIC_BASE_URL"] + path
