"""Whose task is it: the program's, or a library's internals (aiohttp's, asyncio's own)?

A learner wants to see the tasks their code made; aiohttp's connection handlers and
asyncio's accept loops drown them. The creation site cannot tell them apart: the
program's ``asyncio.run`` line (or the ``session.get`` call) is on the stack of nearly
every task made, library ones included. What tells is what the task runs and who asked:

* a task whose coroutine the program wrote is the program's, however it was made (a
  server's handler started by a loop callback included);
* a task the program's code asked for in so many words (``create_task``, ``gather``,
  ``TaskGroup.create_task``, ``to_thread``... on a library coroutine) is the program's too;
* any other task is its library's, owned by the top-level package of the code it runs;
* a library task that is later found suspended in the program's code (aiohttp's request
  task running the program's handler) becomes the program's: see ``WakeUps._suspended``.

The verdict is a ``TaskInfo.library``: "" for the program's, else the owner's name. The
viewers fold library tasks from it (``model.folding``); nothing is thrown away.
"""

from __future__ import annotations

import functools
import os
import types
from typing import Any

from .awaits import _ASYNCIO_DIR, _LIBRARY, _STAGE_DIR, PACKAGE_DIR, AwaitDescriber

# asyncio's calls that make a task because their caller asked for one: passed over when
# finding who asked. Loop callbacks and asyncio's internals are not here: their tasks are asyncio's.
_TASK_API = frozenset({
    "create_task", "ensure_future", "_ensure_future", "gather", "shield", "wait", "wait_for",
    "as_completed", "as_completed.<locals>.<setcomp>", "_AsCompletedIterator.__init__",
    "run", "Runner.run", "TaskGroup.create_task", "to_thread",
    "BaseEventLoop.create_task", "BaseEventLoop.run_until_complete", "BaseEventLoop.run_in_executor",
})

# A loop's own task-making methods, whoever's loop it is (looptime's virtual clock overrides one).
_LOOP_API = frozenset({"create_task", "run_in_executor"})

_PASS, _USER, _OTHER = 0, 1, 2


@functools.lru_cache(maxsize=512)  # a library's files are few; its tasks may be 100,000
def owner_name(filename: str) -> str:
    """The top-level package (or module) of a library file: ``aiohttp``, ``asyncio``, ``socket``."""
    if filename.startswith("<"):
        return "python"  # frozen modules and generated code
    path = os.path.realpath(filename)
    root = max((prefix for prefix in _LIBRARY if path.startswith(prefix)), key=len, default="")
    if root == PACKAGE_DIR:
        return "taskviz"
    first = path[len(root):].lstrip(os.sep).split(os.sep)[0] if root else os.path.basename(path)
    return first.removesuffix(".py") or "python"


class Owners:
    """Decides each new task's owner, caching what each code object is; keeps the library tasks
    that may still turn out to be the program's."""

    def __init__(self, describer: AwaitDescriber) -> None:
        self._describer = describer
        self._kinds: dict[int, int] = {}  # id(code) -> _PASS / _USER / _OTHER
        self._keep: list[types.CodeType] = []  # the code objects whose ids key _kinds
        self.library: set[int] = set()  # ids of tasks marked a library's, not yet seen running the program's code

    def owner(self, tid: int, code: types.CodeType | None, creator: types.FrameType | None) -> str:
        """"" if the task is the program's, else its library's name; ``code`` is what it runs,
        ``creator`` the frame that made it (the stage's own frames are passed over)."""
        if code is not None and self._describer.is_user_code(code):
            return ""
        frame = creator
        while frame is not None:
            kind = self._kind(frame.f_code)
            if kind == _USER:
                return ""
            if kind == _OTHER:
                break
            frame = frame.f_back
        if code is None:
            code = frame.f_code if frame is not None else None
        name = owner_name(code.co_filename) if code is not None else "python"
        self.library.add(tid)
        return name

    def _kind(self, code: types.CodeType) -> int:
        kind = self._kinds.get(id(code))
        if kind is None:
            filename = code.co_filename
            if (filename.startswith(_STAGE_DIR) or code.co_name in _LOOP_API
                    or (filename.startswith(_ASYNCIO_DIR) and code.co_qualname in _TASK_API)):
                kind = _PASS
            elif self._describer.is_user_code(code):
                kind = _USER
            else:
                kind = _OTHER
            self._kinds[id(code)] = kind
            self._keep.append(code)
        return kind


def code_of(runnable: Any) -> types.CodeType | None:
    """The code a task's coroutine (or generator-based coroutine) runs, if it has one."""
    return getattr(runnable, "cr_code", None) or getattr(runnable, "gi_code", None) or getattr(runnable, "__code__", None)
