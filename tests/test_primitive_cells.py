"""A queue's, semaphore's or lock's row read cell by cell (``Primitives.cells``) gives what a
plain walk over every change gives, however the changes fall: on a cell's edge, several in
a cell, none in one, none yet, past ``now``, in long runs of one value (whole blocks of
``BLOCK`` read from their most) or of releases."""

from __future__ import annotations

import random
from array import array
from types import SimpleNamespace

import pytest

from taskviz.model.primitives import BLOCK, UNKNOWN, Levels, Primitives
from taskviz.wire.record import WaitObject


def reference(times: list[int], values: list[int], lock: bool, t0: int, dt: int, n: int, end: int) -> list[int]:
    """Change by change: a queue's most in each cell (with what was in force as it began), a
    lock's last holder taken in it (a release alone leaves the cell its holder's, free if none)."""
    out = []
    for cell in range(n):
        start = t0 + cell * dt
        if start >= end:
            out += [UNKNOWN] * (n - cell)
            break
        before = [v for t, v in zip(times, values) if t < start]
        value = before[-1] if before else UNKNOWN
        for t, v in zip(times, values):
            if start <= t < start + dt:
                if lock:
                    value = v if v else (value if value > 0 else 0)
                else:
                    value = max(value, v)
        out.append(value)
    return out


def primitives_with(levels: Levels, end_ns: int) -> Primitives:
    """A Primitives over ``levels`` alone, its model a stand-in with nothing recorded."""
    record = SimpleNamespace(levels=array("Q"), holds=array("Q"), objects=[], level_base=0, hold_base=0)
    primitives = Primitives(SimpleNamespace(record=record, origin_ns=0, end_ns=end_ns))  # type: ignore[arg-type]
    primitives.levels[levels.object.id] = levels
    return primitives


def series(rng: random.Random, kind: str, count: int) -> tuple[list[int], list[int]]:
    """Change times on a coarse grid (so many fall on cell edges and share an instant), with
    values in runs: a queue's level wanders, with a rare burst, anywhere in a block; a lock is
    taken (task id + 1) and released (0), sometimes released again and again."""
    times, values, t = [], [], rng.randrange(0, 50)
    for _ in range(count):
        t += rng.choice((0, 0, 1, 5, 10, 10, 20, 40, 200))
        times.append(t)
        if kind == "lock":
            values.append(0 if rng.random() < 0.5 else rng.randrange(1, 6))
        else:
            level = max(0, min(20, (values[-1] if values and values[-1] <= 20 else 5) + rng.choice((-2, -1, 0, 1, 2))))
            values.append(level + 50 * rng.randrange(1, 4) if rng.random() < 0.01 else level)
    if kind == "lock" and count > 40:  # a long run of releases, longer than the few looked at from the end
        at = rng.randrange(0, count - 30)
        values[at : at + 30] = [0] * 30
    return times, values


