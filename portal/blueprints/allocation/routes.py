"""Public pages: a school's money as arithmetic, the district's weights and equity view, and a
spreadsheet that reproduces a school's number with live formulas."""

import io
from decimal import Decimal
from fractions import Fraction

from babel.numbers import get_currency_symbol
from flask import abort, g, make_response, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import formatting
from portal.blueprints.allocation import bp
from portal.blueprints.school_access import school_or_404
from portal.extensions import db
from portal.formatting import cents_to_decimal
from portal.i18n import translated
from portal.models import School
from portal.models.allocation import ScenarioStatus
from portal.permissions import cacheable
from portal.services import funding
from portal.services.allocation import ALL_STUDENTS
from portal.services.charts import is_rtl, scatter_chart
from portal.services.feedback import visible_feedback
from portal.services.school_year import current_year
from portal.services.spending import spending_context

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _group_names() -> dict:
    return {group.key: group for group in funding.need_groups(g.district.id)}


@bp.get("/schools/<slug>/budget")
@cacheable
def school_budget(slug: str):
    """How much the school has and where it comes from (arithmetic a parent can check), what it
    is spent on, and what is still open for input."""
    school = school_or_404(slug)
    year = current_year(g.district.id) if g.district else None
    run = funding.published_run(g.district.id, year.id) if year else None
    scenario = run.scenario if run else None
    context = {"school": school, "year": year, "scenario": scenario, "groups": _group_names()}
    money = funding.school_funding(run, school.id)
    context["money"] = money
    if money is not None:
        context.update(
            allocation=money.allocation,
            proration=money.proration,
            sources=money.sources,
            what_if=scenario.status == ScenarioStatus.WHAT_IF,
        )
    context.update(spending_context(school, year, money, g.district))
    context["feedback"] = visible_feedback(school.id, "investment")
    return render_template("allocation/school_budget.html", **context)


def _equity_points(money, schools: dict, counts: dict, group: str) -> list[dict]:
    """Each school with pupils: its share of students in `group` and its money per student
    (the same per-student figure its budget page prints)."""
    points = []
    for school_money in money.schools:
        pupils = school_money.pupils
        if not pupils:
            continue
        school = schools[school_money.allocation.school_id]
        points.append(
            {
                "school": school,
                "name": school.name,
                "share": counts.get(school.id, {}).get(group, 0) / pupils,
                "per_pupil": school_money.per_pupil_cents,
            }
        )
    return points


@bp.get("/allocation")
@cacheable
def district():
    """The district's weights, what it distributes and holds centrally, and the equity view."""
    year = current_year(g.district.id) if g.district else None
    run = funding.published_run(g.district.id, year.id) if year else None
    scenario = run.scenario if run else None
    context = {"year": year, "scenario": scenario, "groups": _group_names()}
    if run is not None:
        money = funding.district_money(run)
        schools = {
            s.id: s
            for s in db.session.scalars(select(School).where(School.district_id == g.district.id))
        }
        counts = {i.school_id: i.enrollment for i in funding.school_inputs(g.district.id, year.id)}
        charts = {
            key: scatter_chart(
                _equity_points(money, schools, counts, key), formatting.money, rtl=None
            )
            for key in ("poverty", "el")
            if key in context["groups"]
        }
        context.update(
            money=money,
            schools=schools,
            charts=charts,
            what_if=scenario.status == ScenarioStatus.WHAT_IF,
            levels=[
                lv for lv in ("elementary", "middle", "high", "other") if lv in scenario.weights
            ],
        )
    return render_template("allocation/district.html", **context)


def _round_half_up(value: Fraction) -> int:
    return int(value + Fraction(1, 2)) if value >= 0 else -int(-value + Fraction(1, 2))


