"""The ``taskviz`` command: list scenarios, run one headless, or open the app; open and export recordings."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import gc
import io
import os
import sys
import signal
import tempfile
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, NoReturn, TextIO

from . import __version__
from .catalog import DEFAULT_SCENARIO, Scenario, ScenarioError, find, find_module, listing
from .paths import PathError, writable, writable_folder
from .recording.arguments import CommandError, add_commands
from .recording.files import RECORDING_SUFFIX, reason
from .model.finding_kinds import KINDS as FINDING_KINDS
from .model.history import WINDOW_S
from .text import visible

if TYPE_CHECKING:
    from .finished import Finished

# Everything that runs a program, reads a recording or draws is imported by the command that
# needs it: `taskviz --help` and a usage error stay quick (bench/bench_programs.py measures it).


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


def _seconds(option: str) -> Callable[[str], float]:
    """A parser of ``option``'s seconds: ``60`` or ``2.5s``, more than 0, finite."""

    def parse(text: str) -> float:
        number = text.strip().removesuffix("s")
        try:
            value = float(number)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{option} takes seconds, like 60 or 2.5s, not {text!r}") from None
        if not value > 0 or value == float("inf"):
            raise argparse.ArgumentTypeError(f"{option} must be more than 0 seconds, not {text!r}")
        return value

    return parse


