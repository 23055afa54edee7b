"""Shared helpers: trace a coroutine function and read back its states."""

from __future__ import annotations

import contextlib
import errno
import io
import os
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

from taskviz.catalog import find
from taskviz.finished import Finished
from taskviz.runner import run_headless, run_main
from taskviz.model.timeline import NS, State, TimelineModel, Track
from taskviz.model.waits import STATE_MASK

Main = Callable[[], Coroutine[Any, Any, Any]]


def trace(main: Main, *, virtual_time: bool = True) -> Finished:
    """Run ``main`` instrumented to the end, on a virtual clock unless asked otherwise."""
    return run_main(main, virtual_time=virtual_time)


def track_named(model: TimelineModel, coro: str, nth: int = 0) -> Track:
    """The ``nth`` task whose coroutine is called ``coro``."""
    matches = [track for track in model.tracks if track.info.coro.split(".")[-1] == coro]
    return matches[nth]


def states_seen(track: Track) -> list[State]:
    """The task's states in order, with repeats collapsed (an awaiting state's wait kind left out)."""
    out: list[State] = []
    for value in track.states:
        state = State(value & STATE_MASK)
        if not out or out[-1] != state:
            out.append(state)
    return out


def seconds(ns: int) -> float:
    return ns / NS


@pytest.fixture
def traced() -> Callable[..., Finished]:
    return trace


def recorded(name: str, folder: Path, prints: str = "") -> Path:
    """Scenario ``name`` run headless on a virtual clock and saved as the app saves a run."""
    from taskviz.app.tape import from_finished
    from taskviz.wire.stream import write_file

    with contextlib.redirect_stdout(io.StringIO()):
        tape = from_finished(run_headless(find(name), virtual_time=True), prints)
    path = folder / f"{name}.taskviz"
    write_file(path, tape.meta, tape.record, tape.outputs, tape.end)
    return path


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The disk a recording or a spill is written to fills after the first write: ENOSPC from the
    second on. Returns the sizes written (the first one landed)."""
    import taskviz.recording.tee as tee

    writes: list[int] = []

    def fills_up(fd: int, data: bytes) -> None:
        writes.append(len(data))
        if len(writes) > 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        os.write(fd, data)

    monkeypatch.setattr(tee, "write_all", fills_up)
    return writes
