"""A school's whole budget as a spreadsheet for finance staff to reconcile: every position (FTE
times the year's average as a live formula under average costing, or the actual cost), every
other investment, and a summary whose formulas add them up the way the budget page does
(people, everything else, the base program and each goal, unassigned, what next year already
owes). Every figure comes from plans.budget_totals, so the sheet and the page agree to the cent.
Written in the style of services/allocation_sheet.py (the calculator)."""

import io
from decimal import Decimal

from babel.numbers import get_currency_symbol
from flask_babel import gettext as _
from sqlalchemy import select

from portal.extensions import db
from portal.formatting import cents_to_decimal
from portal.i18n import translated
from portal.models import FundingStream
from portal.services import funding, plans, positions
from portal.services.allocation_sheet import SHEET_NAME_MAX, CalculatorSheet
from portal.services.budget_rules import Basis, fte_cost

FIRST = 5  # the first row of items, under the title, a blank row and the header
FTE_FORMAT = "0.00"
BAD_IN_NAMES = str.maketrans({c: " " for c in "[]:*?/\\"})


def budget_sheet(school, district, plan, rtl: bool = False) -> CalculatorSheet:
    """The spreadsheet of a loaded plan (plans.load_plan) against the year's published money.
    `rtl` lays the sheets out right to left (an Arabic reader)."""
    from openpyxl import Workbook

    year = plan.year
    money = funding.school_funding(funding.published_run(district.id, year.id), school.id)
    totals = plans.budget_totals(plan, money)
    currency = get_currency_symbol(district.currency or "USD", locale="en_US")
    book = Workbook()
    writer = _Writer(book, f'"{currency}"#,##0.00', rtl, totals)
    subtitle = year.label if plan.is_public else f"{year.label} · {_('Draft')}"
    summary = writer.sheet(_("Summary"), school.name, subtitle, book.active)
    people = writer.sheet(_("Positions"), school.name, subtitle)
    other = writer.sheet(_("Other investments"), school.name, subtitle)
    streams = {
        s.id: s
        for s in plan_streams(year.id)  # names of the streams an investment is paid from
    }
    rates = {} if positions.costs_actual(district) else positions.salary_table(year.id)
    writer.positions(people, [i for i in totals.items if i.investment.is_position], streams, rates)
    writer.others(other, [i for i in totals.items if not i.investment.is_position], streams)
    writer.summary(summary, people, other)
    buffer = io.BytesIO()
    book.save(buffer)
    return CalculatorSheet(buffer.getvalue(), f"{school.slug}-budget-{year.label}.xlsx")


def plan_streams(year_id: int) -> list[FundingStream]:
    """The year's funding streams (their names for the stream column)."""
    return list(
        db.session.scalars(select(FundingStream).where(FundingStream.school_year_id == year_id))
    )


def sheet_ref(ws) -> str:
    """A sheet's name as a formula writes it: 'Other investments'!"""
    return "'" + ws.title.replace("'", "''") + "'!"


def text_literal(text: str) -> str:
    return '"' + str(text).replace('"', '""') + '"'


