"""`flask send-digests`: the weekly digest for followers who chose it (from cron, weekly;
then `flask send-outbox` sends it)."""

import click
from flask import Flask


def init_app(app: Flask) -> None:
    @app.cli.command("send-digests")
    def send_digests_command():
        """Merge each follower's waiting notices into one message, queued in the outbox."""
        from portal.extensions import db
        from portal.services.digests import send_digests

        # A request context, for the messages' addresses (url_for) and languages.
        with app.test_request_context():
            count = send_digests()
            db.session.commit()
        click.echo(f"Queued {count} digests.")
