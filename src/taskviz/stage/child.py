"""The stage process: one program, run live as ``python`` would run it, streamed to a viewer.

A viewer starts it ahead of time (``python -m taskviz.stage STREAM_FD CONTROL_FD``), so
its imports are done before anyone asks for a run; it then waits for the RUN command.
The program runs as ``__main__`` (see ``program``), and every loop it makes through
asyncio is a :class:`~taskviz.stage.clock.StageLoop` (pausable, slowable) in the
process's main thread, where signal handlers and ``add_signal_handler`` work as under
``python``; standard input is empty, so ``input()`` gets EOF rather than the viewer's
keyboard. Threads of the stage send the stream and obey commands. When the run is over
the process ends with the program's exit status, without waiting for threads the
program left behind (an executor job sleeping for an hour must not hold it up).
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import IO, Any

from .. import __version__
from ..catalog import Scenario, ScenarioError, read
from ..wire import commands
from ..wire.record import EventRecord
from ..recording.saver import run_end, run_meta
from ..wire.stream import StreamWriter
from .broadcast import Broadcast, OutputCapture
from .clock import StageClock, StepGate, TimeControl, new_stage_loop
from .control import Control
from .loops import LoopWatch
from .program import Ending, Program, interrupt, run_as_main, run_exit_functions
from .retention import Retention
from .tracing import Run

GRACE_S = 1.0  # after the viewer has gone, how long the program gets to finish its cancellation


class Stage:
    """One program on this process, every loop it makes watched, and what the viewer needs to steer it."""

    def __init__(self, stream_fd: int, control: IO[bytes]) -> None:
        self._stream_fd = stream_fd
        self._control_source = control
        self.record = EventRecord()
        self.writer = StreamWriter(self._write, self.record)
        self.clock = StageClock()
        self.gate = StepGate(self.clock)
        self.time = TimeControl(self.clock, self.gate)
        self.watch = LoopWatch(self.record, make_loop=lambda: new_stage_loop(self.clock), on_run=self._on_run)
        self.retention = Retention(self.record, self.writer, self.gate, self._forgotten)

    @property
    def runs(self) -> list[Run]:
        """The program's runs so far, one per event loop it made."""
        return self.watch.runs

    @property
    def run(self) -> Run | None:
        """The latest of the program's runs."""
        return self.runs[-1] if self.runs else None

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
        broadcast = Broadcast(self.writer, self._status, self.retention.after_flush)
        control = Control(self._control_source, self.writer, self.time, lambda: self.run, self._viewer_gone)
        control.start()
        capture.start()
        broadcast.start()
        speed = float(request.get("speed", 1.0))
        if speed != 1.0:
            self.time.set_speed(speed)
        if "input(" in scenario.source:
            self.writer.output(self.clock.now_ns(), "note", "this program calls input(): here its standard input is "
                               "empty, so input() gets end-of-file (EOFError), not your keyboard")
        module = request.get("module")
        program = Program(path=None if module else Path(request["path"]), module=module, args=tuple(request.get("args") or ()))
        ending = Ending(1)
        try:
            ending = run_as_main(program, self.watch)
            run_exit_functions()  # the stage ends with os._exit, which would skip them
        finally:
            for note in self.watch.notes:
                self.writer.output(self._now_ns(), "note", note)
            sys.stdout.flush()
            sys.stderr.flush()
            capture.stop()
            broadcast.stop()
            self.writer.end(self._end(ending))
        return ending.code

    def _on_run(self, run: Run) -> None:
        """A loop the program made is being traced: steps pass the gate, the viewer steers it."""
        run.gate = self.gate
        self.gate.follow(run.loop)

    def _forgotten(self, tids: list[int]) -> None:
        """Finished tasks the stage no longer keeps: nor do the runs' lists of library tasks."""
        for run in self.runs:
            run.owners.library.difference_update(tids)

    def _viewer_gone(self) -> None:
        """The control pipe closed: stop the program as ctrl+c would, and the process soon after."""
        if self.time.paused:
            self.time.resume()
        interrupt()
        threading.Timer(GRACE_S, os._exit, (1,)).start()

    def _now_ns(self) -> int:
        run = self.run
        return run.clock() if run is not None else self.clock.now_ns()

    def _status(self) -> dict[str, Any]:
        run = self.run
        return {
            "now_ns": self._now_ns(),
            "origin_ns": self.runs[0].started_ns if self.runs else None,
            "paused": self.time.paused,
            "speed": self.time.speed,
            "busy": list(run.busy) if run is not None and run.busy is not None else None,
        }

    def _meta(self, scenario: Scenario) -> dict[str, Any]:
        """The same description a headless ``--save`` writes: a saved stream is a recording."""
        return {**run_meta(scenario, virtual_time=False), "headless": False, "pid": os.getpid()}

    def _end(self, ending: Ending) -> dict[str, Any]:
        """How the program ended, and how much the stage forgot once sent (``retention``)."""
        return {**run_end(self.watch, ending.code, ending.raised), "forgotten_rows": self.record.row_base,
                "forgotten_tasks": self.retention.forgotten_tasks}


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

