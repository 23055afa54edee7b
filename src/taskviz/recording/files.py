"""Writing a recording's bytes so that what was written is on disk, whatever happens next."""

from __future__ import annotations

import os

RECORDING_SUFFIX = ".taskviz"


def create(path: str) -> int:
    """A file descriptor for a new recording at ``path`` (replacing one there), unbuffered.

    Unbuffered on purpose: each write goes to the operating system at once, so a crash,
    a kill or ctrl+c of taskviz loses nothing that was already recorded.
    """
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), 0o644)


def write_all(fd: int, data: bytes) -> None:
    """``os.write`` until every byte is written (a write may take only part of them)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def reason(exc: OSError) -> str:
    """An OSError in a few words for a person: "No space left on device", not its repr."""
    return exc.strerror or str(exc) or type(exc).__name__
