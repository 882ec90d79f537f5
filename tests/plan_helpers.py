"""Building plans in tests the way the portal does: approval only through the council's vote."""

from datetime import date

from portal.models import Motion


def passed_motion(subject: str = "plan", tally: str = "7–1–1") -> Motion:
    """A site council motion, closed, that passed (not stored: SchoolPlan.approve reads it)."""
    return Motion(
        text={"en": "Approve the plan"}, subject=subject, status="closed", passed=True, tally=tally
    )


def approve_by_council(plan, on: date, tally: str = "7–1–1") -> None:
    """Approve `plan` the only way a plan becomes approved: a passing motion of the council."""
    plan.approve(passed_motion(tally=tally), on)
