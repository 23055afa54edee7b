"""Presenter mode's geometry and words, as plain functions: how tall a task row is, which
rows fit, how wide a cell of time is, and what a row says beside its name."""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment

from ... import palette
from ...model.timeline import State, Track, TimelineModel
from ...text import visible
from .presenter_looks import HALF, CellLook

PINNED = 2  # the axis and the loop lane
TALL = 3  # a gap line, then two bar lines
SHORT = 2  # a bar line, then a half line

@dataclass(frozen=True)
class Rows:
    """Which task rows are on screen: ``shown`` of them from ``first``, ``height`` lines each;
    ``note`` says how many are off screen ("" when all fit)."""

    height: int
    first: int
    shown: int
    note: str

    def at(self, line: int) -> tuple[int, int] | None:
        """(index among the rows, line within the row) of a line under the pinned ones."""
        row, within = divmod(line, self.height)
        return (self.first + row, within) if row < self.shown else None


def fit_rows(count: int, lines: int, selected: int, first: int) -> Rows:
    """Tall rows if every row fits tall, else short ones, scrolled to keep ``selected``
    (an index among the rows, or -1) in view, the last line saying what is off screen."""
    lines = max(0, lines)
    if count * TALL <= lines:
        return Rows(TALL, 0, count, "")
    if count * SHORT <= lines:
        return Rows(SHORT, 0, count, "")
    shown = max(1, (lines - 1) // SHORT)
    if 0 <= selected < first:
        first = selected
    elif selected >= first + shown:
        first = selected - shown + 1
    first = max(0, min(first, count - shown))
    above, below = first, count - first - shown
    parts = [f"↑ {above} above" if above else "", f"↓ {below} below" if below else ""]
    return Rows(SHORT, first, shown, "  ".join(part for part in parts if part) + "  (↑/↓ to select)")


def ns_per_cell(now_ns: int, end_ns: int, live: bool, width: int) -> int:
    """The scale: while the run grows, the run and a tenth more rounded up to half a power
    of ten (the cursor visibly moves, the axis changes rarely, the chart stays well used);
    once it is over, the whole run edge to edge."""
    width = max(1, width)
    if not live:
        return max(1, -(-max(now_ns, end_ns, 1) // max(1, width - 1)))
    wanted = max(now_ns, end_ns, 1_000_000) * 11 // 10
    step = max(1, 10 ** (len(str(wanted)) - 1) // 2)
    return max(1, -(-(-(-wanted // step) * step) // width))


def bar(cells: bytes, looks: tuple[CellLook, ...], within: int, height: int) -> list[Segment]:
    """One screen line of a task's bar: a tall row's gap line is blank, its two bar lines
    full; a short row's second line the top half of a band, so rows stay apart."""
    if height == TALL and within == 0:
        return [Segment(" " * len(cells), looks[0].first)]
    full = within == 0 if height == SHORT else within == 1
    second_half = height == SHORT
    out: list[Segment] = []
    start = 0
    data = bytes(cells) + b"\xff"
    for i in range(1, len(data)):
        if data[i] == data[start]:
            continue
        look = looks[data[start]]
        if full:
            out.append(Segment(look.glyph * (i - start), look.first))
        elif second_half:
            glyph = HALF if look.second_glyph != " " else " "
            out.append(Segment(glyph * (i - start), look.half))
        else:
            out.append(Segment(look.second_glyph * (i - start), look.second))
        start = i
    return out


def state_words(model: TimelineModel, track: Track) -> tuple[str, int]:
    """What a row says under its name, and the cell code whose colour it takes: the wait's
    own label (``sleep 2s``, ``Queue.get``) in its kind's colour, or the state in words."""
    state = track.state
    code = track.states[-1] if track.states else 0
    if state is State.AWAITING and track.label:
        return visible(model.record.strings[track.label]), code
    mark = f"{palette.GLYPHS[state]} " if state.finished else ""
    return mark + palette.NAMES.get(state, ""), code
