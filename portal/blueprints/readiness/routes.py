"""Routes of the readiness blueprint (Tier 2 inventory and roundtable, Tier 3 interviews)."""

from portal.blueprints.readiness import bp  # noqa: F401
