"""Each kind of wait drawn in its own glyph and colour, one legend from one table, cut labels marked."""

from __future__ import annotations

import asyncio
import io
import itertools
import re

import pytest

from taskviz import palette
from taskviz.model.summary import gain
from taskviz.model.timeline import State
from taskviz.model.waits import WaitKind
from taskviz.report import print_timeline
from taskviz.textchart import render

from conftest import trace

ANSI = re.compile(r"\x1b\[[0-9;]*m")
K = WaitKind


async def _kinds_program() -> None:
    """One task per kind that can run on a virtual clock: a sleep, a lock, an event, a queue."""
    lock, event, queue = asyncio.Lock(), asyncio.Event(), asyncio.Queue[int]()

    async def sleeper() -> None:
        await asyncio.sleep(3)

    async def locked() -> None:
        async with lock:
            pass

    async def waiter() -> None:
        await event.wait()

    async def taker() -> None:
        await queue.get()

    async with lock:
        tasks = [asyncio.create_task(f()) for f in (sleeper, locked, waiter, taker)]
        await asyncio.sleep(2)
    event.set()
    queue.put_nowait(1)
    await asyncio.gather(*tasks)


def _chart(color: bool = False, width: int = 100) -> str:
    finished = trace(_kinds_program)
    return render(finished.model, title="kinds", wall_ns=finished.run.wall_ns, gain=finished.gain, width=width,
                  color=color)


def _row(chart: str, name: str) -> str:
    return next(line for line in chart.splitlines() if line.lstrip().startswith(name))[28:]


def test_each_kind_of_wait_has_its_glyph_on_its_row_without_colour() -> None:
    chart = _chart(color=False)
    assert "\x1b[" not in chart
    for name, kind in (("sleeper", K.SLEEP), ("locked", K.LOCK), ("waiter", K.EVENT), ("taker", K.QUEUE)):
        row = _row(chart, name)
        glyph = palette.WAIT_GLYPHS[kind]
        assert row.count(glyph) >= 10, (name, row)
        others = set(palette.WAIT_GLYPHS.values()) - {glyph}
        assert not others & set(row), f"{name}'s row shows only its own kind of wait: {row}"
    assert palette.WAIT_GLYPHS[K.JOIN] in _row(chart, "_kinds_program")


def test_the_headless_legend_is_the_palettes_one_naming_every_state_and_the_kinds_seen() -> None:
    finished = trace(_kinds_program)
    chart = render(finished.model, title="kinds", wall_ns=finished.run.wall_ns, gain=finished.gain, width=120)
    expected = palette.legend_text(palette.legend_segments(120, finished.model.wait_kinds()))
    assert expected in chart.splitlines()
    for word in ("pending", "ready", "running", "awaiting", "done", "failed", "cancelled",
                 "sleep", "lock", "queue", "event", "join"):
        assert re.search(rf"\b{word}\b", expected), word
    assert "network" not in expected, "a legend names the kinds the run had"


def test_the_coloured_chart_draws_each_kind_in_its_colour() -> None:
    chart = _chart(color=True)
    for kind in (K.SLEEP, K.LOCK, K.EVENT, K.QUEUE, K.JOIN):
        r, g, b = (int(palette.WAIT_COLORS[kind][i : i + 2], 16) for i in (1, 3, 5))
        assert f"\x1b[38;2;{r};{g};{b}m{palette.WAIT_GLYPHS[kind]}" in chart, kind
    assert ANSI.sub("", chart) == _chart(color=False)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_color_keeps_the_kinds_apart_by_glyph(monkeypatch: pytest.MonkeyPatch) -> None:
    finished = trace(_kinds_program)
    monkeypatch.setenv("NO_COLOR", "1")
    out = _Terminal()
    print_timeline(finished, "kinds", out, rows=40, width=100)
    text = out.getvalue()
    assert "\x1b[" not in text
    assert palette.WAIT_GLYPHS[K.LOCK] * 5 in text and palette.WAIT_GLYPHS[K.QUEUE] * 5 in text
    monkeypatch.delenv("NO_COLOR")
    coloured = _Terminal()
    print_timeline(finished, "kinds", coloured, rows=40, width=100)
    assert "\x1b[38;2;" in coloured.getvalue()


