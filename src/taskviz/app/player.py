"""Where a replay stands: a row of the record and an instant, moving at a speed or paused.

A position is the pair (rows shown, instant shown). Playing moves the instant with a
real clock and shows every row recorded up to it; stepping moves one row at a time and
puts the instant at that row's time. The screen is a function of the position alone,
so whichever way a position was reached, it looks the same.

Row times are not strictly sorted (an executor thread's rows may land a little out of
order), and a live run shows rows in the order they came. ``_reach[i]`` is the latest
time among rows ``0..i``: it is sorted, and the first row past an instant in it is the
first row a live viewer would not yet have shown at that instant.
"""

from __future__ import annotations

import time
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from itertools import accumulate

SPEEDS = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0)


class Player:
    def __init__(self, times: Sequence[int], origin_ns: int, end_ns: int,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        """``times``: each row's time (ns, on the record's clock); ``end_ns``: the run's length."""
        self._reach = array("q", accumulate(times, max))
        self._origin = origin_ns
        self._clock = clock
        self.rows = len(self._reach)
        self.end_ns = max(end_ns, self.time_of_row(self.rows), 0)
        self.speed = 1.0
        self.playing = False
        self.moves = 0  # position changes asked for (not made by playing): the screen redraws on each
        self._row = 0
        self._now = 0
        self._anchor_real = 0.0
        self._anchor_ns = 0

    # -- reading the position ---------------------------------------------------------------

    def time_of_row(self, row: int) -> int:
        """The instant row ``row - 1`` was recorded, from the run's start (0 for no rows)."""
        return 0 if row <= 0 else max(0, self._reach[min(row, self.rows) - 1] - self._origin)

    def row_at(self, t_ns: int) -> int:
        """How many rows a viewer had been shown at instant ``t_ns``."""
        return bisect_right(self._reach, self._origin + t_ns)

    @property
    def now_ns(self) -> int:
        if not self.playing:
            return self._now
        elapsed = (self._clock() - self._anchor_real) * 1e9 * self.speed
        return min(self.end_ns, self._anchor_ns + int(elapsed))

    @property
    def row(self) -> int:
        return self.row_at(self.now_ns) if self.playing else self._row

    @property
    def at_end(self) -> bool:
        return self.row >= self.rows and self.now_ns >= self.end_ns

    def advance(self) -> None:
        """Called each frame: playing stops at the end of the run."""
        if self.playing and self.now_ns >= self.end_ns:
            self.playing = False
            self._row, self._now = self.rows, self.end_ns
            self.moves += 1

    # -- moving -------------------------------------------------------------------------------

    def play(self) -> None:
        """Play from here; from the end, play from the start again."""
        if self.playing:
            return
        if self.at_end:
            self._row, self._now = 0, 0
            self.moves += 1
        self.playing = True
        self._anchor()

    def pause(self) -> None:
        if self.playing:
            self._now = self.now_ns
            self._row = self.row_at(self._now)
            self.playing = False
            self.moves += 1

    def toggle(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def set_speed(self, speed: float) -> None:
        if self.playing:
            self._now = self.now_ns
            self.speed = speed
            self._anchor()
        self.speed = speed

    def faster(self, direction: int) -> float:
        """The next speed of SPEEDS up (``+1``) or down (``-1``) from the current one."""
        current = min(SPEEDS, key=lambda speed: abs(speed - self.speed))
        index = max(0, min(len(SPEEDS) - 1, SPEEDS.index(current) + direction))
        self.set_speed(SPEEDS[index])
        return self.speed

    def seek(self, t_ns: int) -> None:
        """Show the run as it was at instant ``t_ns`` (every row recorded by then)."""
        self._now = max(0, min(int(t_ns), self.end_ns))
        self._row = self.row_at(self._now)
        self.moves += 1
        if self.playing:
            self._anchor()

    def seek_row(self, row: int) -> None:
        """Show exactly ``row`` rows, at the instant the last of them was recorded."""
        self._row = max(0, min(row, self.rows))
        self._now = self.end_ns if self._row >= self.rows else self.time_of_row(self._row)
        self.moves += 1
        if self.playing:
            self._anchor()

    def step(self, rows: int) -> None:
        """One event (row) forward or back; playing stops first."""
        self.pause()
        self.seek_row(self._row + rows)

    def jump(self, direction: int) -> None:
        """To the next (or previous) instant at which some row was recorded: a task changed state."""
        self.pause()
        now = self._origin + self._now
        if direction > 0:
            index = bisect_right(self._reach, now)
            self.seek(self._reach[index] - self._origin if index < self.rows else self.end_ns)
        else:
            index = bisect_left(self._reach, now) - 1
            self.seek(self._reach[index] - self._origin if index >= 0 else 0)

    def _anchor(self) -> None:
        self._anchor_real = self._clock()
        self._anchor_ns = self._now
