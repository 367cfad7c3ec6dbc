"""Small SVG charts for the web page, drawn by hand: deterministic text, no plotting library, no external fonts.

Each function returns an SVG document as a string; the page embeds it as a data: URI image with alt text.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape

from kaikaku_xl.palette import (
    BLACK,
    BLUE,
    DARK_GREY,
    EFFECT_SERIES,
    GRID_GREY,
    LIGHT_GREY,
    SERIES_OUTLINE,
    WEB_FONTS,
    css,
)
from kaikaku_xl.plan.scale import GradeScale
from kaikaku_xl.rounding import format_number, round_half_away


def _n(x: float) -> str:
    """Coordinates with one decimal, without binary noise."""
    return format(round_half_away(x, 1), ".1f").rstrip("0").rstrip(".") or "0"


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="{escape(WEB_FONTS)}" font-size="12">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def svg_text(
    x: float,
    y: float,
    value: str,
    anchor: str = "start",
    size: int = 12,
    fill: str = css(BLACK),
    weight: str = "normal",
) -> str:
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" font-size="{size}" fill="{fill}" '
        f'font-weight="{weight}">{escape(value)}</text>'
    )


def grade_share_chart(
    categories: list[str], series: dict[str, list[float]], title: str, scale: GradeScale | None = None
) -> str:
    """Horizontal stacked bars: share of each grade (percent points) per 基本方針, in the plan's colours."""
    scale = scale or GradeScale()
    label_w, bar_w, row_h, top = 300, 440, 34, 16
    width = label_w + bar_w + 30
    height = top + row_h * len(categories) + 70
    body = []
    for k in range(0, 101, 20):
        x = label_w + bar_w * k / 100
        body.append(
            f'<line x1="{_n(x)}" y1="{top - 4}" x2="{_n(x)}" y2="{top + row_h * len(categories)}" '
            f'stroke="{css(LIGHT_GREY)}" stroke-width="1"/>'
        )
        body.append(svg_text(x, top + row_h * len(categories) + 16, f"{k}%", "middle", 11))
    for i, cat in enumerate(categories):
        y = top + i * row_h
        body.append(
            svg_text(label_w - 8, y + row_h / 2 + 4, cat if len(cat) <= 24 else cat[:23] + "…", "end", 12)
        )
        x = float(label_w)
        for g in scale.labels:
            share = series[g][i]
            if share <= 0:
                continue
            w = bar_w * share / 100
            body.append(
                f'<rect x="{_n(x)}" y="{_n(y + 5)}" width="{_n(w)}" height="{row_h - 10}" '
                f'fill="{css(scale.fill(g) or LIGHT_GREY)}"/>'
            )
            if w >= 34:
                body.append(
                    svg_text(
                        x + w / 2,
                        y + row_h / 2 + 4,
                        f"{format_number(share, 1)}%",
                        "middle",
                        10,
                        css(scale.text_color(g)),
                    )
                )
            x += w
    ly = top + row_h * len(categories) + 40
    step = 110 if len(scale.labels) <= 5 else 580 // len(scale.labels)
    for j, g in enumerate(scale.labels):
        lx = label_w - 120 + j * step
        body.append(
            f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" fill="{css(scale.fill(g) or LIGHT_GREY)}"/>'
        )
        name = scale.title(g)
        body.append(svg_text(lx + 16, ly, f"{g} {name}" if name != g else g, "start", 11))
    return _svg(width, height, body, title)


def _nice_step(span: float) -> float:
    if span <= 0:
        return 1.0
    raw = span / 5
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power:
            return m * power
    return 10 * power


def _signed(v: float) -> str:
    """Negative amounts as the documents write them: △1,000."""
    return format_number(v) if v >= 0 else "△" + format_number(-v)


def _value_grid(
    lo: float,
    hi: float,
    step: float,
    y_of: Callable[[float], float],
    left: int,
    plot_w: int,
    label: Callable[[float], str],
    *,
    dx: int,
    dy: int,
    size: int,
) -> list[str]:
    """The value axis of the bar and line charts: a grid line at every `step` from `lo` to `hi`, each labelled
    `dx` left of the plot and `dy` below its line."""
    body = []
    k = 0
    while lo + k * step <= hi + step / 1000:
        v = lo + k * step
        y = y_of(v)
        body.append(
            f'<line x1="{left}" y1="{_n(y)}" x2="{left + plot_w}" y2="{_n(y)}" stroke="{css(GRID_GREY)}"/>'
        )
        body.append(svg_text(left - dx, y + dy, label(v), "end", size))
        k += 1
    return body


