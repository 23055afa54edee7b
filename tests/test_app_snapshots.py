"""What the screen shows, as SVG snapshots of deterministic recordings (virtual clock).

Update after a deliberate change with ``pytest tests/test_app_snapshots.py --snapshot-update``
and look at the report before committing.
"""

from __future__ import annotations

import contextlib
import io
from functools import cache

import pytest

from taskviz.app import TaskvizApp
from taskviz.app.widgets import StatusBar
from taskviz.catalog import find
from taskviz.runner import Finished, run_headless


@cache
def recording(name: str) -> Finished:
    with contextlib.redirect_stdout(io.StringIO()):
        return run_headless(find(name), virtual_time=True)


def rows_until(finished: Finished, fraction: float) -> int:
    """How many rows had been written when ``fraction`` of the run's wall time had passed."""
    limit = finished.run.started_ns + fraction * finished.run.wall_ns
    return next((i for i, t in enumerate(finished.record.times) if t > limit), len(finished.record))


def app_for(name: str, fraction: float) -> TaskvizApp:
    finished = recording(name)
    return TaskvizApp(name, recording=finished, until=rows_until(finished, fraction))


async def steady(pilot) -> None:  # type: ignore[no-untyped-def]
    """Select the first fetch and hide the machine-dependent lag and frame time."""
    app = pilot.app
    while app.session.model is None:  # the main screen has mounted and shown the recording
        await pilot.pause()
    app.main.query_one(StatusBar).show = lambda **_: None
    app.main.query_one(StatusBar).update("loop lag  —  ·  frame  —")
    app.main.timeline.focus()
    await pilot.press("down", "down")
    await pilot.pause()
    await pilot.pause()  # a header that grew a line is laid out on the next refresh


@pytest.mark.parametrize("size", [(80, 24), (200, 50)], ids=["80x24", "200x50"])
@pytest.mark.parametrize("fraction", [0.8, 1.0], ids=["mid-run", "end"])
def test_main_screen(snap_compare, size: tuple[int, int], fraction: float) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app_for("basic", fraction), terminal_size=size, run_before=steady)
