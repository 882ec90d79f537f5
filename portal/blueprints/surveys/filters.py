"""Template filters and globals for survey figures and labels (the readiness report uses them
too): means on the 1-4 scale, shares, and the labels of areas, phases, kinds and answers."""

import dataclasses

from flask_babel import get_locale
from flask_babel import gettext as _

from portal import formatting
from portal.blueprints.surveys import bp
from portal.blueprints.surveys.forms import KIND_LABELS
from portal.i18n import TranslatedValue, district_default_locale, pick_translation
from portal.models.surveys import (
    AGREEMENT_LABELS,
    AGREEMENT_SCALE,
    DONT_KNOW,
    DONT_KNOW_LABEL,
    ItemKind,
    SurveyArea,
    SurveyPhase,
)
from portal.services.surveys import DISTRICT_WIDE


@bp.app_template_filter()
def score(value: float) -> str:
    """A mean on the 1-4 agreement scale, two decimals, in the district's regional style."""
    return formatting.number(value, "0.00")


@bp.app_template_filter()
def score_change(value: float) -> str:
    """A change of a mean, signed ("+0.91", "-0.24"), in the district's regional style."""
    return formatting.number(value, "+0.00;-0.00")


@bp.app_template_filter()
def whole_percent(value: float) -> str:
    """A share (0.25) as a whole percentage in the district's regional style ("25%")."""
    return formatting.percent(value)


@bp.app_template_filter()
def survey_phase_label(phase: str) -> str:
    return str(SurveyPhase(phase).label)


@bp.app_template_filter()
def area_label(area: str) -> str:
    return str(SurveyArea(area).label)


@bp.app_template_filter()
def item_kind_label(kind: str) -> str:
    return str(KIND_LABELS[ItemKind(kind)])


@bp.app_template_global()
def agreement_choices() -> list[tuple[str, str]]:
    """The 4-point scale and "don't know", as (form value, label) pairs."""
    return [(str(v), AGREEMENT_LABELS[v]) for v in AGREEMENT_SCALE] + [(DONT_KNOW, DONT_KNOW_LABEL)]


@bp.app_template_global()
def option_text(option: dict) -> TranslatedValue:
    """A choice option's label in the reader's language, or its fallback (for `shown`)."""
    return pick_translation(
        option.get("label"), str(get_locale()), (district_default_locale(), "en")
    )


@bp.app_template_global()
def option_label(option: dict) -> str:
    """A choice option's label as plain text (for a PDF table cell or a CSV)."""
    return option_text(option).text


def mark_withheld(form, withheld: dict) -> None:
    """Say in the results filters which groups show nothing to the public (too few people, or
    their figures would reveal a smaller group), before anyone picks one. `withheld` maps
    "school" (ids, 0 for the whole district), "language" and "role" to those values."""
    fields = {"school": form.school, "language": form.language, "role": form.role}
    for dim, field in fields.items():
        values = {DISTRICT_WIDE if v == 0 else str(v) for v in withheld.get(dim, ())}
        field.choices = [
            dataclasses.replace(
                choice, label=_("%(group)s (not shown, to protect privacy)", group=choice.label)
            )
            if choice.value in values
            else choice
            for choice in field.choices
        ]
