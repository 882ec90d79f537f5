"""Geometry for small server-drawn SVG charts. Templates draw the shapes; every chart also has a
table, so these return the numbers as well as the coordinates."""

from dataclasses import dataclass

BAR_WIDTH = 300  # the drawing's width in SVG units; it scales to the screen


@dataclass(frozen=True)
class Bar:
    item: object
    value: int
    y: int
    length: float


def bar_chart(items: list[tuple[object, int]], height: int = 28) -> dict:
    """Horizontal bars, longest = full width. `items` are (thing, amount)."""
    top = max((value for _item, value in items), default=0)
    bars = [
        Bar(item, value, index * height, (value / top * BAR_WIDTH) if top else 0)
        for index, (item, value) in enumerate(items)
    ]
    return {"bars": bars, "width": BAR_WIDTH, "height": max(len(bars), 1) * height, "row": height}


def progress_chart(points: list[tuple[str, object]], width: int = 240, height: int = 80) -> dict:
    """A line through (year label, value) points, values scaled between their min and max."""
    values = [float(value) for _label, value in points]
    low, high = (min(values), max(values)) if values else (0.0, 0.0)
    span = (high - low) or 1.0
    step = width / max(len(points) - 1, 1)
    coords = [
        (round(index * step, 1), round(height - 10 - (v - low) / span * (height - 20), 1))
        for index, v in enumerate(values)
    ]
    return {
        "points": points,
        "coords": coords,
        "polyline": " ".join(f"{x},{y}" for x, y in coords),
        "width": width,
        "height": height,
    }
