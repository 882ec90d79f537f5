"""audit log: what changed, where, for filtering

The audit log's entries say which school and district the changed row belongs to (plain
numbers, indexed for the admins' filters), and the person and time filters get indexes too.
Older entries keep both empty (no backfill).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 14:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_entry") as batch:
        batch.add_column(sa.Column("school_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("district_id", sa.Integer(), nullable=True))
        batch.create_index("ix_audit_entry_school_id", ["school_id"])
        batch.create_index("ix_audit_entry_district_id", ["district_id"])
        batch.create_index("ix_audit_entry_user_id", ["user_id"])
        batch.create_index("ix_audit_entry_at", ["at"])


def downgrade():
    with op.batch_alter_table("audit_entry") as batch:
        batch.drop_index("ix_audit_entry_at")
        batch.drop_index("ix_audit_entry_user_id")
        batch.drop_index("ix_audit_entry_district_id")
        batch.drop_index("ix_audit_entry_school_id")
        batch.drop_column("district_id")
        batch.drop_column("school_id")
