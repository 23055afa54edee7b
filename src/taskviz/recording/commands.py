"""``taskviz open`` and ``taskviz export``: a saved run shown again, or turned into other formats.

Every bad input (a file that is not a recording, an unknown format, a size that cannot
be) is one line on stderr and exit 2, checked before any work; a recording cut short
opens with a note on stderr, since what was recorded is still worth seeing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from typing import TextIO

from ..export import SCREEN_FORMATS, SIZED_FORMATS, TO_STDOUT_FORMATS, ExportError
from ..paths import PathError, writable, writable_folder
from ..report import print_timeline, visible_lines
from ..wire.stream import Recording, StreamError, read_file
from ..finished import Finished
from .arguments import DEFAULT_SIZE, CommandError
from .opened import Opened, finished_run

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
