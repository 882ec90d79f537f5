"""Common Ground: a community engagement portal for districts that budget per pupil."""

from datetime import timedelta

from flask import Flask, g
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import i18n
from portal.config import Config
from portal.extensions import babel, compress, csrf, db, limiter, login_manager, migrate
from portal.extensions import htmx as htmx_extension


def create_app(config: Config | dict | None = None) -> Flask:
    """Build an app; `config` is a Config or a dict of overrides to the environment's settings."""
    if not isinstance(config, Config):
        config = Config(**(config or {}))
    config.check()
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config)
    app.permanent_session_lifetime = timedelta(hours=config.SESSION_MAX_HOURS)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    from portal import access, cli, errors, web

    # Registered before web's hooks so that it runs after them (Flask runs after_request hooks
    # in reverse), on the final body and headers.
    compress.init_app(app)
    web.init_app(app)  # first: the language is chosen before CSRF or login checks can fail
    access.install(app)  # deny by default: a view that declares no roles is refused
    csrf.init_app(app)
    limiter.init_app(app)
    htmx_extension.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=_district_timezone)
    _init_login(app)

    from portal import models  # noqa: F401 - register every table with the metadata
    from portal.blueprints.allocation import bp as allocation_bp
    from portal.blueprints.auth import bp as auth_bp
    from portal.blueprints.bulletins import bp as bulletins_bp
    from portal.blueprints.calendar import bp as calendar_bp
    from portal.blueprints.committees import bp as committees_bp
    from portal.blueprints.feedback import bp as feedback_bp
    from portal.blueprints.manage import bp as manage_bp
    from portal.blueprints.notices import bp as notices_bp
    from portal.blueprints.plans import bp as plans_bp
    from portal.blueprints.public import bp as public_bp
    from portal.blueprints.readiness import bp as readiness_bp
    from portal.blueprints.surveys import bp as surveys_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(manage_bp, url_prefix="/manage")
    app.register_blueprint(surveys_bp)
    app.register_blueprint(readiness_bp)
    app.register_blueprint(allocation_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(plans_bp)
    app.register_blueprint(bulletins_bp)
    app.register_blueprint(committees_bp)
    app.register_blueprint(feedback_bp)
    app.register_blueprint(notices_bp)

    errors.init_app(app)
    cli.init_app(app)
    from portal import cli_jobs  # flask work: documents made in the background

    cli_jobs.init_app(app)
    from portal import cli_notices  # flask send-reminders, send-digests

    if hasattr(cli_notices, "init_app"):
        cli_notices.init_app(app)
    _init_audit(app)
    from portal import page_cache

    page_cache.init_app(app)
    if config.TRUSTED_PROXIES:
        # Outermost, so the page cache and the app both see the client's real address and host.
        n = config.TRUSTED_PROXIES
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    return app


def _init_audit(app: Flask) -> None:
    from flask_login import current_user

    from portal.services import audit_capture

    audit_capture.install(app)

    @app.before_request
    def _audit_actor():
        # Automatic audit entries name the signed-in user, read only when an entry is written.
        audit_capture.set_actor(db.session, lambda: current_user)

    @app.teardown_request
    def _audit_actor_done(_exc):
        audit_capture.set_actor(db.session, None)


def _district_timezone() -> str:
    district = getattr(g, "district", None)
    return district.timezone if district is not None else "UTC"


def _init_login(app: Flask) -> None:
    from flask import flash, redirect, request, url_for
    from flask_babel import gettext as _

    from portal.models import District
    from portal.services.accounts import SessionEnd, session_user
    from portal.services.session_limits import limits_for

    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Please sign in to see that page.")
    login_manager.login_message_category = "info"
    # The cookie carries a session token checked against the database on every request.
    login_manager.session_protection = None

    @login_manager.user_loader
    def load_user(token: str):
        district = g.district if "district" in g else District.current()
        user, ended = session_user(token, limits_for(district))
        g.session_end = ended
        return user

    @login_manager.unauthorized_handler
    def sign_in_first():
        # Back to the page asked for after signing in (?next= is checked there), with a plain
        # word on why when a session has just run out.
        ended = getattr(g, "session_end", None)
        if ended is SessionEnd.IDLE:
            message = _("You were signed out after a while without activity. Please sign in again.")
        elif ended is SessionEnd.ABSOLUTE:
            message = _("Your sign-in has expired. Please sign in again.")
        else:
            message = _("Please sign in to see that page.")
        flash(message, "info")
        target = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for(login_manager.login_view, next=target))


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite: enforce foreign keys, write-ahead log for concurrent readers, wait on locks."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
