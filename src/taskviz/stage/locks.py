"""Who holds each ``asyncio.Lock``: asyncio keeps no owner, so the stage notes one as locks are taken.

While any run is attached, ``asyncio.Lock.acquire`` and ``release`` are wrapped on the
class (``install``/``uninstall``, counted, so runs on several loops share it): a program
that takes no lock pays nothing, one that does pays a dictionary write per acquire and
release. The task running when an acquire returns holds the lock until it is released.
Nothing goes in the record for a lock nobody has waited on; once a task queues on one
(``waitfor``), its holder then, and every change after, are added to ``record.holds``.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from .patches import ClassPatches
from .wrapper import TracedCoroutine

if TYPE_CHECKING:
    from .run import Run

_HOLDERS: dict[int, tuple[Run, int, int]] = {}  # id(lock) -> (run, holder's task id, clock ns it took it)
_ORIGINAL_ACQUIRE = asyncio.Lock.acquire
_ORIGINAL_RELEASE = asyncio.Lock.release
_current_task = asyncio.current_task


async def _acquire(self: asyncio.Lock) -> bool:
    result = await _ORIGINAL_ACQUIRE(self)
    task = _current_task()
    coro = task.get_coro() if task is not None else None
    if type(coro) is TracedCoroutine:
        run = coro._run
        if run.finished_ns is None:
            now = run.clock()
            _HOLDERS[id(self)] = (run, coro._tid, now)
            oid = run.object_id(self)
            if oid is not None:
                run.record.holds.extend((now, oid, coro._tid + 1))
            return result
    _HOLDERS.pop(id(self), None)  # taken outside the runs: no holder known
    return result


def _release(self: asyncio.Lock) -> None:
    _ORIGINAL_RELEASE(self)
    held = _HOLDERS.pop(id(self), None)
    if held is not None:
        run = held[0]
        if run.finished_ns is None:
            oid = run.object_id(self)
            if oid is not None:
                run.record.holds.extend((run.clock(), oid, 0))


_acquire.__doc__, _release.__doc__ = _ORIGINAL_ACQUIRE.__doc__, _ORIGINAL_RELEASE.__doc__  # help(lock.acquire) reads as before


def holder_of(lock: Any, run: Run) -> tuple[int, int] | None:
    """(task id, clock ns it took ``lock``) of the task of ``run`` holding it now, if one does."""
    held = _HOLDERS.get(id(lock))
    if held is None or held[0] is not run:
        return None
    return held[1], held[2]


_PATCHES = ClassPatches((asyncio.Lock, "acquire", _acquire), (asyncio.Lock, "release", _release))


def install() -> None:
    """Wrap the lock methods, for one more run."""
    _PATCHES.install()


def uninstall(run: Run) -> None:
    """``run`` is over: forget what it held; the last run out puts asyncio's methods back."""
    def forget() -> None:
        for key in [key for key, held in list(_HOLDERS.items()) if held[0] is run]:
            _HOLDERS.pop(key, None)

    _PATCHES.uninstall(forget)
