"""Time axes: where ticks go and how their labels read, for text and for the app."""

from __future__ import annotations

import math

NS = 1_000_000_000
_STEPS = (1, 2, 5)


def nice_at_least(ns: int) -> int:
    """The smallest 1, 2 or 5 × 10^k ns that is ``ns`` or more: a round tick step or cell length."""
    magnitude = 1
    while True:
        for base in _STEPS:
            if base * magnitude >= ns:
                return base * magnitude
        magnitude *= 10


def tick_step(span_ns: int, width: int, min_gap: int = 8) -> int:
    """A 1-2-5 step in ns so that ticks over ``width`` cells are ``min_gap`` cells apart or more."""
    if span_ns <= 0 or width <= 0:
        return NS
    return nice_at_least(math.ceil(span_ns * min_gap / width))


def following_scale(end_ns: int, width: int, min_span_ns: int = NS) -> int:
    """ns per cell for a view that keeps a growing run in ``width`` cells: the smallest 1-2-5
    value that shows the run with a tenth of the width to spare, so ticks fall every few whole
    cells on round times. It changes only when the run crosses one of those round spans (a step
    leaves the run over a third of the width), a few times a run instead of every frame; a view
    of at least ``min_span_ns`` keeps a young run from rescaling while it starts. A function of
    the run's end alone: a replay shows the same screen at an instant whichever way it got there."""
    return nice_at_least(max(1, -(-max(end_ns * 11 // 10, min_span_ns) // max(1, width))))


def format_time(ns: int, step_ns: int | None = None) -> str:
    """``3s``, ``1.5s``, ``250ms``, ``40µs``: as few digits as the tick step needs."""
    if ns == 0:
        return "0"
    unit = step_ns if step_ns is not None else max(1, abs(ns))
    if unit >= NS:
        return f"{ns / NS:g}s"
    if unit >= 1_000_000:
        return f"{ns / 1_000_000:g}ms" if ns < NS else f"{ns / NS:g}s"
    if unit >= 1_000:
        return f"{ns / 1_000:g}µs" if ns < 1_000_000 else f"{ns / 1_000_000:g}ms"
    return f"{ns}ns"


def format_duration(ns: int) -> str:
    """A duration for people: ``3.00 s``, ``12.4 ms``, ``85 µs``."""
    if ns >= NS:
        return f"{ns / NS:.2f} s"
    if ns >= 1_000_000:
        return f"{ns / 1_000_000:.1f} ms"
    return f"{ns / 1_000:.0f} µs"


def ticks(t0: int, dt: int, width: int, min_gap: int = 8) -> list[tuple[int, int, str]]:
    """(cell, time, label) for each tick in ``width`` cells of ``dt`` ns starting at ``t0``."""
    step = tick_step(dt * width, width, min_gap)
    first = -(-t0 // step) * step
    out = []
    t = first
    while True:
        cell = (t - t0) // dt
        if cell >= width:
            return out
        out.append((cell, t, format_time(t, step)))
        t += step