def _output_path(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("--json needs a file name, or - for stdout")
    return text


def _save_path(text: str) -> str:
    if not text.strip() or text == "-":
        raise argparse.ArgumentTypeError("--save needs a file name")
    return text


def _finding_kinds(text: str) -> frozenset[str]:
    kinds = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(kinds - set(FINDING_KINDS))
    if not kinds or unknown:
        given = f"{', '.join(unknown)} is not a kind of finding; " if unknown else ""
        raise argparse.ArgumentTypeError(f"{given}the kinds are {','.join(FINDING_KINDS)}")
    return kinds


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="taskviz", description="See asyncio's cooperative multitasking happen.")
    parser.add_argument("--version", action="version", version=f"taskviz {__version__}")
    parser.add_argument("--present", dest="present_app", action="store_true",
                        help="open the app in presenter mode (p in the app switches it)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    commands.add_parser("list", help="every scenario: name, title, one line")

    run = commands.add_parser("run", help="run a scenario or your program (in the app, or --headless)",
                              usage="taskviz run [SCENARIO | FILE.py | -m MODULE] [options] [-- ARGS...]",
                              epilog="ARGS after -- are the program's own sys.argv[1:], as with python FILE ARGS.")
    run.add_argument("scenario", nargs="?", default=None, help="a scenario name or a path to a .py file")
    run.add_argument("-m", dest="module", metavar="MODULE", help="run a module as python -m MODULE does")
    run.add_argument("--headless", action="store_true", help="no app: print a text timeline and a summary")
    run.add_argument("--json", metavar="FILE", type=_output_path,
                     help="also write the machine-readable summary ('-' for stdout)")
    run.add_argument("--save", metavar="FILE", type=_save_path,
                     help=f"record the run to FILE as it happens (open it with taskviz open FILE; "
                          f"name it *{RECORDING_SUFFIX})")
    run.add_argument("--screenshot-dir", metavar="DIR", default=None,
                     help="where the app's screenshots go (default: the current directory)")
    run.add_argument("--virtual-time", action="store_true",
                     help="run on a virtual clock: waits take no real time, timings are identical every run")
    run.add_argument("--until", type=_seconds("--until"), default=None, metavar="SECONDS",
                     help=f"with --virtual-time: stop a program still running at this loop time "
                          f"(default {DEFAULT_UNTIL_S:g} s)")
    run.add_argument("--speed", type=float, choices=SPEEDS, default=1.0, metavar="X",
                     help="start the run slowed down: 0.5, 0.25 or 0.1 (< and > change it in the app)")
    run.add_argument("--present", action="store_true",
                     help="presenter mode: the timeline alone, tall rows, the point as a caption (p switches it)")
    run.add_argument("--keep", type=_seconds("--keep"), default=None, metavar="SECONDS",
                     help=f"in the app, how much of a long run to keep in detail (default {WINDOW_S:g} s): "
                          f"older history is summarised, and ctrl+s still saves all of it")
    run.add_argument("--fail-on", type=_finding_kinds, default=None, metavar="KINDS",
                     help=f"with --headless: exit 1 if the run has a finding of these kinds, comma-separated "
                          f"({','.join(FINDING_KINDS)}); a program that failed keeps its own exit status")
    run.add_argument("--rows", type=_count(1, "--rows"), default=40, help="most task rows in the text timeline (default 40)")
    run.add_argument("--width", type=_count(MIN_WIDTH, "--width"), default=None,
                     help=f"width of the text timeline, at least {MIN_WIDTH} (default: terminal)")
    run.add_argument("--all-tasks", action="store_true",
                     help="with --headless: a row for every task, libraries' own (aiohttp's, asyncio's) too; "
                          "by default they are folded into one row per library")
    add_commands(commands, _count(1, "--rows"), _count(MIN_WIDTH, "--width"))
    return parser


MIN_WIDTH = 40  # a label column and a readable chart
DEFAULT_UNTIL_S = 60.0  # virtual time runs waits at once: a program that never ends must still stop
SPEEDS = (0.1, 0.25, 0.5, 1.0)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0].endswith(RECORDING_SUFFIX) and not argv[0].startswith("-"):
        argv.insert(0, "open")  # ``taskviz run.taskviz`` opens it, as a double-click would
    program_args: list[str] = []
    if "--" in argv:  # everything after it is the program's, unread by taskviz
        cut = argv.index("--")
        argv, program_args = argv[:cut], argv[cut + 1:]
    args = _parser().parse_args(argv)
    args.program_args = tuple(program_args)
    try:
        if args.command == "run":
            _check_run(args)
        if args.command == "list":
            return _list()
        if args.command == "open":
            from .recording.commands import open_command
            return open_command(args)
        if args.command == "export":
            from .recording.commands import export_command
            return export_command(args)
        if args.command == "run" and args.headless:
            return _run_headless(args)
        scenario = _target(args) if args.command == "run" else None
        return _open_app(scenario, getattr(args, "virtual_time", False), getattr(args, "json", None),
                         getattr(args, "speed", 1.0), getattr(args, "until", None), getattr(args, "save", None),
                         getattr(args, "screenshot_dir", None), args.present_app or getattr(args, "present", False),
                         getattr(args, "keep", None) or WINDOW_S)
    except (ScenarioError, PathError, CommandError) as exc:
        print(f"taskviz: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        sys.stderr.close()
        return 0


def _list() -> int:
    rows = listing()
    width = max(len(name) for name, _ in rows)
    for name, title in rows:
        print(f"{name:<{width}}  {visible(title)}")
    return 0


def _check_run(args: argparse.Namespace) -> None:
    """Options that cannot go together: one line, exit 2, before anything runs."""
    if args.module is not None and args.scenario is not None:
        raise _Usage(f"give a scenario, a file or -m {args.module}, not both")
    if args.until is not None and not args.virtual_time:
        raise _Usage("--until limits a --virtual-time run; a real-time run ends with the program (or ctrl+c)")
    if args.headless and args.speed != 1.0:
        raise ScenarioError("--speed slows a run in the app; a headless run goes at full speed")
    if args.all_tasks and not args.headless:
        raise _Usage("--all-tasks is for the text timeline (--headless); in the app, i shows libraries' tasks")
    if args.headless and (args.present or getattr(args, "present_app", False)):
        raise _Usage("--present is a way of showing the app; --headless has no app")
    if args.fail_on is not None and not args.headless:
        raise _Usage("--fail-on sets a headless run's exit status: add --headless")
    if args.keep is not None and (args.headless or args.virtual_time):
        raise _Usage("--keep bounds what the app holds of a live run; a headless or --virtual-time run keeps it all")
    if args.json not in (None, "-"):
        args.json = writable(args.json, "--json")
    if args.save is not None:
        args.save = writable(args.save, "--save")
        if args.save == args.json:
            raise _Usage("--save and --json name the same file: give each its own")
    if args.screenshot_dir is not None:
        args.screenshot_dir = writable_folder(args.screenshot_dir, "--screenshot-dir")


class _Usage(ScenarioError):
    """A command line that cannot work."""


def _target(args: argparse.Namespace) -> Scenario:
    """What to run, with the program's own arguments."""
    scenario = find_module(args.module) if args.module is not None else find(args.scenario or DEFAULT_SCENARIO)
    return dataclasses.replace(scenario, args=args.program_args)


def _run_headless(args: argparse.Namespace) -> int:
    from .model.summary import write_summary
    from .report import print_timeline
    from .runner import run_headless
    from .stage.program import run_exit_functions

    scenario = _target(args)
    to_stdout = args.json == "-"
    until = (args.until or DEFAULT_UNTIL_S) if args.virtual_time else None
    # With the JSON on stdout, all the program writes (even os.write(1) and its children) goes to stderr.
    # taskviz's own objects (its imports) are frozen out of the collector: the program's
    # collections then scan what python's would, not taskviz too
    gc.freeze()
    with _stdout_to_stderr() if to_stdout else contextlib.nullcontext():
        finished = _run_saving(run_headless, scenario, args.virtual_time, until, args.save, keep_rows=False)
        run_exit_functions()
    gc.disable()  # the program is over: building the summary makes no garbage worth collecting
    out = sys.stderr if to_stdout else sys.stdout
    print_timeline(finished, f"{scenario.name} — {scenario.title}", out, rows=args.rows, width=args.width,
                   all_tasks=args.all_tasks)
    code = finished.exit_code if finished.exit_code is not None else int(finished.failed)
    if args.json:
        write = functools.partial(write_summary, scenario=scenario.name, model=finished.model,
                                  wall_ns=finished.run.wall_ns, exit=code,
                                  findings=[finding.to_json() for finding in finished.findings])
        if not _write_json(write, args.json, scenario.name):
            code = code or 1
    if finished.save_error:  # the run went on; the file holds what came before the failure
        print(f"taskviz: {finished.save_error}", file=sys.stderr)
        code = code or 1
    if args.fail_on and any(finding.kind in args.fail_on for finding in finished.findings):
        code = code or 1  # the program's own failure says more than a finding: it stays
    out.flush()
    if finished.interrupted:
        _die_of_sigint()
    return code


def _run_saving(run_headless: Callable[..., Finished], scenario: Scenario, virtual_time: bool, until: float | None,
                save: str | None, keep_rows: bool = True) -> Finished:
    """The headless run; a ``--save`` file that cannot be created stops it before the program starts.
    (``run_headless`` is passed in: the runner is imported before ``gc.freeze()``, so its
    objects are frozen with the rest of taskviz's.) ``keep_rows``: False when the run is only
    reported, not replayed (``finished.model_of``)."""
    try:
        return run_headless(scenario, virtual_time=virtual_time, until_s=until, save=save, keep_rows=keep_rows)
    except OSError as exc:
        if save is None or exc.filename != save:
            raise
        raise _Usage(f"cannot save the run to {save}: {reason(exc)}") from None


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Point file descriptor 1 at stderr, so nothing the program or its children write lands in stdout."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def _write_json(write: Callable[[TextIO], None], path: str, name: str) -> bool:
    """Write the summary; if that fails, keep it in a temporary file and say where, in one line."""
    if path == "-":
        write(sys.stdout)
        return True
    try:
        with open(path, "w", encoding="utf-8") as fh:
            write(fh)
        return True
    except OSError as exc:
        fd, kept = tempfile.mkstemp(prefix=f"taskviz-{name}-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            write(fh)
        print(f"taskviz: cannot write {path}: {exc.strerror}; the summary is kept in {kept}", file=sys.stderr)
        return False


def _die_of_sigint() -> NoReturn:
    """End as ``python`` does after ctrl+c: killed by SIGINT (a shell shows status 130)."""
    sys.stdout.flush()
    sys.stderr.flush()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGINT)
    os._exit(130)


def _open_app(scenario: Scenario | None, virtual_time: bool, json_path: str | None, speed: float = 1.0,
              until_s: float | None = None, save: str | None = None, screenshot_dir: str | None = None,
              present: bool = False, keep_s: float = WINDOW_S) -> int:
    """The app; with ``--virtual-time`` it replays a deterministic virtual-clock recording.

    ``--json FILE`` writes the run's summary (the same JSON as headless) when the run ends,
    so a run in the app and a headless one can be compared. ``--save FILE`` records the
    run the command line asked for: the stage's stream, teed into the file as it arrives.
    ``--present`` starts in presenter mode. ``--keep SECONDS``: the detail a long live run keeps.
    """
    from .app import TaskvizApp

    start = scenario or find(DEFAULT_SCENARIO)
    if json_path == "-":
        raise ScenarioError("--json - needs --headless: the app has the terminal")
    if virtual_time:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            from .runner import run_headless
            finished = _run_saving(run_headless, start, True, until_s or DEFAULT_UNTIL_S, save)
        app = TaskvizApp(start, recording=finished, prints=printed.getvalue(), json_path=json_path,
                         screenshot_dir=screenshot_dir, present=present)
    else:
        app = TaskvizApp(start, autorun=scenario is not None, json_path=json_path, speed=speed, save_path=save,
                         screenshot_dir=screenshot_dir, present=present, keep_s=keep_s)
    app.run()
    recording = app.session.recording
    save_error = app.recording_save_error or (recording.error if recording is not None else None)
    if save_error:  # said in the app too; said again here, where it outlasts the screen
        print(f"taskviz: {save_error}", file=sys.stderr)
        return 1
    return 0
