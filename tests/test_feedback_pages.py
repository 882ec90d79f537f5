"""Comment forms on pages of their own (issue 18): the plan, budget and meeting pages carry a
"Comment" link per goal, investment and agenda item, never a form with a visitor's token, so a
shared cache may keep them (no Set-Cookie); the form's own page is never cached, htmx loads it
in place, and a refused comment comes back there with everything typed."""

import re
from contextlib import contextmanager

from portal.models import Feedback
from tests.committee_helpers import saving
from tests.conftest import hx
from tests.test_feedback import _published, _targets


@contextmanager
def csrf_on(app):
    """Form tokens as in production (the test app turns them off): a token drawn into a page
    writes the session, which is what must not happen on a cached page."""
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def _pages(ids, council) -> dict:
    return {
        "goal": "/schools/maple-elementary/plan",
        "investment": "/schools/maple-elementary/budget",
        "agenda_item": f"/meetings/{council['meeting']}",
    }


def test_plan_budget_and_meeting_pages_set_no_cookie_and_link_to_the_form(
    council, ctx, client, clean_app
):
    ids = _targets(ctx)
    _published(ctx, ids["goal"])  # a comment to report on the plan page
    with csrf_on(clean_app):
        for kind, path in _pages(ids, council).items():
            client.delete_cookie("session")
            response = client.get(path)
            page = response.get_data(as_text=True)
            assert response.status_code == 200, path
            assert "Set-Cookie" not in response.headers, (path, response.headers["Set-Cookie"])
            assert response.headers["Cache-Control"].startswith("public"), path
            assert 'name="csrf_token"' not in page, path
            form_url = f"/feedback/{kind}/{ids[kind]}/new"
            assert f'href="{form_url}"' in page and f'hx-get="{form_url}"' in page, path
            assert f'hx-target="#comment-form-{kind}-{ids[kind]}"' in page, path
        flag = re.search(
            r'href="(/feedback/\d+/flag)"', client.get(_pages(ids, council)["goal"]).text
        )
        assert flag, "no link to report a comment"
        # The form pages are the visitor's own: a token, a cookie, never cached.
        for url in (f"/feedback/goal/{ids['goal']}/new", flag.group(1)):
            response = client.get(url)
            assert response.status_code == 200, url
            assert response.headers["Cache-Control"] == "private, no-store", url
            assert 'name="csrf_token"' in response.text, url


def test_htmx_loads_the_form_in_place_of_the_link(council, ctx, client):
    ids = _targets(ctx)
    url = f"/feedback/investment/{ids['investment']}/new"
    fragment = client.get(url, headers=hx(f"comment-form-investment-{ids['investment']}"))
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and "<h1" not in fragment.text
    assert f'<form method="post" action="{url}" class="feedback-form">' in fragment.text
    assert "HX-Target" in fragment.headers["Vary"]
    assert fragment.headers["Cache-Control"] == "private, no-store"
    whole = client.get(url)  # without JavaScript the link opens the whole page
    assert "<html" in whole.text and "Budget investment" in whole.text
    assert 'href="/schools/maple-elementary/budget#every-line"' in whole.text


def test_a_refused_comment_comes_back_with_what_was_typed_then_is_taken(council, ctx, client):
    ids = _targets(ctx)
    url = f"/feedback/goal/{ids['goal']}/new"
    sent = {"body": "ok", "name": "Ana Lima", "email": "ana@"}
    response = client.post(url, data=sent)
    page = response.text
    assert response.status_code == 422
    assert response.headers["Cache-Control"] == "private, no-store"
    assert re.search(r"<textarea[^>]*>\s*ok</textarea>", page)
    assert 'value="Ana Lima"' in page and 'value="ana@"' in page
    summary = page[page.find("error-summary") : page.find('class="feedback-form"')]
    assert "Write your comment before sending it." in summary
    fields = re.findall(r'<p class="error" id="(fb[a-z]*-goal-\d+)-error">', page)
    assert set(fields) == {f"fb-goal-{ids['goal']}", f"fbe-goal-{ids['goal']}"}
    with ctx() as session:
        assert session.query(Feedback).count() == 0
    response = client.post(url, data={"body": "More reading groups, please.", "name": "Ana"})
    assert response.status_code == 303
    assert response.location.endswith(f"/schools/maple-elementary/plan#goal-{ids['goal']}")
    with ctx() as session:
        (row,) = session.query(Feedback).all()
        assert (row.target_type, row.target_id, row.author_name) == ("goal", ids["goal"], "Ana")


def test_no_form_for_what_is_not_open_to_comments(council, ctx, client):
    ids = _targets(ctx, plan_status="draft", agenda_posted=False)
    for kind, target_id in ids.items():
        assert client.get(f"/feedback/{kind}/{target_id}/new").status_code == 404, kind
        assert (
            client.post(
                f"/feedback/{kind}/{target_id}/new", data={"body": "Hello there"}
            ).status_code
            == 404
        )
    assert client.get("/feedback/school/1/new").status_code == 404
    assert client.get("/feedback/999999/flag").status_code == 404
    with saving(ctx) as session:
        assert session.query(Feedback).count() == 0
