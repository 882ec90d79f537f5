"""District bulletins: written once, published in every language, online, by feed, by e-mail
and on paper."""

from flask import Blueprint

bp = Blueprint("bulletins", __name__)

from portal.blueprints.bulletins import manage, routes, subscribe  # noqa: E402, F401
