"""Geometry for small server-drawn SVG charts. Templates draw the shapes; every chart also has a
table, so these return the numbers as well as the coordinates.

Each chart is readable on its own on a phone: labels and amounts are drawn in the chart, axes
carry their scale, and in a right-to-left language the reading direction is mirrored (bars
grow from the right, time runs from right to left). Text is placed from the start or end of
the drawing and anchored with "start"/"end", which the SVG `direction` (inherited from
`<html dir>`) turns around by itself.
"""

import math
from dataclasses import dataclass

from flask import has_request_context
from flask_babel import get_locale

BAR_WIDTH = 320  # the bar chart's width in SVG units; it scales to the screen


def is_rtl() -> bool:
    """Whether the reader's language is written right to left (Arabic)."""
    if not has_request_context():
        return False
    locale = get_locale()
    return bool(locale) and locale.character_order == "right-to-left"


def _text_width(text: str, size: float) -> float:
    """A generous estimate of a label's width in SVG units (no font metrics on the server)."""
    wide = sum(1 for c in text if ord(c) > 0x2E80)
    return (len(text) - wide) * size * 0.6 + wide * size * 1.05


# -- Bars per goal (the budget page) ----------------------------------------------------------


@dataclass(frozen=True)
class GoalBar:
    totals: object  # services.plans.GoalTotals
    label_y: float  # baseline of the row's text
    bar_y: float
    funded_x: float
    funded_width: float
    unfunded_x: float
    unfunded_width: float


def goal_bars(budget, rtl: bool | None = None) -> dict:
    """One labelled bar per goal of a services.plans.BudgetTotals: the funded part solid, the
    part not funded hatched, the longest goal's cost across the whole width. The row's text
    ("Goal 1", its cost) is drawn above its bar: `start_x` and `end_x` are where it sits."""
    rtl = is_rtl() if rtl is None else rtl
    row, bar_height, top_pad = 46, 16, 4
    groups = budget.groups  # the base program (when it has anything), then every goal
    top = max((g.cost_cents for g in groups), default=0)
    bars = []
    for index, goal in enumerate(groups):
        y = top_pad + index * row
        funded = goal.funded_cents / top * BAR_WIDTH if top else 0
        unfunded = goal.unfunded_cents / top * BAR_WIDTH if top else 0
        if rtl:
            funded_x, unfunded_x = BAR_WIDTH - funded, BAR_WIDTH - funded - unfunded
        else:
            funded_x, unfunded_x = 0, funded
        bars.append(
            GoalBar(
                goal,
                y + 15,
                y + 22,
                round(funded_x, 1),
                round(funded, 1),
                round(unfunded_x, 1),
                round(unfunded, 1),
            )
        )
    return {
        "bars": bars,
        "width": BAR_WIDTH,
        "height": top_pad + max(len(bars), 1) * row,
        "bar_height": bar_height,
        "start_x": BAR_WIDTH if rtl else 0,
        "end_x": 0 if rtl else BAR_WIDTH,
        "any_unfunded": any(g.unfunded_cents for g in groups),
    }


# -- The whole allocation in one bar (the top of the budget page) -----------------------------


@dataclass(frozen=True)
class Segment:
    key: str  # "people", "other", "unassigned" or "over"
    cents: int
    share: float  # of the whole allocation (or of what is funded, when that is more)
    x: float
    width: float


