"""The program's queues, semaphores and locks over time: a row of their own each.

The stage records a queue's size and a semaphore's free slots after each put, get,
acquire and release (``EventRecord.levels``), and a lock's holder from the first time a
task queues on it (``EventRecord.holds``). Here each becomes a step function of time per
object, and ``cells`` reads it at a view's zoom: per cell the most a queue held (a burst
within one cell still shows) or the task that held a lock during it.

Built from a model and kept up with it (``update``); times are ns since the run started,
as in the model. A lock's value is its holder's task id + 1, 0 while free.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import repeat
from operator import sub

from rich.cells import cell_len

from .per_model import PerModel
from .retention import drop_before, on_forget
from ..text import visible
from ..wire.record import COLUMN, WaitObject
from .timeline import TimelineModel

SHOWN_KINDS = ("queue", "semaphore", "lock")
UNKNOWN = -1  # a cell before the object's first record, or past now
LEVEL_GLYPHS = " ▁▂▃▄▅▆▇█"  # eighths of the object's size; empty (or no slot free) is a blank
HELD = "█"  # a lock held by a task whose name does not fit the stretch it held it for
Run = tuple[str, str]  # text, and what it is: BLANK, BAR or NAME (a lock holder's, drawn over its bar)
BLANK, BAR, NAME = "blank", "bar", "name"


BLOCK = 128  # values a block's most covers: a cell spanning many blocks reads their mosts, not their values


@dataclass(slots=True)
class Levels:
    """One object's values over time: ``values[i]`` from ``times[i]`` until the next change.

    Arrays, not lists: a server's queue and lock change a few times per request. A view
    zoomed out to a long run's whole length has its history in view every frame, so the
    most within a stretch of changes is read from the most of each whole ``BLOCK`` of them
    (``blocks``, kept up as they fill) and the values at its two ends only."""

    object: WaitObject
    times: array = field(default_factory=lambda: array("q"))
    values: array = field(default_factory=lambda: array("q"))
    most: int = 0  # the highest value seen (a lock's is meaningless)
    blocks: array = field(default_factory=lambda: array("q"))  # the most of values[k * BLOCK:(k + 1) * BLOCK], whole blocks only

    def add(self, t: int, value: int) -> None:
        if self.times and t < self.times[-1]:  # a lock's first holder, added when someone first queued on it
            at = bisect_right(self.times, t)
            self.times.insert(at, t)
            self.values.insert(at, value)
            del self.blocks[at // BLOCK :]  # the blocks from there on hold other values now
        else:
            self.times.append(t)
            self.values.append(value)
        if value > self.most:
            self.most = value

    def extend(self, times: array, values: array) -> None:
        """``add`` each pair in turn (``array('q')`` both): at C speed when they come in order
        after the ones held, as a finished run's hundreds of thousands do."""
        clock = times.tolist()
        if clock != sorted(clock) or (self.times and clock and clock[0] < self.times[-1]):
            for t, value in zip(clock, values):  # some come late (a lock's first holder): one at a time
                self.add(t, value)
            return
        self.times.extend(times)
        self.values.extend(values)
        self.most = max(self.most, max(values, default=0))

    def forget_before(self, t: int) -> None:
        """Drop the values that ended before ``t``: the one in force then stays."""
        before = len(self.times)
        drop_before(t, self.times, self.values)
        if len(self.times) < before:
            del self.blocks[:]  # their bounds moved: made again as they are asked for

    def most_between(self, start: int, stop: int) -> int:
        """The most of ``values[start:stop]`` (``start < stop``), in C over whole blocks and the ends' values."""
        values = self.values
        first, last = -(-start // BLOCK), stop // BLOCK  # the whole blocks inside
        if last - first < 2:
            return max(values[start:stop])
        blocks = self.blocks
        for k in range(len(blocks), last):
            blocks.append(max(values[k * BLOCK : (k + 1) * BLOCK]))
        most = max(blocks[first:last])
        if start < first * BLOCK:
            most = max(most, max(values[start : first * BLOCK]))
        if last * BLOCK < stop:
            most = max(most, max(values[last * BLOCK : stop]))
        return most

    def holder_between(self, start: int, stop: int, before: int) -> int:
        """A lock's holder over changes ``values[start:stop]`` (``start < stop``), ``before`` in force
        before them: the last one taken (a release keeps the cell its holder's), else the one
        holding it before them (0 if free or UNKNOWN). Holders are >= 0, as the record's columns."""
        values = self.values
        last = stop - 1
        while last >= start and last > stop - 8 and not values[last]:  # a release or two at the end, most often
            last -= 1
        if last >= start and not values[last]:  # a long run of releases: found in C, from the bytes
            held = values[start : last + 1].tobytes().rstrip(b"\0")
            last = start + (len(held) - 1) // values.itemsize if held else start - 1
        return values[last] if last >= start else max(before, 0)


class Primitives:
    """Every queue, semaphore and lock the record has levels or holders of, by object id."""

    def __init__(self, model: TimelineModel) -> None:
        self.model = model
        self.levels: dict[int, Levels] = {}
        self._levels_seen = 0
        self._holds_seen = 0
        self.update()

    def update(self) -> None:
        """Take in what the record holds now."""
        record, origin = self.model.record, self.model.origin_ns
        # the cursors count from the run's first triple: a live run's window forgets the ones read (``retention``)
        for table, base, attr in ((record.levels, record.level_base, "_levels_seen"),
                                  (record.holds, record.hold_base, "_holds_seen")):
            end = len(table) - len(table) % 3
            start = max(0, getattr(self, attr) - base)
            for oid, times, values in _by_object(table[start:end]) if start < end else ():
                levels = self._levels_of(record.objects[oid])
                if levels is not None:
                    levels.extend(_since(times, origin), array("q", values.tobytes()))
            setattr(self, attr, base + end)

    def _levels_of(self, found: WaitObject) -> Levels | None:
        """The object's Levels, made on its first record; None if its kind gets no row."""
        if found.kind not in SHOWN_KINDS:
            return None
        levels = self.levels.get(found.id)
        if levels is None:
            levels = self.levels[found.id] = Levels(found)
        return levels

    def shown(self) -> list[int]:
        """The objects that get a row, in the order the program first used them."""
        self.update()
        return sorted(self.levels)

    def size(self, oid: int) -> int:
        """What a full bar stands for: a queue's maxsize, a semaphore's slots, else the most seen."""
        levels = self.levels[oid]
        return max(1, levels.object.size, levels.most)

    def label(self, oid: int) -> str:
        """``jobs (Queue 3)``: the program's name for it, its kind and its size, safe to draw."""
        found = self.levels[oid].object
        kind = found.kind.capitalize()
        if found.kind != "lock" and found.size:
            kind = f"{kind} {found.size}"
        return visible(f"{found.name} ({kind})") if found.name else kind

    def cells(self, oid: int, t0: int, dt: int, n: int, now: int | None = None) -> list[int]:
        """Per cell from ``t0``, ``dt`` ns each: a queue's or semaphore's most in the cell, a
        lock's holder (task id + 1) in it, the last one if several, 0 if free throughout;
        UNKNOWN before the first record and past ``now`` (the end of the record if None)."""
        levels = self.levels.get(oid)
        out = [UNKNOWN] * n
        if levels is None or dt <= 0 or not levels.times:
            return out
        times, values = levels.times, levels.values
        lock = levels.object.kind == "lock"
        end = min(t0 + n * dt, self.model.end_ns if now is None else now)
        count = len(times)
        first = bisect_left(times, t0)  # the first change in the first cell: those at t0 are in it
        for cell in range(n):
            start = t0 + cell * dt
            if start >= end:
                break
            stop = bisect_left(times, start + dt, first)  # the changes in the cell are first..stop-1
            before = values[first - 1] if first > 0 else UNKNOWN
            if first == stop:
                out[cell] = before
            elif lock:
                out[cell] = levels.holder_between(first, stop, before)
            else:
                most = levels.most_between(first, stop)
                out[cell] = most if most > before else before
            first = stop
            if first == count:  # no change after this cell: the rest in view hold the last value
                shown = min(n, -(-(end - t0) // dt))
                out[cell + 1 : shown] = [values[-1]] * (shown - cell - 1)
                break
        return out


def _by_object(triples: array) -> Iterator[tuple[int, array, array]]:
    """(object id, clock times, values) of each object the flat triples are about, in order of
    first use, the times and values in their order: sorted apart at C speed."""
    times, oids, values = triples[0::3], triples[1::3], triples[2::3]
    if oids.count(oids[0]) == len(oids):  # one object, most often: a queue's puts and gets, a lock's holders
        yield oids[0], times, values
        return
    order = sorted(range(len(oids)), key=oids.__getitem__)  # stable: each object's triples in their order
    grouped = list(map(oids.__getitem__, order))
    for oid in dict.fromkeys(oids):
        ids = order[bisect_left(grouped, oid) : bisect_right(grouped, oid)]
        yield oid, array(COLUMN, map(times.__getitem__, ids)), array(COLUMN, map(values.__getitem__, ids))


def _since(clock: array, origin: int) -> array:
    """Clock times as ns since ``origin`` (0 for any before it), in an ``array('q')``."""
    try:  # subtracted in C, moved over as bytes: unsigned as the record's columns, so none before the origin
        return array("q", array(COLUMN, map(sub, clock, repeat(origin))).tobytes())
    except OverflowError:  # a clock that went back
        return array("q", [t - origin if t > origin else 0 for t in clock])


def bar(primitives: Primitives, oid: int, cells: list[int], name_of: Callable[[int], str]) -> list[Run]:
    """A row's text, as runs: a queue's or semaphore's level in eighths of its size; a lock's
    holder's name (``name_of(task id)``) over the stretch it held it, where the name fits, else a solid bar."""
    if primitives.levels[oid].object.kind == "lock":
        return _holder_runs(cells, name_of)
    size = primitives.size(oid)
    text = "".join(" " if value <= 0 else LEVEL_GLYPHS[max(1, min(8, round(8 * value / size)))] for value in cells)
    return [(text, BAR)]


def holder_name(model: TimelineModel, tid: int) -> str:
    """A lock holder's short name, to write over its bar: the name the program gave the task,
    else its coroutine's ("alice_to_bob", "worker"), safe to draw."""
    info = model.record.tasks[tid]
    named = info.name and not info.name.startswith("Task-")
    return visible(info.name if named else info.coro.rsplit(".", 1)[-1])


def _holder_runs(cells: list[int], name_of: Callable[[int], str]) -> list[Run]:
    runs: list[Run] = []
    start = 0
    for i in range(1, len(cells) + 1):
        if i < len(cells) and cells[i] == cells[start]:
            continue
        holder, length = cells[start], i - start
        if holder <= 0:
            runs.append((" " * length, BLANK))
        else:
            name = name_of(holder - 1)
            if cell_len(name) < length and len(name) == cell_len(name):
                runs += [(name, NAME), (HELD * (length - len(name)), BAR)]
            else:
                runs.append((HELD * length, BAR))
        start = i
    return runs


_PRIMITIVES: PerModel[Primitives] = PerModel(Primitives)


@on_forget
def _forget(model: TimelineModel, before_ns: int) -> None:
    primitives = _PRIMITIVES.existing(model)
    if primitives is not None:
        primitives.update()  # all the record holds, before it forgets
        for levels in primitives.levels.values():
            levels.forget_before(before_ns)


def primitives_for(model: TimelineModel) -> Primitives:
    """The one Primitives of ``model``, shared by its views."""
    return _PRIMITIVES.of(model)
