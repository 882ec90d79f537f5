"""The Tier 2 readiness inventory (guidebook ch. 4): four areas of questions plus cross-cutting
ones. Keys are stable; each question may name the Tier 1 survey area it speaks to, so officials'
ratings can be set beside the community's answers (the perception-gap view)."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class InventoryQuestion:
    key: str
    area: str  # vision, context, capacity, systems, crosscutting
    text: object  # a lazy string
    survey_area: str | None = None


INVENTORY_AREAS = {
    "vision": _l("Vision"),
    "context": _l("Context"),
    "capacity": _l("Capacity"),
    "systems": _l("Systems"),
    "crosscutting": _l("Across all areas"),
}

QUESTIONS = [
    InventoryQuestion(
        "vision.success",
        "vision",
        _l(
            "What does greater success in our district look like? What would we like to see change?"
        ),
        "equity",
    ),
    InventoryQuestion(
        "vision.roles",
        "vision",
        _l(
            "How can our district achieve this success? What role will the district play, "
            "and what role will individual schools play?"
        ),
        "autonomy",
    ),
    InventoryQuestion(
        "vision.support",
        "vision",
        _l("How supportive of change are the various stakeholders in our district?"),
        "engagement",
    ),
    InventoryQuestion(
        "context.initiatives",
        "context",
        _l("What other initiatives and programs are planned or under way in our district?"),
        "innovation",
    ),
    InventoryQuestion(
        "context.experience",
        "context",
        _l("What is our district's experience with student-based budgeting?"),
        "transparency",
    ),
    InventoryQuestion(
        "context.board",
        "context",
        _l("Is our school board a stable partner in change initiatives?"),
        None,
    ),
    InventoryQuestion(
        "capacity.receptive",
        "capacity",
        _l("How receptive and talented are central office staff, principals and teachers?"),
        "innovation",
    ),
    InventoryQuestion(
        "capacity.autonomy_policy",
        "capacity",
        _l("Is there a clear district policy on school autonomy? If so, what does it achieve?"),
        "autonomy",
    ),
    InventoryQuestion(
        "capacity.parents",
        "capacity",
        _l("How engaged are parents and other community stakeholders?"),
        "engagement",
    ),
    InventoryQuestion(
        "capacity.collaboration",
        "capacity",
        _l("How much collaboration happens at and between school sites?"),
        "innovation",
    ),
    InventoryQuestion(
        "systems.budgets",
        "systems",
        _l("How do schools in our district develop their budgets?"),
        "transparency",
    ),
    InventoryQuestion(
        "systems.site_autonomy",
        "systems",
        _l("What areas of autonomy, for resources or otherwise, do school sites have?"),
        "autonomy",
    ),
    InventoryQuestion(
        "systems.tools",
        "systems",
        _l(
            "How effective are the tools used to manage finances and budgeting at the school "
            "and district levels?"
        ),
        "efficiency",
    ),
    InventoryQuestion(
        "crosscutting.strengths",
        "crosscutting",
        _l("What strengths can we build on in our district?"),
        None,
    ),
    InventoryQuestion(
        "crosscutting.gaps",
        "crosscutting",
        _l("What problems or gaps exist that need to be solved or filled?"),
        "equity",
    ),
    InventoryQuestion(
        "crosscutting.resources",
        "crosscutting",
        _l("What resources (money, time, tools, talent, enthusiasm) are available to us?"),
        "efficiency",
    ),
    InventoryQuestion(
        "crosscutting.fit",
        "crosscutting",
        _l("How does per-pupil budgeting fit with the other initiatives under way?"),
        None,
    ),
]
QUESTIONS_BY_KEY = {q.key: q for q in QUESTIONS}

# 1 is a clear strength, 4 a clear weakness; "not sure" is stored as no rating.
RATINGS = {
    1: _l("Clear strength"),
    2: _l("Some strength"),
    3: _l("Some weakness"),
    4: _l("Clear weakness"),
}
