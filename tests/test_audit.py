"""The audit log holds every change to the public record: who (a person, or the system), when
(UTC), what, and each changed field's before and after; admins filter it and export it as CSV;
nobody can change or delete an entry."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    AllocationScenario,
    AuditEntry,
    Bulletin,
    District,
    Investment,
    Role,
    School,
    SchoolPlan,
    User,
)
from portal.models.base import IllegalMove
from portal.models.planning import PlanStatus
from portal.services import audit as audit_service
from portal.services.audit import AuditFilter, record_audit
from tests import factories

SLUG = "maple-elementary"
NON_ADMINS = [Role.DISTRICT, Role.COMMS, Role.PRINCIPAL, Role.COUNCIL, Role.FACILITATOR]


@pytest.fixture
def record(clean_app, district):
    """Maple's draft plan with one $95,000 investment, the district's money (an adopted and a
    draft scenario), Maple's site council and a draft bulletin, stored by the system."""
    with clean_app.app_context():
        d = db.session.get(District, district["id"])
        maple = db.session.scalars(select(School).where(School.slug == SLUG)).one()
        year = factories.school_year(d)
        money = factories.funding(d, year)
        reading = factories.goal_spec("Read more", [("Tutors", 95_000)])
        plan = factories.plan(maple, year, goals=[reading], status=PlanStatus.DRAFT)
        council = factories.committee(maple)
        bulletin = Bulletin(
            district_id=d.id,
            slug="budget-night",
            title={"en": "Budget night"},
            summary={"en": "Come and ask."},
            body={"en": "We will explain the budget."},
            sms={},
            status="draft",
            source_locale="en",
        )
        db.session.add(bulletin)
        db.session.commit()
        ids = {
            "district": d.id,
            "maple": maple.id,
            "plan": plan.id,
            "goal": plan.goals[0].id,
            "investment": plan.investments[0].id,
            "category": plan.investments[0].category_id,
            "draft_scenario": money.what_if.id,
            "adopted_scenario": money.adopted.id,
            "committee": council.id,
            "bulletin": bulletin.id,
        }
        db.session.remove()
    return ids


def _user_id(ctx, client) -> int:
    with ctx() as session:
        return session.scalars(select(User.id).where(User.email == client.email)).one()


def _changes_of(session, object_type, object_id):
    """(entry, change) for every recorded change of one row, oldest first."""
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    return [
        (entry, change)
        for entry in entries
        for change in entry.changes
        if (change["type"], change["id"]) == (object_type, object_id)
    ]


def test_raising_an_investment_records_the_amounts_before_and_after_by_whom_and_where(
    record, login_as, ctx
):
    principal = login_as(Role.PRINCIPAL)
    row = record["investment"]
    response = principal.post(
        f"/manage/schools/{SLUG}/plan/investment/{row}",
        data={
            "description": "Tutors",
            "cost": "195,000",
            "priority": "1",
            "recurrence": "ongoing",
            "goal_id": str(record["goal"]),
            "strategy_id": "",
            "category_id": str(record["category"]),
        },
    )
    assert response.status_code == 303
    with ctx() as session:
        assert session.get(Investment, row).cost_cents == 19_500_000
        updates = [
            (e, c) for e, c in _changes_of(session, "investment", row) if c["op"] != "created"
        ]
        assert len(updates) == 1
        entry, change = updates[0]
        assert change["fields"]["cost_cents"] == [9_500_000, 19_500_000]
        assert entry.user_id == _user_id(ctx, principal)
        assert (entry.school_id, entry.district_id) == (record["maple"], record["district"])
        assert entry.at.tzinfo is not None and entry.at.utcoffset() == timedelta(0)
        assert abs(entry.at - datetime.now(UTC)) < timedelta(minutes=5)
        # Fields that did not change are not listed.
        assert set(change["fields"]) == {"cost_cents"}


