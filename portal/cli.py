"""Command-line tasks: `flask --app wsgi demo`, and Flask-Migrate's `flask --app wsgi db ...`;
the data-safety ones (purge, backup, restore) are in portal/cli_data.py."""

import click
from flask import Flask
from flask_babel import force_locale


def init_app(app: Flask) -> None:
    @app.cli.command("demo")
    def demo_command():
        """Load (or refresh) the demo district. Safe to run more than once; refused in
        production, where it would add accounts with a published password."""
        from portal.demo import DEMO_PASSWORD, load_demo

        if app.config.get("ENV_NAME") == "production":
            raise click.ClickException("flask demo is refused when PORTAL_ENV=production.")

        accounts = load_demo()
        click.echo("Demo district loaded. Sign in at /auth/sign-in with:")
        with app.test_request_context(), force_locale("en"):
            for email, role in accounts:
                click.echo(f"  {email:<24} password: {DEMO_PASSWORD:<6} ({role.label})")

    # purge (and its old name prune), backup and restore: portal/cli_data.py.
    from portal import cli_data, cli_setup

    cli_data.init_app(app)
    cli_setup.init_app(app)  # flask setup: the first run

    @app.cli.command("clear-page-cache")
    def clear_page_cache_command():
        """Drop every stored anonymous page (a deploy starts from an empty cache anyway, as the
        key holds a fingerprint of the code; this frees the space at once)."""
        from portal import page_cache

        if app.extensions.get("page_cache") is None:
            click.echo("The page cache is off (PAGE_CACHE_ENABLED=0).")
            return
        page_cache.clear(app)
        click.echo("Page cache cleared.")

    @app.cli.command("publish-scheduled")
    def publish_scheduled_command():
        """Publish bulletins whose scheduled time has passed (run every few minutes from cron)."""
        from portal.extensions import db
        from portal.models import District
        from portal.services.bulletins import publish_due

        count = 0
        # A request context, for the e-mails' addresses (url_for) and languages.
        with app.test_request_context():
            for district in db.session.scalars(db.select(District)):
                count += len(publish_due(district))
            db.session.commit()
        click.echo(f"Published {count} scheduled bulletins.")

    @app.cli.command("send-outbox")
    @click.option("--limit", default=10000, show_default=True, help="Most messages this run.")
    @click.option("--batch", default=None, type=int, help="Messages per claim and connection.")
    def send_outbox_command(limit, batch):
        """Send queued e-mail over SMTP; failures stay queued for the next run, until they have
        failed OUTBOX_MAX_ATTEMPTS times. Several may run at once; each sends different rows."""
        from portal.services.mail import outbox_counts, send_outbox

        sent, failed = send_outbox(limit=limit, batch_size=batch)
        counts = outbox_counts()
        click.echo(f"Sent {sent}; {failed} failed and stay queued.")
        click.echo(
            f"Outbox: {counts['queued']} queued, {counts['sending']} being sent, "
            f"{counts['failed']} given up (failed {app.config.get('OUTBOX_MAX_ATTEMPTS', 8)} "
            "times; see last_error)."
        )
