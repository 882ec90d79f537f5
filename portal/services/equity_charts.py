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


# Above this many schools a scatter chart draws bare dots: no name beside or on each dot, no
# table of every school under it (the paged school list on the same page has the figures),
# and none of the label placement, whose cost grows with the square of the dots.
NAMED_DOTS = 60


def dense_scatter(points: list[dict], money_label, rtl: bool | None = None) -> dict:
    """services.charts.scatter_chart's geometry for many schools, without names: the axes and
    ticks come from scatter_chart over the extreme points (the same ticks as over all of
    them), each dot is placed on those axes, and the fitted line is over every school."""
    from portal.services.allocation import least_squares
    from portal.services.charts import nice_ticks, scatter_chart

    if len(points) <= NAMED_DOTS:
        return {**scatter_chart(points, money_label, rtl), "named": True}
    extremes = [
        min(points, key=lambda p: p["share"]),
        max(points, key=lambda p: p["share"]),
        min(points, key=lambda p: p["per_pupil"]),
        max(points, key=lambda p: p["per_pupil"]),
    ]
    chart = scatter_chart([{**p, "name": ""} for p in extremes], money_label, rtl)
    cents = [p["per_pupil"] for p in points]
    y_values = nice_ticks(min(cents), max(cents), 4)
    first_x, last_x = chart["x_ticks"][0], chart["x_ticks"][-1]
    first_y, last_y = chart["y_ticks"][0]["y"], chart["y_ticks"][-1]["y"]

    def x_of(share: float) -> float:
        span = (last_x["value"] - first_x["value"]) or 1
        return round(
            first_x["x"] + (share - first_x["value"]) / span * (last_x["x"] - first_x["x"]), 1
        )

    def y_of(value: float) -> float:
        span = (y_values[-1] - y_values[0]) or 1
        return round(first_y + (value - y_values[0]) / span * (last_y - first_y), 1)

    fit = least_squares([(p["share"], p["per_pupil"]) for p in points])
    line = None
    if fit:
        slope, intercept = fit
        low, high = y_values[0], y_values[-1]
        line = {
            "x1": x_of(0.0),
            "y1": y_of(min(max(intercept, low), high)),
            "x2": x_of(last_x["value"]),
            "y2": y_of(min(max(intercept + slope * last_x["value"], low), high)),
            "slope": slope,
        }
    dots = [{**p, "x": x_of(p["share"]), "y": y_of(p["per_pupil"]), "label": None} for p in points]
    return {**chart, "points": dots, "line": line, "named": False}
