"""The demo district loads, loads twice safely, and every demo role can sign in."""

import pytest

from portal.models import District, School, SchoolYear, User
from tests.conftest import sign_in

ROLES = ["admin", "district", "comms", "principal", "council", "facilitator"]


@pytest.fixture
def demo_loaded(clean_app):
    runner = clean_app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    return first.output


def test_demo_is_realistic_and_idempotent(demo_loaded, ctx):
    for role in ROLES:
        assert f"{role}@demo.test" in demo_loaded
    with ctx() as session:
        assert session.query(District).count() == 1
        schools = session.query(School).all()
        assert len(schools) >= 8
        assert {s.level for s in schools} >= {"elementary", "middle", "high"}
        assert all(s.enrollment > 0 for s in schools)
        assert sum(1 for s in schools if s.description.get("es")) >= 4
        assert session.query(User).count() == len(ROLES)
        assert session.query(SchoolYear).filter_by(is_current=True).count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_every_demo_role_signs_in(demo_loaded, clean_app, role):
    c = clean_app.test_client()
    assert sign_in(c, f"{role}@demo.test", "demo").status_code == 303
    assert c.get("/manage/").status_code == 200


def test_demo_pages_answer_in_every_language(demo_loaded, clean_app):
    c = clean_app.test_client()
    for path in ("/", "/?lang=es", "/schools/cesar-chavez-elementary", "/privacy", "/healthz"):
        assert c.get(path).status_code == 200, path
    spanish = c.get("/schools/cesar-chavez-elementary?lang=es").get_data(as_text=True)
    assert "Una escuela de barrio" in spanish
