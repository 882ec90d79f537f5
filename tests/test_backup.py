"""`flask backup` and `flask restore`: a snapshot taken while another connection keeps inserting
and committing holds every row committed before it began, restores into a fresh database at the
migrations' head, and restore refuses a database that is not empty (unless forced) or of the
other kind. SQLite always; PostgreSQL on TEST_DATABASE_URL's server, in scratch databases."""

import os
import threading
import time
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.services.backup import BackupError, backup, is_empty, restore

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
HEAD = ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_current_head()


def _migrated(url: str):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "test-secret"})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return app


INSERT = text("INSERT INTO short_link (code, kind, target_id) VALUES (:c, 'school', :n)")


class Writer(threading.Thread):
    """Inserts a row and commits, over and over, on its own connection; `committed` lists the
    rows whose commit had returned."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.engine = create_engine(url)
        self.committed: list[int] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self):
        n = 0
        try:
            while not self.stop.is_set():
                n += 1
                with self.engine.begin() as conn:
                    conn.execute(INSERT, {"c": f"w{n}", "n": n})
                self.committed.append(n)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            self.error = error
        finally:
            self.engine.dispose()

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 30
        while len(self.committed) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(self.committed) >= count, self.error


def _rows(url: str) -> tuple[set[int], str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            ids = set(conn.scalars(text("SELECT target_id FROM short_link")))
            revision = conn.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        engine.dispose()
    return ids, revision


def _backup_during_writes(source: str, target: str, snapshot: Path) -> None:
    writer = Writer(source)
    writer.start()
    try:
        writer.wait_for(50)
        before = set(writer.committed)  # every commit that returned before the snapshot began
        backup(source, snapshot)
        during = len(writer.committed)
        writer.wait_for(during + 20)  # the writer kept going after the snapshot
    finally:
        writer.stop.set()
        writer.join(10)
    assert writer.error is None, writer.error

    assert is_empty(target)
    restore(target, snapshot)
    restored, revision = _rows(target)
    assert before <= restored, f"lost {len(before - restored)} committed rows"
    assert revision == HEAD
    # A consistent snapshot: whole commits, numbered 1..n with no gap.
    assert restored == set(range(1, len(restored) + 1))

    with pytest.raises(BackupError, match="not empty"):
        restore(target, snapshot)
    restore(target, snapshot, force=True)
    assert _rows(target)[0] == restored


def test_sqlite_backup_during_writes(tmp_path):
    source = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    _migrated(source)
    _backup_during_writes(source, f"sqlite:///{tmp_path / 'fresh.sqlite3'}", tmp_path / "b.db")


def test_restore_refuses_the_other_kind_and_other_files(tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    with pytest.raises(BackupError, match="not a backup"):
        restore(f"sqlite:///{tmp_path / 'x.sqlite3'}", not_a_backup)
    pg_dump_file = tmp_path / "pg.dump"
    pg_dump_file.write_bytes(b"PGDMP\x01\x0e")
    with pytest.raises(BackupError, match="postgresql backup"):
        restore(f"sqlite:///{tmp_path / 'x.sqlite3'}", pg_dump_file)


def test_the_commands(tmp_path):
    app = _migrated(f"sqlite:///{tmp_path / 'live.sqlite3'}")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", str(tmp_path / "snap" / "b.db")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["restore", str(tmp_path / "snap" / "b.db")])
    assert result.exit_code == 1 and "not empty" in result.output
    result = runner.invoke(args=["restore", "--force", str(tmp_path / "snap" / "b.db")])
    assert result.exit_code == 0, result.output


@pytest.fixture
def scratch_postgres():
    """Two scratch databases on TEST_DATABASE_URL's server, dropped afterwards."""
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL backups are not tested")
    server = make_url(TEST_DATABASE_URL)
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    names = [f"cg_backup_{os.getpid()}_{role}" for role in ("live", "fresh")]

    def drop():
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    drop()
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield [server.set(database=name).render_as_string(hide_password=False) for name in names]
    drop()
    admin.dispose()


def test_postgresql_backup_during_writes(scratch_postgres, tmp_path):
    source, target = scratch_postgres
    _migrated(source)
    _backup_during_writes(source, target, tmp_path / "b.dump")
