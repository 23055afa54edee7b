"""The stage process: one program, run live on an event loop of its own, streamed to a viewer.

A viewer starts it ahead of time (``python -m taskviz.stage STREAM_FD CONTROL_FD``), so
its imports are done before anyone asks for a run; it then waits for the RUN command.
The program runs on a :class:`~taskviz.stage.clock.StageLoop` (pausable, slowable) in the
process's main thread, where signal handlers and ``add_signal_handler`` work as under
``python``; standard input is empty, so ``input()`` gets EOF rather than the viewer's
keyboard. Threads of the stage send the stream and obey commands. When the run is over
the process ends with the program's exit status, without waiting for threads the
program left behind (an executor job sleeping for an hour must not hold it up).
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import IO, Any

from .. import __version__
from ..catalog import Scenario, ScenarioError, load_main, read
from ..runner import main_coroutine
from ..wire import commands
from ..wire.record import EventRecord
from ..wire.stream import StreamWriter
from .broadcast import Broadcast, OutputCapture
from .clock import StageClock, StepGate, TimeControl, new_stage_loop
from .control import Control
from .tracing import Run

GRACE_S = 1.0  # after the viewer has gone, how long the program gets to finish its cancellation


class Stage:
    """One run on this process's own loop, with everything the viewer needs to watch and steer it."""

    def __init__(self, stream_fd: int, control: IO[bytes]) -> None:
        self._stream_fd = stream_fd
        self._control_source = control
        self.record = EventRecord()
        self.writer = StreamWriter(self._write, self.record)
        self.clock = StageClock()
        self.loop = new_stage_loop(self.clock)
        self.gate = StepGate(self.clock, self.loop)
        self.time = TimeControl(self.clock, self.gate)
        self.run: Run | None = None

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                view = view[os.write(self._stream_fd, view):]
            except OSError:
                os._exit(1)  # the viewer has gone: nobody is watching any more

    def serve(self, request: dict[str, Any]) -> int:
        """Run the program asked for; returns the exit status ``python`` would have ended with."""
        try:
            scenario = read(Path(request["path"]))
        except ScenarioError as exc:
            self.writer.header({"name": Path(request["path"]).stem, "path": request["path"], "taskviz": __version__})
            self.writer.end({"exit": 2, "error": str(exc)})
            return 2
        self.writer.header(self._meta(scenario))
        capture = OutputCapture(self.writer, self._now_ns)
        broadcast = Broadcast(self.writer, self._status)
        control = Control(self._control_source, self.writer, self.loop, self.time, lambda: self.run, self._viewer_gone)
        control.start()
        capture.start()
        broadcast.start()
        speed = float(request.get("speed", 1.0))
        if speed != 1.0:
            self.time.set_speed(speed)
        if "input(" in scenario.source:
            self.writer.output(self.clock.now_ns(), "note", "this program calls input(): here its standard input is "
                               "empty, so input() gets end-of-file (EOFError), not your keyboard")
        asyncio.set_event_loop(self.loop)
        code, error = 0, None
        try:
            code = self.loop.run_until_complete(self._drive(load_main(scenario)))
        except ScenarioError as exc:
            code, error = 2, str(exc)
            print(f"taskviz: {exc}", file=sys.stderr)
        except SystemExit as exc:
            code = _exit_status(exc)
        except KeyboardInterrupt:
            code = 130
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            self._finish_tasks()
            capture.stop()
            broadcast.stop()
            self.writer.end(self._end(code, error))
        return code

    async def _drive(self, main: Any) -> int:
        run = Run.start(main_coroutine(main), record=self.record)
        run.gate = self.gate
        self.run = run
        await run.wait()
        root = run.root
        assert root is not None
        if root.cancelled():
            return 1
        exc = root.exception()
        if exc is not None:
            print(program_traceback(exc), end="", file=sys.stderr)
            return 1
        return 0

    def _finish_tasks(self) -> None:
        """As ``asyncio.run`` does on the way out: cancel what is left and let it finish."""
        run = self.run
        if run is None:
            return
        if run.running and not self.loop.is_closed():
            run.cancel()
            try:
                self.loop.run_until_complete(asyncio.wait_for(run.wait(), GRACE_S))
            except BaseException:
                pass
        run.close()

    def _viewer_gone(self) -> None:
        """The control pipe closed: stop the run, and the process soon after, whatever it does."""
        if self.time.paused:
            self.time.resume()
        if self.run is not None:
            try:
                self.loop.call_soon_threadsafe(self.run.cancel)
            except RuntimeError:
                pass
        threading.Timer(GRACE_S, os._exit, (1,)).start()

    def _now_ns(self) -> int:
        return self.run.clock() if self.run is not None else self.clock.now_ns()

    def _status(self) -> dict[str, Any]:
        run = self.run
        return {
            "now_ns": self._now_ns(),
            "origin_ns": run.started_ns if run is not None else None,
            "paused": self.time.paused,
            "speed": self.time.speed,
            "busy": list(run.busy) if run is not None and run.busy is not None else None,
        }

    def _meta(self, scenario: Scenario) -> dict[str, Any]:
        return {
            "name": scenario.name,
            "title": scenario.title,
            "path": str(scenario.path),
            "source": scenario.source,
            "python": sys.version.split()[0],
            "taskviz": __version__,
            "started_at": time.time(),
            "virtual_time": False,
            "pid": os.getpid(),
        }

    def _end(self, code: int, error: str | None) -> dict[str, Any]:
        run = self.run
        end: dict[str, Any] = {"exit": code, "error": error}
        if run is not None:
            root = self.record.tasks[0] if self.record.tasks else None
            end.update(started_ns=run.started_ns, wall_ns=run.wall_ns, finished_ns=run.finished_ns,
                       outcome=None if root is None or root.outcome is None else int(root.outcome))
        return end


_PACKAGE = str(Path(__file__).resolve().parent.parent) + os.sep
_BUNDLED = _PACKAGE + "scenarios" + os.sep  # inside an installed wheel the scenarios are the program's


def _ours(filename: str) -> bool:
    return filename.startswith(_PACKAGE) and not filename.startswith(_BUNDLED)


def program_traceback(exc: BaseException) -> str:
    """The traceback ``python`` would print, without taskviz's own frames in between."""
    report = traceback.TracebackException.from_exception(exc)
    seen: set[int] = set()
    todo = [report]
    while todo:
        part = todo.pop()
        if id(part) in seen:
            continue
        seen.add(id(part))
        part.stack = traceback.StackSummary.from_list([f for f in part.stack if not _ours(f.filename)])
        todo.extend(p for p in (part.__cause__, part.__context__, *(getattr(part, "exceptions", None) or ())) if p is not None)
    return "".join(report.format())


def _exit_status(exc: SystemExit) -> int:
    """What ``python`` exits with for ``sys.exit(code)``: a message is printed and means 1."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code & 0xFF
    print(exc.code, file=sys.stderr)
    return 1


def main(argv: list[str]) -> None:
    stream_fd, control_fd = int(argv[0]), int(argv[1])
    control = os.fdopen(control_fd, "rb", buffering=0)
    first = control.readline()
    if not first:
        os._exit(0)  # the viewer did not need this stage after all
    request = commands.decode(first)
    stage = Stage(stream_fd, control)
    code = stage.serve(request)
    os._exit(code)

