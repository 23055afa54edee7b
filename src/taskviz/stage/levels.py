"""How full each queue is, and how many slots each semaphore has free, over time: rows of their own.

While any run is attached, ``asyncio.Queue.put_nowait``/``get_nowait`` (``put`` and ``get``
go through them) and ``asyncio.Semaphore.acquire``/``release`` are wrapped on the class
(``install``/``uninstall``, counted, as ``locks`` does): a program that uses neither pays
nothing. One that does pays, per operation, a dictionary look-up and three appends to
``record.levels``: the clock, the object's id, its size or free slots just after.

An object is taken on the first time the program's own code uses it from a traced task:
it gets its WaitObject then (the one the wait-for graph uses too, named as the program
names it). A library's (aiohttp's) is never recorded, and one used only outside the runs
(before ``main``, from a thread) is recorded from its first use inside one. The wrappers
call asyncio's own methods first and return or raise exactly what they do.
"""

from __future__ import annotations

import asyncio
import os
import sys
import weakref
from typing import TYPE_CHECKING, Any

from .waitfor import name_in, size_of
from .patches import ClassPatches
from .wrapper import TracedCoroutine

if TYPE_CHECKING:
    from .run import Run

# id(object) -> (weak reference to it, its run, its object id (-1: a library's, never recorded), the append of the run's levels)
_TRACKED: dict[int, tuple[Any, Run, int, Any]] = {}
_ORIGINAL_PUT = asyncio.Queue.put_nowait
_ORIGINAL_GET = asyncio.Queue.get_nowait
_ORIGINAL_ACQUIRE = asyncio.Semaphore.acquire
_ORIGINAL_RELEASE = asyncio.Semaphore.release
_get_running_loop = asyncio._get_running_loop
_current_task = asyncio.current_task
_ASYNCIO_DIR = os.path.dirname(asyncio.__file__) + os.sep
_STAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_FRAMES_SEARCHED = 12  # frames above a put or an acquire looked through for the program's own


def _note(obj: Any, kind: str, level: int, taken: int) -> None:
    """``obj`` is at ``level`` now; ``taken``: slots the operation took (a semaphore's acquire)."""
    entry = _TRACKED.get(id(obj))
    if entry is not None and entry[0]() is obj:
        run = entry[1]
        if entry[2] >= 0 and run.finished_ns is None:
            add = entry[3]
            add(run.clock())
            add(entry[2])
            add(level)
        return
    _first_use(obj, kind, level, taken)


def _first_use(obj: Any, kind: str, level: int, taken: int) -> None:
    """Take ``obj`` on, if a traced task of a run uses it from the program's own code."""
    if _get_running_loop() is None:
        return
    task = _current_task()
    coro = task.get_coro() if task is not None else None
    if type(coro) is not TracedCoroutine:
        return
    run = coro._run
    if run.finished_ns is not None:
        return
    try:
        ref = weakref.ref(obj)
    except TypeError:  # a subclass with __slots__ and no weak references: not shown
        return
    frame = _caller(run)
    oid = -1
    if frame is not None:
        oid = run.object_id(obj)
        if oid is None:
            oid = run._new_object(obj, kind, name_in(frame, obj), size=size_of(obj, kind, taken)).id
        run.record.levels.extend((run.clock(), oid, level))
    _TRACKED[id(obj)] = (ref, run, oid, run.record.levels.append)


def _caller(run: Run) -> Any:
    """The frame that called into asyncio, if it is the program's own (not a library's)."""
    frame: Any = sys._getframe(3)
    for _ in range(_FRAMES_SEARCHED):
        if frame is None:
            return None
        filename = frame.f_code.co_filename
        if not (filename.startswith(_ASYNCIO_DIR) or filename.startswith(_STAGE_DIR)):
            return frame if run.describer.is_user_code(frame.f_code) else None
        frame = frame.f_back
    return None


# The wrappers repeat _note's known-object path inline: a queue pipeline puts and gets as often
# as it steps, and a Python call more each time costs it ~5 % more instructions.
def _put_nowait(self: asyncio.Queue[Any], item: Any) -> None:
    _ORIGINAL_PUT(self, item)
    entry = _TRACKED.get(id(self))
    if entry is not None and entry[0]() is self:
        run = entry[1]
        if run.finished_ns is None and entry[2] >= 0:
            add = entry[3]
            add(run.clock())
            add(entry[2])
            add(len(self._queue))  # type: ignore[attr-defined]
    else:
        _first_use(self, "queue", len(self._queue), 0)  # type: ignore[attr-defined]


def _get_nowait(self: asyncio.Queue[Any]) -> Any:
    item = _ORIGINAL_GET(self)
    entry = _TRACKED.get(id(self))
    if entry is not None and entry[0]() is self:
        run = entry[1]
        if run.finished_ns is None and entry[2] >= 0:
            add = entry[3]
            add(run.clock())
            add(entry[2])
            add(len(self._queue))  # type: ignore[attr-defined]
    else:
        _first_use(self, "queue", len(self._queue), 0)  # type: ignore[attr-defined]
    return item


async def _semaphore_acquire(self: asyncio.Semaphore) -> bool:
    result = await _ORIGINAL_ACQUIRE(self)
    _note(self, "semaphore", self._value, 1)  # type: ignore[attr-defined]
    return result


def _semaphore_release(self: asyncio.Semaphore) -> None:
    _ORIGINAL_RELEASE(self)
    _note(self, "semaphore", self._value, 0)  # type: ignore[attr-defined]


for _wrapper, _original in ((_put_nowait, _ORIGINAL_PUT), (_get_nowait, _ORIGINAL_GET),
                            (_semaphore_acquire, _ORIGINAL_ACQUIRE), (_semaphore_release, _ORIGINAL_RELEASE)):
    _wrapper.__doc__ = _original.__doc__  # help(queue.put_nowait) reads as before


_PATCHES = ClassPatches((asyncio.Queue, "put_nowait", _put_nowait), (asyncio.Queue, "get_nowait", _get_nowait),
                       (asyncio.Semaphore, "acquire", _semaphore_acquire),
                       (asyncio.Semaphore, "release", _semaphore_release))


def install() -> None:
    """Wrap the queue and semaphore methods, for one more run."""
    _PATCHES.install()


def uninstall(run: Run) -> None:
    """``run`` is over: forget its objects; the last run out puts asyncio's methods back."""
    def forget() -> None:
        for key in [key for key, entry in list(_TRACKED.items()) if entry[1] is run]:
            _TRACKED.pop(key, None)

    _PATCHES.uninstall(forget)
