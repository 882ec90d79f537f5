"""schools browsed by area, and every school has its short link

`school.area` (optional) is the part of the district a school is in, for browsing a district
of a thousand schools. Schools that still lack a short link get one here, so the school page
never needs to make one while it is being read (no GET writes).

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-02 01:00:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

# As in portal/services/short_links.py (copied: a migration must not change with the app).
SHORT_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 6

short_link = sa.table(
    "short_link",
    sa.column("code", sa.String),
    sa.column("kind", sa.String),
    sa.column("target_id", sa.Integer),
)
school = sa.table("school", sa.column("id", sa.Integer))


def upgrade():
    with op.batch_alter_table("school") as batch:
        batch.add_column(sa.Column("area", sa.String(80), nullable=True))
    conn = op.get_bind()
    taken = set(conn.execute(sa.select(short_link.c.code)).scalars())
    have = set(
        conn.execute(
            sa.select(short_link.c.target_id).where(short_link.c.kind == "school")
        ).scalars()
    )
    rows = []
    for school_id in conn.execute(sa.select(school.c.id).order_by(school.c.id)).scalars():
        if school_id in have:
            continue
        code = _new_code(taken)
        taken.add(code)
        rows.append({"code": code, "kind": "school", "target_id": school_id})
    if rows:
        op.bulk_insert(short_link, rows)


def _new_code(taken: set) -> str:
    while True:
        code = "".join(secrets.choice(SHORT_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            return code


def downgrade():
    # Short links may already be printed and texted: they are kept.
    with op.batch_alter_table("school") as batch:
        batch.drop_column("area")
