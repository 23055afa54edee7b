"""A task's row as cells at a zoom: the state that held most of each cell, worked out once per frame.

``row_cells`` is the walk; ``RowCells`` keeps each visible row's cells between frames. A
track only grows (its model appends), so a row drawn again at the same place and zoom is
walked again only from the cell its last interval began in: a consumer that woke a
hundred thousand times costs a frame its new intervals, not all of them.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from itertools import compress
from operator import sub

MARK = 0x80  # a cell's flag, never in a track: a step ran inside a cell something else held most of
_FINISHED, _CANCELLED, _RUNNING = 5, 7, 4  # State.DONE, State.CANCELLED, State.RUNNING (timeline.State)
_STEP = 8  # State.STEP: the mark of a step in a cell where nothing held the time
WALKED_FROM = 64  # intervals: a shorter track is walked whole every time, which costs less than keeping it
KEPT = 2048  # rows kept at most; past it they are all let go (a zoom or a scroll makes new ones)
SUMMED_FROM = 16  # intervals inside one cell: from this many on they are summed in C, not one by one
_ENDING = re.compile(b"[\x05-\x07]")  # a finishing instant's code, in a track's state bytes
_ONLY = [bytes(other == code for other in range(256)) for code in range(256)]  # code -> 1, any other -> 0


def _held_most(spent: dict[int, int], ran: bool) -> int:
    """The code of a cell from the ns each state held in it: the longest, marked when a step
    ran inside but did not hold it most; a cell where only an instant's step happened is a STEP."""
    if not spent:
        return _STEP
    if len(spent) == 1:
        code = next(iter(spent))
    else:
        code = max(spent, key=spent.__getitem__)
    return code | MARK if ran and code != _RUNNING else code


def row_cells(times: array, states: array, t0: int, dt: int, n: int, live_end: int) -> bytearray:
    """``n`` cells of ``dt`` ns from ``t0`` of the track with these intervals; the last one lasts
    until ``live_end`` unless it is the finishing instant (see ``TimelineModel.cells``)."""
    out = bytearray(n)
    count = len(times)
    if not count or dt <= 0:
        return out
    t1 = t0 + dt * n
    i = bisect_left(times, t0) - 1
    if i < 0:
        i = 0
    cell = -1  # the edge cell being summed, and the ns each state held in it so far
    spent: dict[int, int] = {}
    ran = False  # a step ran inside ``cell``
    while i < count:
        if cell >= 0 and i + SUMMED_FROM < count and times[i + SUMMED_FROM] < t0 + (cell + 1) * dt:
            i, inside_ran = _sum_inside(times, states, i, t0 + (cell + 1) * dt, spent)
            ran = ran or inside_ran
        start = times[i]
        if start >= t1:
            break
        code = states[i]
        if _FINISHED <= code <= _CANCELLED:  # the finishing instant (its code is its State): its mark wins its cell
            if start >= t0:
                if cell >= 0:
                    out[cell] = _held_most(spent, ran)
                    cell = -1
                out[(start - t0) // dt] = code
            break
        i += 1
        end = times[i] if i < count else live_end
        if end <= start:  # an instant: only a step's counts, as a mark
            if code == _RUNNING and start >= t0:
                c = (start - t0) // dt
                if c != cell:
                    if cell >= 0:
                        out[cell] = _held_most(spent, ran)
                    cell, spent = c, {}
                ran = True
            continue
        if end <= t0:
            continue
        if start < t0:
            start = t0
        if end > t1:
            end = t1
        first = (start - t0) // dt
        last = (end - 1 - t0) // dt
        if first == cell:  # shares its first cell with the intervals before it
            if code == _RUNNING:
                ran = True
            if last == first:  # the zoomed-out case, interval after interval inside one cell
                if code in spent:
                    spent[code] += end - start
                else:
                    spent[code] = end - start
                continue
            spent[code] = spent.get(code, 0) + t0 + (first + 1) * dt - start
            held, most = 0, -1
            for held_code, held_ns in spent.items():  # two or three states at most: no max() call
                if held_ns > most:
                    held, most = held_code, held_ns
            out[first] = held | MARK if ran and held != _RUNNING else held
            first += 1
        elif cell >= 0:
            out[cell] = _held_most(spent, ran)
        # from ``first`` on, the cells are this interval's alone up to its last, which it may share
        if last > first:
            out[first:last] = bytes((code,)) * (last - first)
        cell, spent, ran = last, {code: end - t0 - last * dt if last > (start - t0) // dt else end - start}, code == _RUNNING
    if cell >= 0:
        out[cell] = _held_most(spent, ran)
    return out


def _sum_inside(times: array, states: array, i: int, cell_end: int, spent: dict[int, int]) -> tuple[int, bool]:
    """Add to ``spent`` the intervals from ``i`` on that lie wholly inside the cell being summed
    (which ends at ``cell_end``), as the walk would one by one; the index after them, and whether
    a step ran among them. A long run zoomed out has a hundred thousand such in a row's cells.

    The codes are added in the order the walk meets them (a tie goes to the first), instants
    left out (the walk passes them over, but for a step's mark); a finishing instant ends the sum."""
    stop = bisect_left(times, cell_end, i) - 1  # intervals i..stop-1 end before the cell does
    codes = states[i:stop].tobytes()
    ending = _ENDING.search(codes)
    if ending is not None:
        stop, codes = i + ending.start(), codes[: ending.start()]
    spans = list(map(sub, times[i + 1 : stop + 1], times[i:stop]))
    for code in dict.fromkeys(compress(codes, spans)):
        spent[code] = spent.get(code, 0) + sum(compress(spans, codes.translate(_ONLY[code])))
    return stop, _RUNNING in codes


class RowCells:
    """Each row's cells as last worked out, by row, place and zoom; see the module docstring."""

    def __init__(self) -> None:
        self._made: dict[tuple[int, int, int, int], tuple[object, int, int, bytearray]] = {}

    def cells(self, track: object, times: array, states: array, t0: int, dt: int, n: int, live_end: int) -> bytearray:
        """The row's cells, a new bytearray the caller may change."""
        count = len(times)
        if count < WALKED_FROM or dt <= 0 or n <= 0:
            return row_cells(times, states, t0, dt, n, live_end)
        key = (id(track), t0, dt, n)
        made = self._made.get(key)
        if made is not None and made[0] is track and made[1] <= count and made[2] == times[0]:
            out = made[3]
            last_start = times[made[1] - 1]  # the cells before the one it is in held finished intervals only
            k = max(0, (last_start - t0) // dt)
            if k < n:
                out[k:] = row_cells(times, states, t0 + k * dt, dt, n - k, live_end)
        else:
            if len(self._made) >= KEPT:
                self._made.clear()
            out = row_cells(times, states, t0, dt, n, live_end)
        self._made[key] = (track, count, times[0], out)
        return bytearray(out)

    def clear(self) -> None:
        """Tracks lost their start (a long run's window): nothing kept holds."""
        self._made.clear()
