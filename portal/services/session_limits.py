"""How long a staff session lasts: idle and absolute limits, the district's settings."""

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _

from portal.services.accounts import SessionLimits
from portal.services.audit import record_audit
from portal.services.errors import Rejected

# What the settings form accepts (minutes idle; hours from signing in).
IDLE_MINUTES_RANGE = (5, 240)
MAX_HOURS_RANGE = (1, 24)


def effective(district) -> tuple[int, int]:
    """(idle minutes, absolute hours) for `district` (None: the configured defaults)."""
    cfg = current_app.config
    idle = getattr(district, "session_idle_minutes", None) or cfg["SESSION_IDLE_MINUTES"]
    hours = getattr(district, "session_max_hours", None) or cfg["SESSION_MAX_HOURS"]
    return int(idle), int(hours)


def limits_for(district) -> SessionLimits:
    """The limits every session is checked against on each request."""
    idle, hours = effective(district)
    return SessionLimits(idle=timedelta(minutes=idle), absolute=timedelta(hours=hours))


def set_session_limits(district, actor, idle_minutes: int | None, max_hours: int | None) -> None:
    """Change the district's limits (audited when they change); None keeps a limit as it is.
    Raises Rejected for a value outside the ranges above."""
    before = list(effective(district))
    idle_minutes = before[0] if idle_minutes is None else idle_minutes
    max_hours = before[1] if max_hours is None else max_hours
    low, high = IDLE_MINUTES_RANGE
    if not low <= idle_minutes <= high:
        raise Rejected(
            {"session_idle_minutes": _("Enter a number from %(a)d to %(b)d.", a=low, b=high)}
        )
    low, high = MAX_HOURS_RANGE
    if not low <= max_hours <= high:
        raise Rejected(
            {"session_max_hours": _("Enter a number from %(a)d to %(b)d.", a=low, b=high)}
        )
    if before == [idle_minutes, max_hours]:
        return  # unchanged: a district left on the defaults follows them
    district.session_idle_minutes = idle_minutes
    district.session_max_hours = max_hours
    record_audit(
        actor,
        "district.session_limits_changed",
        "district",
        district.id,
        {"before": before, "after": [idle_minutes, max_hours]},
    )
