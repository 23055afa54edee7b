"""How each state and each kind of wait looks, everywhere: a glyph (so it reads in
monochrome, under ``NO_COLOR``, and for colour-blind viewers) and a colour.

Ready and running are the loudest colours; every wait is dimmer than both (tests/
test_palette.py measures luminance and colour-blind contrast). The legend is built here
from these same tables, so the app's and the headless one cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable

from .model.cells import MARK
from .model.timeline import Lane, State
from .model.waits import CODES, KIND_SHIFT, STATE_MASK, WaitKind

GLYPHS: dict[State, str] = {
    State.NONE: " ",
    State.PENDING: "·",
    State.AWAITING: "━",
    State.READY: "▒",
    State.RUNNING: "█",
    State.DONE: "✓",
    State.FAILED: "✗",
    State.CANCELLED: "⊘",
    State.STEP: "┊",  # the mark of a step inside a cell that something else held most of
}

COLORS: dict[State, str] = {
    State.NONE: "#000000",
    State.PENDING: "#9e9e9e",
    State.AWAITING: "#5f9fff",  # a wait of no known kind, where a view draws all waits alike
    State.READY: "#ffb000",
    State.RUNNING: "#3ddc84",
    State.DONE: "#3ddc84",
    State.FAILED: "#ff5f5f",
    State.CANCELLED: "#d787ff",
    State.STEP: "#3ddc84",
}

NAMES: dict[State, str] = {
    State.PENDING: "pending",
    State.AWAITING: "awaiting",
    State.READY: "ready",
    State.RUNNING: "running",
    State.DONE: "done",
    State.FAILED: "failed",
    State.CANCELLED: "cancelled",
    State.STEP: "brief step",
}

# Each kind of wait: a shape that hints at it (bars for a lock, waves for the wire, items in a
# row for a queue, » for work handed to a thread), and a hue from a colour-blind-safe set.
WAIT_GLYPHS: dict[WaitKind, str] = {
    WaitKind.OTHER: GLYPHS[State.AWAITING],
    WaitKind.SLEEP: "─",
    WaitKind.NETWORK: "≈",
    WaitKind.LOCK: "┼",
    WaitKind.QUEUE: "═",
    WaitKind.EVENT: "◦",
    WaitKind.JOIN: "┈",
    WaitKind.EXECUTOR: "»",
}

WAIT_COLORS: dict[WaitKind, str] = {
    WaitKind.OTHER: "#98a2b3",
    WaitKind.SLEEP: "#4a78e0",
    WaitKind.NETWORK: "#56b4e9",
    WaitKind.LOCK: "#cc6677",
    WaitKind.QUEUE: "#2f9e8f",
    WaitKind.EVENT: "#c9b458",
    WaitKind.JOIN: "#6a6a88",
    WaitKind.EXECUTOR: "#b48be8",
}

WAIT_NAMES: dict[WaitKind, str] = {
    WaitKind.OTHER: "other",
    WaitKind.SLEEP: "sleep",
    WaitKind.NETWORK: "network",
    WaitKind.LOCK: "lock",
    WaitKind.QUEUE: "queue",
    WaitKind.EVENT: "event",
    WaitKind.JOIN: "join",
    WaitKind.EXECUTOR: "executor",
}

WAIT_ORDER = (WaitKind.SLEEP, WaitKind.NETWORK, WaitKind.LOCK, WaitKind.QUEUE, WaitKind.EVENT, WaitKind.JOIN,
              WaitKind.EXECUTOR, WaitKind.OTHER)

THREAD_RUNNING_COLOR = "#c792ea"  # executor jobs run beside the loop, so they get a colour of their own

LOOP_BUSY = "▆"
LOOP_STEP = "▎"
LOOP_BLOCKED = "█"
LOOP_IDLE = "·"  # the loop waits in its selector: nothing to run
LOOP_BUSY_COLOR = "#3ddc84"
LOOP_BLOCKED_COLOR = "#ff5f5f"
LOOP_IDLE_COLOR = "#6c6c6c"
OBJECT_COLOR = "#d4a373"  # a queue's, semaphore's or lock's row (``model/primitives.py``): a colour of its own
OBJECT_NAME_COLOR = "#f4d8b8"  # the name of a lock's holder, written over its bar

LEGEND_ORDER = (
    State.RUNNING, State.STEP, State.READY, State.AWAITING, State.PENDING, State.DONE, State.FAILED, State.CANCELLED,
)


def _cell_tables() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Glyph and colour for every code a cell can hold (a State, or AWAITING with its kind, either
    perhaps with ``MARK``), as tuples a frame indexes by the cell's byte: no enum or dict work per
    cell. A marked cell is the brief-step glyph in the colour of what held the cell most."""
    glyphs, colors = [], []
    for code in range(256):
        state, kind = code & STATE_MASK, (code & ~MARK) >> KIND_SHIFT
        if code & ~MARK >= CODES:  # no cell holds these codes
            glyph, color = " ", COLORS[State.NONE]
        elif state == State.AWAITING:
            glyph, color = WAIT_GLYPHS[WaitKind(kind)], WAIT_COLORS[WaitKind(kind)]
        elif state < len(State) and not kind:
            glyph, color = GLYPHS[State(state)], COLORS[State(state)]
        else:
            glyph, color = " ", COLORS[State.NONE]
        glyphs.append(GLYPHS[State.STEP] if code & MARK and glyph != " " else glyph)
        colors.append(color)
    return tuple(glyphs), tuple(colors)


