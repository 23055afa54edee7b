"""The ``svg`` and ``png`` exports: the app's screen at an instant of a recording.

The real app replays the file headless at the size asked for, paused at the instant, and
Textual's own screenshot export draws it, so a slide shows exactly what the app shows.
The status line (how fast this machine drew the frame) is left out: it measures the
export, not the run, and would make two exports of one file differ.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from pathlib import Path

from ..wire.stream import Recording
from . import ExportError

SETTLE_FRAMES = 3  # refreshes after the replay is shown: a header that grew a line is laid out on the next one


def export_svg(recording: Recording, out_path: str, at_s: float | None, size: tuple[int, int], png: bool) -> None:
    """Write the screen at ``at_s`` seconds into the run (None: its end), ``size`` = (columns, rows)."""
    svg = screen_svg(recording, at_s, size)
    if png:
        Path(out_path).write_bytes(svg_to_png(svg))
    else:
        Path(out_path).write_text(svg, encoding="utf-8")


def screen_svg(recording: Recording, at_s: float | None, size: tuple[int, int], title: str | None = None) -> str:
    """The SVG text of the screen; runs the app on a thread when called from inside a loop."""
    if asyncio.events._get_running_loop() is None:
        return asyncio.run(_render(recording, at_s, size, title))
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="taskviz-export") as pool:
        return pool.submit(asyncio.run, _render(recording, at_s, size, title)).result()


async def _render(recording: Recording, at_s: float | None, size: tuple[int, int], title: str | None) -> str:
    from ..app.replay import replay_app_for  # Textual only when a screen is asked for
    from ..app.widgets import StatusBar

    # past the end, the player stops at the end: the whole run
    app = replay_app_for(recording, str(recording.meta.get("path") or ""), at_s=1e9 if at_s is None else at_s)
    async with app.run_test(size=size) as pilot:
        while app.session.model is None:
            await pilot.pause()
        app.main.query_one(StatusBar).display = False
        app.clear_notifications()
        for _ in range(SETTLE_FRAMES):
            await pilot.pause()
        return app.export_screenshot(title=title or _title(recording, at_s))


def _title(recording: Recording, at_s: float | None) -> str:
    from ..text import visible

    name = visible(str(recording.meta.get("name") or "taskviz"))
    return f"taskviz replay: {name}" + ("" if at_s is None else f" at {at_s:g} s")


def svg_to_png(svg: str) -> bytes:
    """PNG from SVG through cairosvg, an optional extra: without it, one line that says so."""
    try:
        import cairosvg  # type: ignore[import-not-found]
    except (ImportError, OSError):  # OSError: the package is there but the cairo library is not
        raise ExportError("png export needs cairosvg (pip install cairosvg, and the cairo library); "
                          "--to svg works without it") from None
    return bytes(cairosvg.svg2png(bytestring=svg.encode("utf-8")))
