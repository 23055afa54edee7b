"""The ``open`` and ``export`` sub-commands' arguments: what ``taskviz --help`` needs, and
no more, so that printing the help imports nothing of the run, the model or the app
(the commands themselves are in ``commands.py``, imported when one is run)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from typing import Any

from ..export import FORMATS

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
