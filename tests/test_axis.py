"""The time axis while a run grows: a round scale that steps rarely, ticks on round times."""

from __future__ import annotations

from itertools import pairwise

from taskviz.app.widgets.timeline_zoom import TimelineZoom
from taskviz.model.axis import NS, following_scale, nice_at_least, ticks


class _Following(TimelineZoom):
    """The view's follow logic alone, on a live clock, ``width`` cells wide."""

    def __init__(self, width: int) -> None:
        self.model = None
        self._now = lambda: 0
        self.view_start_ns, self.ns_per_cell, self.follow = 0, NS // 10, True
        self.chart_width = width  # type: ignore[misc]


def _round(ns: int) -> bool:
    return nice_at_least(ns) == ns


def test_a_growing_run_rescales_rarely_and_only_to_round_scales_with_round_ticks() -> None:
    width = 117  # not a round number of cells: a scale worked out from it would not be round
    view = _Following(width)
    scales = []
    for frame in range(60 * 30):  # a minute at 30 frames a second
        now = frame * NS // 30
        view._follow(now)
        dt = view.ns_per_cell
        scales.append(dt)
        assert _round(dt) and now < dt * width, (now, dt)
        marks = ticks(0, dt, width)
        step = marks[1][1] - marks[0][1]
        assert _round(step) and all(t % step == 0 for _, t, _ in marks)
        gaps = {b[0] - a[0] for a, b in pairwise(marks)}
        assert len(gaps) == 1 and gaps.pop() >= 8, "ticks evenly spaced, on whole cells"
    changes = [(a, b) for a, b in pairwise(scales) if a != b]
    assert len(changes) <= 6, f"the scale steps about thrice a tenfold growth, not every frame: {changes}"
    assert all(b > a for a, b in changes), "it only grows while the run does"
    assert scales[0] * width >= NS, "a young run does not rescale while it starts"


def test_the_scale_depends_on_the_instant_alone() -> None:
    view = _Following(100)
    view._follow(30 * NS)
    back = view.ns_per_cell
    view._follow(NS)
    assert view.ns_per_cell < back, "a replay moved back to its start"
    view.ns_per_cell = back * 3 // 4  # a zoom's length
    view._follow(30 * NS)
    assert view.ns_per_cell == back == following_scale(30 * NS, 100), "the same instant, the same scale"
