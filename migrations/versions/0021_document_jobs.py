"""large PDFs produced in the background

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 16:45:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
