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
        # Rate-limit counters: in Redis when there is one, else in the database (shared by every
        # worker and server, kept across restarts); never in process memory ("memory://").
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "database://"
        # Portals sharing one Redis keep their counters apart by a prefix of their own.
        self.RATELIMIT_KEY_PREFIX = env.get("RATELIMIT_KEY_PREFIX", "")
        self.RATELIMIT_HEADERS_ENABLED = True
        # When the counters cannot be reached (Redis down), a request goes on unlimited and the
        # error is logged: a parent never gets a 500 for it. Receipts, the minimum fill time and
        # the honeypot still hold, as they live in the database.
        self.RATELIMIT_SWALLOW_ERRORS = True
        # Survey answers accepted per client address (flood protection, not identity). A parent
        # meeting on the school's Wi-Fi is many people behind one address: 150 an hour lets a
        # full meeting room answer together, while a flood from one address is still capped
        # (and each answer needs a fresh form, shown for SURVEY_MIN_FILL_SECONDS first). For a
        # bigger event raise it, or hand out paper forms or access codes.
        self.SURVEY_SUBMIT_RATE_LIMIT = env.get("SURVEY_SUBMIT_RATE_LIMIT", "150 per hour")
        # Least time between drawing the survey form and sending it (one second a question for
        # short surveys, at most this); a form's receipt is refused after this many hours.
        self.SURVEY_MIN_FILL_SECONDS = float(env.get("SURVEY_MIN_FILL_SECONDS", 15))
        self.SURVEY_RECEIPT_MAX_AGE_HOURS = float(env.get("SURVEY_RECEIPT_MAX_AGE_HOURS", 24))
        self.TRUSTED_PROXIES = int(env.get("TRUSTED_PROXIES", 0))
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        # A request body larger than this is refused with 413 before any view runs.
        self.MAX_CONTENT_LENGTH = int(env.get("MAX_CONTENT_LENGTH", 2 * 1024 * 1024))
        self.MAX_FORM_MEMORY_SIZE = self.MAX_CONTENT_LENGTH
        # Bounded work for every PDF made during a request: pages, and seconds of layout (the
        # alarm works on the main thread, as in gunicorn's sync workers; see portal/pdf.py).
        self.PDF_MAX_PAGES = int(env.get("PDF_MAX_PAGES", 150))
        self.PDF_TIME_LIMIT_SECONDS = float(env.get("PDF_TIME_LIMIT_SECONDS", 15))
        # PDFs asked for by anonymous visitors, per client address, all PDF pages together.
        self.PDF_RATE_LIMIT = env.get("PDF_RATE_LIMIT", "20 per hour")
        # Paper survey sheets in one request; district staff ask for more (up to the packet
        # size) as a packet that `flask worker` makes in the background, a part at a time.
        self.PAPER_SHEETS_PER_REQUEST = int(env.get("PAPER_SHEETS_PER_REQUEST", 20))
        self.PAPER_SHEETS_PER_PACKET = int(env.get("PAPER_SHEETS_PER_PACKET", 2000))
        self.PAPER_SHEETS_PER_PART = 50
        self.BACKGROUND_PDF_TIME_LIMIT_SECONDS = float(env.get("BACKGROUND_PDF_SECONDS", 300))
        # A packet still "running" this long after it started lost its worker: it is tried
        # again (up to DOCUMENT_JOB_ATTEMPTS times in all), then marked failed.
        # On the same host a dead worker's job is taken back at once (its process is gone).
        self.DOCUMENT_JOB_STALE_MINUTES = int(env.get("DOCUMENT_JOB_STALE_MINUTES", 30))
        # The task queue (Huey, portal/tasks.py): packets of paper forms, e-mail, the safety
        # net. redis://... or sqlite:///PATH; unset: REDIS_URL, else instance/tasks.sqlite3
        # (one host only). Keys/table name of the queue (two portals on one Redis need two).
        self.TASK_QUEUE_URL = env.get("TASK_QUEUE_URL", "")
        self.TASK_QUEUE_NAME = env.get("TASK_QUEUE_NAME", "commonground")
        self.DOCUMENT_JOB_ATTEMPTS = 2
        # Finished packets are deleted after this many days (`flask purge`).
        self.DOCUMENT_JOB_RETENTION_DAYS = 14
        self.BABEL_DEFAULT_LOCALE = "en"
        self.BABEL_DEFAULT_TIMEZONE = "UTC"
        self.BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
        self.WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session does
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        # Secure cookies in production (set after the overrides, from ENV_NAME, see below).
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
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
        # The whole-page cache of anonymous public pages (portal/page_cache.py): in Redis when
        # REDIS_URL is set (or PAGE_CACHE_URL names another Redis), else in the database. Pages
        # are dropped when what they show changes, and in any case after PAGE_CACHE_SECONDS;
        # results of an open survey (tallies move with every answer) after
        # PAGE_CACHE_RESULTS_SECONDS.
        self.PAGE_CACHE_ENABLED = env.get("PAGE_CACHE_ENABLED", "1") == "1"
        self.PAGE_CACHE_URL = env.get("PAGE_CACHE_URL") or None
        self.PAGE_CACHE_KEY_PREFIX = env.get("PAGE_CACHE_KEY_PREFIX", "cg:pc:")
        self.PAGE_CACHE_SECONDS = int(env.get("PAGE_CACHE_SECONDS", 300))
        self.PAGE_CACHE_RESULTS_SECONDS = int(env.get("PAGE_CACHE_RESULTS_SECONDS", 60))
        # Sign-in throttling: failures allowed per e-mail address and per client within the window.
        self.SIGNIN_MAX_FAILURES_PER_EMAIL = 5
        self.SIGNIN_MAX_FAILURES_PER_CLIENT = 20
        self.SIGNIN_WINDOW_MINUTES = 15
        # Staff sessions end after this long without a request, and this long after signing in
        # ("keep me signed in" too); the district's settings may change both.
        self.SESSION_IDLE_MINUTES = int(env.get("SESSION_IDLE_MINUTES", 30))
        self.SESSION_MAX_HOURS = int(env.get("SESSION_MAX_HOURS", 12))
        # Roles that must use two-step sign-in (they can read interview notes); a laptop demo
        # may set TWO_FACTOR_REQUIRED_ROLES="" to sign the demo admin in with a password only.
        self.TWO_FACTOR_REQUIRED_ROLES = tuple(
            r.strip()
            for r in env.get("TWO_FACTOR_REQUIRED_ROLES", "admin,facilitator").split(",")
            if r.strip()
        )
        # Sign-in attempts and ended sessions are deleted after this many days (`flask prune`).
        self.SECURITY_RECORD_RETENTION_DAYS = 30
        # argon2id (time cost, memory in KiB, parallelism): RFC 9106's second recommendation;
        # tests lower it to stay fast. Older or weaker hashes are upgraded at sign-in.
        self.PASSWORD_ARGON2_COST = (3, 65536, 4)
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
        # The outbox: a message that failed this many times is given up ("failed"); a claim
        # older than this is a crashed sender's and is queued again; messages per SMTP connection.
        self.OUTBOX_MAX_ATTEMPTS = int(env.get("OUTBOX_MAX_ATTEMPTS", 8))
        self.OUTBOX_CLAIM_TIMEOUT_SECONDS = int(env.get("OUTBOX_CLAIM_TIMEOUT_SECONDS", 600))
        self.OUTBOX_BATCH_SIZE = int(env.get("OUTBOX_BATCH_SIZE", 100))
        # `flask send-reminders`: meetings this many hours before, on the district's clock;
        # district-calendar deadlines this many days before (at 08:00 local).
        self.MEETING_REMINDER_HOURS = int(env.get("MEETING_REMINDER_HOURS", 24))
        self.DEADLINE_REMINDER_DAYS = int(env.get("DEADLINE_REMINDER_DAYS", 7))
        self.TESTING = False
        for key, value in overrides.items():
            setattr(self, key, value)
        production = self.ENV_NAME == "production"
        for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
            if key not in overrides:
                setattr(self, key, production)
        if "TRUSTED_HOSTS" not in overrides:
            self.TRUSTED_HOSTS = self._trusted_hosts(production)

    def _trusted_hosts(self, production: bool) -> list[str]:
        """Host headers answered (others get 400): the site's own name from PUBLIC_BASE_URL,
        plus TRUSTED_HOSTS from the environment, plus this machine outside production, so no
        request's Host ever reaches a page, a feed or a link."""
        from urllib.parse import urlsplit

        hosts = [urlsplit(self.PUBLIC_BASE_URL or "").hostname or ""]
        hosts += [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",")]
        if not production:
            hosts += ["localhost", "127.0.0.1"]
        return sorted({h for h in hosts if h})

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
