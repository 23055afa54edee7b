"""Saving an in-process (headless) run as it happens, in the stage's stream format.

A background thread flushes the growing record to the file every ``FLUSH_S``, as the
stage's broadcast thread sends it to the app: the program's steps do no extra work (the
tracer appends to the record as it always does; ``StreamWriter.flush`` is safe from
another thread), and at most the last ``FLUSH_S`` of a run is lost if taskviz itself is
killed. ctrl+c and the program's own errors end the run normally, so the file is
finished with its notes and END. Writes are unbuffered (see ``files.create``).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .. import __version__
from ..catalog import Scenario
from ..stage.loops import LoopWatch
from ..wire.record import EventRecord
from ..wire.stream import FORMAT_MAJOR, FORMAT_MINOR, StreamWriter
from .files import create, reason, write_all
from .output_tee import OutputTee

FLUSH_S = 0.05


def run_meta(scenario: Scenario | None, virtual_time: bool) -> dict[str, Any]:
    """What makes a recording self-contained: the program's name and source, and what recorded it."""
    meta: dict[str, Any] = {
        "python": sys.version.split()[0],
        "taskviz": __version__,
        "format": f"{FORMAT_MAJOR}.{FORMAT_MINOR}",
        "started_at": time.time(),
        "virtual_time": virtual_time,
        "headless": True,
    }
    if scenario is not None:
        meta.update(name=scenario.name, title=scenario.title, path=str(scenario.path), source=scenario.source,
                    module=scenario.module, args=list(scenario.args))
    return meta


def run_end(watch: LoopWatch, code: int, raised: str | None) -> dict[str, Any]:
    """A recording's END: how the program ended and the span of its runs (the stage's END too)."""
    end: dict[str, Any] = {"exit": code, "error": None, "raised": raised}
    if watch.runs:
        started, ended, finished = watch.extent()
        root = watch.record.tasks[0] if watch.record.tasks else None
        end.update(started_ns=started, wall_ns=ended - started, finished_ns=finished,
                   outcome=None if root is None or root.outcome is None else int(root.outcome))
    return end


class RunSaver:
    """A run's recording file, written while the run goes on; ``finish`` ends it.

    ``status()`` gives the run's clock (``now_ns``) and where it started (``origin_ns``),
    sent with each flush as the stage sends them, so a file cut short still knows both.
    """

    def __init__(self, path: str, record: EventRecord, meta: Mapping[str, Any],
                 status: Callable[[], dict[str, Any]], clock: Callable[[], int]) -> None:
        self.path = path
        self.error: str | None = None  # why the file is incomplete
        self._fd = create(path)  # an OSError here is before the program runs: the caller says why
        self._status = status
        self._clock = clock
        self._lock = threading.Lock()
        self.writer = StreamWriter(self._write, record)
        self.writer.header(meta)
        self._stopped = threading.Event()
        self._flusher = threading.Thread(target=self._flush_until_stopped, name="taskviz-save", daemon=True)
        self._tee = OutputTee(self._output)

    def start(self) -> None:
        self._flusher.start()
        self._tee.start()

    def finish(self, notes: Iterable[str], end: Mapping[str, Any] | None) -> None:
        """Everything left, then the notes and the END; without ``end`` the file reads as cut short."""
        self._tee.stop()
        self._stopped.set()
        self._flusher.join(1.0)
        self._send_all()
        for note in notes:
            self.writer.output(self._clock(), "note", note)
        if end is not None:
            self.writer.end(end)
        with self._lock:
            fd, self._fd = self._fd, -1
        if fd >= 0:
            os.close(fd)

    def _write(self, data: bytes) -> None:
        """Never raises into the run: a full disk stops the saving, not the program."""
        with self._lock:
            if self._fd < 0:
                return
            try:
                write_all(self._fd, data)
            except OSError as exc:
                self.error = f"saving the run to {self.path} stopped: {reason(exc)}"
                os.close(self._fd)
                self._fd = -1

    def _send_all(self) -> None:
        self.writer.flush()
        self.writer.status(self._status())

    def _flush_until_stopped(self) -> None:
        while not self._stopped.wait(FLUSH_S):
            self._send_all()

    def _output(self, stream: str, text: str) -> None:
        self.writer.output(self._clock(), stream, text)
