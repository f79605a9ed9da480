"""Bar charts as inline SVG, drawn on the server: no script, nothing for the CSP to allow.

Each chart carries a ``<title>`` and an ``aria-label`` and is meant to sit beside a table of the
same numbers, so a screen reader (or a printout) loses nothing. Colours come from CSS classes
(``series-0``, ``series-1`` …) so pages keep one palette in ``site.css``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
HEIGHT = 240
_LEFT = 44  # room for the value axis labels
_BOTTOM = 36  # room for the category labels
_TOP = 12


@dataclass(frozen=True, slots=True)
class Series:
    """One set of bars: a name for the legend and one value per category."""

    name: str
    values: Sequence[float]


def nice_ceiling(value: float) -> float:
    """The smallest 1-2-5 step number at or above ``value``, so the axis reads in round figures."""
    if value <= 0:
        return 1.0
    magnitude = 1.0
    while magnitude * 10 <= value:
        magnitude *= 10
    while magnitude > value:
        magnitude /= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def bar_heights(values: Sequence[float], ceiling: float, height: float) -> list[float]:
    """Pixel heights of ``values`` on an axis from 0 to ``ceiling``; negatives draw as 0."""
    return [max(0.0, min(float(v), ceiling)) / ceiling * height for v in values]


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    stacked: bool = False,
    label_every: int = 1,
) -> Markup:
    """Grouped (or stacked) vertical bars, one group per category, as escaped SVG markup."""
    if any(len(s.values) != len(categories) for s in series):
        raise ValueError("every series needs one value per category")
    plot_w = WIDTH - _LEFT - 8
    plot_h = HEIGHT - _TOP - _BOTTOM
    totals = (
        [sum(float(s.values[i]) for s in series) for i in range(len(categories))]
        if stacked
        else [float(v) for s in series for v in s.values]
    )
    ceiling = nice_ceiling(max(totals, default=0.0))
    slot = plot_w / max(len(categories), 1)
    bar_w = slot * 0.8 if stacked else slot * 0.8 / max(len(series), 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for fraction in (0.0, 0.5, 1.0):
        y = _TOP + plot_h * (1 - fraction)
        parts.append(
            f'<line class="grid" x1="{_LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{_LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">'
            f"{_figure(ceiling * fraction)}</text>"
        )
    base = [0.0] * len(categories)
    for index, one in enumerate(series):
        heights = bar_heights(one.values, ceiling, plot_h)
        for i, (h, value) in enumerate(zip(heights, one.values, strict=True)):
            x = _LEFT + slot * i + slot * 0.1 + (0 if stacked else bar_w * index)
            y = _TOP + plot_h - h - (base[i] if stacked else 0)
            parts.append(
                f'<rect class="series-{index}" x="{x:.1f}" y="{y:.1f}" '
                f'width="{bar_w:.1f}" height="{h:.1f}">'
                f"<title>{escape(categories[i])} · {escape(one.name)}: {_figure(value)}</title>"
                "</rect>"
            )
            if stacked:
                base[i] += h
    for i, name in enumerate(categories):
        if i % max(label_every, 1):
            continue
        x = _LEFT + slot * i + slot / 2
        parts.append(
            f'<text class="axis" x="{x:.1f}" y="{HEIGHT - _BOTTOM + 16}" '
            f'text-anchor="middle">{escape(name)}</text>'
        )
    parts.append("</svg>")
    legend = "".join(
        f'<li><span class="swatch series-{i}" aria-hidden="true"></span>{escape(s.name)}</li>'
        for i, s in enumerate(series)
    )
    chart = "".join(parts)
    if len(series) > 1:
        chart += f'<ul class="legend">{legend}</ul>'
    return Markup(chart)  # noqa: S704 (every label and value above was escaped)


def _figure(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
