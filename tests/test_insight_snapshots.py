"""The task tree (``T``) and the wait-for graph (``g``) at a projector's 100×30, as SVG
snapshots of virtual-clock recordings replayed at an instant: the TaskGroup's downloads
under their group mid-run, and the deadlock named in red once it formed.

Update after a deliberate change with ``pytest tests/test_insight_snapshots.py --snapshot-update``,
turn the SVGs into PNGs (chromium --headless --screenshot) and look at them before committing.
"""

from __future__ import annotations

import pytest
from test_app_snapshots import app_for


def opened(key: str, select: int | None):  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        while app.session.model is None:
            await pilot.pause()
        app.main.timeline.selected = select
        await pilot.press(key)
        await pilot.pause()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize(("name", "fraction", "key", "select"), [
    ("taskgroup", 0.5, "T", 2),
    ("deadlock", 0.5, "g", None),
], ids=["tree-taskgroup", "waits-deadlock"])
def test_insight_view(snap_compare, name: str, fraction: float, key: str, select: int | None) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app_for(name, fraction), terminal_size=(100, 30), run_before=opened(key, select))
