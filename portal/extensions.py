"""Extension singletons, bound to an app in create_app()."""

from flask_babel import Babel
from flask_compress import Compress
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
htmx = HTMX()
# gzip or Brotli for text, as the browser asks (settings in config.py).
compress = Compress()
# Limits are counted in Redis when REDIS_URL is set, else in the database ("database://",
# portal/rate_limit_storage.py): never in a process, so every worker and server shares them and
# a restart resets nothing. RATELIMIT_STORAGE_URI in config.py picks the storage.
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# Registers the "database://" storage scheme with `limits` (imported last: it needs `db`).
from portal import rate_limit_storage  # noqa: E402, F401, I001