def whole_bar(budget, rtl: bool | None = None) -> dict:
    """The whole allocation as one bar of a services.plans.BudgetTotals: people, everything
    else, and what is not assigned yet, end to end; when the funded investments use more than
    the school has, the bar is what is funded and "over" marks the part past the allocation.
    Widths come in SVG units of a BAR_WIDTH-wide drawing; in RTL the bar grows from the right."""
    rtl = is_rtl() if rtl is None else rtl
    available = budget.available_cents if budget.basis else None
    funded = budget.funded_cents
    whole = max(available or 0, funded)
    parts = [("people", budget.people_cents), ("other", budget.other_cents)]
    if available is not None and available > funded:
        parts.append(("unassigned", available - funded))
    segments, start = [], 0
    for key, cents in parts:
        width = cents / whole * BAR_WIDTH if whole else 0
        x = BAR_WIDTH - start - width if rtl else start
        segments.append(
            Segment(key, cents, cents / whole if whole else 0, round(x, 1), round(width, 1))
        )
        start += width
    over = None
    if available is not None and funded > available:
        width = (funded - available) / whole * BAR_WIDTH
        x = 0 if rtl else BAR_WIDTH - width
        over = Segment(
            "over", funded - available, (funded - available) / whole, round(x, 1), round(width, 1)
        )
    return {
        "segments": segments,
        "drawn": [s for s in segments if s.width],
        "over": over,
        "whole_cents": whole,
        "width": BAR_WIDTH,
        "height": 28,
    }


