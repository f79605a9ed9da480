"""The SVG bar charts: axis in round figures, bar heights proportional, every label escaped."""

from __future__ import annotations

import re

import pytest

from menwei.server.web.charts import Series, bar_chart, bar_heights, nice_ceiling


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 1), (1, 1), (7, 10), (12, 20), (45, 50), (101, 200), (0.3, 0.5)]
)
def test_the_axis_ends_on_a_round_figure(value: float, expected: float) -> None:
    assert nice_ceiling(value) == pytest.approx(expected)


def test_bars_are_proportional_and_never_negative() -> None:
    assert bar_heights([0, 5, 10, -3], 10, 200) == [0, 100, 200, 0]


def test_grouped_bars_draw_one_rect_per_value_with_heights_in_proportion() -> None:
    svg = str(bar_chart("t", ["a", "b"], [Series("allow", [10, 5]), Series("deny", [0, 20])]))
    heights = [float(h) for h in re.findall(r'<rect class="series-\d" [^>]*height="([\d.]+)"', svg)]
    assert len(heights) == 4
    assert heights[0] == pytest.approx(heights[1] * 2)  # 10 vs 5
    assert heights[3] == pytest.approx(heights[0] * 2)  # 20 vs 10
    assert 'class="legend"' in svg


def test_stacked_bars_share_one_column_per_category() -> None:
    svg = str(bar_chart("t", ["x"], [Series("a", [1]), Series("b", [3])], stacked=True))
    xs = set(re.findall(r'<rect class="series-\d" x="([\d.]+)"', svg))
    assert len(xs) == 1


def test_hostile_labels_are_escaped() -> None:
    svg = str(bar_chart("<script>", ['"><img src=x>'], [Series("</svg>", [1])]))
    assert "<script>" not in svg and "<img" not in svg and svg.count("</svg>") == 1


def test_a_series_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="one value per category"):
        bar_chart("t", ["a", "b"], [Series("s", [1])])
