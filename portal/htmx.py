"""One handler, two answers: the full page, or just the fragment htmx asked for.

We use the `flask-htmx` package only to read htmx's request headers (see the README for why not
`htmx-flask`). A fragment is returned only when the request comes from htmx, is not a boosted
navigation or a history restore, and targets the element the fragment renders.
"""

from flask import make_response, render_template

from portal.extensions import htmx

VARY_HEADERS = ("HX-Request", "HX-Target")


def wants_fragment(target_id: str) -> bool:
    return (
        bool(htmx)
        and not htmx.boosted
        and not htmx.history_restore_request
        and (htmx.target == target_id)
    )


def render(page: str, fragment: str, target_id: str, status: int = 200, **context):
    """Render `fragment` for an htmx request aimed at `target_id`, else the whole `page`."""
    template = fragment if wants_fragment(target_id) else page
    response = make_response(render_template(template, **context), status)
    response.vary.update(VARY_HEADERS)
    return response
