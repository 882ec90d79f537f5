"""Public pages: a school's money as arithmetic, the district's weights and equity view, and a
spreadsheet that reproduces a school's number with live formulas."""

import io
from decimal import Decimal

from flask import abort, g, make_response, render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.blueprints.allocation import bp
from portal.blueprints.committees.feedback import visible_feedback
from portal.blueprints.school_access import school_or_404
from portal.extensions import db
from portal import formatting
from portal.formatting import cents_to_decimal
from portal.i18n import translated
from portal.models import School
from portal.models.allocation import ScenarioStatus
from portal.permissions import cacheable
from portal.services import funding
from portal.services.allocation import ALL_STUDENTS, least_squares
from portal.services.spending import spending_context

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _published():
    year = funding.current_year(g.district.id) if g.district else None
    scenario = funding.published_scenario(g.district.id, year.id) if year else None
    return year, scenario


def _group_names() -> dict:
    return {group.key: group for group in funding.need_groups(g.district.id)}


@bp.get("/schools/<slug>/budget")
@cacheable
def school_budget(slug: str):
    """How much the school has and where it comes from (arithmetic a parent can check), what it
    is spent on, and what is still open for input."""
    school = school_or_404(slug)
    year = funding.current_year(g.district.id) if g.district else None
    run = funding.published_run(g.district.id, year.id) if year else None
    scenario = run.scenario if run else None
    context = {"school": school, "year": year, "scenario": scenario, "groups": _group_names()}
    money = funding.school_funding(run, school.id)
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


def _equity_points(result, schools: dict, counts: dict, group: str) -> list[dict]:
    points = []
    for allocation in result.schools:
        pupils = allocation.pupils
        if not pupils:
            continue
        share = counts.get(allocation.school_id, {}).get(group, 0) / pupils
        points.append(
            {
                "school": schools[allocation.school_id],
                "share": share,
                "per_pupil": allocation.per_pupil_cents / 100,
            }
        )
    return points


def _chart(points: list[dict]) -> dict:
    """Scale points into a 300x200 SVG box and fit a line (drawn on the server)."""
    if not points:
        return {"points": [], "line": None}
    max_share = max(0.01, max(p["share"] for p in points)) * 1.1
    lo = min(p["per_pupil"] for p in points) * 0.9
    hi = max(p["per_pupil"] for p in points) * 1.05
    span = max(hi - lo, 1)

    def xy(share, per_pupil):
        return 40 + 250 * share / max_share, 180 - 160 * (per_pupil - lo) / span

    scaled = [
        {**p, "x": xy(p["share"], p["per_pupil"])[0], "y": xy(p["share"], p["per_pupil"])[1]}
        for p in points
    ]
    fit = least_squares([(p["share"], p["per_pupil"]) for p in points])
    line = None
    if fit:
        slope, intercept = fit
        x1, y1 = xy(0, intercept)
        x2, y2 = xy(max_share, intercept + slope * max_share)
        line = {"x1": x1, "y1": y1, "x2": x2, "y2": y2, "slope": slope}
    return {"points": scaled, "line": line, "max_share": max_share, "lo": lo, "hi": hi}


@bp.get("/allocation")
@cacheable
def district():
    """The district's weights, what it distributes and holds centrally, and the equity view."""
    year, scenario = _published()
    context = {"year": year, "scenario": scenario, "groups": _group_names()}
    if scenario is not None:
        streams = funding.streams_for(g.district.id, year.id)
        result, pool = funding.run_scenario(scenario, streams)
        schools = {
            s.id: s
            for s in db.session.scalars(select(School).where(School.district_id == g.district.id))
        }
        counts = {i.school_id: i.enrollment for i in funding.school_inputs(g.district.id, year.id)}
        charts = {
            key: _chart(_equity_points(result, schools, counts, key))
            for key in ("poverty", "el")
            if key in context["groups"]
        }
        context.update(
            result=result,
            pool=pool,
            streams=streams,
            schools=schools,
            charts=charts,
            what_if=scenario.status == ScenarioStatus.WHAT_IF,
            levels=[
                lv for lv in ("elementary", "middle", "high", "other") if lv in scenario.weights
            ],
        )
    return render_template("allocation/district.html", **context)


@bp.get("/schools/<slug>/budget/calculator.xlsx")
@cacheable
def calculator(slug: str):
    """A spreadsheet that reproduces the school's allocation with live formulas."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    school = school_or_404(slug)
    year, scenario = _published()
    if scenario is None:
        abort(404)
    result, _pool = funding.run_scenario(scenario)
    allocation = result.for_school(school.id)
    groups = _group_names()
    book = Workbook()
    sheet = book.active
    sheet.title = "Allocation"
    sheet["A1"] = school.name
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = f"{year.label} · {scenario.name}"
    sheet.append([])
    sheet.append(["Group", "Pupils", "Dollars per pupil", "Amount"])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    first = 5
    for line in allocation.lines:
        row = sheet.max_row + 1
        label = (
            "All students"
            if line.group == ALL_STUDENTS
            else str(translated(groups[line.group], "name") if line.group in groups else line.group)
        )
        sheet.append([label, line.pupils, cents_to_decimal(line.rate_cents), f"=B{row}*C{row}"])
        sheet[f"C{row}"].number_format = sheet[f"D{row}"].number_format = '"$"#,##0.00'
    last = sheet.max_row
    sheet.append(["Formula total", None, None, f"=SUM(D{first}:D{last})"])
    formula_row = sheet.max_row
    sheet.append(
        [
            "Proration factor",
            None,
            None,
            float(Decimal(result.proration.numerator) / Decimal(result.proration.denominator)),
        ]
    )
    factor_row = sheet.max_row
    sheet.append(
        [
            "Top-up to the minimum and hold harmless",
            None,
            None,
            cents_to_decimal(allocation.topup_cents),
        ]
    )
    topup_row = sheet.max_row
    sheet.append(
        ["Total allocation", None, None, f"=ROUND(D{formula_row}*D{factor_row},2)+D{topup_row}"]
    )
    total_row = sheet.max_row
    sheet.append(["Per student", allocation.pupils, None, f"=D{total_row}/B{sheet.max_row}"])
    for row in (formula_row, topup_row, total_row, sheet.max_row):
        sheet[f"D{row}"].number_format = '"$"#,##0.00'
    sheet[f"A{total_row}"].font = sheet[f"D{total_row}"].font = Font(bold=True)
    for column, width in (("A", 42), ("B", 10), ("C", 18), ("D", 18)):
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
