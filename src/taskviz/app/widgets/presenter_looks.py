"""How presenter mode draws each cell: the palette's glyphs and hues, made thick and given
enough contrast to read from the back of a room, on whatever background the theme has.

A wait is a band two lines tall, tinted in its kind's hue, with the kind's glyph on it
(so kinds still differ by glyph and by colour); running is a solid block, ready its
shaded block. Every colour is pushed darker on a light background (or lighter on a dark
one) until it reaches a contrast ratio: no faint greys or yellows on a projector.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from rich.segment import Segment
from rich.style import Style

from ... import palette
from ...model.timeline import State
from ...model.waits import STATE_MASK, WaitKind

TEXT_RATIO = 4.5  # WCAG's contrast for text: glyphs and words
BAR_RATIO = 3.0  # WCAG's contrast for graphics: solid bars
BAND_TINT = 0.45  # how much of a wait's hue its band mixes into the background
HALF = "▀"  # the second line of a short row: the top half of a cell, a half-line gap below it

_MARKS = frozenset({State.DONE, State.FAILED, State.CANCELLED})
_SOLID = frozenset({State.RUNNING, State.READY, State.STEP})


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(max(0, min(255, round(c))) for c in rgb))


def luminance(color: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(color: str, other: str, amount: float) -> str:
    """``amount`` of ``color`` over ``other``."""
    return _hex(tuple(amount * c + (1 - amount) * o for c, o in zip(_rgb(color), _rgb(other))))


def ink(color: str, background: str, ratio: float = TEXT_RATIO) -> str:
    """``color``, darkened (on a light background) or lightened (on a dark one) just enough
    to stand ``ratio`` against ``background``: its hue kept as far as it can be."""
    toward = "#000000" if luminance(background) > 0.18 else "#ffffff"
    step = 0.0
    out = color
    while contrast(out, background) < ratio and step < 1.0:
        step += 0.05
        out = mix(toward, color, step)
    return out


@dataclass(frozen=True)
class CellLook:
    """One code's look on each line of a row: the first bar line, a second full line, and
    the half line a short row ends with."""

    glyph: str
    first: Style
    second: Style
    second_glyph: str
    half: Style


def _look(code: int, background: str, thread: bool) -> CellLook:
    base = Style(bgcolor=background)
    state = code & STATE_MASK
    glyph = palette.CELL_GLYPHS[code]
    hue = palette.CELL_COLORS[code]
    if state == State.RUNNING and thread:
        hue = palette.THREAD_RUNNING_COLOR
    if state == State.AWAITING:
        band = mix(hue, background, BAND_TINT)
        style = Style(color=ink(hue, band), bgcolor=band, bold=True)
        return CellLook(glyph, style, style, glyph, Style(color=band, bgcolor=background))
    if state in _SOLID:
        color = ink(hue, background, BAR_RATIO)
        style = base + Style(color=color)
        return CellLook(glyph, style, style, glyph, base + Style(color=color))
    if state in _MARKS:
        style = base + Style(color=ink(hue, background), bold=True)
        return CellLook(glyph, style, base, " ", base)
    if state == State.PENDING:
        style = base + Style(color=ink(hue, background), bold=True)
        return CellLook(glyph, style, base, " ", base)
    return CellLook(" ", base, base, " ", base)


@cache
def looks(background: str, thread: bool) -> tuple[CellLook, ...]:
    """Every cell code's look on ``background`` (``#rrggbb``), for a task or a thread row;
    indexed by a cell from ``cells(..., kinds=True)`` as palette.CELL_GLYPHS is."""
    return tuple(_look(code, background, thread) for code in range(len(palette.CELL_GLYPHS)))


@cache
def code_color(code: int, background: str) -> str:
    """The colour a row's words are written in: its state's, or its kind of wait's."""
    return ink(palette.CELL_COLORS[code], background)


@cache
def now_color(background: str) -> str:
    """The "now" column: the palette's ready amber, half into the background, so the
    cursor is seen without outshining the bars it crosses."""
    return mix(palette.COLORS[State.READY], background, 0.5)


@cache
def loop_styles(background: str) -> tuple[Style, ...]:
    """The loop lane, by Lane value: idle, busy, a brief step, blocked; then a block's label."""
    base = Style(bgcolor=background)
    busy = ink(palette.LOOP_BUSY_COLOR, background, BAR_RATIO)
    red = ink(palette.LOOP_BLOCKED_COLOR, "#ffffff", BAR_RATIO)
    return (
        base + Style(color=ink(palette.COLORS[State.PENDING], background, BAR_RATIO)),
        base + Style(color=busy),
        base + Style(color=busy),
        Style(color=red, bgcolor=red),
        Style(color="#ffffff", bgcolor=red, bold=True),
    )


_WAIT_HUES = frozenset(palette.WAIT_COLORS.values())


def legend(width: int, kinds: Iterable[WaitKind], background: str) -> list[Segment]:
    """The palette's one-line legend (the same words and glyphs as everywhere), each look
    drawn as presenter mode draws it: a wait's glyph on its band."""
    out = []
    text_color = "#ffffff" if luminance(background) < 0.18 else "#000000"
    for text, color in palette.legend_segments(width, kinds):
        if not color:
            out.append(Segment(text, Style(color=text_color, bgcolor=background)))
        elif color in _WAIT_HUES:
            band = mix(color, background, BAND_TINT)
            out.append(Segment(text, Style(color=ink(color, band), bgcolor=band, bold=True)))
        else:
            out.append(Segment(text, Style(color=ink(color, background, BAR_RATIO), bgcolor=background, bold=True)))
    return out
