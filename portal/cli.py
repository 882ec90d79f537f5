"""Command-line tasks: `flask --app wsgi demo`, and Flask-Migrate's `flask --app wsgi db ...`."""

import click
from flask import Flask
from flask_babel import force_locale


def init_app(app: Flask) -> None:
    @app.cli.command("demo")
    def demo_command():
        """Load (or refresh) the demo district. Safe to run more than once."""
        from portal.demo import DEMO_PASSWORD, load_demo

        with force_locale("en"):
            accounts = load_demo()
        click.echo("Demo district loaded. Sign in at /auth/sign-in with:")
        for email, label in accounts:
            click.echo(f"  {email:<24} password: {DEMO_PASSWORD:<6} ({label})")
