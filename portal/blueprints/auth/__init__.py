from flask import Blueprint

bp = Blueprint("auth", __name__)

from portal.blueprints.auth import links, password, routes, two_factor  # noqa: E402, F401
