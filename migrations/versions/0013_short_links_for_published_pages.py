"""short links for published bulletins and schools (data only; the schema is unchanged)

Short links used to be made the first time a page showing one was viewed. They are now made
when a bulletin is created or published and when a school is added, never on a page view. This
gives the pages that exist already their link, so paper and text messages keep carrying short
addresses rather than the full ones a page shows while it has none.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 14:00:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
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
bulletin = sa.table("bulletin", sa.column("id", sa.Integer), sa.column("status", sa.String))
school = sa.table("school", sa.column("id", sa.Integer))


def upgrade():
    conn = op.get_bind()
    taken = set(conn.execute(sa.select(short_link.c.code)).scalars())
    have = {
        tuple(row) for row in conn.execute(sa.select(short_link.c.kind, short_link.c.target_id))
    }
    wanted = [
        ("bulletin", row_id)
        for row_id in conn.execute(
            sa.select(bulletin.c.id).where(bulletin.c.status.in_(("published", "archived")))
        ).scalars()
    ] + [("school", row_id) for row_id in conn.execute(sa.select(school.c.id)).scalars()]
    rows = []
    for kind, target_id in wanted:
        if (kind, target_id) in have:
            continue
        code = _new_code(taken)
        taken.add(code)
        rows.append({"code": code, "kind": kind, "target_id": target_id})
    if rows:
        op.bulk_insert(short_link, rows)


def _new_code(taken: set) -> str:
    while True:
        code = "".join(secrets.choice(SHORT_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            return code


def downgrade():
    # The links may already be printed and texted: they are kept.
    pass
