"""A copy of a stage's stream, byte for byte, into a recording file as it arrives: the
``--save`` file, or else a spill, a private temporary file that keeps a live run whole on disk."""

from __future__ import annotations

import os
import tempfile
import threading

from .files import RECORDING_SUFFIX, create, reason, write_all

_COPY_BLOCK = 1 << 20


def spill_folder() -> str | None:
    """Where spills go: the user's cache folder (``$XDG_CACHE_HOME/taskviz``, else ``~/.cache/taskviz``),
    on disk, where ``/tmp`` is often memory; the system's temporary folder (None) if it cannot be made.
    A long busy run spills tens of MB a minute, so memory is the wrong place for it."""
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(cache, "taskviz")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK | os.X_OK) else None


class StreamTee:
    """Writes every byte of a stream to a file; a failure stops the copy, never the run.

    The stream is already in the recording format, so the file needs nothing added: a
    stage that crashes or is killed leaves a file that opens up to its last whole chunk.
    The file can be copied while it grows (:meth:`copy_to`): it is the whole run, even
    when the viewer's own record has forgotten its start. Written on the stream's thread,
    copied on a saving thread, discarded on the app's: a lock keeps every fd valid while used.
    """

    def __init__(self, path: str | None) -> None:
        """``path``: the file to write, replacing one there; None: a spill (see :meth:`spill`)."""
        self.path = path or ""
        self.error: str | None = None  # why the file is incomplete, for the viewer to say
        self.written = 0
        self._what = f"saving the run to {path}" if path is not None else "the copy of the run kept on disk"
        self._lock = threading.Lock()
        self._fd = self._read_fd = -1
        try:
            if path is None:
                self._fd, self.path = tempfile.mkstemp(prefix="taskviz-spill-", suffix=RECORDING_SUFFIX, dir=spill_folder())
                self._what = f"the copy of the run kept in {os.path.dirname(self.path)}"
                try:
                    self._read_fd = _open_to_read(self.path)
                finally:
                    os.unlink(self.path)
            else:
                self._fd = create(path)
                self._read_fd = _open_to_read(path)
        except OSError as exc:
            if path is None or self._fd < 0:  # a spill that cannot be read back is no use
                self._close_write()
                self.error = (f"cannot save the run to {path}" if path is not None
                              else "the copy of the run could not be kept on disk") + f": {reason(exc)}"
            # else the file is written, only not readable here: it is the --save file, whole, just not copied

    @classmethod
    def spill(cls) -> StreamTee:
        """A private temporary file (0600) whose name is gone at once: only its open file
        descriptors keep it, so it vanishes with them, however the app ends (a crash, kill -9)."""
        return cls(None)

    def write(self, data: bytes) -> None:
        with self._lock:
            if self._fd < 0:
                return
            try:
                write_all(self._fd, data)
                self.written += len(data)
            except OSError as exc:
                self.error = f"{self._what} stopped after {self.written:,} bytes: {reason(exc)}"
                self._close_write()

    def close(self) -> None:
        """The stream has ended: nothing more is written; the file can still be copied."""
        with self._lock:
            self._close_write()

    def discard(self) -> None:
        """Let go of the file: a spill's disk space is freed (a ``--save`` file stays, of course)."""
        with self._lock:
            self._close_write()
            if self._read_fd >= 0:
                fd, self._read_fd = self._read_fd, -1
                os.close(fd)

    def copy_to(self, path: str, length: int) -> None:
        """The file's first ``length`` bytes to a new file at ``path``; raises OSError with the reason.

        The copy reads its own descriptor, so the stream goes on being written meanwhile and
        a discard during the copy frees the file only once the copy is done.
        """
        with self._lock:
            if self._read_fd < 0 or length > self.written:
                raise OSError(f"the copy of the run kept on disk is gone ({self.error or 'discarded'})")
            source = os.dup(self._read_fd)
        try:
            target = create(path)
            try:
                offset = 0
                while offset < length:
                    block = os.pread(source, min(_COPY_BLOCK, length - offset), offset)
                    if not block:
                        raise OSError("the copy of the run kept on disk is shorter than what was written to it")
                    write_all(target, block)
                    offset += len(block)
            finally:
                os.close(target)
        finally:
            os.close(source)

    def _close_write(self) -> None:
        """Called with the lock held."""
        if self._fd >= 0:
            fd, self._fd = self._fd, -1
            os.close(fd)


def _open_to_read(path: str) -> int:
    return os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
