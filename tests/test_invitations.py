"""Invitations and password resets by e-mail: one-time links on PUBLIC_BASE_URL, sent through
the outbox, in the person's language; "Forgot your password?" answers the same for any
address."""

import re
import socket
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEntry, LoginSession, OutboxMessage, Role, User
from portal.models.account_tokens import AccountToken
from portal.models.base import utcnow
from portal.services import account_links
from portal.services.invitations import invite_user, request_reset
from tests.conftest import sign_in

NEW_PASSWORD = "purple giraffe umbrella"


def _user(email):
    return db.session.scalars(select(User).where(User.email == email)).one()


def _token(body: str) -> str:
    return re.search(r"/auth/set-password/([\w-]+)", body).group(1)


def test_invite_user_queues_a_message_with_a_working_link(clean_app, make_user, ctx):
    email = make_user(Role.PRINCIPAL, schools=["maple-elementary"])
    with ctx(), clean_app.test_request_context():
        user = _user(email)
        message = invite_user(user, None)
        db.session.commit()
        assert isinstance(message, OutboxMessage) and message.to_address == email
        assert clean_app.config["PUBLIC_BASE_URL"] + "/auth/set-password/" in message.body_text
        token = _token(message.body_text)
        assert account_links.find(token) is not None
        row = db.session.scalars(select(AccountToken)).one()
        assert token not in row.token_hash and row.purpose == "invitation"
