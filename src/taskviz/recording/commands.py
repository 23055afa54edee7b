"""``taskviz open`` and ``taskviz export``: a saved run shown again, or turned into other formats.

Every bad input (a file that is not a recording, an unknown format, a size that cannot
be) is one line on stderr and exit 2, checked before any work; a recording cut short
opens with a note on stderr, since what was recorded is still worth seeing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from ..export import FORMATS, SCREEN_FORMATS, SIZED_FORMATS, TO_STDOUT_FORMATS, ExportError
from ..paths import PathError, writable, writable_folder
from ..report import print_timeline, visible_lines
from ..wire.stream import Recording, StreamError, read_file
from ..runner import Finished
from .opened import Opened, finished_run

DEFAULT_SIZE = (120, 36)
MIN_SIZE = (40, 10)
MAX_SIZE = (1000, 500)
SPEED_RANGE = (0.1, 16.0)


class CommandError(Exception):
    """A command line that cannot work; one line for the user."""


# -- parsing ------------------------------------------------------------------------------


def seconds_at(text: str) -> float:
    """``--at``: ``2.5s``, ``2.5``, ``250ms`` or ``0``: an instant of the run, in seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*(ms|s)?\s*", text)
    if match is None:
        raise argparse.ArgumentTypeError(f"--at takes a time in the run, like 2.5s or 250ms, not {text!r}")
    value = float(match[1])
    return value / 1000 if match[2] == "ms" else value


def terminal_size(text: str) -> tuple[int, int]:
    """``--size``: ``COLUMNSxROWS`` as a terminal has them, like 120x36."""
    match = re.fullmatch(r"\s*(\d{1,5})\s*[xX×]\s*(\d{1,5})\s*", text)
    if match is None:
        raise argparse.ArgumentTypeError(f"--size takes COLUMNSxROWS, like 120x36, not {text!r}")
    size = (int(match[1]), int(match[2]))
    if not (MIN_SIZE[0] <= size[0] <= MAX_SIZE[0] and MIN_SIZE[1] <= size[1] <= MAX_SIZE[1]):
        raise argparse.ArgumentTypeError(f"--size must be from {MIN_SIZE[0]}x{MIN_SIZE[1]} to "
                                         f"{MAX_SIZE[0]}x{MAX_SIZE[1]}, not {text!r}")
    return size


def replay_speed(text: str) -> float:
    try:
        value = float(text.strip().removesuffix("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--speed takes a number, like 1 or 0.5, not {text!r}") from None
    low, high = SPEED_RANGE
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"--speed must be from {low:g} to {high:g}, not {text!r}")
    return value


def add_commands(commands: Any, rows: Callable[[str], int], width: Callable[[str], int]) -> None:
    """The ``open`` and ``export`` sub-commands, on the ``taskviz`` parser's ``commands``."""
    opener = commands.add_parser("open", help="show a saved run (FILE.taskviz) in the app, or --headless",
                                 usage="taskviz open FILE [--headless] [options]")
    opener.add_argument("file", metavar="FILE", help="a recording made with run --save")
    opener.add_argument("--headless", action="store_true", help="no app: print the run's text timeline and summary")
    opener.add_argument("--rows", type=rows, default=40, help="most task rows in the text timeline (default 40)")
    opener.add_argument("--width", type=width, default=None, help="width of the text timeline (default: terminal)")
    opener.add_argument("--all-tasks", action="store_true",
                        help="with --headless: a row for every task, libraries' own too (by default one row per library)")
    opener.add_argument("--screenshot-dir", metavar="DIR", default=None,
                        help="where the app's screenshots go (default: the current directory)")
    opener.add_argument("--present", action="store_true",
                        help="presenter mode: the timeline alone, tall rows, the point as a caption (p switches it)")

    export = commands.add_parser("export", help="turn a saved run into a Perfetto trace, JSON, an SVG/PNG or a cast",
                                 usage="taskviz export FILE --to FORMAT -o OUT [options]")
    export.add_argument("file", metavar="FILE", help="a recording made with run --save")
    export.add_argument("--to", required=True, choices=FORMATS, metavar="FORMAT",
                        help=f"one of {', '.join(FORMATS)}")
    export.add_argument("-o", dest="out", required=True, metavar="OUT",
                        help="the file to write ('-' for stdout, perfetto and json only)")
    export.add_argument("--at", type=seconds_at, default=None, metavar="TIME",
                        help="svg/png: the instant to draw, like 2.5s (default: the end)")
    export.add_argument("--size", type=terminal_size, default=None, metavar="COLSxROWS",
                        help=f"svg/png/cast: the terminal size (default {DEFAULT_SIZE[0]}x{DEFAULT_SIZE[1]})")
    export.add_argument("--speed", type=replay_speed, default=None, metavar="X",
                        help="cast: how fast the run is replayed (default 1)")


