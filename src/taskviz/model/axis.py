"""Time axes: where ticks go and how their labels read, for text and for the app."""

from __future__ import annotations

NS = 1_000_000_000
_STEPS = (1, 2, 5)


def tick_step(span_ns: int, width: int, min_gap: int = 8) -> int:
    """A 1-2-5 step in ns so that ticks over ``width`` cells are ``min_gap`` cells apart or more."""
    if span_ns <= 0 or width <= 0:
        return NS
    ns_per_cell = span_ns / width
    target = ns_per_cell * min_gap
    magnitude = 1
    while True:
        for base in _STEPS:
            step = base * magnitude
            if step >= target:
                return step
        magnitude *= 10


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