CELL_GLYPHS, CELL_COLORS = _cell_tables()
"""Indexed by a cell from ``TimelineModel.cells(..., kinds=True)`` (or a plain State)."""
THREAD_CELL_COLORS = tuple(THREAD_RUNNING_COLOR if code == State.RUNNING else color
                           for code, color in enumerate(CELL_COLORS))
"""The same for an executor job's row: its running time in the thread colour, as it does not hold the loop."""

LOOP_GLYPHS: dict[Lane, str] = {Lane.IDLE: LOOP_IDLE, Lane.BUSY: LOOP_BUSY, Lane.STEP: LOOP_STEP,
                                Lane.BLOCKED: LOOP_BLOCKED}
LOOP_COLORS: dict[Lane, str] = {Lane.IDLE: LOOP_IDLE_COLOR, Lane.BUSY: LOOP_BUSY_COLOR, Lane.STEP: LOOP_BUSY_COLOR,
                                Lane.BLOCKED: LOOP_BLOCKED_COLOR}
"""The loop lane's look per cell, for every view and its legend: no view has a table of its own."""


def on_light(hex_color: str, most: float = 0.17) -> str:
    """``hex_color`` darkened (hue kept) until its luminance is ``most`` or less: the same looks
    stay readable on a light theme's pale background, at 3:1 or better against it."""
    channels = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    if luminance <= most:
        return hex_color
    scaled = [c * most / luminance for c in linear]
    out = [12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055 for c in scaled]
    return "#" + "".join(f"{round(c * 255):02x}" for c in out)


Segment = tuple[str, str]
"""(text, style): the style a hex colour, or "" for plain words; Rich's Text.assemble takes these."""


def legend_segments(width: int, kinds: Iterable[WaitKind] | None = None, *, threads: bool = False) -> list[Segment]:
    """The one-line legend, fitted to ``width`` cells: every state in words beside its look,
    and the kinds of wait after "awaiting:" (``kinds``, e.g. those a run had; else all), and,
    with ``threads`` (a run with executor jobs), the thread rows' look and what it means.
    Narrower screens get single spaces, then shorter words, then no brief step; the kinds'
    words go last of all. Never wider than ``width``."""
    shown = WAIT_ORDER if kinds is None else tuple(kind for kind in WAIT_ORDER if kind in set(kinds))
    segments: list[Segment] = []
    for tier in _TIERS:
        segments = _legend(shown, threads, *tier)
        if sum(len(text) for text, _ in segments) <= width:
            return segments
    return _cut(segments, width)


THREAD_NOTE = "threads take turns holding the GIL"
"""Why thread rows drawn side by side do not run Python at once: said in the legend and on their bars."""

_SHORT = {"brief step": "step", "network": "net", "executor": "thread", THREAD_NOTE: "thread (GIL)"}

# (gap between entries, short words, a space between a kind's glyph and its word, brief step shown, kinds' words)
_TIERS = (
    ("  ", False, " ", True, True),
    (" ", False, " ", True, True),
    (" ", True, "", True, True),
    (" ", True, "", False, True),
    (" ", True, "", False, False),
)


def _legend(kinds: tuple[WaitKind, ...], threads: bool, gap: str, short: bool, kind_space: str, step: bool,
            kind_words: bool) -> list[Segment]:
    def word(text: str) -> str:
        return _SHORT.get(text, text) if short else text

    out: list[Segment] = []
    for state in (State.RUNNING, State.STEP, State.READY, State.PENDING):
        if state is not State.STEP or step:
            # the brief-step mark takes the colour of what held its cell, so it has none of its own here
            look = "" if state is State.STEP else COLORS[state]
            out += [(gap, ""), (GLYPHS[state], look), (" " + word(NAMES[state]), "")]
    out.append((gap + "awaiting:", ""))
    for n, kind in enumerate(kinds or (WaitKind.OTHER,)):
        if kind_words:
            out += [(gap if n else " ", ""), (WAIT_GLYPHS[kind], WAIT_COLORS[kind]),
                    (kind_space + word(WAIT_NAMES[kind]), "")]
        else:
            out += [("" if n else " ", ""), (WAIT_GLYPHS[kind], WAIT_COLORS[kind])]
    for state in (State.DONE, State.FAILED, State.CANCELLED):
        out += [(gap, ""), (GLYPHS[state], COLORS[state]), (" " + word(NAMES[state]), "")]
    if threads:
        out += [(gap, ""), (GLYPHS[State.RUNNING], THREAD_RUNNING_COLOR), (" " + word(THREAD_NOTE), "")]
    return [(text, style) for text, style in out[1:] if text]


def _cut(segments: list[Segment], width: int) -> list[Segment]:
    """The segments up to ``width`` cells, the last one ending in "…"."""
    out: list[Segment] = []
    room = width
    for text, style in segments:
        if len(text) < room:
            out.append((text, style))
            room -= len(text)
            continue
        out.append((text[: max(0, room - 1)] + "…", style) if room > 0 else ("", ""))
        break
    return [(text, style) for text, style in out if text]


def loop_legend_segments() -> list[Segment]:
    """The loop lane's own legend: idle, busy, a brief step, blocked."""
    return [("event loop: ", ""), (LOOP_IDLE, LOOP_IDLE_COLOR), (" idle  ", ""), (LOOP_BUSY, LOOP_BUSY_COLOR),
            (" busy  ", ""), (LOOP_STEP, LOOP_BUSY_COLOR), (" brief step  ", ""), (LOOP_BLOCKED, LOOP_BLOCKED_COLOR),
            (" blocked", "")]


def legend_text(segments: list[Segment]) -> str:
    """The legend's words and glyphs without colour: what ``NO_COLOR`` shows."""
    return "".join(text for text, _ in segments)