def test_adopting_a_scenario_is_one_entry_with_its_status_change(record, login_as, ctx):
    staff = login_as(Role.DISTRICT)
    draft = record["draft_scenario"]
    url = f"/manage/allocation/scenarios/{draft}/status"
    assert staff.post(url, data={"status": "adopted"}).status_code == 303
    with ctx() as session:
        assert session.get(AllocationScenario, draft).status == "adopted"
        entries = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.object_type == "allocation_scenario", AuditEntry.object_id == draft)
            .order_by(AuditEntry.id)
        ).all()
        # Created by the fixture (the system), then adopted: the named entry holds the change,
        # with no second entry saying the same thing.
        assert [e.action for e in entries] == ["allocation_scenario.created", "scenario.adopted"]
        adopted = entries[1]
        assert adopted.changes[0]["fields"] == {"status": ["draft", "adopted"]}
        assert adopted.user_id == _user_id(ctx, staff) and entries[0].user_id is None
        assert adopted.district_id == record["district"] and adopted.school_id is None
        replaced = _changes_of(session, "allocation_scenario", record["adopted_scenario"])
        assert replaced[-1][1]["fields"] == {"status": ["adopted", "draft"]}


def test_publishing_and_unpublishing_a_bulletin_are_recorded(record, login_as, ctx):
    staff = login_as(Role.COMMS)
    status = f"/manage/bulletins/{record['bulletin']}/status"
    assert staff.post(status, data={"action": "publish", "anyway": "1"}).status_code == 303
    assert staff.post(status, data={"action": "archive"}).status_code == 303
    with ctx() as session:
        moves = [
            (entry.action, change["fields"]["status"])
            for entry, change in _changes_of(session, "bulletin", record["bulletin"])
        ]
        assert moves == [
            ("bulletin.publish", ["draft", "published"]),
            ("bulletin.archive", ["published", "archived"]),
        ]
        # Creating the draft was not an entry: a draft is not public.
        assert (
            session.scalars(select(AuditEntry).where(AuditEntry.action == "bulletin.created")).all()
            == []
        )


def test_a_roster_change_is_recorded_with_the_new_member(record, login_as, ctx):
    principal = login_as(Role.PRINCIPAL)
    member = {
        "name": "Nora Quinn",
        "seat": "parent",
        "officer": "",
        "term_start": "2026-09-01",
        "term_end": "2028-06-30",
        "name_public": "1",
    }
    url = f"/manage/committees/{record['committee']}/members"
    assert principal.post(url, data=member).status_code == 303
    with ctx() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "member.added")).one()
        created = [c for c in entry.changes if c["type"] == "committee_member"]
        assert len(created) == 1 and created[0]["op"] == "created"
        assert created[0]["fields"]["name"] == [None, "Nora Quinn"]
        assert created[0]["fields"]["seat"] == [None, "parent"]
        assert entry.school_id == record["maple"] and entry.user_id == _user_id(ctx, principal)
        again = select(AuditEntry).where(
            AuditEntry.action == "committee_member.created",
            AuditEntry.object_id == created[0]["id"],
        )
        assert session.scalars(again).all() == []  # not a second entry for the same thing


def test_sharing_and_withdrawing_the_plan_are_recorded(record, login_as, ctx):
    principal = login_as(Role.PRINCIPAL)
    settings = f"/manage/schools/{SLUG}/plan/settings"
    assert principal.post(settings, data={"status": "shared"}).status_code == 303
    assert principal.post(settings, data={"status": "draft"}).status_code == 303
    with ctx() as session:
        assert session.get(SchoolPlan, record["plan"]).status == "draft"
        moves = [
            c["fields"]["status"]
            for _e, c in _changes_of(session, "school_plan", record["plan"])
            if "status" in c["fields"]
        ]
        assert moves[-2:] == [["draft", "shared"], ["shared", "draft"]]
        entries = [e for e, c in _changes_of(session, "school_plan", record["plan"])][-2:]
        assert {e.user_id for e in entries} == {_user_id(ctx, principal)}
        assert {e.school_id for e in entries} == {record["maple"]}


