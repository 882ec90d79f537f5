"""Routes of the surveys blueprint."""

from portal.blueprints.surveys import bp  # noqa: F401
