"""A row drawn again at the same place and zoom is walked again only from where it can have
changed (``model/cells.py``): the cells must be exactly those of a walk from scratch."""

from __future__ import annotations

import random
from array import array

import pytest

from taskviz.model import cells as row_cells_module
from taskviz.model.cells import RowCells, row_cells
from taskviz.model.timeline import State
from taskviz.model.waits import KIND_SHIFT, WaitKind

_AWAITING = int(State.AWAITING) | WaitKind.QUEUE << KIND_SHIFT
_LIVING = (int(State.RUNNING), int(State.READY), _AWAITING, int(State.AWAITING) | WaitKind.SLEEP << KIND_SHIFT)


def test_the_walk_knows_the_states_by_their_numbers() -> None:
    """``cells`` cannot import the timeline (the timeline imports it), so it names states by number."""
    assert (row_cells_module._FINISHED, row_cells_module._CANCELLED) == (State.DONE, State.CANCELLED)
    assert (row_cells_module._RUNNING, row_cells_module._STEP) == (State.RUNNING, State.STEP)


def test_kept_rows_read_as_walked_from_scratch_as_the_track_grows() -> None:
    rng = random.Random(11)
    resumed = 0
    for trial in range(30):
        kept = RowCells()
        times, states = array("q"), array("b")
        t = rng.randrange(0, 5_000)
        times.append(t)
        states.append(int(State.PENDING))
        t0, dt, n = rng.choice((0, 1_000, 7_777)), rng.choice((1, 50, 333, 10_000)), rng.choice((1, 40, 200))
        finish_at = rng.randrange(100, 3_000)
        finished = False
        for step in range(3_000):
            if len(times) >= finish_at and not finished:
                t += rng.choice((0, 1, 40))
                times.append(t)
                states.append(rng.choice((int(State.DONE), int(State.FAILED), int(State.CANCELLED))))
                finished = True
            elif not finished:
                for _ in range(rng.randrange(1, 30)):  # a frame's worth of new intervals
                    t += rng.choice((0, 0, 1, 3, 17, 250, 4_000))
                    times.append(t)
                    states.append(rng.choice(_LIVING))
            live_end = t + rng.choice((0, 5, 900))
            if step % 3 == 0:  # now and then the view moves: a new place, walked whole; its end in view most often
                t0 = max(0, t - rng.randrange(0, 2 * dt * n))
            resumed += len(times) >= row_cells_module.WALKED_FROM and step % 3 != 0
            got = kept.cells(times, times, states, t0, dt, n, live_end)
            assert got == row_cells(times, states, t0, dt, n, live_end), (trial, step)
            got[0:1] = b"\x7f"  # the caller may change what it got: what is kept is not touched
            if finished and step > 10:
                break
    assert resumed > 500, "the kept rows were walked again from where they changed, many times"


def test_intervals_summed_inside_a_cell_read_as_walked_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long track zoomed out: the many intervals inside a cell are summed in C (``SUMMED_FROM``).
    Ties between states go to the one met first, instants count only as a step's mark, a
    finishing instant ends the row: exactly as the walk one interval at a time."""
    rng = random.Random(5)
    for trial in range(1_500):
        times, states = array("q"), array("b")
        t = rng.randrange(0, 5)
        for _ in range(rng.randrange(1, 300)):
            times.append(t)
            states.append(rng.choice(_LIVING))
            t += rng.choice((0, 0, 1, 1, 2, 3, 5, 10))  # instants, and many ties
        if rng.random() < 0.5:
            times.append(t)
            states.append(rng.choice((int(State.DONE), int(State.FAILED), int(State.CANCELLED))))
        t0, dt, n, live_end = rng.randrange(0, 30), rng.choice((1, 3, 7, 20, 100)), rng.randrange(1, 40), t + rng.randrange(0, 50)
        monkeypatch.setattr(row_cells_module, "SUMMED_FROM", 10**9)
        walked = row_cells(times, states, t0, dt, n, live_end)
        monkeypatch.setattr(row_cells_module, "SUMMED_FROM", rng.choice((1, 2, 16)))
        assert row_cells(times, states, t0, dt, n, live_end) == walked, trial
