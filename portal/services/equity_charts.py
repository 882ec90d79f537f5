"""Geometry for the equity view's stacked bar charts (guidebook Figure 2.4): one bar per group
of schools, split into two parts (unrestricted and restricted money; people and everything
else), following services/charts.py: the row's label and total drawn above its bar, the
largest total across the whole width, bars growing from the right in a right-to-left
language. Templates draw the shapes and print a table with the same numbers."""

from dataclasses import dataclass

from portal.services.charts import BAR_WIDTH, is_rtl


@dataclass(frozen=True)
class Segment:
    part: str  # a name for the part ("unrestricted"), its CSS class is part-<name>
    cents: int
    x: float
    width: float


@dataclass(frozen=True)
class StackedBar:
    row: object  # what the bar is for (an equity.Decile)
    total_cents: int
    label_y: float
    bar_y: float
    segments: list[Segment]


def stacked_bars(rows, parts: list[tuple[str, str]], rtl: bool | None = None) -> dict:
    """One bar per row, its parts laid end to end from the reading start. `parts` names each
    part and the row's attribute holding its cents: [("unrestricted",
    "unrestricted_per_pupil_cents"), ("restricted", "restricted_per_pupil_cents")]."""
    rtl = is_rtl() if rtl is None else rtl
    row_height, bar_height, top_pad = 46, 16, 4
    amounts = [[getattr(row, attr) for _part, attr in parts] for row in rows]
    top = max((sum(a) for a in amounts), default=0)
    bars = []
    for index, (row, values) in enumerate(zip(rows, amounts, strict=True)):
        y = top_pad + index * row_height
        offset, segments = 0.0, []
        for (part, _attr), cents in zip(parts, values, strict=True):
            width = cents / top * BAR_WIDTH if top else 0.0
            x = BAR_WIDTH - offset - width if rtl else offset
            segments.append(Segment(part, cents, round(x, 1), round(width, 1)))
            offset += width
        bars.append(StackedBar(row, sum(values), y + 15, y + 22, segments))
    return {
        "bars": bars,
        "parts": [part for part, _attr in parts],
        "width": BAR_WIDTH,
        "height": top_pad + max(len(bars), 1) * row_height,
        "bar_height": bar_height,
        "start_x": BAR_WIDTH if rtl else 0,
        "end_x": 0 if rtl else BAR_WIDTH,
    }


MONEY_PARTS = [
    ("unrestricted", "unrestricted_per_pupil_cents"),
    ("restricted", "restricted_per_pupil_cents"),
]
SPENDING_PARTS = [("people", "people_per_pupil_cents"), ("other", "other_per_pupil_cents")]


def decile_charts(view, rtl: bool | None = None) -> dict:
    """The equity view's two charts: money per student by decile, split by kind of stream, and
    funded spending per student on people and on everything else (deciles with a public plan)."""
    if not view.deciles:
        return {}
    spending = [d for d in view.deciles if d.planned]
    charts = {"money": stacked_bars(view.deciles, MONEY_PARTS, rtl)}
    if spending:
        charts["spending"] = stacked_bars(spending, SPENDING_PARTS, rtl)
    return charts
