"""Where a long step is stuck, seen from outside the loop's thread while it happens."""

from __future__ import annotations

import linecache
import sys
import threading
import types
from typing import TYPE_CHECKING

from ..wire.record import Alert
from .awaits import display_path
from .wrapper import STEP_CODES

if TYPE_CHECKING:
    from .run import Run


class StallWatch(threading.Thread):
    """Catches the line a long step is stuck on, by looking at the loop thread's frames.

    Step durations are measured exactly by the wrapper; only *where* a step that blocks
    the loop is stuck (say on ``time.sleep``) needs a look from outside, since the step's
    own frame moves on before anything inside the loop can record it. The step in
    progress is recognised from its wrapper's frame, so the hot path pays nothing. The
    call it is stuck in is noted once per step, as a "stuck" alert (the findings name it).
    A step held longer than ``THRESHOLD_NS`` + ``INTERVAL_S`` (45 ms) is always caught;
    the findings' blocking steps (100 ms and more) are looked at several times.
    """

    INTERVAL_S = 0.025  # each look wakes a thread that takes the GIL: at 100 a second it cost a server-like run ~15 %
    THRESHOLD_NS = 20_000_000

    def __init__(self, run: Run) -> None:
        super().__init__(name="taskviz-stall-watch", daemon=True)
        self._run = run
        self._stopped = threading.Event()
        self._called: set[int] = set()  # starts of the steps whose call is noted

    def stop(self) -> None:
        self._stopped.set()

    def run(self) -> None:
        while not self._stopped.wait(self.INTERVAL_S):
            self.look()

    def look(self) -> None:
        """Note the step holding the loop now, if it has held it long: ``run.busy`` and a stall."""
        run = self._run
        run.busy = self._long_step(run)
        if run.busy is not None and run.busy[2]:
            run.record.stalls.setdefault(run.busy[1], run.busy[2])

    def _long_step(self, run: Run) -> tuple[int, int, str] | None:
        """The step running long now: found by code identity alone; only then is its line looked for.

        Every look holds the GIL the program needs, so the common case (no step, or a short
        one) must cost almost nothing: no lookups per frame.
        """
        top = sys._current_frames().get(run._loop_thread)
        frame = top
        send, throw = STEP_CODES
        while frame is not None and frame.f_code is not send and frame.f_code is not throw:  # identity: code == code is slow
            frame = frame.f_back
        if frame is None:
            return None
        local = frame.f_locals
        started = local.get("t0")
        wrapper = local.get("self")
        if started is None or getattr(wrapper, "_run", None) is not run or run.clock() - started < self.THRESHOLD_NS:
            return None
        describer = run.describer
        line = ""
        inner = top
        while inner is not None and inner is not frame:
            if describer.is_user_code(inner.f_code):
                line = f"{display_path(inner.f_code.co_filename)}:{inner.f_lineno}"
                break
            inner = inner.f_back
        if line and started not in self._called:
            self._called.add(started)
            run.record.alerts.append(Alert(started, "stuck", wrapper._tid, line, _call(top, inner)))
        return wrapper._tid, started, line


CALL_CHARS = 60


def _call(top: types.FrameType | None, user: types.FrameType | None) -> str:
    """What the program's frame ``user`` is stuck in: the library function it called
    ("requests.api.get"), or, when it is the innermost frame (a call into C, like
    ``time.sleep``, or plain computing), the text of its line."""
    if top is None or user is None:
        return ""
    if top is not user:
        called = top
        while called.f_back is not None and called.f_back is not user:
            called = called.f_back
        module = called.f_globals.get("__name__", "")
        return f"{module}.{called.f_code.co_qualname}" if isinstance(module, str) and module else called.f_code.co_qualname
    text = linecache.getline(user.f_code.co_filename, user.f_lineno).strip()
    text = text.split("  #", 1)[0].strip()
    return text if len(text) <= CALL_CHARS else text[: CALL_CHARS - 1] + "…"
