"""Fixtures: an app per database backend, a clean database per test, users per role.

Every test that uses `app` runs once on SQLite and, when TEST_DATABASE_URL is set, once more on
PostgreSQL. No app context is held while requests run, so each request sees a fresh `g` and
session, as it would in production.
"""

import os
import re
from contextlib import contextmanager
from html import unescape

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.extensions import db as _db
from portal.models import District, Role, School, User
from portal.services.accounts import set_roles

# Fixtures shared by the committee tests and their browser test.
pytest_plugins = ["tests.committee_helpers"]

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])
PASSWORD = "correct horse battery"


def worker_database_url(url: str) -> str:
    """Under pytest-xdist, each worker's own database `<name>_<worker>` on the same server
    (created when missing), so workers never clean each other's rows; else `url` itself."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    parsed = make_url(url)
    name = f"{parsed.database}_{worker}"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists.first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def app(request, tmp_path_factory):
    """An app whose database was built by the Alembic migrations (not create_all)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    else:
        url = worker_database_url(TEST_DATABASE_URL)
        _reset_postgres(url)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            # argon2id at a tiny cost (time, KiB, lanes): hashing stays fast in tests.
            "PASSWORD_ARGON2_COST": (1, 64, 1),
            # Tests sign admins and facilitators in with a password only; the two-step
            # tests (tests/test_two_factor.py) turn the requirement back on.
            "TWO_FACTOR_REQUIRED_ROLES": (),
            # Every test client is 127.0.0.1: the flood limit is exercised in its own test.
            "SURVEY_SUBMIT_RATE_LIMIT": "100000 per hour",
            # Likewise anonymous PDFs (tests/test_trust_pdfs.py tests the limit), and the
            # minimum time to fill a survey in (tests/test_trust_ballots.py tests it).
            "PDF_RATE_LIMIT": "100000 per hour",
            "SURVEY_MIN_FILL_SECONDS": 0,
            # The whole-page cache is off here, so every test sees its own writes through any
            # path (tests/test_page_cache.py and the two-process test turn it on).
            "PAGE_CACHE_ENABLED": False,
        }
    )
    app.backend = request.param
    with app.app_context():
        upgrade()
        if request.param == "postgresql":
            _keep_insertion_order()
    yield app
    with app.app_context():
        _db.engine.dispose()


def _postgres_clean_statement(app) -> str:
    """One batch emptying every table and restarting the sequences they own, as TRUNCATE ...
    RESTART IDENTITY does, but about thirty times faster on tables holding a few rows (TRUNCATE
    makes new files for all 80-odd tables each time). Children before parents, as on SQLite."""
    statement = getattr(app, "_clean_statement", None)
    if statement is None:
        tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
        sequences = _db.session.scalars(
            text(
                "SELECT DISTINCT s.relname FROM pg_class s"
                " JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')"
                " JOIN pg_class t ON t.oid = d.refobjid"
                " WHERE s.relkind = 'S' AND t.relname = ANY(:tables)"
            ),
            {"tables": tables},
        ).all()
        statement = "; ".join(
            [f'DELETE FROM "{name}"' for name in tables]  # noqa: S608 - our own table names
            + [f'ALTER SEQUENCE "{name}" RESTART' for name in sorted(sequences)]
        )
        app._clean_statement = statement
    return statement


def _keep_insertion_order() -> None:
    """The clean between tests DELETEs (TRUNCATE of every table cost up to a second a test);
    with vacuum off, space freed by a DELETE is not reused during the session, so rows come
    back in the order they were written, as after a TRUNCATE (tests should still ORDER BY)."""
    names = [t.name for t in _db.metadata.sorted_tables]
    for name in names:
        _db.session.execute(
            text(
                f'ALTER TABLE "{name}" SET (autovacuum_enabled = false, '
                "toast.autovacuum_enabled = false)"
            )
        )
    _db.session.commit()


def _clean(app) -> None:
    with app.app_context():
        if _db.engine.dialect.name == "postgresql":
            _db.session.connection().exec_driver_sql(_postgres_clean_statement(app))
        else:
            for t in reversed(_db.metadata.sorted_tables):
                _db.session.execute(text(f'DELETE FROM "{t.name}"'))  # noqa: S608
        _db.session.commit()
        _db.session.remove()


@pytest.fixture
def clean_app(app):
    """The app with an empty database, emptied again after the test."""
    _clean(app)
    yield app
    _clean(app)


