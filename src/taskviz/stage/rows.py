"""Rows of the task table: a task adopted by a run, and where its creator made it.

A mixin of :class:`~taskviz.stage.run.Run` (its state lives on the run): every task a
run traces gets a row when it is created, with its name, its arguments and the user line
that created it, and a CREATED event. Executor jobs get theirs in ``jobs``.
"""

from __future__ import annotations

import sys
import types
from collections import deque
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from ..wire.record import KIND_BITS, Kind, TaskInfo
from . import reprs
from .awaits import display_path, is_user_file
from .hooks import current_traced_task
from .jobs import ARGS_FOR_FIRST, unwrap_job
from .owners import code_of
from .wrapper import TracedCoroutine

if TYPE_CHECKING:
    from .run import Run

_CREATED = Kind.CREATED
_COROUTINE = types.CoroutineType
_SHORT_INT = 10**18  # an int result this short is its own text, at once


class TaskRows:
    """The task-table half of a run."""

    def adopt(self: Run, coro: Coroutine[Any, Any, Any], depth: int = 1) -> TracedCoroutine:
        """Give a new task of the run its row, and the wrapper to run in its place.

        The creator's frame is fetched once, for the creation site and the owner both;
        ``depth`` says how far above this call it is (the stage's own frames that asked
        are passed over: each frame looked at is a frame object made, per task).
        """
        record = self.record
        tid = len(record.tasks)
        parent = current_traced_task(self)
        # Tasks started by loop callbacks (a server accepting connections), and theirs, are the server's.
        server = self.root is not None and (parent is None or record.tasks[parent].group == "server")
        native = type(coro) is _COROUTINE
        if native:  # the commonest shape, without the calls of _qualname and code_of
            qualname, code = coro.__qualname__, coro.cr_code
        else:
            qualname, code = _qualname(coro), code_of(coro)
        creator = sys._getframe(depth)
        sites = self.describer.sites_of(code) if code is not None else None  # a dict for the program's code only
        library = "" if sites is not None else self.owners.owner(tid, code, creator)
        info = TaskInfo(tid, parent, qualname, self._creation_site(coro, creator), group="server" if server else "",
                        library=library)
        record.tasks.append(info)
        if tid < ARGS_FOR_FIRST:
            self._describe_args(info, _call_args(coro))
        t = self.clock()
        self._s(t)
        self._t(t)
        self._c(tid << KIND_BITS | _CREATED)
        self._a(0 if parent is None else parent + 1)
        traced = TracedCoroutine(coro, self, tid)
        if native:  # its waits are looked up by cr_await (see awaits.Site)
            traced._sites = sites
        return traced

    def _creation_site(self: Run, coro: Any, creator: Any) -> str:
        """The user line that created the task (``creator`` is the frame that asked the stage for it),
        or the coroutine's own definition."""
        describer = self.describer
        site = describer.creation_site(creator)
        if site:
            return self.record.strings[site]
        code = getattr(coro, "cr_code", None) or getattr(unwrap_job(coro), "__code__", None)
        if code is None:
            return ""
        return self.record.strings[describer.location_of(code, code.co_firstlineno)]

    def _runs_program_code(self: Run, tid: int) -> None:
        """A library's task found suspended in the program's code (a server's request task
        running the program's handler) is the program's after all."""
        self.owners.library.discard(tid)
        self.record.tasks[tid].library = ""
        self.record.touch(tid)

    def _describe_args(self: Run, info: TaskInfo, values: list[Any]) -> None:
        """The arguments as a label now, as far as that runs no program code; the rest when the run ends."""
        if not values:  # most coroutines of many tasks take none: the label stays ""
            return
        info.args = reprs.describe_args(values)
        kind = reprs.waiting_type(values)
        if kind is not None:
            record = self.record

            def store(text: str) -> None:
                info.args = text
                record.touch(info.id)

            self.later.add(lambda: reprs.describe_args(values, describe=reprs.careful), store, kind)

    def _describe_outcome(self: Run, info: TaskInfo, value: Any, failed: bool) -> None:
        """A result or exception as text now if that runs no program code; else when the run ends."""
        if not failed:  # what most coroutines return, as text at once: no need to ask
            kind = type(value)
            if value is None:
                info.result = "None"
                return
            if kind is bool or kind is int and -_SHORT_INT < value < _SHORT_INT:
                info.result = repr(value)
                return
        text = reprs.exception_now(value) if failed else reprs.now(value)
        if text is None:
            text = reprs.placeholder(value)
            record = self.record

            def store(described: str) -> None:
                if failed:
                    info.exception = described
                else:
                    info.result = described
                record.touch(info.id)

            self.later.add((lambda: reprs.exception_careful(value)) if failed else (lambda: reprs.careful(value)), store,
                           type(value))
        if failed:
            info.exception = text
            if isinstance(value, BaseException):
                info.raised_via, info.raised_at = _raise_sites(value)
        else:
            info.result = text

    def _instant(self: Run, t: int, tid: int, kind: Kind, arg: int = 0) -> None:
        self._s(t)
        self._t(t)
        self._c(tid << KIND_BITS | kind)
        self._a(arg)


MAX_RAISE_SITES = 32  # of a deep recursion, the innermost lines only


def _raise_sites(exc: BaseException) -> tuple[str, str]:
    """(the chain of the program's own lines the exception came up through, outermost first;
    the innermost one, where it raised, not where the task awaited). Library frames are left
    out: a learner follows their own code."""
    sites: deque[str] = deque(maxlen=MAX_RAISE_SITES)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if is_user_file(filename):
            sites.append(f"{display_path(filename)}:{tb.tb_lineno}")
        tb = tb.tb_next
    if not sites:
        return "", ""
    innermost = sites.pop()
    return " → ".join(sites), innermost


def _qualname(coro: Any) -> str:
    return getattr(coro, "__qualname__", None) or type(coro).__name__


def _call_args(coro: Any) -> list[Any]:
    """A not-yet-started coroutine's frame holds just its arguments."""
    frame = getattr(coro, "cr_frame", None)
    if frame is None:
        return []
    code = frame.f_code
    names = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
    local = frame.f_locals
    return [local[name] for name in names if name in local and name != "self"]