def bar_chart(categories: list[str], series: dict[str, list[float | None]], title: str, unit: str) -> str:
    """Vertical (clustered) bars with a zero line; values are already in the display unit."""
    colors = [css(c) for c in EFFECT_SERIES]
    outline = css(SERIES_OUTLINE)
    left, plot_w, top, plot_h = 110, 520, 30, 240
    width, height = left + plot_w + 20, top + plot_h + 70
    values = [v for vs in series.values() for v in vs if v is not None]
    hi, lo = max([0.0, *values]), min([0.0, *values])
    step = _nice_step(hi - lo)
    hi = math.ceil(hi / step) * step if hi > 0 else 0.0
    lo = math.floor(lo / step) * step if lo < 0 else 0.0
    if hi == lo:
        hi = lo + step

    def y_of(v: float) -> float:
        return top + plot_h * (hi - v) / (hi - lo)

    body = [svg_text(left, 16, f"（単位：{unit}）", "start", 11)]
    body += _value_grid(lo, hi, step, y_of, left, plot_w, _signed, dx=6, dy=4, size=10)
    body.append(
        f'<line x1="{left}" y1="{_n(y_of(0))}" x2="{left + plot_w}" y2="{_n(y_of(0))}" stroke="{css(DARK_GREY)}"/>'
    )
    n = max(len(categories), 1)
    slot = plot_w / n
    names = list(series)
    bar = slot * 0.7 / max(len(names), 1)
    for i, cat in enumerate(categories):
        x0 = left + i * slot + slot * 0.15
        for j, name in enumerate(names):
            v = series[name][i]
            if v is None:
                continue
            y1, y2 = sorted((y_of(v), y_of(0)))
            body.append(
                f'<rect x="{_n(x0 + j * bar)}" y="{_n(y1)}" width="{_n(bar)}" height="{_n(y2 - y1)}" '
                f'fill="{colors[j % len(colors)]}" stroke="{outline}" stroke-width="0.5"/>'
            )
            if len(names) == 1:
                body.append(
                    svg_text(
                        x0 + j * bar + bar / 2, (y1 - 5) if v >= 0 else (y2 + 13), _signed(v), "middle", 10
                    )
                )
        body.append(svg_text(left + i * slot + slot / 2, top + plot_h + 18, cat, "middle", 11))
    if len(names) > 1:
        for j, name in enumerate(names):
            lx = left + j * 90
            body.append(
                f'<rect x="{lx}" y="{height - 22}" width="12" height="12" fill="{colors[j % len(colors)]}" '
                f'stroke="{outline}" stroke-width="0.5"/>'
            )
            body.append(svg_text(lx + 16, height - 12, name, "start", 11))
    return _svg(width, height, body, title)


RATE_AXIS_MAX = 100.0  # master/dashboard.py's rule: a % measure's axis runs 0 to max(100, the data)


def value_axis(values: list[float], *, rate: bool) -> tuple[float, float, float]:
    """(low, high, step) of a trend chart's value axis, by the rule the workbook's charts follow
    (master/dashboard.line_axis): from 0 (or the lowest value below it), a % measure's up to max(100, the
    data), each end on a round step."""
    lo = min([0.0, *values])
    hi = max([RATE_AXIS_MAX if rate else 0.0, *values])
    if hi == lo:
        hi = lo + 1
    step = _nice_step(hi - lo)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def line_chart(
    categories: list[str],
    series: dict[str, list[float | None]],
    title: str,
    unit: str,
    *,
    rate: bool = False,
    decimals: int = 0,
) -> str:
    """A small line chart (actual against plan): one polyline per series, gaps where a value is not known, a
    marker on every known point (a series of one point is a marker), labels with 桁区切り."""
    colors = [css(BLUE), css(DARK_GREY)]
    dashes = ["", ' stroke-dasharray="5 3"']
    left, plot_w, top, plot_h = 70, 230, 28, 120
    width, height = left + plot_w + 15, top + plot_h + 52
    values = [v for vs in series.values() for v in vs if v is not None]
    lo, hi, step = value_axis(values, rate=rate)
    n = max(len(categories), 1)

    def x_of(i: int) -> float:
        return left + plot_w * (i + 0.5) / n

    def y_of(v: float) -> float:
        return top + plot_h * (hi - v) / (hi - lo)

    body = [
        svg_text(4, 14, title if len(title) <= 26 else title[:25] + "…", "start", 11, weight="bold"),
        svg_text(width - 4, 14, f"（{unit}）", "end", 10),
    ]
    shown = 0 if step >= 1 else max(decimals, 1 if step >= 0.1 else 2)
    body += _value_grid(
        lo, hi, step, y_of, left, plot_w, lambda v: format_number(v, shown), dx=4, dy=3, size=9
    )
    for i, cat in enumerate(categories):
        body.append(svg_text(x_of(i), top + plot_h + 14, cat, "middle", 9))
    for j, (name, vs) in enumerate(series.items()):
        runs: list[list[str]] = [[]]
        for i, v in enumerate(vs):
            if v is None:
                runs.append([])
                continue
            runs[-1].append(f"{_n(x_of(i))},{_n(y_of(v))}")
            body.append(f'<circle cx="{_n(x_of(i))}" cy="{_n(y_of(v))}" r="3" fill="{colors[j % 2]}"/>')
        for run in runs:
            if len(run) > 1:
                body.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{colors[j % 2]}" '
                    f'stroke-width="2"{dashes[j % 2]}/>'
                )
        lx = left + j * 90
        body.append(
            f'<line x1="{lx}" y1="{height - 12}" x2="{lx + 18}" y2="{height - 12}" stroke="{colors[j % 2]}" '
            f'stroke-width="2"{dashes[j % 2]}/>'
        )
        body.append(svg_text(lx + 22, height - 8, name, "start", 10))
    return _svg(width, height, body, title)