def test_a_change_without_a_request_is_by_the_system(record, clean_app, ctx):
    with ctx() as session:
        investment = session.get(Investment, record["investment"])
        investment.cost_cents = 10_000_000
        session.commit()
        entry, change = _changes_of(session, "investment", record["investment"])[-1]
        assert entry.action == "investment.updated" and entry.user_id is None
        assert change["fields"] == {"cost_cents": [9_500_000, 10_000_000]}
        assert entry.school_id == record["maple"]
        assert audit_service.who(entry) == "The system"
        bulletin = session.get(Bulletin, record["bulletin"])
        bulletin.status, bulletin.publish_at = "scheduled", datetime.now(UTC) - timedelta(hours=1)
        session.commit()
    result = clean_app.test_cli_runner().invoke(args=["publish-scheduled"])
    assert "Published 1" in result.output, result.output
    with ctx() as session:
        entry, change = _changes_of(session, "bulletin", record["bulletin"])[-1]
        assert change["fields"]["status"] == ["scheduled", "published"]
        assert entry.user_id is None


def test_a_rolled_back_change_leaves_no_entry(record, ctx):
    with ctx() as session:
        before = session.query(AuditEntry).count()
        session.get(Investment, record["investment"]).cost_cents = 1
        session.flush()
        session.rollback()
        session.get(SchoolPlan, record["plan"]).approval_note = "unchanged in the end"
        session.get(SchoolPlan, record["plan"]).approval_note = ""
        session.commit()
        assert session.query(AuditEntry).count() == before


def _entry(session, at, action, object_type, user=None, school_id=None, district_id=None):
    row = AuditEntry(
        at=at,
        user_id=user,
        action=action,
        object_type=object_type,
        object_id=1,
        detail={"note": '=HYPERLINK("http://x")'},
        school_id=school_id,
        district_id=district_id,
    )
    session.add(row)
    session.flush()
    return row.id


@pytest.fixture
def logged(clean_app, district, make_user):
    """Four entries across two schools, two people, two kinds and three days."""
    admin_email = make_user(Role.ADMIN)
    other_email = make_user(Role.DISTRICT)
    with clean_app.app_context():
        session = db.session
        schools = dict(session.execute(select(School.slug, School.id)).all())
        admin = session.scalars(select(User).where(User.email == admin_email)).one()
        admin.name = "=Formula Name"
        other = session.scalars(select(User.id).where(User.email == other_email)).one()
        d = district["id"]
        maple, cedar = schools["maple-elementary"], schools["cedar-middle"]
        day = datetime(2026, 11, 10, 18, tzinfo=UTC)
        ids = {
            "maple_vote": _entry(session, day, "vote.cast", "motion", admin.id, maple, d),
            "cedar_plan": _entry(
                session, day + timedelta(days=1), "plan.shared", "school_plan", other, cedar, d
            ),
            "maple_plan": _entry(
                session,
                day + timedelta(days=2),
                "investment.updated",
                "investment",
                other,
                maple,
                d,
            ),
            "district": _entry(
                session, day + timedelta(days=2), "scenario.adopted", "x", None, None, d
            ),
        }
        session.commit()
        ids.update(maple=maple, cedar=cedar, admin=admin.id, other=other, district_id=d)
        session.remove()
    return ids


def _ids(f: AuditFilter) -> list[int]:
    rows, _more = audit_service.audit_page(f, 1, 100)
    return [r.id for r in rows]


def test_filters_by_school_person_kind_and_date(logged, ctx):
    d = logged["district_id"]
    with ctx():
        assert _ids(AuditFilter(district_id=d)) == sorted(
            (logged[k] for k in ("maple_vote", "cedar_plan", "maple_plan", "district")),
            reverse=True,
        )
        assert _ids(AuditFilter(district_id=d, school_id=logged["maple"])) == [
            logged["maple_plan"],
            logged["maple_vote"],
        ]
        assert _ids(AuditFilter(district_id=d, user_id=logged["other"])) == [
            logged["maple_plan"],
            logged["cedar_plan"],
        ]
        assert _ids(AuditFilter(district_id=d, kind="vote")) == [logged["maple_vote"]]
        assert _ids(AuditFilter(district_id=d, kind="investment")) == [logged["maple_plan"]]
        assert _ids(AuditFilter(district_id=d, kind="plan")) == [logged["cedar_plan"]]
        one_day = date(2026, 11, 11)
        assert _ids(AuditFilter(district_id=d, since=one_day, until=one_day)) == [
            logged["cedar_plan"]
        ]
        assert _ids(AuditFilter(district_id=d, since=date(2026, 11, 12))) == [
            logged["district"],
            logged["maple_plan"],
        ]


