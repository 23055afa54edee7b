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
from taskviz.finished import Finished
from taskviz.runner import run_headless


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


SIZES = [(80, 24), (100, 30), (160, 45), (220, 60)]  # a laptop's small terminal, a projector's, a laptop's, a wide monitor's


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("theme", ["dark", "light"])
def test_main_screen_at_the_end(snap_compare, size: tuple[int, int], theme: str) -> None:  # type: ignore[no-untyped-def]
    app = app_for("basic", 1.0)

    async def in_theme(pilot) -> None:  # type: ignore[no-untyped-def]
        if theme == "light":
            await pilot.press("t")
        await steady(pilot)

    assert snap_compare(app, terminal_size=size, run_before=in_theme)


def test_main_screen_mid_run(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app_for("basic", 0.8), terminal_size=(100, 30), run_before=steady)


def test_queue_rows_under_the_loop_lane(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """job_queue mid-run: the queue's fill level in its own row, producers and consumers below."""
    assert snap_compare(app_for("job_queue", 0.5), terminal_size=(120, 30), run_before=steady)
