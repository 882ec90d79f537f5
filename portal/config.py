"""Settings read from the environment, with defaults that are safe for a laptop demo."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET = "dev-only-not-secret"  # noqa: S105 - refused outside development, see check()


def _default_database_url() -> str:
    instance = PROJECT_ROOT / "instance"
    instance.mkdir(exist_ok=True)
    return f"sqlite:///{instance / 'commonground.sqlite3'}"


class Config:
    """Configuration for one app instance; tests pass overrides to create_app()."""

    def __init__(self, **overrides):
        env = os.environ
        self.SECRET_KEY = env.get("SECRET_KEY", DEFAULT_SECRET)
        self.ENV_NAME = env.get("PORTAL_ENV", "development")
        self.SQLALCHEMY_DATABASE_URI = env.get("DATABASE_URL") or _default_database_url()
        self.REDIS_URL = env.get("REDIS_URL") or None
        # How many reverse proxies stand in front of the app (their X-Forwarded-* are trusted).
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        self.RATELIMIT_HEADERS_ENABLED = True
        # Survey answers accepted per client address (flood protection, not identity).
        self.SURVEY_SUBMIT_RATE_LIMIT = env.get("SURVEY_SUBMIT_RATE_LIMIT", "30 per hour")
        self.TRUSTED_PROXIES = int(env.get("TRUSTED_PROXIES", 0))
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        # A request body larger than this is refused with 413 before any view runs.
        self.MAX_CONTENT_LENGTH = int(env.get("MAX_CONTENT_LENGTH", 2 * 1024 * 1024))
        self.MAX_FORM_MEMORY_SIZE = self.MAX_CONTENT_LENGTH
        self.BABEL_DEFAULT_LOCALE = "en"
        self.BABEL_DEFAULT_TIMEZONE = "UTC"
        self.BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
        self.WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session does
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = self.ENV_NAME == "production"
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.REMEMBER_COOKIE_HTTPONLY = True
        # Compression of text responses (Flask-Compress): Brotli first, then gzip. A proxy in
        # front may do it instead (COMPRESS_REGISTER=0 leaves it to the proxy).
        self.COMPRESS_REGISTER = env.get("COMPRESS_REGISTER", "1") == "1"
        self.COMPRESS_ALGORITHM = ["br", "gzip", "deflate"]
        self.COMPRESS_BR_LEVEL = 5
        self.COMPRESS_LEVEL = 6
        self.COMPRESS_MIN_SIZE = 500
        self.COMPRESS_MIMETYPES = [
            "text/html",
            "text/css",
            "text/plain",
            "text/csv",
            "text/calendar",
            "text/javascript",
            "application/javascript",
            "application/json",
            "application/xml",
            "application/atom+xml",
            "image/svg+xml",
        ]
        # Anonymous public pages may be cached by browsers and shared caches this long.
        self.PUBLIC_CACHE_SECONDS = int(env.get("PUBLIC_CACHE_SECONDS", 60))
        # Sign-in throttling: failures allowed per e-mail address and per client within the window.
        self.SIGNIN_MAX_FAILURES_PER_EMAIL = 5
        self.SIGNIN_MAX_FAILURES_PER_CLIENT = 20
        self.SIGNIN_WINDOW_MINUTES = 15
        self.SESSION_LIFETIME_DAYS = 14
        # Sign-in attempts and ended sessions are deleted after this many days (`flask prune`).
        self.SECURITY_RECORD_RETENTION_DAYS = 30
        # Werkzeug's scrypt with its default cost; tests lower the cost to stay fast.
        self.PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - a hash method name, not a password
        # Static URLs carry a content hash (see web.static_url), so they may be cached for a year.
        self.SEND_FILE_MAX_AGE_DEFAULT = 365 * 24 * 3600
        # Outgoing e-mail (bulletins to subscribers), sent by `flask send-outbox`.
        self.SMTP_HOST = env.get("SMTP_HOST", "127.0.0.1")
        self.SMTP_PORT = int(env.get("SMTP_PORT", 25))
        self.SMTP_USERNAME = env.get("SMTP_USERNAME") or None
        self.SMTP_PASSWORD = env.get("SMTP_PASSWORD") or None
        self.SMTP_STARTTLS = env.get("SMTP_STARTTLS", "0") == "1"
        self.MAIL_FROM = env.get("MAIL_FROM", "bulletins@localhost")
        # Where links in e-mails and QR codes point (no request to read it from in a cron job).
        self.PUBLIC_BASE_URL = env.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
        self.SUBSCRIBE_RATE_LIMIT = env.get("SUBSCRIBE_RATE_LIMIT", "10 per hour")
        self.TESTING = False
        for key, value in overrides.items():
            setattr(self, key, value)

    def check(self) -> None:
        """Refuse to run in production with settings that are only fit for a laptop."""
        if self.ENV_NAME != "production":
            return
        problems = []
        if self.SECRET_KEY == DEFAULT_SECRET or len(self.SECRET_KEY or "") < 32:
            problems.append("SECRET_KEY must be set to a random value of 32 characters or more")
        if getattr(self, "DEBUG", False) or os.environ.get("FLASK_DEBUG") in ("1", "true"):
            problems.append("debug mode must be off (unset FLASK_DEBUG)")
        if not (self.PUBLIC_BASE_URL or "").startswith("https://"):
            problems.append("PUBLIC_BASE_URL must be set to the site's https:// address")
        if problems:
            raise RuntimeError(
                "Refusing to start with PORTAL_ENV=production: " + "; ".join(problems) + "."
            )
