"""`flask setup`: the first run on a new database. It creates the district, its current school
year and the first administrator, whose password is chosen from a one-time link printed as
the LAST line of the output (or typed at a prompt with --password-prompt), never a default.

    flask --app wsgi setup --district "Riverbend Unified" --time-zone America/Los_Angeles \\
        --language en --languages es,zh_Hans --region US --admin-email it@riverbend.example

On a terminal, whatever is missing is asked for; otherwise a missing answer is an error."""

import sys

import click
from flask import Flask, current_app
from flask_babel import force_locale

from portal.i18n import LANGUAGES

# Option name -> the question asked on a terminal when it is missing.
QUESTIONS = {
    "district": "District name",
    "time_zone": "Time zone (such as America/Los_Angeles)",
    "language": f"Main language ({', '.join(LANGUAGES)})",
    "admin_email": "The first administrator's e-mail address",
}


def _codes(value: str | None) -> list[str]:
    return [code.strip() for code in (value or "").split(",") if code.strip()]


def init_app(app: Flask) -> None:
    @app.cli.command("setup")
    @click.option("--district", help="The district's name, as the public sees it.")
    @click.option("--time-zone", help="Where the district is, e.g. America/Los_Angeles.")
    @click.option("--language", help="The main language (content falls back to it), e.g. en.")
    @click.option(
        "--languages", default=None, help="Other languages it publishes in, e.g. es,zh_Hans."
    )
    @click.option("--region", default=None, help="Country for number formats (default US).")
    @click.option("--admin-email", help="The first administrator's e-mail address.")
    @click.option("--admin-name", default=None, help="Their name (default: Administrator).")
    @click.option(
        "--password-prompt",
        is_flag=True,
        help="Type the administrator's password here instead of printing a one-time link.",
    )
    def setup_command(**answers):
        """Set up a new portal: the district and its first administrator (once)."""
        from portal.extensions import db
        from portal.models import District
        from portal.models.account_tokens import LinkPurpose
        from portal.services.account_links import lifetime, link_url
        from portal.services.errors import Rejected
        from portal.services.first_run import set_up

        if District.current() is not None:
            raise click.ClickException(
                "This portal is already set up: a district exists. Add accounts from the "
                "workspace (Accounts and roles)."
            )
        interactive = sys.stdin.isatty()
        for key, question in QUESTIONS.items():
            if not answers[key] and interactive:
                answers[key] = click.prompt(question)
        if interactive and answers["languages"] is None:
            answers["languages"] = click.prompt(
                "Other languages it publishes in (comma-separated, or empty)", default=""
            )
        if interactive and answers["region"] is None:
            answers["region"] = click.prompt("Region for number formats", default="US")
        missing = [f"--{key.replace('_', '-')}" for key in QUESTIONS if not answers[key]]
        if missing:
            raise click.UsageError(f"Missing: {', '.join(missing)}.")
        password = None
        if answers["password_prompt"]:
            password = click.prompt(
                "Administrator's password (at least 12 characters)",
                hide_input=True,
                confirmation_prompt=True,
            )
        with current_app.test_request_context(), force_locale("en"):
            try:
                _district, admin, token = set_up(
                    district=answers["district"],
                    time_zone=answers["time_zone"].strip(),
                    language=answers["language"].strip(),
                    languages=_codes(answers["languages"]),
                    region=(answers["region"] or "US").strip().upper(),
                    email=answers["admin_email"].strip(),
                    name=answers["admin_name"] or "",
                    password=password,
                )
            except Rejected as error:
                db.session.rollback()
                lines = [f"--{name}: {message}" for name, message in error.fields.items()]
                raise click.ClickException("\n".join(lines + error.messages)) from None
            db.session.commit()
            click.echo(f"Set up {_district.name}, with its current school year.")
            click.echo(f"Administrator: {admin.email}")
            if token is None:
                base = current_app.config["PUBLIC_BASE_URL"]
                click.echo("Sign in at:")
                click.echo(f"{base}/auth/sign-in")
                return
            hours = round(lifetime(LinkPurpose.SETUP).total_seconds() / 3600)
            click.echo(
                f"Open this link within {hours} hours to choose the administrator's password "
                "(it works once):"
            )
            click.echo(link_url(token))
