"""survey response privacy: random 64-bit ids for responses and answers

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01 16:45:00

Paper sheets are typed one after another and each typed code is recorded (paper_sheet_use), so
sequential response ids would pair a sheet with its answers. Responses and answers get random
62-bit ids from the application (no sequence). PostgreSQL: the three columns become BIGINT and
lose their sequences. SQLite: INTEGER primary keys are 64-bit already (and are the rows' storage
keys), so only the data changes. Existing rows are given random ids too.
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

RESPONSE_COLUMNS = (
    "survey_id, channel, respondent_role, school_id, language, submitted_on, entered_by_id"
)


def _rekey_responses(new_id) -> None:
    """Give every response the id `new_id(old)`: it is copied under its new id, its answers
    moved, then the old row deleted, so the foreign key holds throughout."""
    conn = op.get_bind()
    old_ids = [row[0] for row in conn.execute(sa.text("SELECT id FROM survey_response"))]
    for old in old_ids:
        new = new_id(old)
        conn.execute(
            sa.text(
                f"INSERT INTO survey_response (id, {RESPONSE_COLUMNS}) "  # noqa: S608 - constants
                f"SELECT :new, {RESPONSE_COLUMNS} FROM survey_response WHERE id = :old"
            ),
            {"new": new, "old": old},
        )
        conn.execute(
            sa.text("UPDATE survey_answer SET response_id = :new WHERE response_id = :old"),
            {"new": new, "old": old},
        )
        conn.execute(sa.text("DELETE FROM survey_response WHERE id = :old"), {"old": old})


def _rekey_answers(new_id) -> None:
    conn = op.get_bind()
    old_ids = [row[0] for row in conn.execute(sa.text("SELECT id FROM survey_answer"))]
    for old in old_ids:
        conn.execute(
            sa.text("UPDATE survey_answer SET id = :new WHERE id = :old"),
            {"new": new_id(old), "old": old},
        )


def _random(_old) -> int:
    return secrets.randbelow(2**62 - 1) + 1


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE survey_answer ALTER COLUMN id DROP DEFAULT")
        op.execute("ALTER TABLE survey_response ALTER COLUMN id DROP DEFAULT")
        op.execute("DROP SEQUENCE IF EXISTS survey_answer_id_seq")
        op.execute("DROP SEQUENCE IF EXISTS survey_response_id_seq")
        op.execute("ALTER TABLE survey_answer ALTER COLUMN response_id TYPE BIGINT")
        op.execute("ALTER TABLE survey_response ALTER COLUMN id TYPE BIGINT")
        op.execute("ALTER TABLE survey_answer ALTER COLUMN id TYPE BIGINT")
    _rekey_responses(_random)
    _rekey_answers(_random)


def downgrade():
    # Back to small ids, numbered in the order of the random ids (still not typing order):
    # first to minus their new number, then to plus, so no new id meets an old one.
    conn = op.get_bind()
    for table, rekey in (("survey_response", _rekey_responses), ("survey_answer", _rekey_answers)):
        ids = [r[0] for r in conn.execute(sa.text(f"SELECT id FROM {table} ORDER BY id"))]  # noqa: S608
        number = {old: n for n, old in enumerate(ids, start=1)}
        rekey(lambda old, number=number: -number[old])
        rekey(lambda old: -old)
    if conn.dialect.name == "postgresql":
        for table in ("survey_response", "survey_answer"):
            op.execute(f"ALTER TABLE {table} ALTER COLUMN id TYPE INTEGER")
            op.execute(f"CREATE SEQUENCE {table}_id_seq OWNED BY {table}.id")
            op.execute(f"ALTER TABLE {table} ALTER COLUMN id SET DEFAULT nextval('{table}_id_seq')")
            following = f"(SELECT coalesce(max(id), 0) + 1 FROM {table})"  # noqa: S608
            op.execute(f"SELECT setval('{table}_id_seq', {following}, false)")
        op.execute("ALTER TABLE survey_answer ALTER COLUMN response_id TYPE INTEGER")
