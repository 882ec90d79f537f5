"""district region for number and money formats

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 10:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("district") as batch:
        batch.add_column(
            sa.Column("region", sa.String(length=2), nullable=False, server_default="US")
        )


def downgrade():
    with op.batch_alter_table("district") as batch:
        batch.drop_column("region")