@pytest.mark.parametrize("kind", ["queue", "semaphore", "lock"])
def test_cells_match_a_change_by_change_walk(kind: str) -> None:
    rng = random.Random(kind)
    for trial in range(40):
        count = rng.choice((1, 2, 5, 50, 3 * BLOCK + 7, 9 * BLOCK))
        times, values = series(rng, kind, count)
        levels = Levels(WaitObject(7, kind))
        for t, v in zip(times, values):
            levels.add(t, v)
        span = times[-1] + 60
        end_ns = times[-1] + rng.choice((0, 5, 100))
        primitives = primitives_with(levels, end_ns)
        for _ in range(8):
            dt = rng.choice((1, 3, 10, 20, 77, 500, span // 3 + 1, span))
            n = rng.choice((1, 7, 40, 200))
            t0 = rng.choice((0, 10 * rng.randrange(0, span // 10 + 1), times[0], times[-1], -dt))
            now = rng.choice((None, None, end_ns, t0 + dt * rng.randrange(0, n + 1), rng.randrange(0, span)))
            expected = reference(times, values, kind == "lock", t0, dt, n, min(t0 + n * dt, end_ns if now is None else now))
            assert primitives.cells(7, t0, dt, n, now) == expected, (trial, kind, t0, dt, n, now)


def test_a_change_added_out_of_order_reads_as_if_added_in_order() -> None:
    """A lock's first holder arrives late (when someone first queues on it): inserted, the blocks from there are redone."""
    rng = random.Random(3)
    times, values = series(rng, "queue", 6 * BLOCK)
    values[2 * BLOCK + 3] = 1000  # the most by far: a block that missed it would show less
    late = Levels(WaitObject(7, "queue"))
    for i, (t, v) in enumerate(zip(times, values)):
        if i != 2 * BLOCK + 3:
            late.add(t, v)
    primitives = primitives_with(late, times[-1])
    dt = times[-1] // 2 + 1  # three blocks a cell: read from their mosts
    assert primitives.cells(7, 0, dt, 2) != reference(times, values, False, 0, dt, 2, times[-1])  # its blocks made
    late.add(times[2 * BLOCK + 3], 1000)  # after any change at the same instant
    times, values = late.times.tolist(), late.values.tolist()
    assert 1000 in values
    assert primitives.cells(7, 0, dt, 2) == reference(times, values, False, 0, dt, 2, times[-1])
    assert primitives.cells(7, 0, 37, times[-1] // 37 + 1) == reference(times, values, False, 0, 37, times[-1] // 37 + 1, times[-1])


def test_an_object_without_a_record_yet_is_unknown_throughout() -> None:
    primitives = primitives_with(Levels(WaitObject(7, "queue")), 100)
    assert primitives.cells(7, 0, 10, 5) == [UNKNOWN] * 5
    assert primitives.cells(8, 0, 10, 5) == [UNKNOWN] * 5


def test_the_record_is_taken_in_as_added_triple_by_triple_at_once_or_a_frame_at_a_time() -> None:
    """``Primitives.update`` sorts the tables' triples apart by object in C: the levels must be those
    ``Levels.add`` makes triple by triple, with objects interleaved, a clock reading before the
    run's origin (0), a lock's first holder arriving late, and the record read whole or in bits."""
    rng = random.Random(8)
    objects = [WaitObject(0, "queue"), WaitObject(1, "lock"), WaitObject(2, "event"), WaitObject(3, "semaphore")]
    for trial in range(30):
        origin, t = 1_000, rng.randrange(990, 1_010)
        levels, holds = array("Q"), array("Q")
        for _ in range(rng.randrange(1, 3 * BLOCK)):
            t += rng.choice((0, 0, 1, 5, 20))
            oid = rng.choice((0, 1, 1, 2, 3)) if trial % 3 else 0
            table = holds if oid == 1 else levels
            table.extend((t, oid, rng.randrange(0, 9)))
            if oid == 1 and rng.random() < 0.05:  # a holder recorded late, when someone first queued
                holds.extend((t - rng.randrange(0, 60), 1, rng.randrange(1, 9)))
        expected = {oid: Levels(objects[oid]) for oid in (0, 1, 3)}
        for table in (levels, holds):
            for i in range(0, len(table), 3):
                if table[i + 1] in expected:
                    expected[table[i + 1]].add(max(0, table[i] - origin), table[i + 2])
        record = SimpleNamespace(levels=array("Q"), holds=array("Q"), objects=objects, level_base=0, hold_base=0)
        primitives = Primitives(SimpleNamespace(record=record, origin_ns=origin, end_ns=t))  # type: ignore[arg-type]
        while len(record.levels) < len(levels) or len(record.holds) < len(holds):
            for mine, full in ((record.levels, levels), (record.holds, holds)):
                mine.extend(full[len(mine) : len(mine) + (10**9 if trial % 2 else rng.randrange(1, 40))])
            primitives.update()
        got = {oid: (found.times.tolist(), found.values.tolist(), found.most) for oid, found in primitives.levels.items()}
        assert got == {oid: (found.times.tolist(), found.values.tolist(), found.most)
                       for oid, found in expected.items() if found.times}, trial
