"""The stage's ear: commands from the viewer, obeyed from a thread of their own.

A thread, because the loop may be blocked (a ``time.sleep``, a runaway ``while True``)
or held at the step gate while paused, and pausing, stepping and stopping must work
then most of all. What touches tasks (cancelling) is handed to the loop's thread;
what only reads (where a task is suspended) or steers the clock is done here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import IO, Any

from ..wire import commands
from ..wire.stream import StreamWriter
from .clock import TimeControl
from .program import interrupt
from .tracing import Run


class Control(threading.Thread):
    def __init__(self, source: IO[bytes], writer: StreamWriter, time_control: TimeControl,
                 run: Callable[[], Run | None], on_viewer_gone: Callable[[], None]) -> None:
        super().__init__(name="taskviz-control", daemon=True)
        self._source = source
        self._writer = writer
        self._time = time_control
        self._run = run
        self._viewer_gone = on_viewer_gone

    def run(self) -> None:
        for line in self._source:
            try:
                self.obey(commands.decode(line))
            except commands.CommandError as exc:
                self._writer.reply({"ok": False, "error": str(exc)})
            except Exception as exc:  # a command must never take the stage down
                self._writer.reply({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
        self._viewer_gone()

    def obey(self, command: dict[str, Any]) -> None:
        name = command["cmd"]
        reply: dict[str, Any] = {"cmd": name, "id": command.get("id"), "ok": True}
        if name == commands.CANCEL:
            self._call_on_loop(self._cancel, int(command["task"]), reply)
            return
        if name == commands.WHERE:  # on the loop's thread: describing interns strings into the record
            self._call_on_loop(self._where, int(command["task"]), reply)
            return
        if name == commands.PAUSE:
            self._time.pause()
        elif name == commands.RESUME:
            self._time.resume()
        elif name == commands.STEP:
            reply["stepped"] = self._time.step()
        elif name == commands.SPEED:
            self._time.set_speed(float(command["x"]))
        elif name == commands.STOP:
            self.stop_run()
        reply.update(paused=self._time.paused, speed=self._time.speed)
        self._writer.reply(reply)

    def stop_run(self) -> None:
        """Let time run again, then stop the program as ctrl+c would: ``asyncio.run`` cancels
        main, so ``finally`` blocks get to run, and a step stuck for long is interrupted."""
        if self._time.paused:
            self._time.resume()
        interrupt()

    def _call_on_loop(self, fn: Callable[..., Any], *args: Any) -> None:
        run = self._run()
        if run is None:
            args[-1]["ok"] = False
            self._writer.reply(args[-1])
            return
        try:
            run.loop.call_soon_threadsafe(fn, *args)
        except RuntimeError:
            args[-1]["ok"] = False  # the loop has closed: the run is over already
            self._writer.reply(args[-1])

    def _cancel(self, tid: int, reply: dict[str, Any]) -> None:
        run = self._run()
        task = run.task(tid) if run is not None else None
        reply["ok"] = bool(task is not None and task.cancel())
        self._writer.reply(reply)

    def _where(self, tid: int, reply: dict[str, Any]) -> None:
        """The line task ``tid`` is suspended on now, read from its coroutine chain."""
        run = self._run()
        task = run.task(tid) if run is not None else None
        if run is None or task is None or task.done():
            reply["ok"] = False
        else:
            traced = task.get_coro()
            coro = getattr(traced, "_coro", traced)
            label, location, _, _ = run.describer.describe(coro, getattr(task, "_fut_waiter", None))
            reply.update(task=tid, label=run.record.strings[label], line=run.record.strings[location])
        self._writer.reply(reply)
