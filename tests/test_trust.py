"""Trust: protections that an attacker would probe first."""

import pytest

from portal.models import Role
from tests.conftest import PASSWORD

HOSTILE_NEXT = [
    "//evil.example",
    "////evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/%2F%2Fevil.example",
    "/%252F%252Fevil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "https://evil.example",
    "https:/evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "evil.example",
    " //evil.example",
]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_sign_in_never_redirects_off_site(client, make_user, target):
    email = make_user(Role.ADMIN)
    response = client.post(
        "/auth/sign-in", query_string={"next": target}, data={"email": email, "password": PASSWORD}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/manage/", target


@pytest.mark.parametrize("target", ["/manage/users", "/schools/maple-elementary?lang=es"])
def test_sign_in_follows_a_local_next(client, make_user, target):
    email = make_user(Role.ADMIN)
    response = client.post(
        "/auth/sign-in", query_string={"next": target}, data={"email": email, "password": PASSWORD}
    )
    assert response.headers["Location"] == target


def test_a_glossary_term_that_case_folds_oddly_does_not_break_pages():
    """ "ſ" (long s) matches "s" when case is ignored; every page with glossed text used to 500."""
    from portal.services.glossary import mark_terms

    marked = str(mark_terms("Title I funds for schools", [("s", "ſ", "long s")], lambda s: "/g"))
    assert "Title I" in marked


def test_glossary_marking_never_fails_and_stays_escaped_for_any_text():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from portal.services.glossary import mark_terms

    words = st.text(min_size=1, max_size=12)

    @settings(max_examples=300, deadline=None)
    @given(
        text=st.text(max_size=200),
        terms=st.lists(st.tuples(words, words, st.text(max_size=30)), max_size=6),
    )
    def check(text, terms):
        marked = str(mark_terms(text, terms, lambda slug: "/glossary"))
        stripped = marked
        for tag in ("</abbr></a>", "<abbr ", '<a class="term" '):
            stripped = stripped.replace(tag, "")
        # Whatever the visitor-facing text held, no tag of its own survives.
        assert "<script" not in stripped.lower() or "<script" not in text.lower()
        assert "<" not in text or "&lt;" in marked

    check()


GOOD_SECRET = "k" * 40


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"SECRET_KEY": "change-me"}, "SECRET_KEY"),
        ({"PUBLIC_BASE_URL": "http://portal.example.org"}, "PUBLIC_BASE_URL"),
        ({"PUBLIC_BASE_URL": ""}, "PUBLIC_BASE_URL"),
    ],
)
def test_production_refuses_unsafe_settings(overrides, complaint, tmp_path):
    from portal import create_app

    settings = {
        "ENV_NAME": "production",
        "SECRET_KEY": GOOD_SECRET,
        "PUBLIC_BASE_URL": "https://portal.example.org",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}",
        **overrides,
    }
    with pytest.raises(RuntimeError, match=complaint):
        create_app(settings)


def test_production_refuses_debug(monkeypatch, tmp_path):
    from portal import create_app

    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(RuntimeError, match="debug"):
        create_app(
            {
                "ENV_NAME": "production",
                "SECRET_KEY": GOOD_SECRET,
                "PUBLIC_BASE_URL": "https://portal.example.org",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}",
            }
        )


def test_production_sends_hsts_and_refuses_the_demo(tmp_path):
    from flask_migrate import upgrade

    from portal import create_app

    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": GOOD_SECRET,
            "PUBLIC_BASE_URL": "https://portal.example.org",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}",
        }
    )
    with app.app_context():
        upgrade()
    response = app.test_client().get("/privacy")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0 and "refused" in result.output
    from portal.models import User

    with app.app_context():
        assert User.query.count() == 0


def test_development_sends_no_hsts(client, district):
    assert "Strict-Transport-Security" not in client.get("/privacy").headers


def test_drafts_stay_drafts_no_comment_on_what_the_public_cannot_see(council, ctx, client):
    """A goal of a draft plan, or an item of an agenda not yet posted, takes no comment."""
    from portal.models import Feedback, Goal, SchoolPlan
    from portal.models.committees import AgendaItem, Meeting
    from portal.models.planning import PlanStatus

    with ctx() as session:
        plan = session.query(SchoolPlan).one()
        goal = Goal(statement={"en": "Read more"}, indicator={"en": "Share reading"})
        plan.goals.append(goal)
        plan.status = PlanStatus.DRAFT.value
        meeting = session.query(Meeting).first()
        item = AgendaItem(meeting_id=meeting.id, title={"en": "Budget"}, position=99)
        session.add(item)
        meeting.agenda_posted_at = None
        session.commit()
        goal_id, item_id = goal.id, item.id

    def comment(kind, target):
        data = {"target_type": kind, "target_id": target, "body": "Please read this."}
        return client.post("/feedback", data=data).status_code

    assert comment("goal", goal_id) == 404
    assert comment("agenda_item", item_id) == 404
    with ctx() as session:
        assert session.query(Feedback).count() == 0
        session.get(SchoolPlan, session.get(Goal, goal_id).plan_id).status = "shared"
        session.commit()
    assert comment("goal", goal_id) == 303
