"""Template filters and globals for survey figures and labels (the readiness report uses them
too): means on the 1-4 scale, shares, and the labels of areas, phases, kinds and answers."""

from flask_babel import get_locale

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