# -- open -------------------------------------------------------------------------------------


def open_command(args: argparse.Namespace) -> int:
    """Headless: what ``run --headless`` printed for the run; else the app's replay of it."""
    folder = None
    if args.screenshot_dir is not None:
        try:
            folder = writable_folder(args.screenshot_dir, "--screenshot-dir")
        except PathError as exc:
            raise CommandError(str(exc)) from None
    if args.headless and (args.present or getattr(args, "present_app", False)):
        raise CommandError("--present is a way of showing the app; --headless has no app")
    recording = _read(args.file)
    if not args.headless:
        from ..app.replay import replay_app  # the app (Textual) only when it is asked for

        present = args.present or getattr(args, "present_app", False)
        return replay_app(recording, args.file, screenshot_dir=folder, present=present)
    opened = Opened(args.file, recording, _finished(recording, args.file))
    for output in recording.outputs:
        stream = {"stdout": sys.stdout, "stderr": sys.stderr}.get(output["stream"])
        if stream is not None:
            stream.write(visible_lines(output["text"]))
    sys.stderr.flush()
    source = recording.meta.get("source")
    print_timeline(opened.finished, opened.title, sys.stdout, rows=args.rows, width=args.width,
                   source=source if isinstance(source, str) else None, all_tasks=args.all_tasks)
    return 0


def _finished(recording: Recording, path: str) -> Finished:
    try:
        return finished_run(recording, path)
    except StreamError as exc:
        raise CommandError(str(exc)) from None


def _read(path: str) -> Recording:
    """The recording, or a CommandError naming the file; a run cut short opens with a note."""
    try:
        recording = read_file(path)
    except StreamError as exc:
        raise CommandError(str(exc)) from None
    if recording.note:
        print(f"taskviz: {recording.note}", file=sys.stderr)
    return recording


# -- export -----------------------------------------------------------------------------------


def export_command(args: argparse.Namespace) -> int:
    """Check every option against the format first, then read the file, then write the export."""
    fmt = args.to
    if args.at is not None and fmt not in SCREEN_FORMATS:
        raise CommandError(f"--at picks the instant an svg or png shows; --to {fmt} has none")
    if args.size is not None and fmt not in SIZED_FORMATS:
        raise CommandError(f"--size is a terminal size for svg, png and cast; --to {fmt} has none")
    if args.speed is not None and fmt != "cast":
        raise CommandError(f"--speed is how fast a cast replays; --to {fmt} has none")
    if args.out == "-":
        if fmt not in TO_STDOUT_FORMATS:
            raise CommandError(f"-o - writes text to stdout: give a file name for --to {fmt}")
        out = "-"
    else:
        try:
            out = writable(args.out, "-o")
        except PathError as exc:
            raise CommandError(str(exc)) from None
    recording = _read(args.file)
    size = args.size or DEFAULT_SIZE
    try:
        if fmt in TO_STDOUT_FORMATS:
            _export_text(fmt, Opened(args.file, recording, _finished(recording, args.file)), out)
        elif fmt in SCREEN_FORMATS:
            _export_screen(recording, args.file, out, args.at, size, png=fmt == "png")
        else:
            from ..export.cast import export_cast  # drives the real app: imported only when asked for

            export_cast(args.file, out, args.speed or 1.0, size)
    except ExportError as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    if out != "-":
        print(f"taskviz: wrote {out}", file=sys.stderr)
    return 0


def _export_text(fmt: str, opened: Opened, out: str) -> None:
    from ..export.perfetto import export_perfetto
    from ..export.summary_json import export_json

    write = export_perfetto if fmt == "perfetto" else export_json
    with _text_out(out) as stream:
        write(opened, stream)


def _export_screen(recording: Recording, path: str, out: str, at_s: float | None, size: tuple[int, int], png: bool) -> None:
    """The app's screen at ``at_s``; an instant past the run's end is bad input, not the end."""
    if at_s is not None:
        wall_s = _finished(recording, path).run.wall_ns / 1e9
        if at_s > wall_s + 0.0005:
            raise CommandError(f"--at {at_s:g}s is past the end of the run ({wall_s:.3f} s)")
    from ..export.screen import export_svg  # the app (Textual) only when it is asked for

    export_svg(recording, out, at_s, size, png)


@contextlib.contextmanager
def _text_out(out: str) -> Iterator[TextIO]:
    """``out`` opened for text, or stdout for ``-``; a file is written whole or not at all."""
    if out == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    partial = out + ".partial"
    try:
        with open(partial, "w", encoding="utf-8") as stream:
            yield stream
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
    os.replace(partial, out)
