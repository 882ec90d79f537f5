"""Data-safety commands: `flask purge` (and its old name `flask prune`), `flask backup PATH` and
`flask restore PATH`. Run purge daily from cron; what it deletes and when is the registry in
portal/services/retention.py, the same one the privacy page shows."""

from datetime import datetime

import click
from flask import Flask


def _when(value: str | None) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise click.BadParameter("give a time zone, e.g. 2026-12-01T00:00:00+00:00")
    return moment


def init_app(app: Flask) -> None:
    """Register the commands on `app`."""

    @click.option("--dry-run", is_flag=True, help="Count what would be deleted; delete nothing.")
    @click.option("--now", "now", default=None, help="Count retention from this ISO time.")
    def purge_command(dry_run: bool, now: str | None):
        """Delete personal data past its retention (run daily from cron)."""
        from portal.services.retention import purge

        counts = purge(now=_when(now), dry_run=dry_run)
        done = "to delete (dry run, nothing deleted)" if dry_run else "deleted"
        for what, count in counts:
            click.echo(f"{what}: {count} {done}")

    command = app.cli.command("purge")(purge_command)
    # `flask prune` (the name used before purge covered every table) stays as an alias, so
    # existing cron lines keep working and now delete everything past its retention.
    app.cli.add_command(command, "prune")

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False))
    def backup_command(path: str):
        """Write a consistent snapshot of the database to PATH while the portal runs."""
        from portal.services.backup import BackupError, backup

        try:
            written = backup(app.config["SQLALCHEMY_DATABASE_URI"], path)
        except BackupError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Backup written to {written}.")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--force", is_flag=True, help="Replace a database that is not empty.")
    def restore_command(path: str, force: bool):
        """Bring a backup made by `flask backup` into an empty database of the same kind."""
        from portal.extensions import db
        from portal.services.backup import BackupError, restore

        # Nothing of this process may hold the database open while it is replaced.
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        try:
            restore(app.config["SQLALCHEMY_DATABASE_URI"], path, force=force)
        except BackupError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Restored {path}.")