class _Writer:
    """The three sheets, row by row. Each item sheet keeps where its columns are, so the
    summary's formulas can point at them."""

    def __init__(self, book, amount_format: str, rtl: bool, totals):
        self.book, self.amount_format, self.rtl, self.totals = book, amount_format, rtl, totals
        self.columns: dict[str, dict[str, str]] = {}  # sheet title -> {key: column letter}
        self.last: dict[str, int] = {}  # sheet title -> last item row (FIRST - 1: none)
        numbers = {g.goal.id: g.number for g in totals.goals}
        self.goal_label = lambda goal_id: (
            _("Goal %(n)s", n=numbers[goal_id]) if goal_id else _("Base program")
        )

    def sheet(self, name: str, heading: str, subheading: str, ws=None):
        from openpyxl.styles import Font

        ws = ws or self.book.create_sheet()
        ws.title = name.translate(BAD_IN_NAMES)[:SHEET_NAME_MAX]
        ws.sheet_view.rightToLeft = self.rtl
        ws["A1"], ws["A2"] = heading, subheading
        ws["A1"].font = Font(bold=True, size=14)
        return ws

    def header(self, ws, columns: list[tuple[str, str, int]]) -> None:
        """`columns`: (key, heading, width) in order; row 4 holds the headings."""
        from openpyxl.styles import Alignment, Font
        from openpyxl.utils import get_column_letter

        self.columns[ws.title] = {}
        for index, (key, heading, width) in enumerate(columns, start=1):
            letter = get_column_letter(index)
            self.columns[ws.title][key] = letter
            cell = ws[f"{letter}{FIRST - 1}"]
            cell.value = heading
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True)
            ws.column_dimensions[letter].width = width

    def put(self, ws, key: str, row: int, value, number_format: str | None = None) -> str:
        ref = f"{self.columns[ws.title][key]}{row}"
        ws[ref] = value
        if number_format:
            ws[ref].number_format = number_format
        return ref

    def money(self, ws, key: str, row: int, cents_or_formula) -> str:
        value = cents_or_formula
        if isinstance(value, int):
            value = cents_to_decimal(value)
        return self.put(ws, key, row, value, self.amount_format)

    def common(self, ws, row: int, item, streams: dict) -> None:
        """The columns every item has: cost's funded part, goal, stream, recurrence, priority,
        and what the funded part rests on (money assigned, or the cut line)."""
        investment = item.investment
        cost = f"{self.columns[ws.title]['cost']}{row}"
        basis = self.totals.basis
        if basis == Basis.BUDGET:
            assigned = self.money(ws, "basis", row, item.assigned_cents)
            self.money(ws, "funded", row, f"=MIN({cost},{assigned})")
        elif basis == Basis.PLANNING and item.below_line:
            self.put(ws, "basis", row, _("Below the line"))
            self.money(ws, "funded", row, 0)
        else:
            self.money(ws, "funded", row, f"={cost}")
        self.put(ws, "goal", row, self.goal_label(investment.goal_id))
        self.put(ws, "stream", row, _stream_names(investment, streams))
        self.put(ws, "recurrence", row, _("Ongoing") if investment.is_ongoing else _("One-time"))
        self.put(ws, "priority", row, investment.priority)

    def tail_columns(self) -> list[tuple[str, str, int]]:
        basis = {
            Basis.BUDGET: _("Money assigned in the budget"),
            Basis.PLANNING: _("Cut line"),
        }.get(self.totals.basis, "")
        return [
            ("funded", _("Funded"), 16),
            ("goal", _("Goal or base program"), 16),
            ("stream", _("Funding stream"), 22),
            ("recurrence", _("Ongoing or one-time"), 14),
            ("priority", _("Priority"), 9),
            ("basis", basis, 16),
        ]

    def positions(self, ws, items, streams: dict, rates: dict) -> None:
        self.header(
            ws,
            [
                ("role", _("Role"), 28),
                ("code", _("Job code"), 10),
                ("fte", _("FTE"), 8),
                ("rate", _("Cost of one full-time person"), 18),
                ("cost", _("Cost"), 16),
                *self.tail_columns(),
            ],
        )
        for row, item in enumerate(items, start=FIRST):
            investment = item.investment
            self.put(ws, "role", row, str(translated(investment.staff_role, "name")))
            self.put(ws, "code", row, investment.staff_role.code)
            fte = self.put(ws, "fte", row, Decimal(investment.fte) / 100, FTE_FORMAT)
            rate = rates.get(investment.staff_role_id)
            cost = investment.cost_cents
            if rate is not None:
                rate_ref = self.money(ws, "rate", row, rate.full_time_cents)
                # The live formula only where it gives the stored cost (a cost priced at an
                # older rate keeps its own figure, so the sheet still matches the page).
                if fte_cost(rate.full_time_cents, investment.fte) == cost:
                    cost = f"=ROUND({fte}*{rate_ref},2)"
            self.money(ws, "cost", row, cost)
            self.common(ws, row, item, streams)
        self.last[ws.title] = FIRST + len(items) - 1

    def others(self, ws, items, streams: dict) -> None:
        self.header(
            ws,
            [
                ("description", _("Investment"), 36),
                ("category", _("Category"), 18),
                ("cost", _("Cost"), 16),
                *self.tail_columns(),
            ],
        )
        for row, item in enumerate(items, start=FIRST):
            investment = item.investment
            self.put(ws, "description", row, str(translated(investment, "description")))
            category = investment.category
            self.put(ws, "category", row, str(translated(category, "name")) if category else "")
            self.money(ws, "cost", row, investment.cost_cents)
            self.common(ws, row, item, streams)
        self.last[ws.title] = FIRST + len(items) - 1

    def _range(self, ws, key: str) -> str | None:
        last = self.last[ws.title]
        if last < FIRST:
            return None
        letter = self.columns[ws.title][key]
        return f"{sheet_ref(ws)}${letter}${FIRST}:${letter}${last}"

    def _sum(self, ws) -> str:
        funded = self._range(ws, "funded")
        return f"SUM({funded})" if funded else "0"

    def _sumif(self, sheets, key: str, criterion: str) -> str:
        parts = [
            f"SUMIF({self._range(ws, key)},{criterion},{self._range(ws, 'funded')})"
            for ws in sheets
            if self._range(ws, key)
        ]
        return "=" + ("+".join(parts) if parts else "0")

    def summary(self, ws, people, other) -> None:
        from openpyxl.styles import Font

        totals, sheets = self.totals, (people, other)
        self.header(ws, [("label", "", 44), ("amount", _("Amount"), 18), ("note", "", 40)])
        row = FIRST
        refs = {}

        def line(key, label, value, note="", bold=False):
            nonlocal row
            self.put(ws, "label", row, label)
            refs[key] = self.money(ws, "amount", row, value)
            if note:
                self.put(ws, "note", row, note)
            if bold:
                ws[f"A{row}"].font = ws[refs[key]].font = Font(bold=True)
            row += 1
            return refs[key]

        if totals.available_cents is not None and totals.basis is not None:
            label = (
                _("The school's allocation")
                if totals.basis == Basis.BUDGET
                else _("Planning figure (the allocation is not published yet)")
            )
            line("allocation", label, totals.available_cents, bold=True)
        line("people", _("People (positions)"), "=" + self._sum(people))
        line("other", _("Everything else"), "=" + self._sum(other))
        line("funded", _("Funded in all"), f"={refs['people']}+{refs['other']}", bold=True)
        for group in totals.groups:
            label = self.goal_label(group.goal.id if group.goal else None)
            statement = str(translated(group.goal, "statement")) if group.goal else ""
            line(group.key, label, self._sumif(sheets, "goal", f"A{row}"), statement)
        if "allocation" in refs:
            line("left", _("Unassigned"), f"={refs['allocation']}-{refs['funded']}", bold=True)
        ongoing = self._sumif(sheets, "recurrence", text_literal(_("Ongoing")))
        line("ongoing", _("What next year already owes (ongoing)"), ongoing)
        line(
            "one_time", _("Spent this year only (one-time)"), f"={refs['funded']}-{refs['ongoing']}"
        )


def _stream_names(investment, streams: dict) -> str:
    """The stream it is paid from, or the streams its budget lines draw on."""
    ids = [investment.funding_stream_id] if investment.funding_stream_id else []
    ids += [
        b.funding_stream_id
        for b in investment.budget_lines
        if b.cents and b.funding_stream_id not in ids
    ]
    return "; ".join(str(translated(streams[i], "name")) for i in ids if i in streams)
