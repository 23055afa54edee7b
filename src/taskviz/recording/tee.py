"""A copy of a stage's stream, byte for byte, into a recording file as it arrives."""

from __future__ import annotations

import os

from .files import create, reason, write_all


class StreamTee:
    """Writes every byte of a stream to a file; a failure stops the copy, never the run.

    The stream is already in the recording format, so the file needs nothing added: a
    stage that crashes or is killed leaves a file that opens up to its last whole chunk.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.error: str | None = None  # why the file is incomplete, for the viewer to say
        self.written = 0
        try:
            self._fd = create(path)
        except OSError as exc:
            self._fd = -1
            self.error = f"cannot save the run to {path}: {reason(exc)}"

    def write(self, data: bytes) -> None:
        if self._fd < 0:
            return
        try:
            write_all(self._fd, data)
            self.written += len(data)
        except OSError as exc:
            self.error = f"saving the run to {self.path} stopped after {self.written:,} bytes: {reason(exc)}"
            self.close()

    def close(self) -> None:
        if self._fd >= 0:
            fd, self._fd = self._fd, -1
            os.close(fd)
