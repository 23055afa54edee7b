"""The program's printed lines, copied into a recording while they still reach the terminal.

Unlike the stage's ``OutputCapture`` (whose viewer shows the output itself), a headless
run's output must still appear where it would under ``python``: file descriptors 1 and 2
become pipes, and a thread per pipe copies every byte to the original descriptor and
sends each complete line as an OUTPUT chunk. Catching it at the descriptor, not by
wrapping ``sys.stdout``, adds no work to the program's steps and catches ``os.write``
and child processes too. Python's own buffering of ``sys.stdout`` is left as it was.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable

from ..pipes import finish_reading, read_lines
from .files import write_all

class OutputTee:
    """Copies fds 1 and 2 to where they pointed before, and to ``send(stream, text)`` line by line."""

    def __init__(self, send: Callable[[str, str], None]) -> None:
        self._send = send
        self._readers: list[tuple[threading.Thread, int]] = []  # (reader, a duplicate of its read end)
        self._saved: list[int] = []

    def start(self) -> None:
        for stream in (sys.stdout, sys.stderr):
            _flush(stream)
        for fd, name in ((1, "stdout"), (2, "stderr")):
            read_end, write_end = os.pipe()
            saved = os.dup(fd)
            os.dup2(write_end, fd)
            os.close(write_end)
            self._saved.append(saved)
            reader = threading.Thread(target=self._copy, args=(read_end, saved, name), name=f"taskviz-tee-{name}",
                                      daemon=True)
            self._readers.append((reader, os.dup(read_end)))
            reader.start()

    def stop(self, grace: float = 1.0) -> None:
        """Put fds 1 and 2 back and copy all that is left, before taskviz prints its own text.

        Each reader is waited for to the end of its pipe (see ``finish_reading``); ``grace``
        only bounds the wait for a grandchild still holding a pipe.
        """
        for stream in (sys.stdout, sys.stderr):
            _flush(stream)
        for fd, saved in zip((1, 2), self._saved, strict=True):
            os.dup2(saved, fd)
        for (reader, watch), saved in zip(self._readers, self._saved, strict=True):
            finished = finish_reading(reader, watch, grace)
            os.close(watch)
            if finished:  # else it still writes to ``saved``: closing it could redirect that
                os.close(saved)
        self._readers, self._saved = [], []

    def _copy(self, fd: int, to: int, name: str) -> None:
        def copy(data: bytes) -> None:
            try:
                write_all(to, data)
            except OSError:
                pass  # the terminal went away; the recording still gets the text

        read_lines(fd, lambda text: self._send(name, text), copy)


def _flush(stream: object) -> None:
    try:
        stream.flush()  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        pass
