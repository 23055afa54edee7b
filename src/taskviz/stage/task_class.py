"""Seeing tasks made by calling ``asyncio.Task(...)`` directly, which no task factory sees.

aiohttp on 3.12+ (and some programs) build tasks with ``asyncio.Task(coro, loop=loop,
eager_start=True)``; a C ``Task`` cannot be subclassed cheaply, its coroutine cannot be
swapped after construction, and the constructor calls nothing on the loop that could.
So the name ``asyncio.Task`` is given a stand-in: calling it hands the coroutine to the
tracer first, then builds the real task; ``isinstance``, ``issubclass``, subclassing,
``asyncio.Task[int]`` and class attributes all answer as the real class does.
``asyncio.tasks.Task`` (what ``loop.create_task`` uses) is left alone. What differs:
``type(task) is asyncio.Task`` is False, so that check is the one taskviz changes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

Wrap = Callable[[Any, Any], Any]  # (coroutine, loop or None) -> the coroutine to run instead, or the same one
Built = Callable[[Any, Any], None]  # told (what was run, the task) once the task exists


class TaskClassStandIn:
    """Stands for ``asyncio.Task`` in the ``asyncio`` namespace while taskviz watches."""

    __slots__ = ("_real", "_wrap", "_built")

    def __init__(self, real: type[asyncio.Task[Any]], wrap: Wrap, built: Built) -> None:
        self._real = real
        self._wrap = wrap
        self._built = built

    def __call__(self, coro: Any, *args: Any, **kwargs: Any) -> asyncio.Task[Any]:
        runs = self._wrap(coro, kwargs.get("loop"))
        task = self._real(runs, *args, **kwargs)
        if runs is not coro:
            self._built(runs, task)
        return task

    def __instancecheck__(self, obj: Any) -> bool:
        return isinstance(obj, self._real)

    def __subclasscheck__(self, cls: type) -> bool:
        return issubclass(cls, self._real)

    def __mro_entries__(self, bases: tuple[Any, ...]) -> tuple[type, ...]:
        """``class MyTask(asyncio.Task)`` subclasses the real class, through one that is traced."""
        return (_traced_subclass_base(self),)

    def __getitem__(self, item: Any) -> Any:
        return self._real[item]  # type: ignore[index]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def __repr__(self) -> str:
        return repr(self._real)


_SUBCLASS_BASES: dict[int, type] = {}


def _traced_subclass_base(stand_in: TaskClassStandIn) -> type:
    """A subclass of the real ``Task`` whose instances hand their coroutine to the tracer.

    Only classes that subclass ``asyncio.Task`` pass through here, and those already run
    Python code at construction, so the cost falls where a subclass was paid for anyway.
    """
    base = _SUBCLASS_BASES.get(id(stand_in))
    if base is None:
        real, wrap, built = stand_in._real, stand_in._wrap, stand_in._built

        def __init__(self: Any, coro: Any, *args: Any, **kwargs: Any) -> None:
            runs = wrap(coro, kwargs.get("loop"))
            real.__init__(self, runs, *args, **kwargs)
            if runs is not coro:
                built(runs, self)

        base = type("Task", (real,), {"__init__": __init__, "__module__": real.__module__, "__qualname__": "Task"})
        _SUBCLASS_BASES[id(stand_in)] = base
    return base


def install(wrap: Wrap, built: Built) -> None:
    """Put the stand-in in place (once); later calls change nothing."""
    if not isinstance(asyncio.__dict__.get("Task"), TaskClassStandIn):
        asyncio.Task = TaskClassStandIn(asyncio.tasks.Task, wrap, built)  # type: ignore[misc, assignment]


def real_task_class() -> type[asyncio.Task[Any]]:
    """The class tasks really are, whether or not the stand-in is installed."""
    return asyncio.tasks.Task
