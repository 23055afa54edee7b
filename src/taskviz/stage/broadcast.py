"""Sending the run to the viewer as it happens: the record, the clock, and what the program prints.

All of it leaves from threads of the stage, never from the loop's: the loop runs the
program and nothing else, so watching it does not delay it. The record is flushed a few
times a frame; the program's standard output and error are captured at the file
descriptor level (``print``, ``os.write`` and child processes alike) and sent as OUTPUT
chunks stamped with the run's own clock, so a recording holds them too.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from typing import Any

from ..pipes import finish_reading, read_lines
from ..wire.stream import StreamWriter

FLUSH_S = 0.02  # a frame at 50 fps: rows reach the screen about one frame after they happened


class Broadcast(threading.Thread):
    """Flushes new rows and the stage's status to the stream every ``FLUSH_S``; ``after_flush``
    is then told (the stage forgets what has gone out, see ``retention``)."""

    def __init__(self, writer: StreamWriter, status: Callable[[], dict[str, Any]],
                 after_flush: Callable[[], None] = lambda: None) -> None:
        super().__init__(name="taskviz-broadcast", daemon=True)
        self._writer = writer
        self._status = status
        self._after_flush = after_flush
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.wait(FLUSH_S):
            self.send()
            self._after_flush()

    def send(self) -> None:
        self._writer.flush()
        self._writer.status(self._status())

    def stop(self) -> None:
        """Stop the thread and send what is left, in order: rows first, then the last status."""
        self._stopped.set()
        if self.is_alive():
            self.join(timeout=1.0)
        self.send()


class OutputCapture:
    """The program's fds 1 and 2 become pipes read here, line by line, into OUTPUT chunks.

    ``sys.stdout`` and ``sys.stderr`` are made line-buffered so prints arrive as they
    happen; a program writing to a pipe under plain ``python`` would see them buffered,
    which changes when its output appears, never what it is.
    """

    def __init__(self, writer: StreamWriter, clock: Callable[[], int]) -> None:
        self._writer = writer
        self._clock = clock
        self._readers: list[tuple[threading.Thread, int]] = []  # (reader, a duplicate of its read end)
        self._saved: list[int] = []

    def start(self) -> None:
        for fd, name in ((1, "stdout"), (2, "stderr")):
            read_end, write_end = os.pipe()
            self._saved.append(os.dup(fd))
            os.dup2(write_end, fd)
            os.close(write_end)
            reader = threading.Thread(target=self._read, args=(read_end, name), name=f"taskviz-{name}", daemon=True)
            self._readers.append((reader, os.dup(read_end)))
            reader.start()
        for stream in (sys.stdout, sys.stderr):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(line_buffering=True)

    def stop(self, grace: float = 0.5) -> None:
        """Flush, close the program's ends and send all that is left before the END goes out.

        The stage exits right after, killing any reader still at work: each is waited for to
        the end of its pipe (see ``finish_reading``); ``grace`` only bounds the wait for a
        grandchild still holding a pipe.
        """
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        for fd, saved in zip((1, 2), self._saved, strict=True):
            os.dup2(saved, fd)
            os.close(saved)
        self._saved = []
        for reader, watch in self._readers:
            finish_reading(reader, watch, grace)
            os.close(watch)
        self._readers = []

    def _read(self, fd: int, name: str) -> None:
        read_lines(fd, lambda text: self._writer.output(self._clock(), name, text))
