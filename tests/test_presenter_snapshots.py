"""Presenter mode at a projector's 100×30, as SVG snapshots of virtual-clock recordings, on
the dark and the light theme.

Update after a deliberate change with ``pytest tests/test_presenter_snapshots.py --snapshot-update``,
turn the SVGs into PNGs (chromium --headless --screenshot) and look at them from afar before committing.
"""

from __future__ import annotations

import pytest
from test_presenter import app_at


def steady(theme: str, downs: int):  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        while app.session.model is None:
            await pilot.pause()
        app.theme = theme
        await pilot.press(*["down"] * downs)
        await pilot.pause()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize(("name", "fraction", "theme", "downs"), [
    ("basic", 0.8, "textual-dark", 2),
    ("basic", 0.8, "textual-light", 2),
    ("job_queue", 1.0, "textual-light", 0),
], ids=["basic-mid-run-dark", "basic-mid-run-light", "job_queue-end-light"])
def test_presenter_mode(snap_compare, name: str, fraction: float, theme: str, downs: int) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app_at(name, fraction, present=True), terminal_size=(100, 30), run_before=steady(theme, downs))
