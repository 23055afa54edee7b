"""Reading a program's output from a pipe as lines: the stage's capture and headless ``--save`` share it."""

from __future__ import annotations

import codecs
import os
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
