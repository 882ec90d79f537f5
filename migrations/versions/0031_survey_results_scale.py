"""survey results at a million responses (placeholder: filled by the survey-results work)

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-02 01:00:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
