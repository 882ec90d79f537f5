"""No GET writes (issue 12, item 6): every GET route of the URL map, opened by an anonymous
visitor and by each role on the demo district with a scheduled bulletin that is due, leaves
every table exactly as it was. Publishing due bulletins is `flask publish-scheduled`'s job;
short links are made when their page is created or published; nothing is made on a view."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from werkzeug.routing import Rule

from portal.access import READ_ACTIONS
from portal.extensions import db
from portal.models import Bulletin, Role, School, ShortLink, User
from tests.conftest import sign_in
from tests.pages import _first, _samples, _values_for

# Bookkeeping a GET may touch, and why: a signed-in device's "last used" time (at most every
# five minutes, for the device list) is not part of any record.
IGNORED_COLUMNS = {("login_session", "last_seen_at")}
# Rate-limit counters (an anonymous PDF request counts against its address's limit) are flood
# protection kept in the database when there is no Redis, not part of any record.
IGNORED_TABLES = {"rate_limit_counter"}
PLACEHOLDERS = {"IntegerConverter": 1}


def _snapshot() -> dict[str, list]:
    """Every row of every table, as sorted tuples (call in an app context)."""
    tables = {}
    for table in db.metadata.sorted_tables:
        if table.name in IGNORED_TABLES:
            continue
        columns = [c for c in table.columns if (table.name, c.name) not in IGNORED_COLUMNS]
        rows = db.session.execute(select(*columns)).all()
        if table.name == "audit_entry":
            # Who was refused a page, who read interview notes: records of reading, by design.
            rows = [row for row in rows if row.action not in READ_ACTIONS]
        tables[table.name] = sorted(tuple(map(repr, row)) for row in rows)
    return tables


def _extra_samples() -> dict[str, list]:
    """Arguments of the routes that are not pages (short links, pictures, packets)."""
    bulletin = _first(select(Bulletin).where(Bulletin.status == "published").order_by(Bulletin.id))
    links = list(db.session.scalars(select(ShortLink).order_by(ShortLink.code)))
    return {
        "code": sorted({link.code for link in links}) or ["nothing"],
        "lang": ["es"],
        "year": [bulletin.published_at.year] if bulletin else [2026],
        "month": [bulletin.published_at.month] if bulletin else [9],
        "digest": [bulletin.image.digest if bulletin and bulletin.image else "0000"],
        "size": ["small"],
    }


def _urls(app) -> list[str]:
    """One address for each combination of sample arguments of every GET route."""
    from flask import url_for

    with app.app_context():
        samples = {**_samples(), **_extra_samples()}
        principal = _first(select(User.id).where(User.email == "principal@demo.test"))
        users = [principal] if principal else [1]
        urls = []
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in rule.methods or rule.endpoint == "static":
                continue
            combos = _values_for(rule, samples, users) or [_placeholders(rule)]
            with app.test_request_context():
                urls.extend(url_for(rule.endpoint, **values) for values in combos)
    return sorted(set(urls))


def _placeholders(rule: Rule) -> dict:
    """Arguments for a route the demo has no sample for (it answers 404, still read-only)."""
    return {
        arg: PLACEHOLDERS.get(rule._converters[arg].__class__.__name__, "x")
        for arg in rule.arguments
    }


def test_no_get_route_changes_a_row_for_anyone(clean_app):
    runner = clean_app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    with clean_app.app_context():
        district_id = db.session.scalars(select(Bulletin.district_id)).first()
        due = Bulletin(
            district_id=district_id,
            slug="due-an-hour-ago",
            title={"en": "Due an hour ago"},
            body={"en": "Published by the command, not by a reader."},
            status="scheduled",
            publish_at=datetime.now(UTC) - timedelta(hours=1),
        )
        db.session.add(due)
        # One school as from before short links: its page must show the full address, not make
        # the link while it is read (issue 18: the school page wrote on every first view).
        chavez = db.session.scalars(
            select(School).where(School.slug == "cesar-chavez-elementary")
        ).one()
        db.session.execute(
            delete(ShortLink).where(ShortLink.kind == "school", ShortLink.target_id == chavez.id)
        )
        db.session.commit()
        due_id = due.id
        db.session.remove()
    clients = {"anonymous": clean_app.test_client()}
    for role in Role:
        client = clean_app.test_client()
        assert sign_in(client, f"{role.value}@demo.test", "demo").status_code == 303, role
        clients[role.value] = client
    urls = _urls(clean_app)
    assert len(urls) > 60  # the enumeration really found the routes
    # The pages a text message sends parents to are among them, the school without a link too.
    assert {"/", "/schools", "/schools/cesar-chavez-elementary"} <= set(urls)
    with clean_app.app_context():
        before = _snapshot()
        db.session.remove()
    failures = []
    for who, client in clients.items():
        for url in urls:
            response = client.get(url)
            # A GET that failed might have rolled back a write and hidden it.
            if response.status_code >= 500:
                failures.append((who, url, response.status_code))
            response.close()
    assert not failures, failures
    with clean_app.app_context():
        after = _snapshot()
        assert db.session.get(Bulletin, due_id).status == "scheduled"
        db.session.remove()
    changed = {
        name: (len(before[name]), len(after[name]))
        for name in before
        if before[name] != after[name]
    }
    assert not changed, f"GET requests changed these tables (rows before, after): {changed}"