@pytest.fixture
def ctx(clean_app):
    """Run a block inside an app context: `with ctx(): ...`."""

    @contextmanager
    def _ctx():
        with clean_app.app_context():
            yield _db.session
            _db.session.remove()

    return _ctx


@pytest.fixture
def district(clean_app):
    """A small district: three schools across levels, descriptions in English and Spanish."""
    with clean_app.app_context():
        d = District(
            name="Test Valley Unified",
            slug="test-valley",
            default_locale="en",
            tagline={"en": "Plans and budgets in plain language.", "es": "Planes y presupuestos."},
        )
        _db.session.add(d)
        _db.session.flush()
        rows = [
            ("maple-elementary", "Maple Elementary", "elementary", 412, "12 Maple St"),
            ("cedar-middle", "Cedar Middle School", "middle", 730, "400 Cedar Ave"),
            ("summit-high", "Summit High School", "high", 1520, "9 Summit Rd"),
        ]
        for slug, name, level, enrollment, address in rows:
            _db.session.add(
                School(
                    district_id=d.id,
                    slug=slug,
                    name=name,
                    level=level,
                    enrollment=enrollment,
                    address=address,
                    description={"en": f"About {name}.", "es": f"Acerca de {name}."},
                )
            )
        _db.session.commit()
        info = {"id": d.id, "slugs": [r[0] for r in rows]}
        _db.session.remove()
    return info


@pytest.fixture
def make_user(clean_app, district):
    """Factory: make_user(Role.PRINCIPAL, schools=["maple-elementary"]) -> e-mail address."""
    counter = iter(range(1, 10_000))

    def _make(*roles: Role, schools=(), active=True, email=None) -> str:
        with clean_app.app_context():
            email = email or f"user{next(counter)}@example.test"
            user = User(email=email, name=f"Test {email.split('@')[0]}", is_active=active)
            user.set_password(PASSWORD)
            school_ids = [
                s.id
                for s in _db.session.scalars(_db.select(School).where(School.slug.in_(schools)))
            ]
            set_roles(user, [r.value for r in roles], school_ids)
            _db.session.add(user)
            _db.session.commit()
            _db.session.remove()
        return email

    return _make


@pytest.fixture
def client(clean_app):
    return clean_app.test_client()


def sign_in(client, email: str, password: str = PASSWORD):
    return client.post(
        "/auth/sign-in", data={"email": email, "password": password}, follow_redirects=False
    )


@pytest.fixture
def login_as(clean_app, make_user):
    """Factory: login_as(Role.ADMIN) -> a test client signed in as a new user with that role."""

    def _login(*roles: Role, schools=("maple-elementary",)):
        email = make_user(
            *roles,
            schools=schools if any(r in (Role.PRINCIPAL, Role.COUNCIL) for r in roles) else (),
        )
        c = clean_app.test_client()
        response = sign_in(c, email)
        assert response.status_code == 303, response.get_data(as_text=True)
        c.email = email
        return c

    return _login


def hx(target: str, boosted: bool = False) -> dict:
    """Headers htmx sends for a request aimed at element #target."""
    headers = {"HX-Request": "true", "HX-Target": target, "HX-Current-URL": "http://localhost/"}
    if boosted:
        headers["HX-Boosted"] = "true"
    return headers


def visible_text(html: str) -> str:
    """The text of a page with tags, scripts and styles removed (for content assertions)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def live_server(clean_app):
    """The app served by a threaded WSGI server on a free loopback port for one test."""
    from tests.browser.harness import serving

    with serving(clean_app) as base:
        yield base


@pytest.fixture
def survey_id(clean_app, district):
    """A published, open survey from the SSFR template (slug "ssfr-test"), public results."""
    from tests.survey_helpers import make_survey

    return make_survey(clean_app, district["id"], results_public=True)


@pytest.fixture
def funded(clean_app, district):
    """The test district with a current year, streams, enrollment and Table 2.2 adopted
    (tests/factories.py: 40% of students in poverty, 20% learning English, 12% special ed)."""
    from tests import factories

    with clean_app.app_context():
        row = _db.session.get(District, district["id"])
        factories.funding(row, factories.school_year(row))
        _db.session.commit()
        _db.session.remove()
    return district


def pdf_text(data: bytes, tmp_path) -> str:
    """The text layer of a PDF, read back with poppler's pdftotext."""
    import subprocess

    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
