"""`flask send-digests` (daily: followers' weekly digest once a week, staff and members' daily
digest) and `flask send-reminders` (hourly: meetings a day ahead, deadlines a week ahead,
schools behind); then `flask send-outbox` sends what they queued."""

import click
from flask import Flask


def init_app(app: Flask) -> None:
    @app.cli.command("send-digests")
    def send_digests_command():
        """Merge each person's waiting notices into one message, queued in the outbox."""
        from portal.extensions import db
        from portal.services.digests import send_digests

        # A request context, for the messages' addresses (url_for) and languages.
        with app.test_request_context():
            count = send_digests()
            db.session.commit()
        click.echo(f"Queued {count} digests.")

    @app.cli.command("send-reminders")
    def send_reminders_command():
        """Queue the meeting and deadline reminders that are due (each once, ever)."""
        from portal.services.reminders import send_reminders

        with app.test_request_context():
            counts = send_reminders()
        click.echo(
            "Queued {meeting_reminder} meeting reminders, {deadline_reminder} deadline "
            "reminders, {school_behind} behind-schedule notices.".format(**counts)
        )