def test_the_page_and_the_csv_show_the_filtered_rows_and_the_csv_is_safe(logged, login_as):
    admin = login_as(Role.ADMIN)
    page = admin.get(f"/manage/audit?school={logged['maple']}&kind=vote")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "vote.cast" in html and "plan.shared" not in html and "investment.updated" not in html
    for bad in ("school=abc", "since=yesterday", "person=x&page=0", "kind=nothing"):
        assert admin.get(f"/manage/audit?{bad}").status_code == 200
    export = admin.get(f"/manage/audit.csv?school={logged['maple']}")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert export.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert len(rows) == 3  # the header and Maple's two entries, newest first
    assert [r[2] for r in rows[1:]] == ["investment.updated", "vote.cast"]
    assert rows[2][1] == "'=Formula Name"  # a name that looks like a formula is not one
    assert rows[2][0] == "2026-11-10 18:00:00"  # UTC
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)


def test_the_csv_reads_before_and_after(record, login_as):
    staff = login_as(Role.DISTRICT)
    url = f"/manage/allocation/scenarios/{record['draft_scenario']}/status"
    assert staff.post(url, data={"status": "adopted"}).status_code == 303
    export = login_as(Role.ADMIN).get("/manage/audit.csv?kind=scenario")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    adopted = next(r for r in rows if r[2] == "scenario.adopted")
    assert f"allocation_scenario {record['draft_scenario']} status: draft → adopted" in adopted[5]


def test_an_entry_cannot_be_changed_or_deleted(logged, ctx):
    with ctx() as session:
        entry = session.get(AuditEntry, logged["maple_vote"])
        entry.action = "vote.forged"
        with pytest.raises(IllegalMove):
            session.flush()
        session.rollback()
        session.delete(session.get(AuditEntry, logged["maple_vote"]))
        with pytest.raises(IllegalMove):
            session.flush()
        session.rollback()
        assert session.get(AuditEntry, logged["maple_vote"]).action == "vote.cast"
    # No route writes to the log.
    from flask import current_app  # noqa: F401

    with ctx():
        from flask import current_app

        rules = [r for r in current_app.url_map.iter_rules() if "audit" in r.rule]
        assert {r.endpoint for r in rules} == {"manage.audit_log", "manage.audit_export"}
        assert all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in rules)


@pytest.mark.parametrize("role", NON_ADMINS)
def test_only_admins_read_the_log(role, login_as, client, record):
    someone = login_as(role)
    assert someone.get("/manage/audit").status_code == 403
    assert someone.get("/manage/audit.csv").status_code == 403
    assert client.get("/manage/audit.csv").status_code in (302, 303)


def test_record_audit_keeps_its_signature(record, ctx):
    with ctx() as session:
        entry = record_audit(None, "vote.cast", "motion", 7, {"choice": "yes"})
        session.commit()
        assert (entry.action, entry.detail, entry.user_id) == ("vote.cast", {"choice": "yes"}, None)


def test_a_vote_stored_in_a_savepoint_is_inside_its_named_entry(council, login_as, ctx):
    from tests.committee_helpers import link_user

    voter = login_as(Role.COUNCIL)
    link_user(ctx, voter, council["members"][2])
    vote = {"motion_id": council["motion"], "choice": "yes"}
    assert voter.post(f"/meetings/{council['meeting']}/vote", data=vote).status_code in (200, 303)
    with ctx() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "vote.cast")).one()
        stored = [c for c in entry.changes if c["type"] == "motion_vote"]
        assert len(stored) == 1 and stored[0]["fields"]["choice"] == [None, "yes"]
        assert entry.user_id == _user_id(ctx, voter) and entry.school_id is not None
        alone = select(AuditEntry).where(AuditEntry.action == "motion_vote.created")
        assert session.scalars(alone).all() == []
