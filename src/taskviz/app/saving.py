"""Where ctrl+s and screenshots write, and how a run is written there.

Names come from the scenario and the time, so a presenter can press ctrl+s without typing
and still tell the files apart; a run is written beside its target and moved over it only
once complete, so a failed save (a full disk) never costs a file that was already there.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from pathlib import Path

from ..recording.files import reason
from ..wire.stream import write_file
from .shown import Saveable


def dated_name(scenario: str, folder: Path, suffix: str) -> str:
    """``<scenario>-YYYYmmdd-HHMMSS<suffix>``, safe as a file name whatever the scenario is called,
    and new in ``folder``: two saves in one second must not overwrite each other."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", scenario).strip("._") or "taskviz"
    stem = f"{name}-{time.strftime('%Y%m%d-%H%M%S')}"
    candidates = (f"{stem}{suffix}", *(f"{stem}-{n}{suffix}" for n in range(2, 1000)))
    return next((c for c in candidates if not (folder / c).exists()), candidates[-1])


def target(typed: str, folder: Path) -> Path:
    """What the user typed, as a path: ``~`` is their home, a relative path is from ``folder``."""
    return folder / Path(typed.strip()).expanduser()


def problem(path: Path) -> str | None:
    """Why a run cannot be saved at ``path``, in one line; None when it can be tried."""
    folder = path.parent
    if path.is_dir():
        return f"{path} is a folder: add a file name"
    if not folder.exists():
        return f"there is no folder {folder}"
    if not folder.is_dir():
        return f"{folder} is not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"cannot write in {folder}: permission denied"
    return None


def write_run(path: Path, saved: Saveable) -> None:
    """The run to ``path``, complete or not at all; raises OSError with the reason."""
    if saved.refused is not None:
        raise OSError(saved.refused)
    partial = path.with_name(f".{path.name}.part")
    try:
        if saved.copy is not None:
            saved.copy(str(partial))
        else:
            write_file(partial, saved.meta, saved.record, saved.outputs, saved.end)
        os.replace(partial, path)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise


def failure(path: Path, exc: OSError) -> str:
    return f"cannot save {path}: {reason(exc)}"