# -- A goal's indicator over the years (the plan) ---------------------------------------------


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values covering [low, high] (1, 2, 2.5 or 5 times a power of ten apart)."""
    if high < low:
        low, high = high, low
    if high == low:
        high = low + 1
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks, value = [], first
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def progress_chart(
    points: list[tuple[str, object]],
    target=None,
    baseline=None,
    rtl: bool | None = None,
    width: int = 300,
    height: int = 170,
) -> dict:
    """A line through (year label, value) points with a value axis (round ticks that include
    the baseline and the target), the year under each point, each value above its dot, and the
    target as a dashed line. Time runs right to left in a right-to-left language."""
    rtl = is_rtl() if rtl is None else rtl
    values = [float(value) for _label, value in points]
    extra = [float(v) for v in (target, baseline) if v is not None]
    ticks = nice_ticks(min(values + extra, default=0), max(values + extra, default=1))
    low, high = ticks[0], ticks[-1]
    span = (high - low) or 1.0
    left, right, top, bottom = 46, 18, 20, 36  # room for tick labels and year labels
    plot_w, plot_h = width - left - right, height - top - bottom

    def y_of(v: float) -> float:
        return round(top + plot_h - (v - low) / span * plot_h, 1)

    inset = 28  # keeps the first and last year clear of the axis and the edge

    def x_of(index: int) -> float:
        step = (plot_w - 2 * inset) / max(len(points) - 1, 1)
        x = left + inset + (index * step if len(points) > 1 else plot_w / 2 - inset)
        return round(width - x if rtl else x, 1)

    # In a right-to-left language the drawing is mirrored: the value axis stands at the right.
    axis_x = (width - left) if rtl else left
    plot_start, plot_end = (width - left, right) if rtl else (left, width - right)
    coords = [(x_of(i), y_of(v)) for i, v in enumerate(values)]
    return {
        "points": points,
        "coords": coords,
        "labelled": [
            {"x": x, "y": y, "label": label, "value": value}
            for (x, y), (label, value) in zip(coords, points, strict=True)
        ],
        "polyline": " ".join(f"{x},{y}" for x, y in coords),
        "ticks": [{"y": y_of(t), "value": t} for t in ticks],
        "target_y": y_of(float(target)) if target is not None else None,
        "target": target,
        "axis_x": axis_x,
        # Tick labels are digits, drawn left to right in every language (also by WeasyPrint,
        # which ignores `direction`): anchored at the end in LTR, at the start in RTL.
        "tick_x": axis_x + 6 if rtl else axis_x - 6,
        "tick_anchor": "start" if rtl else "end",
        "middle_x": round((plot_start + plot_end) / 2, 1),
        "plot_start": plot_start,
        "plot_end": plot_end,
        "base_y": top + plot_h,
        "year_y": top + plot_h + 20,
        "width": width,
        "height": height,
    }


# -- Schools' money per student against a share of need (the district page) ------------------


def scatter_chart(
    points: list[dict], money_label, rtl: bool | None = None, width: int = 340, height: int = 290
) -> dict:
    """Schools as dots: `share` (0..1) across, `per_pupil` (cents) up, with round ticks on both
    axes, the fitted line, and each school's name beside its dot where it fits without covering
    another label or dot (every dot also has its name for touch and screen readers).
    `money_label(cents)` formats a tick. In a right-to-left language the share runs leftwards."""
    from portal.services.allocation import least_squares

    rtl = is_rtl() if rtl is None else rtl
    if not points:
        return {"points": [], "line": None, "x_ticks": [], "y_ticks": []}
    left, right, top, bottom = 56, 14, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    max_share = max(p["share"] for p in points)
    x_ticks = nice_ticks(0, max(max_share, 0.05), 5)
    x_high = x_ticks[-1]
    cents = [p["per_pupil"] for p in points]
    y_ticks = nice_ticks(min(cents), max(cents), 4)
    y_low, y_high = y_ticks[0], y_ticks[-1]

    def x_of(share: float) -> float:
        x = left + plot_w * share / x_high
        return round(width - x if rtl else x, 1)

    def y_of(value: float) -> float:
        return round(top + plot_h - plot_h * (value - y_low) / ((y_high - y_low) or 1), 1)

    dots = [{**p, "x": x_of(p["share"]), "y": y_of(p["per_pupil"])} for p in points]
    # Visible names: try beside each dot (towards the open side, then the other), keep those
    # that stay inside the plot and clear of every dot and of the names already placed.
    size, radius = 11, 6
    placed: list[tuple[float, float, float, float]] = []
    obstacles = [(d["x"] - radius, d["y"] - radius, d["x"] + radius, d["y"] + radius) for d in dots]
    plot_box = (min(x_of(0), x_of(x_high)), top, max(x_of(0), x_of(x_high)), top + plot_h)

    def clear(box) -> bool:
        x1, y1, x2, y2 = box
        if x1 < plot_box[0] or x2 > plot_box[2] or y1 < plot_box[1] - 2 or y2 > plot_box[3]:
            return False
        return not any(
            x1 < b[2] and b[0] < x2 and y1 < b[3] and b[1] < y2 for b in placed + obstacles
        )

    for dot in sorted(dots, key=lambda d: d["share"]):
        name = dot["name"]
        w = _text_width(name, size)
        dot["label"] = None
        # Beside the dot (towards larger x on the screen, then smaller), then above, then below.
        candidates = [
            (dot["x"] + radius + 2, dot["y"] - size * 0.8),
            (dot["x"] - radius - 2 - w, dot["y"] - size * 0.8),
            (dot["x"] - w / 2, dot["y"] - radius - 2 - size * 1.15),
            (dot["x"] - w / 2, dot["y"] + radius + 2),
        ]
        if rtl:
            candidates[0], candidates[1] = candidates[1], candidates[0]
        for x1, y1 in candidates:
            box = (x1, y1, x1 + w, y1 + size * 1.15)
            if clear(box):
                placed.append(box)
                # Anchored at its start: the left edge in LTR, the right edge in RTL.
                dot["label"] = {
                    "x": round(x1 + w if rtl else x1, 1),
                    "y": round(y1 + size * 0.9, 1),
                }
                break
    fit = least_squares([(p["share"], p["per_pupil"]) for p in points])
    line = None
    if fit:
        slope, intercept = fit
        # Clip the fitted line to the plot's value range.
        x1v, x2v = 0.0, x_high
        y1v, y2v = intercept, intercept + slope * x_high
        line = {
            "x1": x_of(x1v),
            "y1": y_of(min(max(y1v, y_low), y_high)),
            "x2": x_of(x2v),
            "y2": y_of(min(max(y2v, y_low), y_high)),
            "slope": slope,
        }
    axis_x = x_of(0)
    return {
        "points": dots,
        "line": line,
        "x_ticks": [{"x": x_of(t), "value": t} for t in x_ticks],
        "y_ticks": [{"y": y_of(t), "label": money_label(int(t))} for t in y_ticks],
        "axis_x": axis_x,
        "axis_end": x_of(x_high),
        "tick_x": axis_x + 5 if rtl else axis_x - 5,
        "base_y": top + plot_h,
        "top_y": top,
        "tick_y": top + plot_h + 16,
        "width": width,
        "height": height,
        "font": size,
    }
