"""The calculator: a spreadsheet that reproduces a school's published money with live formulas,
so a parent can check the budget page's arithmetic (or change a number and see what follows).

The per-pupil lines, proration, top-ups and grants add up to the total the budget page prints,
and the per-student figure is that total over the enrollment."""

import io
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from babel.numbers import get_currency_symbol
from flask_babel import gettext as _

from portal.formatting import cents_to_decimal
from portal.i18n import translated
from portal.services import funding
from portal.services.allocation import ALL_STUDENTS
from portal.services.school_year import current_year

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME_MAX = 31  # Excel's limit on a sheet's name
COLUMN_WIDTHS = (("A", 48), ("B", 10), ("C", 18), ("D", 18))


@dataclass(frozen=True)
class CalculatorSheet:
    """The spreadsheet file and the name it is saved under."""

    body: bytes
    filename: str
    mimetype: str = XLSX_MIMETYPE


def calculator_sheet(school, district, rtl: bool = False) -> CalculatorSheet | None:
    """The school's calculator for the published run, or None while nothing is published.
    `rtl` lays the sheet out right to left (an Arabic reader)."""
    year = current_year(district.id)
    run = funding.published_run(district.id, year.id) if year else None
    money = funding.school_funding(run, school.id)
    if money is None:
        return None
    currency = get_currency_symbol(district.currency or "USD", locale="en_US")
    sheet = _Sheet(f'"{currency}"#,##0.00', rtl)
    sheet.title(school.name, f"{year.label} · {run.scenario.name}")
    groups = {group.key: group for group in funding.need_groups(district.id)}
    _write(sheet, money, groups)
    return CalculatorSheet(sheet.save(), f"{school.slug}-allocation.xlsx")


def _round_half_up(value: Fraction) -> int:
    return int(value + Fraction(1, 2)) if value >= 0 else -int(-value + Fraction(1, 2))


def _group_label(group: str, groups: dict) -> str:
    if group == ALL_STUDENTS:
        return _("All students")
    return str(translated(groups[group], "name") if group in groups else group)


class _Sheet:
    """One worksheet written row by row: column D holds the amounts, formatted as money."""

    def __init__(self, amount_format: str, rtl: bool):
        from openpyxl import Workbook

        self.book = Workbook()
        self.ws = self.book.active
        self.ws.title = _("Allocation")[:SHEET_NAME_MAX]
        self.ws.sheet_view.rightToLeft = rtl
        self.amount_format = amount_format

    @property
    def last(self) -> int:
        return self.ws.max_row

    def title(self, heading: str, subheading: str) -> None:
        from openpyxl.styles import Font

        self.ws["A1"] = heading
        self.ws["A1"].font = Font(bold=True, size=14)
        self.ws["A2"] = subheading
        self.ws.append([])

    def header(self, *labels: str) -> None:
        from openpyxl.styles import Alignment, Font

        self.ws.append(list(labels))
        for cell in self.ws[self.last]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True)

    def line(self, label: str, pupils: int, rate_cents: int) -> None:
        """A per-pupil line: pupils x rate = amount, the amount a formula."""
        row = self.last + 1
        self.ws.append([label, pupils, cents_to_decimal(rate_cents), f"=B{row}*C{row}"])
        self.ws[f"C{row}"].number_format = self.ws[f"D{row}"].number_format = self.amount_format

    def amount(self, label: str, value, bold: bool = False) -> int:
        """A row with an amount (a number or a formula) in column D; returns its row."""
        from openpyxl.styles import Font

        self.ws.append([label, None, None, value])
        row = self.last
        self.ws[f"D{row}"].number_format = self.amount_format
        if bold:
            self.ws[f"A{row}"].font = self.ws[f"D{row}"].font = Font(bold=True)
        return row

    def share(self, label: str, factor: Fraction) -> int:
        """A row with a proportion, shown as a percentage; returns its row."""
        self.ws.append(
            [label, None, None, float(Decimal(factor.numerator) / Decimal(factor.denominator))]
        )
        self.ws[f"D{self.last}"].number_format = "0.000000%"
        return self.last

    def save(self) -> bytes:
        for column, width in COLUMN_WIDTHS:
            self.ws.column_dimensions[column].width = width
        buffer = io.BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()


def _write(sheet: _Sheet, money, groups: dict) -> None:
    """The arithmetic, row by row: lines, formula total, proration and its rounding, top-ups,
    the formula allocation, grants, the total and the amount per student."""
    allocation = money.allocation
    sheet.header(_("Group"), _("Pupils"), _("Dollars per pupil"), _("Amount"))
    first = sheet.last + 1
    for line in allocation.lines:
        sheet.line(_group_label(line.group, groups), line.pupils, line.rate_cents)
    formula_row = sheet.amount(_("Formula total"), f"=SUM(D{first}:D{sheet.last})")
    parts = _prorated_parts(sheet, money, formula_row)
    if allocation.minimum_topup_cents:
        parts.append(
            sheet.amount(
                _("Top-up to the minimum budget"),
                cents_to_decimal(allocation.minimum_topup_cents),
            )
        )
    if allocation.hold_harmless_topup_cents:
        parts.append(
            sheet.amount(
                _("Top-up so that no school gets less than last year"),
                cents_to_decimal(allocation.hold_harmless_topup_cents),
            )
        )
    money_rows = [sheet.amount(_("Formula allocation"), _sum(parts), bold=True)]
    for source in money.grant_sources:
        money_rows.append(
            sheet.amount(
                _("Grant: %(name)s", name=translated(source.stream, "name").text),
                cents_to_decimal(source.cents),
            )
        )
    total_row = sheet.amount(_("Total"), _sum(money_rows), bold=True)
    sheet.ws.append(
        [_("Per student"), allocation.pupils, None, f"=ROUND(D{total_row}/B{total_row + 1},2)"]
    )
    sheet.ws[f"D{sheet.last}"].number_format = sheet.amount_format


def _prorated_parts(sheet: _Sheet, money, formula_row: int) -> list[int]:
    """The formula's rows after proration: the formula total itself when the money covers it,
    else the factor, the prorated amount and the rounding to the cent."""
    if money.proration == 1:
        return [formula_row]
    allocation, factor = money.allocation, money.proration
    factor_row = sheet.share(_("Share of these amounts the district's money covers"), factor)
    parts = [sheet.amount(_("Formula after proration"), f"=ROUND(D{formula_row}*D{factor_row},2)")]
    # The district shares its last cents by largest remainder so that the schools' amounts
    # add up to the money available exactly: say so rather than hide a cent.
    rounding = allocation.prorated_cents - _round_half_up(
        Fraction(allocation.formula_cents) * factor
    )
    if rounding:
        parts.append(
            sheet.amount(
                _("Rounding to the cent, so that all schools add up to the district's total"),
                cents_to_decimal(rounding),
            )
        )
    return parts


def _sum(rows: list[int]) -> str:
    return "=" + "+".join(f"D{row}" for row in rows)
