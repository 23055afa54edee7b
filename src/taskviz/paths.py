"""Files the user names for taskviz to write (``--json``, ``--save``, ``-o``), checked before any work.

A run must not go for a minute only to fail at the end (or, for ``--save``, to record
nothing): a path whose folder is missing or not writable is one line and exit 2 first.
"""

from __future__ import annotations

import os
from pathlib import Path


class PathError(Exception):
    """A path taskviz cannot write; the message is one line for the user."""


def writable(path: str, option: str) -> str:
    """``path`` made absolute now, before the program can change directory; its folder must exist."""
    full = Path(path).expanduser().absolute()
    if full.is_dir():
        raise PathError(f"{option} {path} is a directory: give a file name")
    if full.is_fifo() or full.is_socket():  # opening one to write would wait for a reader, maybe for ever
        raise PathError(f"{option} {path} is a pipe or socket: give a file name")
    if not full.parent.is_dir():
        raise PathError(f"cannot write {option} {path}: no folder {full.parent}")
    if not os.access(full.parent, os.W_OK) or (full.exists() and not os.access(full, os.W_OK)):
        raise PathError(f"cannot write {option} {path}: permission denied")
    return str(full)


def writable_folder(path: str, option: str) -> str:
    """A folder taskviz will write into later (screenshots): it must exist now, and take files."""
    full = Path(path).expanduser().absolute()
    if not full.is_dir():
        raise PathError(f"{option} {path}: no such folder")
    if not os.access(full, os.W_OK):
        raise PathError(f"cannot write into {option} {path}: permission denied")
    return str(full)
