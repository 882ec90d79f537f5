"""The text-message export (for the district's own SMS tool; the portal sends none): besides the
bulletins' written summaries, the notices of the period, one short line per language with its
link, counted as a phone counts it; staff notices never; a bulletin's own summary wins over its
notice line; the period is chosen from those offered."""

import csv
import io
from datetime import timedelta

from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.models import Feedback, Role, SchoolPlan, SchoolYear
from portal.models.notices import Notice
from portal.services.text_messages import sms_length
from tests import notice_helpers as h

CSV = "/manage/bulletins/sms.csv"


def _events(clean_app, district_id: int) -> None:
    """A plan shared, a meeting, a survey, two bulletins (one with a written summary in
    Spanish), a comment waiting for review (staff only), and a meeting of long ago."""
    from portal.models import Bulletin
    from portal.services.notices import announce

    with clean_app.test_request_context("/"):
        school = h.school("maple-elementary")
        year = db.session.query(SchoolYear).filter_by(is_current=True).one()
        plan = SchoolPlan(school_id=school.id, school_year_id=year.id, status="shared")
        db.session.add(plan)
        db.session.flush()
        announce("plan_shared", plan)
        db.session.commit()
        h.meeting(title={"en": "Budget night", "es": "Noche del presupuesto"})
        h.survey(district_id)
        h.bulletin(district_id, slug="no-summary", schools=["maple-elementary"])
        written = h.bulletin(district_id, slug="with-summary")
        db.session.get(Bulletin, written.id).sms = {"es": "Noticias: léalo."}
        old = h.meeting(title={"en": "Last spring", "es": "La primavera pasada"})
        notice = db.session.query(Notice).filter_by(key=f"meeting_scheduled:{old.id}").one()
        notice.created_at = notice.created_at - timedelta(days=40)
        comment = Feedback(
            school_id=school.id, target_type="goal", target_id=1, body="Hello", visibility="pending"
        )
        db.session.add(comment)
        db.session.flush()
        announce("comment_waiting", comment)
        db.session.commit()


def _rows(client, **args) -> list[dict]:
    response = client.get(CSV, query_string=args)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_export_has_each_notice_of_the_period_in_each_language(
    funded, clean_app, login_as, ctx
):
    _events(clean_app, funded["id"])
    rows = _rows(login_as(Role.COMMS))
    by_kind: dict[str, set[str]] = {}
    for row in rows:
        by_kind.setdefault(row["notice"], set()).add(row["language"])
    tags = {language.tag for language in LANGUAGES.values()}
    for kind in ("plan_shared", "meeting_scheduled", "survey_opened"):
        assert by_kind[kind] == tags, kind
    assert "comment_waiting" not in by_kind  # for staff alone, never texted

    def one(kind, tag, **where):
        found = [
            r
            for r in rows
            if r["notice"] == kind
            and r["language"] == tag
            and all(r[k] == v for k, v in where.items())
        ]
        assert len(found) == 1, (kind, tag, where, found)
        return found[0]

    meeting = one("meeting_scheduled", "es")
    assert "Noche del presupuesto" in meeting["message"]
    assert meeting["message"].startswith("Maple Elementary: ")
    assert "La primavera pasada" not in " ".join(r["message"] for r in rows)  # 40 days ago
    assert meeting["message"].endswith(meeting["short_link"])
    assert "lang=es" in meeting["short_link"]
    plan = one("plan_shared", "es")
    assert "/s/" in plan["short_link"] and plan["short_link"].endswith("/es")  # the short link
    survey = one("survey_opened", "vi")
    assert "/q/" in survey["short_link"] and survey["short_link"].endswith("/vi")
    for row in rows:
        count = sms_length(row["message"])
        assert (int(row["characters"]), int(row["segments"])) == (
            count["units"],
            count["segments"],
        )
        assert row["date"]
    # A bulletin without a written summary: its notice line in every language, with /b/.
    plain = [r for r in rows if r["bulletin"] == "no-summary"]
    assert {r["language"] for r in plain} == tags and all("/b/" in r["short_link"] for r in plain)
    # With a written summary in Spanish: that summary in Spanish, the notice line elsewhere.
    written = [r for r in rows if r["bulletin"] == "with-summary"]
    spanish = [r for r in written if r["language"] == "es"]
    assert len(spanish) == 1 and spanish[0]["message"].startswith("Noticias: léalo. http")
    assert {r["language"] for r in written} == tags


def test_the_period_is_one_of_those_offered(funded, clean_app, login_as, ctx):
    _events(clean_app, funded["id"])
    staff = login_as(Role.COMMS)
    longer = " ".join(r["message"] for r in _rows(staff, days=90))
    assert "La primavera pasada" in longer
    week = " ".join(r["message"] for r in _rows(staff, days=7))
    assert "Noche del presupuesto" in week and "La primavera pasada" not in week
    assert staff.get(CSV, query_string={"days": 5}).status_code == 400
    assert staff.get(CSV, query_string={"days": "x"}).status_code == 400
    page = staff.get("/manage/bulletins").get_data(as_text=True)
    assert 'action="/manage/bulletins/sms.csv"' in page and 'name="days"' in page
