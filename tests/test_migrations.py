"""The Alembic migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.config import PROJECT_ROOT
from portal.extensions import db

MIGRATIONS = PROJECT_ROOT / "migrations"


def test_migrations_match_the_models(app):
    # The `app` fixture built its database with `flask db upgrade`, not create_all().
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": True}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"


def test_one_migration_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_new_migrations_downgrade_and_upgrade_again(tmp_path):
    """A release can be rolled back: each migration since 0013 downgrades and upgrades again
    (on a database of its own, so the shared test database is untouched). Below 0013 the
    landed 0001 cannot go down: its downgrade names a constraint with the naming prefix twice,
    and a landed migration is never edited."""
    from flask_migrate import downgrade, upgrade

    from portal import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}",
            "TESTING": True,
            "SECRET_KEY": "test-secret",
        }
    )
    with app.app_context():
        upgrade()
        downgrade(revision="0013")
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": True}
            )
            assert compare_metadata(context, db.metadata) == []
        db.engine.dispose()
