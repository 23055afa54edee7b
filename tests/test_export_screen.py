"""Exports of the app's screen: an SVG (or PNG) at an instant, and an asciicast of the replay.

The cast is made by the real app in a pseudo-terminal and played back through pyte, a
terminal emulator: what it shows is what ``asciinema play`` would.
"""

from __future__ import annotations

import contextlib
import html
import importlib.util
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from taskviz.app.tape import from_finished
from taskviz.catalog import find
from taskviz.export import ExportError
from taskviz.export.cast import export_cast
from taskviz.export.screen import export_svg
from taskviz.runner import run_headless
from taskviz.wire.stream import read_file, write_file

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def basic_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with contextlib.redirect_stdout(io.StringIO()):
        tape = from_finished(run_headless(find("basic"), virtual_time=True), "--- Asyncio Basic Example ---\n")
    path = tmp_path_factory.mktemp("recordings") / "basic.taskviz"
    write_file(path, tape.meta, tape.record, tape.outputs, tape.end)
    return path


def svg_text(path: Path) -> str:
    """The text an SVG screenshot shows, its lines joined (Rich writes spaces as no-break spaces)."""
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    return html.unescape("".join(node.text or "" for node in root.iter(f"{SVG}text"))).replace("\xa0", " ")


@pytest.mark.parametrize("at_s", [None, 1.0])
def test_export_svg_draws_the_timeline_rows_at_the_instant(basic_file: Path, tmp_path: Path, at_s: float | None) -> None:
    out = tmp_path / "screen.svg"
    export_svg(read_file(basic_file), str(out), at_s, (120, 36), png=False)
    text = svg_text(out)
    for row in ("event loop", "main", "fetch_data(2, 'Users')", "fetch_data(3, 'Products')", "REPLAY", "VIRTUAL TIME"):
        assert row in text, row
    if at_s is None:
        assert "✓ finished in 3.00 s" in text
    else:
        assert "paused at 1.00 s" in text and "✓ finished" not in text
    assert "frame lag" not in text, "the export machine's frame times are no part of the run"


def test_two_exports_of_one_file_are_identical(basic_file: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    for out in (first, second):
        export_svg(read_file(basic_file), str(out), 2.5, (100, 30), png=False)
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")


def test_export_png_needs_cairosvg(basic_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "screen.png"
    if importlib.util.find_spec("cairosvg") is None:
        with pytest.raises(ExportError, match="cairosvg") as caught:
            export_svg(read_file(basic_file), str(out), None, (100, 30), png=True)
        assert "\n" not in str(caught.value)
        assert not out.exists()
    else:
        export_svg(read_file(basic_file), str(out), None, (100, 30), png=True)
        assert out.read_bytes().startswith(b"\x89PNG")


def test_a_cast_of_a_saved_file_plays_back_the_timeline(basic_file: Path, tmp_path: Path) -> None:
    pyte = pytest.importorskip("pyte")
    out = tmp_path / "basic.cast"
    export_cast(str(basic_file), str(out), 4.0, (120, 36))
    lines = out.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["version"] == 2 and (header["width"], header["height"]) == (120, 36)
    assert header["title"] == "taskviz replay: basic"
    events = [json.loads(line) for line in lines[1:]]
    assert all(kind == "o" and isinstance(data, str) for _, kind, data in events)
    times = [t for t, _, _ in events]
    assert times == sorted(times) and header["duration"] == times[-1]
    assert header["duration"] >= 3.0 / 4.0, "the replay of a 3 s run at 4x takes 0.75 s or more"
    screen = pyte.Screen(120, 36)
    stream = pyte.Stream(screen)
    for _, _, data in events:
        stream.feed(data)
    shown = "\n".join(screen.display)
    for row in ("event loop", "main", "fetch_data(2, 'Users')", "fetch_data(3, 'Products')", "REPLAY"):
        assert row in shown, row
    assert "✓ finished in 3.00 s" in shown, "the cast ends on the run's last frame"
    rows = len(read_file(basic_file).record)
    assert re.search(rf"event\s+{rows} of {rows}", shown), "it went on to the last event"


def test_a_cast_of_a_file_that_is_not_a_recording_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    with pytest.raises(ExportError, match="not a taskviz recording"):
        export_cast(str(bad), str(tmp_path / "out.cast"), 1.0, (80, 24))


def test_a_recording_of_a_program_that_never_ran_shows_why(tmp_path: Path) -> None:
    from taskviz.wire.record import EventRecord

    path, out = tmp_path / "gone.taskviz", tmp_path / "gone.svg"
    write_file(path, {"name": "gone\x1b]0;pwned\x07"}, EventRecord(), end={"exit": 2, "error": "no such file: gone.py"})
    export_svg(read_file(path), str(out), None, (100, 30), png=False)
    text = svg_text(out)
    assert "✗ no such file: gone.py" in text and "REPLAY" in text
    assert "\x1b" not in text and "gone␛]0;pwned␇" in text, "a name from a file is shown, never obeyed"
