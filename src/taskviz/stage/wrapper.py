"""The wrapper that stands in for every traced coroutine inside its task: the hot path.

One module-level class (asyncio caches every type that passes ``iscoroutine``, so a class
per run would leak). ``send`` is the hot path of the whole tool: one clock read on each
side of the step and one row of four ints; everything it touches is read straight off
its run, without indirection. Its wake-up is seen elsewhere (``wakeups``), at no cost here.
"""

from __future__ import annotations

from collections.abc import Coroutine, Generator
from typing import TYPE_CHECKING, Any

from ..wire.record import KIND_BITS, Kind

if TYPE_CHECKING:
    from .run import Run

_YIELDED = Kind.YIELDED


class TracedCoroutine(Coroutine[Any, Any, Any]):
    """Stands in for a program's coroutine inside its Task, recording every step."""

    __slots__ = ("_coro", "_run", "_tid", "_code", "_deadline", "_lines", "_sites", "__weakref__")

    def __init__(self, coro: Coroutine[Any, Any, Any], run: Run, tid: int) -> None:
        self._coro = coro
        self._run = run
        self._tid = tid
        self._code = tid << KIND_BITS
        self._deadline: int | None = None  # when it is ready at the latest, if known when it suspends (see wakeups)
        self._lines: set[int] | None = None  # waits (label << 32 | line) whose queue (event...) is recorded (see waitfor)
        self._sites: dict[int, Any] | None = None  # its code's known waits, by offset (see AwaitDescriber.describe)

    def send(self, value: Any) -> Any:
        run = self._run
        gate = run.gate
        if gate is not None and gate.armed:
            gate.enter()
        if run._from_threads:  # what worker threads reported goes in before this step's rows
            run.sync()
        t0 = run.clock()
        try:
            awaited = self._coro.send(value)
        except BaseException as exc:
            run._step_raised(self, t0, exc)
            if type(exc) is not StopIteration:
                _hide_this_frame(exc)
            raise
        t1 = run.clock()
        if awaited is None:
            run._s(t0)
            run._t(t1)
            run._c(self._code | _YIELDED)
            run._a(0)
        else:
            run._suspended(self, t0, t1, awaited)
        return awaited

    def throw(self, typ: Any, val: Any = None, tb: Any = None) -> Any:
        """Cancellation and errors thrown in: rare, so it shares the slow paths."""
        run = self._run
        if run.gate is not None and run.gate.armed:
            run.gate.enter()
        if run._from_threads:
            run.sync()
        t0 = run.clock()
        try:
            if val is None and tb is None:
                awaited = self._coro.throw(typ)
            else:
                awaited = self._coro.throw(typ, val, tb)
        except BaseException as exc:
            run._step_raised(self, t0, exc)
            _hide_this_frame(exc)
            raise
        run._suspended(self, t0, run.clock(), awaited)
        return awaited

    def close(self) -> None:
        self._coro.close()

    def __await__(self) -> Generator[Any, None, Any]:
        return self._coro.__await__()

    def __getattr__(self, name: str) -> Any:
        """``cr_frame``, ``cr_await``, ``__qualname__``...: the wrapper reads as the coroutine it holds."""
        return getattr(self._coro, name)


def _hide_this_frame(exc: BaseException) -> None:
    """The program's tracebacks (asyncio's "exception was never retrieved" too) show its frames, not the wrapper's."""
    tb = exc.__traceback__
    if tb is not None and (tb.tb_frame.f_code is STEP_CODES[0] or tb.tb_frame.f_code is STEP_CODES[1]):
        exc.__traceback__ = tb.tb_next


# The frames of a step in progress; compared by identity (``==`` between code objects is slow).
STEP_CODES = (TracedCoroutine.send.__code__, TracedCoroutine.throw.__code__)
