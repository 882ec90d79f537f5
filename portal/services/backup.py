"""Backups: a consistent snapshot of the whole database while the portal keeps writing, and
restoring one into an empty database of the same kind.

- SQLite: the online backup API (`sqlite3.Connection.backup`), which copies the database as of
  one moment, the write-ahead log included (copying the file would miss what is still in the
  log). The snapshot is an ordinary SQLite file.
- PostgreSQL: `pg_dump --format=custom` (one transaction, so one moment) and `pg_restore`.
  The password goes to them in the environment (PGPASSWORD), never on the command line.

Restoring refuses a database that already has tables unless `force` is given (then its tables
are dropped first). A SQLite snapshot is never restored into PostgreSQL or the other way round.
"""

import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - runs pg_dump/pg_restore with a fixed argument list
from pathlib import Path

from sqlalchemy import MetaData, create_engine, inspect
from sqlalchemy.engine import make_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done, with the reason in words."""


def _backend(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups of {name} databases are not supported.")
    return name


def _sqlite_path(url: str) -> str:
    path = make_url(url).database
    if not path or path == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return path


def _pg(url: str) -> tuple[str, dict]:
    """A libpq address without the password, and the environment carrying the password."""
    parsed = make_url(url).set(drivername="postgresql")
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    return parsed.set(password=None).render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return found


def backup(url: str, path: str | Path) -> Path:
    """Write a consistent snapshot of the database at `url` to `path` (replaced if it exists)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if _backend(url) == "sqlite":
        source = sqlite3.connect(_sqlite_path(url), timeout=30)
        target = sqlite3.connect(path.with_suffix(path.suffix + ".part"))
        try:
            # pages=-1 (the default): the whole database in one step, under one read lock.
            source.backup(target)
        finally:
            target.close()
            source.close()
        path.with_suffix(path.suffix + ".part").replace(path)
        return path
    address, env = _pg(url)
    _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(path), address], env)
    return path


def is_empty(url: str) -> bool:
    """True when the database has no tables at all."""
    engine = create_engine(url)
    try:
        return not inspect(engine).get_table_names()
    finally:
        engine.dispose()


def _drop_everything(url: str) -> None:
    engine = create_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        metadata.drop_all(engine)
    finally:
        engine.dispose()


def _kind_of_file(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a backup made by flask backup.")


def restore(url: str, path: str | Path, force: bool = False) -> None:
    """Bring the snapshot at `path` back into the database at `url`, which must be empty
    (or `force`: its tables are dropped first)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    backend, kind = _backend(url), _kind_of_file(path)
    if backend != kind:
        raise BackupError(f"{path} is a {kind} backup; this database is {backend}.")
    if not is_empty(url):
        if not force:
            raise BackupError(
                "The database is not empty. Restore into an empty database, or pass --force "
                "to replace everything in it."
            )
        _drop_everything(url)
    if backend == "sqlite":
        source = sqlite3.connect(path)
        target = sqlite3.connect(_sqlite_path(url), timeout=30)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    address, env = _pg(url)
    _run(
        [
            _tool("pg_restore"),
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            address,
            str(path),
        ],
        env,
    )


def _run(command: list[str], env: dict) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-500:]}")
