"""What the go-live walk (test_go_live_walk.py) needs besides a browser: its own app on an
empty database built by the migrations, a real SMTP server on 127.0.0.1 that keeps what it
receives, `flask` commands through Flask's CliRunner, and a phone-sized browser context."""

import re
import socket
from email import message_from_bytes
from email.policy import default as default_policy

from flask_migrate import upgrade

from portal import create_app
from portal.extensions import db

PHONE = {"width": 360, "height": 740}


def empty_app(path):
    """An app on a new SQLite database built by the migrations: no district, no account.
    CSRF protection and the two-step sign-in roles are the production defaults (nothing in
    the walk is made easier than a district would have it), except that argon2id hashes at a
    tiny cost so the walk stays quick."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "TESTING": True,
            "SECRET_KEY": "go-live-walk-secret-key-of-enough-length",
            "PASSWORD_ARGON2_COST": (1, 64, 1),
            "SMTP_STARTTLS": False,
        }
    )
    with app.app_context():
        upgrade()
    return app


def dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class SmtpSink:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) keeping every message it receives."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages = []
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"

    def __enter__(self):
        self._controller.start()
        return self

    def __exit__(self, *exc):
        self._controller.stop()

    def to(self, address: str):
        """The one message sent to `address`."""
        found = [m for m in self.messages if m["To"] == address]
        assert len(found) == 1, [m["To"] for m in self.messages]
        return found[0]


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(text: str, base: str) -> str:
    """The one-time link in a message or in the console, which must be on the site's address."""
    link = re.search(r"https?://\S+/auth/set-password/[\w-]+", text).group(0)
    assert link.startswith(base + "/"), (link, base)
    return link


def flask(app, *args: str) -> str:
    """Run a `flask` command as a district's IT person would; its output (exit code 0)."""
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def phone(browser, javascript=True):
    """A new phone-sized browser (its own cookies): (context, page)."""
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=javascript
    )
    return context, context.new_page()
