"""The ``taskviz`` command: list scenarios, run one headless, or open the app."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from . import __version__
from .catalog import DEFAULT_SCENARIO, Scenario, ScenarioError, all_scenarios, find
from .runner import run_headless
from .model.summary import run_summary
from .text import visible
from .textchart import render


class _Parser(argparse.ArgumentParser):
    """Usage errors are one line on stderr and exit 2, like every other bad input."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"taskviz: {message} (taskviz --help for usage)\n")


def _count(low: int, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a whole number, not {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{what} must be at least {low}, not {value}")
        return value

    return parse


def _output_path(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("--json needs a file name, or - for stdout")
    return text


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="taskviz", description="See asyncio's cooperative multitasking happen.")
    parser.add_argument("--version", action="version", version=f"taskviz {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    commands.add_parser("list", help="every scenario: name, title, one line")

    run = commands.add_parser("run", help="run a scenario (in the app, or --headless)")
    run.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO, help="a scenario name or a path to a .py file")
    run.add_argument("--headless", action="store_true", help="no app: print a text timeline and a summary")
    run.add_argument("--json", metavar="FILE", type=_output_path,
                     help="also write the machine-readable summary ('-' for stdout)")
    run.add_argument("--virtual-time", action="store_true",
                     help="run on a virtual clock: waits take no real time, timings are identical every run")
    run.add_argument("--speed", type=float, choices=SPEEDS, default=1.0, metavar="X",
                     help="start the run slowed down: 0.5, 0.25 or 0.1 (< and > change it in the app)")
    run.add_argument("--rows", type=_count(1, "--rows"), default=40, help="most task rows in the text timeline (default 40)")
    run.add_argument("--width", type=_count(MIN_WIDTH, "--width"), default=None,
                     help=f"width of the text timeline, at least {MIN_WIDTH} (default: terminal)")
    return parser


MIN_WIDTH = 40  # a label column and a readable chart
SPEEDS = (0.1, 0.25, 0.5, 1.0)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "list":
            return _list()
        if args.command == "run" and args.headless:
            if args.speed != 1.0:
                raise ScenarioError("--speed slows a run in the app; a headless run goes at full speed")
            return _run_headless(args)
        scenario = find(args.scenario) if args.command == "run" else None
        return _open_app(scenario, getattr(args, "virtual_time", False), getattr(args, "json", None),
                         getattr(args, "speed", 1.0))
    except ScenarioError as exc:
        print(f"taskviz: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        sys.stderr.close()
        return 0


def _list() -> int:
    scenarios = all_scenarios()
    width = max(len(s.name) for s in scenarios)
    for scenario in scenarios:
        if scenario.broken:
            print(f"{scenario.name:<{width}}  ✗ cannot be run: {visible(scenario.broken)}")
            continue
        tags = f"  [{', '.join(scenario.tags)}]" if scenario.tags else ""
        print(f"{scenario.name:<{width}}  {scenario.title}{tags}")
        if scenario.summary:
            print(f"{'':<{width}}  {_one_line(scenario.summary)}")
    return 0


def _one_line(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _run_headless(args: argparse.Namespace) -> int:
    scenario = find(args.scenario)
    to_stdout = args.json == "-"
    # With the JSON on stdout, what the scenario prints goes to stderr so stdout stays parseable.
    with contextlib.redirect_stdout(sys.stderr) if to_stdout else contextlib.nullcontext():
        finished = run_headless(scenario, virtual_time=args.virtual_time)
    out = sys.stderr if to_stdout else sys.stdout
    if not to_stdout or args.headless:
        width = args.width or (shutil.get_terminal_size((100, 24)).columns if out.isatty() else 100)
        color = out.isatty() and "NO_COLOR" not in os.environ
        print(
            render(
                finished.model,
                title=f"{scenario.name} — {scenario.title}",
                wall_ns=finished.run.wall_ns,
                gain=finished.gain,
                width=width,
                max_rows=args.rows,
                color=color,
            ),
            file=out,
        )
        root = finished.record.tasks[0] if finished.record.tasks else None
        if finished.interrupted:
            print("interrupted: this is the run up to ctrl+c, its tasks cancelled there", file=out)
        elif root is not None and root.exception:
            print(f"main() ended with {visible(root.exception)}", file=out)
    if args.json:
        data = json.dumps(run_summary(scenario.name, finished.model, finished.run.wall_ns), indent=2)
        if to_stdout:
            print(data)
        else:
            try:
                with open(args.json, "w", encoding="utf-8") as fh:
                    fh.write(data + "\n")
            except OSError as exc:
                raise ScenarioError(f"cannot write {args.json}: {exc.strerror}") from None
    if finished.interrupted:
        return 130
    return 1 if finished.failed else 0


def _open_app(scenario: Scenario | None, virtual_time: bool, json_path: str | None, speed: float = 1.0) -> int:
    """The app; with ``--virtual-time`` it replays a deterministic virtual-clock recording.

    ``--json FILE`` writes the run's summary (the same JSON as headless) when the run ends,
    so a run in the app and a headless one can be compared.
    """
    from .app import TaskvizApp

    start = scenario or find(DEFAULT_SCENARIO)
    if json_path == "-":
        raise ScenarioError("--json - needs --headless: the app has the terminal")
    if virtual_time:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            finished = run_headless(start, virtual_time=True)
        app = TaskvizApp(start, recording=finished, prints=printed.getvalue(), json_path=json_path)
    else:
        app = TaskvizApp(start, autorun=scenario is not None, json_path=json_path, speed=speed)
    app.run()
    return 0
