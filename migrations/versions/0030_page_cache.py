"""pages cached whole for anonymous visitors, and the versions that invalidate them

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-02 01:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade():
    # For installs without Redis: the versions bumped by every committed change (per district,
    # per school, every school), and the stored pages stamped with the versions they were
    # drawn under. Shared by every process using the database; nothing kept in a process.
    op.create_table(
        "page_version",
        sa.Column("scope", sa.String(length=120), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_page_version")),
    )
    op.create_table(
        "page_cache",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("stamp", sa.String(length=400), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.Column("entry", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_page_cache")),
    )
    op.create_index("ix_page_cache_expires_at", "page_cache", ["expires_at"])


def downgrade():
    op.drop_index("ix_page_cache_expires_at", table_name="page_cache")
    op.drop_table("page_cache")
    op.drop_table("page_version")
