"""Reading a program's output from a pipe as lines: the stage's capture and headless ``--save`` share it."""

from __future__ import annotations

import codecs
import os
import select
import threading
import time
from collections.abc import Callable

LONGEST_LINE = 65536  # a "line" this long without a newline is passed on as it is


def read_lines(fd: int, send: Callable[[str], None], copy: Callable[[bytes], None] | None = None) -> None:
    """Read ``fd`` to its end, then close it: ``send`` gets every complete line as it comes, and
    what is left at the end; ``copy`` (if given) every byte first, so a tee loses nothing that
    is not a whole line yet. Bytes that are not UTF-8 become U+FFFD rather than stop the reading."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pending = ""
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b""
        if data and copy is not None:
            copy(data)
        text = pending + decoder.decode(data, final=not data)
        if not data:
            if text:
                send(text)
            os.close(fd)
            return
        complete, newline, pending = text.rpartition("\n")
        if newline:
            send(complete + newline)
        if len(pending) > LONGEST_LINE:
            send(pending)
            pending = ""


def writers_gone(fd: int) -> bool:
    """No process holds the write end of the pipe ``fd`` reads any more: reading it will reach its end."""
    if not hasattr(select, "poll"):
        return False  # unknown: the caller treats it as a pipe still held
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return any(events & select.POLLHUP for _, events in poller.poll(0))


def finish_reading(reader: threading.Thread, watch_fd: int, grace: float) -> bool:
    """Wait for ``reader`` (a :func:`read_lines` thread) to read its pipe to the end; True once it has.

    Once every write end is closed the reader is sure to finish, so it is waited for however
    long its sending takes: a loaded machine can hold it (behind a stream flush to a slow
    viewer) far beyond any fixed timeout, and what it has not sent yet would be lost. Only
    while another process still holds a write end (a child the program left running) does
    ``grace`` apply: that process may never close it. ``watch_fd`` is a duplicate of the
    pipe's read end, kept open by the caller: the reader closes its own at the end.
    """
    deadline = time.monotonic() + grace
    while reader.is_alive():
        if time.monotonic() >= deadline and not writers_gone(watch_fd):
            return False
        reader.join(0.02)
    return True