@bp.get("/schools/<slug>/budget/calculator.xlsx")
@cacheable
def calculator(slug: str):
    """A spreadsheet that reproduces the school's money with live formulas: the per-pupil
    lines, proration, top-ups and grants add up to the total the budget page prints, and the
    per-student figure is that total over the enrollment."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    school = school_or_404(slug)
    year = current_year(g.district.id) if g.district else None
    run = funding.published_run(g.district.id, year.id) if year else None
    money = funding.school_funding(run, school.id)
    if money is None:
        abort(404)
    allocation = money.allocation
    groups = _group_names()
    currency = get_currency_symbol(g.district.currency or "USD", locale="en_US")
    amount_format = f'"{currency}"#,##0.00'
    book = Workbook()
    sheet = book.active
    sheet.title = _("Allocation")[:31]
    sheet.sheet_view.rightToLeft = is_rtl()
    sheet["A1"] = school.name
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = f"{year.label} · {run.scenario.name}"
    sheet.append([])
    sheet.append([_("Group"), _("Pupils"), _("Dollars per pupil"), _("Amount")])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
    first = 5
    for line in allocation.lines:
        row = sheet.max_row + 1
        label = (
            _("All students")
            if line.group == ALL_STUDENTS
            else str(translated(groups[line.group], "name") if line.group in groups else line.group)
        )
        sheet.append([label, line.pupils, cents_to_decimal(line.rate_cents), f"=B{row}*C{row}"])
        sheet[f"C{row}"].number_format = sheet[f"D{row}"].number_format = amount_format
    last = sheet.max_row
    money_rows = []

    def add(label, value, bold=False):
        sheet.append([label, None, None, value])
        row = sheet.max_row
        sheet[f"D{row}"].number_format = amount_format
        if bold:
            sheet[f"A{row}"].font = sheet[f"D{row}"].font = Font(bold=True)
        return row

    formula_row = add(_("Formula total"), f"=SUM(D{first}:D{last})")
    parts = []
    if money.proration != 1:
        factor = money.proration
        sheet.append(
            [
                _("Share of these amounts the district's money covers"),
                None,
                None,
                float(Decimal(factor.numerator) / Decimal(factor.denominator)),
            ]
        )
        factor_row = sheet.max_row
        sheet[f"D{factor_row}"].number_format = "0.000000%"
        parts.append(add(_("Formula after proration"), f"=ROUND(D{formula_row}*D{factor_row},2)"))
        # The district shares its last cents by largest remainder so that the schools' amounts
        # add up to the money available exactly: say so rather than hide a cent.
        exact = Fraction(allocation.formula_cents) * factor
        rounding = allocation.prorated_cents - _round_half_up(exact)
        if rounding:
            parts.append(
                add(
                    _("Rounding to the cent, so that all schools add up to the district's total"),
                    cents_to_decimal(rounding),
                )
            )
    else:
        parts.append(formula_row)
    if allocation.minimum_topup_cents:
        parts.append(
            add(_("Top-up to the minimum budget"), cents_to_decimal(allocation.minimum_topup_cents))
        )
    if allocation.hold_harmless_topup_cents:
        parts.append(
            add(
                _("Top-up so that no school gets less than last year"),
                cents_to_decimal(allocation.hold_harmless_topup_cents),
            )
        )
    allocation_row = add(
        _("Formula allocation"), "=" + "+".join(f"D{row}" for row in parts), bold=True
    )
    money_rows.append(allocation_row)
    for source in money.grant_sources:
        money_rows.append(
            add(
                _("Grant: %(name)s", name=translated(source.stream, "name").text),
                cents_to_decimal(source.cents),
            )
        )
    total_row = add(_("Total"), "=" + "+".join(f"D{row}" for row in money_rows), bold=True)
    sheet.append(
        [_("Per student"), allocation.pupils, None, f"=ROUND(D{total_row}/B{total_row + 1},2)"]
    )
    sheet[f"D{sheet.max_row}"].number_format = amount_format
    for column, width in (("A", 48), ("B", 10), ("C", 18), ("D", 18)):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    response = make_response(buffer.getvalue())
    response.mimetype = XLSX_MIMETYPE
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{school.slug}-allocation.xlsx"'
    )
    return response


@bp.app_template_filter()
def percent(value: float) -> str:
    return formatting.percent(value, "#,##0%")


@bp.app_template_filter()
def level_label(level: str) -> str:
    from portal.models import SchoolLevel

    return str(SchoolLevel(level).label)


@bp.app_template_filter()
def distribution_label(value: str) -> str:
    from portal.models.allocation import Distribution

    return str(Distribution(value).label)


SCENARIO_STATUS_LABELS = {
    "draft": _l("Draft"),
    "adopted": _l("Adopted"),
    "what_if": _l("Published as “what you would receive”"),
}


@bp.app_template_filter()
def scenario_status_label(value: str) -> str:
    return str(SCENARIO_STATUS_LABELS[value])
