from flask import Blueprint

bp = Blueprint("public", __name__)

from portal.blueprints.public import routes, security  # noqa: E402, F401
