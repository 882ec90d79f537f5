"""pages cached whole for anonymous visitors, and the versions that invalidate them

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-02 01:00:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
