"""A saved recording replayed in the app, as SVG snapshots: frozen at an instant, with its badges.

Update after a deliberate change with ``pytest tests/test_replay_snapshots.py --snapshot-update``
and look at the report before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import recorded

from taskviz.app.replay import replay_app_for
from taskviz.app.widgets import StatusBar
from taskviz.wire.stream import read_file


@pytest.fixture(scope="module")
def basic_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return recorded("basic", tmp_path_factory.mktemp("recordings"))


async def steady(pilot) -> None:  # type: ignore[no-untyped-def]
    """Select the first fetch and hide the machine-dependent frame times."""
    app = pilot.app
    while app.session.model is None:
        await pilot.pause()
    app.main.query_one(StatusBar).show = lambda **_: None
    app.main.query_one(StatusBar).update("loop lag  —  ·  frame  —")
    app.main.timeline.focus()
    await pilot.press("down", "down")
    await pilot.pause()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (160, 44)], ids=["80x24", "160x44"])
def test_a_replay_paused_at_an_instant(snap_compare, basic_file: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    app = replay_app_for(read_file(basic_file), str(basic_file), at_s=2.5)
    assert snap_compare(app, terminal_size=size, run_before=steady)