def test_every_look_is_distinct() -> None:
    states = [palette.GLYPHS[s] for s in State if s not in (State.NONE, State.AWAITING)]
    kinds = list(palette.WAIT_GLYPHS.values())
    assert len(set(states + kinds)) == len(states) + len(kinds), "no two states or kinds share a glyph"
    assert palette.WAIT_GLYPHS[K.OTHER] == palette.GLYPHS[State.AWAITING], "a wait of no known kind looks as waits did"
    assert len(set(palette.WAIT_COLORS.values())) == len(palette.WAIT_COLORS)
    for code, glyph in enumerate(palette.CELL_GLYPHS[:len(State)]):
        assert glyph == palette.GLYPHS[State(code)], "a plain State cell draws as before"


def _linear(hex_color: str) -> list[float]:
    channels = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]


def _luminance(hex_color: str) -> float:
    r, g, b = _linear(hex_color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB
_VISION = {
    "normal": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "protan": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deutan": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritan": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}


def _lab(hex_color: str, vision: str) -> tuple[float, float, float]:
    rgb = _linear(hex_color)
    r, g, b = (min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb)))) for row in _VISION[vision])
    x, y, z = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.9505, 0.2126 * r + 0.7152 * g + 0.0722 * b, \
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.089

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _distance(a: str, b: str, vision: str) -> float:
    return sum((p - q) ** 2 for p, q in zip(_lab(a, vision), _lab(b, vision))) ** 0.5


def test_ready_and_running_stay_the_loudest_for_every_eye() -> None:
    loud = (palette.COLORS[State.READY], palette.COLORS[State.RUNNING])
    for kind, color in palette.WAIT_COLORS.items():
        assert _luminance(color) < min(map(_luminance, loud)) - 0.05, f"{kind.name} is dimmer than ready and running"
        for vision, other in itertools.product(_VISION, loud):
            assert _distance(color, other, vision) > 12, f"{kind.name} against {other} for {vision} vision"
    for (a, ca), (b, cb) in itertools.combinations(palette.WAIT_COLORS.items(), 2):
        assert _distance(ca, cb, "normal") > 20, f"{a.name} and {b.name} look alike"


@pytest.mark.parametrize("width", [40, 60, 80, 100, 120, 160, 220])
def test_the_legend_is_one_line_that_fits(width: int) -> None:
    text = palette.legend_text(palette.legend_segments(width))
    assert "\n" not in text and len(text) <= width
    if width >= 80:
        for word in ("running", "ready", "pending", "awaiting", "done", "failed", "cancelled"):
            assert word in text, (width, text)
    if width >= 140:
        for kind in palette.WAIT_ORDER:
            assert palette.WAIT_GLYPHS[kind] in text
    if width >= 200:
        assert all(palette.WAIT_NAMES[kind] in text for kind in palette.WAIT_ORDER)
    if width <= 60:
        assert text.endswith("…") or len(text) <= width


def test_cut_labels_end_in_an_ellipsis() -> None:
    async def a_coroutine_with_a_very_long_name_indeed_to_cut(argument: str) -> None:
        await asyncio.sleep(1)

    async def main() -> None:
        await asyncio.create_task(a_coroutine_with_a_very_long_name_indeed_to_cut("x" * 40))

    finished = trace(main)
    chart = render(finished.model, title="t" * 200, wall_ns=finished.run.wall_ns,
                   gain=gain(finished.model, finished.run.wall_ns), width=60)
    lines = chart.splitlines()
    assert lines[0] == "t" * 59 + "…"
    row = next(line for line in lines if line.startswith("  a_coroutine_with"))
    assert row[27] == "…" and row[28] == " ", "the label fills its column and says it was cut"
    assert all(len(line) <= 60 for line in lines)
