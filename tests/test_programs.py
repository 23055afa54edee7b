"""Issue 10: a program runs under taskviz exactly as ``python FILE`` runs it; taskviz only watches.

Each program in ``tests/programs/`` runs twice from that folder (the working directory of both
runs): as ``python FILE ARGS`` (or ``python -m PACKAGE ARGS``), then as
``taskviz run FILE --headless --json OUT -- ARGS`` (or ``taskviz run -m PACKAGE ... -- ARGS``).
python's run is the reference; the test lists everything taskviz's run does differently:

- the exit status (a negative one is a signal, as ``subprocess`` reports it);
- stdout: python's stdout, byte for byte, must be the start of taskviz's (taskviz prints its
  text timeline after the program's output);
- the exception type, when python ends with a traceback (its last line, ``ValueError: boom``);
- stderr, when python prints no traceback: each line python wrote to stderr (``sys.exit("...")``,
  warnings, logging) must appear in taskviz's stderr, in the same order;
- the tasks' outcomes in the JSON, against the program's ``# expect:`` line (python cannot
  report them, so the program declares them);
- the wall time, net of each run's fixed start-up (see ``wall_difference``): taskviz may take at
  most 2x python's net time + half its own start-up.

Programs are the ``*.py`` files of ``tests/programs/`` and its package folders (a folder with a
``__main__.py``, run with ``-m``); a name starting with ``_`` is a helper or a data file, never a
program. A program says what it needs in comment lines at its top (before any code):

``# expect: ok=3 failed=1 cancelled=0``
    how many entries of the JSON's ``tasks`` end with each outcome (``alive`` too); an outcome
    not named is expected 0 times; ``ok>=3`` is "at least 3", for library-made tasks (aiohttp's).
    Every entry counts, executor jobs included (README: they appear in ``tasks``), except the
    tasks ``asyncio.run`` makes to shut itself down (``shutdown_asyncgens``,
    ``shutdown_default_executor``), which a watcher may or may not record.
``# expect-3.11: ok=1 cancelled=1``
    the same, on that Python only (asyncio's own helpers make tasks on some versions and not
    on others: ``wait_for`` on a coroutine makes one on 3.11, none on 3.12+).
``# args: --count 3 "two words"``
    the program's arguments (shell-quoted), after ``--`` for taskviz.
``# timeout: 30``
    seconds each run may take (default 20).
``# requires: 3.12``
    skipped on older Pythons.
``# mask: REGEX``
    what differs between any two runs, even under python alone (a printed clock time, a memory
    address): replaced by ``<masked>`` in both runs' stdout and stderr before comparing.
``# timing: bench``
    the program's time is all task steps (20,000 tasks): its overhead is a performance figure,
    measured in ``bench/bench_programs.py`` against the 2x + 0.5 s target; here only 6x + 1 s (net).
``# skip-json: reason``
    the program cannot leave a JSON (none does today).
"""

from __future__ import annotations


import importlib.util
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PROGRAMS = Path(__file__).resolve().parent / "programs"
DEFAULT_TIMEOUT = 20.0
OUTCOMES = ("ok", "failed", "cancelled", "alive")
# asyncio.run's own shutdown tasks: not the program's, so not counted either way.
IGNORED_COROS = frozenset({"shutdown_asyncgens", "shutdown_default_executor"})
WALL_FACTOR = 2.0  # taskviz's time for a program, net of its start-up, against python's (net too)
WALL_JITTER = 1.0  # and taskviz's start-up once more: a loaded machine stretches both alike
BENCH_FACTOR, BENCH_SLACK_S = 6.0, 1.0  # "# timing: bench" programs: gross misbehaviour only
EMPTY = "_empty.py"  # the smallest asyncio program: both runs' fixed start-up, see ``wall_difference``
STDERR_TAIL_LINES = 20
# The same environment for both runs: no colour, a fixed width, no stray .pyc files in
# tests/programs, and a fixed hash seed so that a printed set has one order.
ENV = {
    **os.environ,
    "NO_COLOR": "1",
    "COLUMNS": "100",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONHASHSEED": "0",
}

_DIRECTIVE = re.compile(r"#\s*(expect(?:-3\.\d+)?|args|timeout|requires|skip-json|mask|timing):\s*(.*?)\s*$")
_EXPECT_ITEM = re.compile(r"(ok|failed|cancelled|alive)(>=|=)(\d+)$")


@dataclass(frozen=True)
class Program:
    """One program of the corpus and what its header says about it."""

    name: str  # the test id: the file's name, or the package's for -m
    source: Path  # the file whose header is read
    module: str | None = None  # set for a package run with -m
    args: tuple[str, ...] = ()
    expect: dict[str, tuple[str, int]] = field(default_factory=dict)  # outcome -> (op, count)
    expect_on: dict[str, dict[str, tuple[str, int]]] = field(default_factory=dict)  # "3.11" -> expect
    timeout: float = DEFAULT_TIMEOUT
    requires: tuple[int, int] | None = None
    skip_json: str | None = None
    timed_in_bench: bool = False  # "# timing: bench": its overhead is a performance figure, see below
    masks: tuple[re.Pattern[bytes], ...] = ()

    def python_command(self) -> list[str]:
        target = ["-m", self.module] if self.module else [self.source.name]
        return [sys.executable, *target, *self.args]

    def taskviz_command(self, json_path: Path) -> list[str]:
        target = ["-m", self.module] if self.module else [self.source.name]
        command = [sys.executable, "-m", "taskviz", "run", *target, "--headless", "--json", str(json_path)]
        return command + ["--", *self.args] if self.args else command

    def expected(self) -> dict[str, tuple[str, int]]:
        """The outcomes expected on this Python: its own ``# expect-3.X:`` line, else ``# expect:``."""
        return self.expect_on.get(f"{sys.version_info[0]}.{sys.version_info[1]}", self.expect)

    def mask(self, data: bytes) -> bytes:
        for pattern in self.masks:
            data = pattern.sub(b"<masked>", data)
        return data


def read_program(source: Path, name: str, module: str | None = None) -> Program:
    """The program's directives, from the comment lines at its top (decoded as Python does)."""
    text = importlib.util.decode_source(source.read_bytes())
    found: dict[str, object] = {"expect": {}, "expect_on": {}, "masks": ()}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            break  # the header ends at the first line of code or docstring
        match = _DIRECTIVE.match(line.strip())
        if not match:
            continue
        key, value = match.groups()
        if key.startswith("expect"):
            expect: dict[str, tuple[str, int]] = {}
            for item in value.split():
                parsed = _EXPECT_ITEM.match(item)
                if not parsed:
                    raise ValueError(f"{source.name}: bad '# {key}:' item {item!r}")
                expect[parsed[1]] = (parsed[2], int(parsed[3]))
            if key == "expect":
                found["expect"] = expect
                found["has_expect"] = True
            else:  # expect-3.11: asyncio itself makes a different number of tasks there
                found["expect_on"][key.removeprefix("expect-")] = expect  # type: ignore[index]
        elif key == "args":
            found["args"] = tuple(shlex.split(value))
        elif key == "timeout":
            found["timeout"] = float(value)
        elif key == "requires":
            major, minor = value.split(".")
            found["requires"] = (int(major), int(minor))
        elif key == "timing":
            if value != "bench":
                raise ValueError(f"{source.name}: '# timing:' takes 'bench', not {value!r}")
            found["timed_in_bench"] = True
        elif key == "skip-json":
            found["skip_json"] = value or "no reason given"
        elif key == "mask":
            found["masks"] = (*found["masks"], re.compile(value.encode()))  # type: ignore[misc]
    if not found.pop("has_expect", False) and "skip_json" not in found:
        raise ValueError(f"{source.name}: no '# expect:' line (or '# skip-json:') in its header")
    return Program(name=name, source=source, module=module, **found)  # type: ignore[arg-type]


def corpus() -> list[Program]:
    programs = [read_program(path, path.name) for path in sorted(PROGRAMS.glob("*.py")) if not path.name.startswith("_")]
    for folder in sorted(PROGRAMS.iterdir()):
        if folder.is_dir() and not folder.name.startswith("_") and (folder / "__main__.py").is_file():
            programs.append(read_program(folder / "__main__.py", f"{folder.name} (-m)", module=folder.name))
    return programs


@dataclass
class Ran:
    returncode: int
    stdout: bytes
    stderr: bytes
    seconds: float
    timed_out: bool


def run(command: list[str], timeout: float) -> Ran:
    """Run in tests/programs, in a session of its own, so that a hung run is killed whole."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        command, cwd=PROGRAMS, env=ENV, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, start_new_session=True,
    )
    timed_out = False
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(proc.pid)
        stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - started
    _kill_group(proc.pid)  # whatever the program left running (pool workers, children)
    return Ran(proc.returncode, stdout, stderr, seconds, timed_out)


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


# --- what a run says -------------------------------------------------------------------------

_TRACEBACK = "Traceback (most recent call last):"
_GROUP_TRACEBACK = "  + Exception Group Traceback (most recent call last):"
_EXCEPTION_LINE = re.compile(r"([A-Za-z_][\w.]*)(?::|$)")


def exception_type(stderr: bytes) -> str | None:
    """The type of the exception that ended the program: the last top-level traceback's."""
    lines = stderr.decode("utf-8", "replace").splitlines()
    starts = [n for n, line in enumerate(lines) if line in (_TRACEBACK, _GROUP_TRACEBACK)]
    if not starts:
        return None
    grouped = lines[starts[-1]] == _GROUP_TRACEBACK
    for line in lines[starts[-1] + 1:]:
        if grouped:
            if not line.startswith("  | "):
                continue
            line = line[4:]
        if line and not line[0].isspace():
            match = _EXCEPTION_LINE.match(line)
            if match:
                return match[1]
    return None


def describe_status(code: int) -> str:
    if code < 0:
        try:
            return f"{code} (killed by {signal.Signals(-code).name})"
        except ValueError:
            return f"{code} (killed by signal {-code})"
    return str(code)


def show(data: bytes | None, limit: int = 160) -> str:
    """Bytes from a program, shown safely: escapes for control characters, cut when long."""
    if data is None:
        return "(nothing)"
    text = repr(data.decode("utf-8", "backslashreplace"))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def stdout_difference(python: bytes, taskviz: bytes) -> str | None:
    """None when python's stdout is exactly the start of taskviz's; else where they part."""
    if taskviz.startswith(python):
        # What follows is taskviz's own text. If it opens with a line the program printed, the
        # program (or its main) most likely ran a second time after python's output ended.
        rest = taskviz[len(python):].split(b"\n", 1)[0]
        if rest.strip() and rest in python.splitlines():
            return (f"stdout: after python's output, taskviz's stdout goes on with a line the program "
                    f"printed, {show(rest)}: did the program run twice?")
        return None
    py_lines = python.splitlines(keepends=True)
    tv_lines = taskviz.splitlines(keepends=True)
    differing = []
    for n, line in enumerate(py_lines):
        other = tv_lines[n] if n < len(tv_lines) else None
        if other is None or not (other == line or (n == len(py_lines) - 1 and other.startswith(line))):
            differing.append((n, line, other))
    if not differing:  # same lines, split differently (a missing newline): report the bytes
        cut = next(i for i, (a, b) in enumerate(zip(python, taskviz + b"\0" * len(python))) if a != b)
        return f"stdout differs at byte {cut}: python {show(python[cut:cut + 40])}, taskviz {show(taskviz[cut:cut + 40])}"
    shown = "; ".join(
        f"line {n + 1}: python {show(line)}, taskviz {show(other) if other is not None else '(its stdout ended)'}"
        for n, line, other in differing[:3]
    )
    more = f" (and {len(differing) - 3} more)" if len(differing) > 3 else ""
    return f"stdout: {len(differing)} of python's {len(py_lines)} lines differ: {shown}{more}"


def stderr_difference(python: bytes, taskviz: bytes) -> str | None:
    """Each line python wrote to stderr must be in taskviz's stderr, in order (others may come between)."""
    wanted = [line for line in python.splitlines() if line.strip()]
    have = taskviz.splitlines()
    at = 0
    for n, line in enumerate(wanted):
        while at < len(have) and have[at] != line:
            at += 1
        if at == len(have):
            return f"stderr: python's stderr line {n + 1} of {len(wanted)} is not in taskviz's stderr: {show(line)}"
        at += 1
    return None


def outcome_counts(data: dict) -> dict[str, int]:
    counts = dict.fromkeys(OUTCOMES, 0)
    for task in data.get("tasks", []):
        if str(task.get("coro", "")).rsplit(".", 1)[-1] in IGNORED_COROS:
            continue
        outcome = task.get("outcome")
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def outcome_difference(expect: dict[str, tuple[str, int]], counts: dict[str, int]) -> str | None:
    wrong = []
    for outcome in sorted(set(OUTCOMES) | set(counts), key=lambda o: (o not in OUTCOMES, o)):
        op, want = expect.get(outcome, ("=", 0))
        have = counts.get(outcome, 0)
        if (have < want) if op == ">=" else (have != want):
            wrong.append(f"{outcome}: expected {'at least ' if op == '>=' else ''}{want}, recorded {have}")
    return "task outcomes: " + "; ".join(wrong) if wrong else None


def tail(data: bytes, lines: int = STDERR_TAIL_LINES) -> str:
    kept = data.decode("utf-8", "backslashreplace").splitlines()[-lines:]
    return "\n".join("    | " + re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", lambda m: f"\\x{ord(m[0]):02x}", line) for line in kept)


def differences(program: Program, python: Ran, taskviz: Ran, json_path: Path, start_up: StartUp) -> list[str]:
    found: list[str] = []
    if taskviz.timed_out:
        found.append(f"taskviz did not finish within {program.timeout:g} s (killed)")
    elif taskviz.returncode != python.returncode:
        found.append(f"exit status: python {describe_status(python.returncode)}, taskviz {describe_status(taskviz.returncode)}")
    py_out, tv_out = program.mask(python.stdout), program.mask(taskviz.stdout)
    py_err, tv_err = program.mask(python.stderr), program.mask(taskviz.stderr)
    if (diff := stdout_difference(py_out, tv_out)) is not None:
        found.append(diff)
    py_exception = exception_type(py_err)
    if py_exception is not None:
        tv_exception = exception_type(tv_err)
        if tv_exception != py_exception:
            found.append(f"exception: python ended with a {py_exception} traceback, taskviz "
                         + (f"with a {tv_exception} one" if tv_exception else "printed no traceback"))
    elif (diff := stderr_difference(py_err, tv_err)) is not None:
        found.append(diff)
    if program.skip_json is None:
        try:
            data = json.loads(json_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            found.append("JSON: taskviz wrote no --json file")
        except (OSError, ValueError) as exc:
            found.append(f"JSON: the --json file is not valid JSON ({exc})")
        else:
            if (diff := outcome_difference(program.expected(), outcome_counts(data))) is not None:
                found.append(diff)
    if (diff := wall_difference(python.seconds, taskviz.seconds, start_up, program.timed_in_bench)) is not None:
        found.append(diff)
    return found


@dataclass(frozen=True)
class StartUp:
    """The wall time of ``_empty.py``, run as the programs are: each command's fixed start-up."""

    python_s: float
    taskviz_s: float


def start_up_commands(json_path: Path) -> tuple[list[str], list[str]]:
    empty = Program(name=EMPTY, source=PROGRAMS / EMPTY)
    return empty.python_command(), empty.taskviz_command(json_path)


def measure_start_up(json_path: Path, runs: int = 2) -> StartUp:
    """The least time of ``runs`` runs of the empty program under each command (load only adds)."""
    python_command, taskviz_command = start_up_commands(json_path)
    python_s = taskviz_s = float("inf")
    for _ in range(runs):
        python, taskviz = run(python_command, DEFAULT_TIMEOUT), run(taskviz_command, DEFAULT_TIMEOUT)
        assert python.returncode == taskviz.returncode == 0, f"{EMPTY}: {tail(python.stderr)}\n{tail(taskviz.stderr)}"
        python_s, taskviz_s = min(python_s, python.seconds), min(taskviz_s, taskviz.seconds)
    return StartUp(python_s, taskviz_s)


def time_again(program: Program, folder: Path, runs: int = 2) -> tuple[float, float, StartUp]:
    """The program's least time under each command and the start-up's, from ``runs`` rounds of
    the four runs one after the other: each run beside the others, under the same load."""
    python_s = taskviz_s = empty_python_s = empty_taskviz_s = float("inf")
    for n in range(runs):
        empty = measure_start_up(folder / f"empty-{n}.json", runs=1)
        python = run(program.python_command(), program.timeout)
        taskviz = run(program.taskviz_command(folder / f"again-{n}.json"), program.timeout)
        python_s, taskviz_s = min(python_s, python.seconds), min(taskviz_s, taskviz.seconds)
        empty_python_s, empty_taskviz_s = min(empty_python_s, empty.python_s), min(empty_taskviz_s, empty.taskviz_s)
    return python_s, taskviz_s, StartUp(empty_python_s, empty_taskviz_s)


def wall_difference(python_s: float, taskviz_s: float, start_up: StartUp, timed_in_bench: bool = False) -> str | None:
    """taskviz's time for the program against python's, each net of its own fixed start-up.

    taskviz's start-up (its imports, the JSON, the text timeline: ~0.35 s on a quiet machine)
    is several times a small program's own time, and a loaded machine stretches it as much
    as the program: compared gross, a tiny program failed whenever the machine was busy.
    Net, taskviz may take 2x python's time plus its start-up time measured then (the noise
    of two such runs grows with the load as that start-up does: with half of it, a tiny
    program failed in CI on three workers). A program whose instrumented run is 5x slower
    fails as soon as python's net time is a third of taskviz's start-up (~0.12 s quiet).

    A program whose time is all task steps (``# timing: bench``) measures the instrumentation's
    cost per step, a performance figure: that belongs in ``bench/`` (``bench_programs.py``,
    paired runs on a quiet machine), not in a test a loaded machine runs. Here it only has to
    stay clear of misbehaviour (running twice, a repr inside a step).
    """
    python_net = max(python_s - start_up.python_s, 0.0)
    taskviz_net = taskviz_s - start_up.taskviz_s
    factor, slack = (BENCH_FACTOR, BENCH_SLACK_S) if timed_in_bench else (WALL_FACTOR, WALL_JITTER * start_up.taskviz_s)
    limit = factor * python_net + slack
    if taskviz_net <= limit:
        return None
    return (f"wall time: python {python_s:.2f} s, taskviz {taskviz_s:.2f} s; net of the start-up "
            f"({EMPTY}: python {start_up.python_s:.2f} s, taskviz {start_up.taskviz_s:.2f} s): "
            f"python {python_net:.2f} s, taskviz {taskviz_net:.2f} s (allowed {factor:g}x + {slack:.2f} s = {limit:.2f} s)")


PROGRAM_LIST = corpus()
SLEEPERS = frozenset({"docs_queue_workers.py", "docs_task_say_after_create_task.py", "docs_sync_event.py",
                      "docs_task_wait_for.py"})
"""The docs' examples that do nothing but sleep, 2.5 to 5.5 s each (checked here, not again on a stage)."""


@pytest.fixture(scope="session")
def start_up(tmp_path_factory: pytest.TempPathFactory) -> StartUp:
    """The session's start-up times (the least of two runs each): measured once, taken off every program's."""
    return measure_start_up(tmp_path_factory.mktemp("empty") / "out.json")


@pytest.mark.parametrize("program", PROGRAM_LIST, ids=[p.name for p in PROGRAM_LIST])
def test_program_runs_under_taskviz_as_under_python(program: Program, tmp_path: Path, start_up: StartUp) -> None:
    if program.requires and sys.version_info < program.requires:
        pytest.skip(f"needs Python {program.requires[0]}.{program.requires[1]}")
    json_path = tmp_path / "out.json"
    # one after the other, never side by side: a loaded machine reorders wake-ups that are close
    python = run(program.python_command(), program.timeout)
    taskviz = run(program.taskviz_command(json_path), program.timeout)
    if python.timed_out:
        pytest.fail(f"{program.name} did not finish within {program.timeout:g} s under plain python: fix the program")
    found = differences(program, python, taskviz, json_path, start_up)
    if any(diff.startswith("wall time:") for diff in found):
        # The load may have changed since the session's start-up was measured (the other xdist
        # workers), and one run is a noisy sample of it: time the program and the start-up
        # again, side by side, twice, and judge on the least time of each.
        python_s, taskviz_s, now = time_again(program, tmp_path)
        diff = wall_difference(python_s, taskviz_s, now, program.timed_in_bench)
        found = [d for d in found if not d.startswith("wall time:")] + ([f"{diff} (timed again: least of two runs each)"] if diff else [])
    if found:
        report = [f"{program.name}: taskviz's run differs from python's in {len(found)} way(s):"]
        report += [f"  - {diff}" for diff in found]
        if taskviz.timed_out or taskviz.returncode != python.returncode:
            report.append(f"  taskviz's stderr (last {STDERR_TAIL_LINES} lines):")
            report.append(tail(taskviz.stderr) or "    | (empty)")
        report.append(f"  commands (in tests/programs): {shlex.join(program.python_command())}")
        report.append(f"                                {shlex.join(program.taskviz_command(json_path))}")
        pytest.fail("\n".join(report), pytrace=False)


def test_corpus_covers_enough_programs_and_each_declares_its_outcomes() -> None:
    names = [p.name for p in PROGRAM_LIST]
    assert len(names) >= 32, names
    assert any(p.module for p in PROGRAM_LIST), "one program must be a package run with -m"
    for program in PROGRAM_LIST:
        assert program.expect or program.skip_json, program.name
    helpers = [p.name for p in PROGRAMS.iterdir() if p.name.startswith("_") and p.name != "__pycache__"]
    assert helpers and not set(helpers) & set(names)


@pytest.mark.parametrize(
    ("stderr", "expected"),
    [
        (b"Traceback (most recent call last):\n  File \"x.py\", line 1, in <module>\nValueError: boom\n", "ValueError"),
        (b"Traceback (most recent call last):\n  File \"x.py\", line 3\nKeyboardInterrupt\n", "KeyboardInterrupt"),
        (b"Traceback (most recent call last):\n  File \"a\"\nKeyError: 1\n\nDuring handling of the above exception,"
         b" another exception occurred:\n\nTraceback (most recent call last):\n  File \"b\"\nmod.Custom: x\n", "mod.Custom"),
        (b"  + Exception Group Traceback (most recent call last):\n  |   File \"x.py\", line 9, in <module>\n"
         b"  |     asyncio.run(main())\n  | ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception)\n"
         b"  +-+---------------- 1 ----------------\n    | Traceback (most recent call last):\n"
         b"    | ValueError: boom\n    +------------------------------------\n", "ExceptionGroup"),
        (b"fatal: the configuration file is missing\n", None),
    ],
)
def test_exception_type_reads_the_last_top_level_traceback(stderr: bytes, expected: str | None) -> None:
    assert exception_type(stderr) == expected


def test_stdout_and_stderr_comparisons_name_what_differs() -> None:
    assert stdout_difference(b"a\nb\n", b"a\nb\ntimeline\n") is None
    assert stdout_difference(b"a\nno newline", b"a\nno newlinetimeline\n") is None
    assert "run twice" in (stdout_difference(b"start\nmain\nend\n", b"start\nmain\nend\nmain\ntimeline\n") or "")
    diff = stdout_difference(b"Task-1\nx\n", b"Task-2\nx\ntimeline\n")
    assert diff is not None and "line 1" in diff and "'Task-1\\n'" in diff and "'Task-2\\n'" in diff
    assert "its stdout ended" in (stdout_difference(b"a\nb\n", b"a\n") or "")
    assert stderr_difference(b"warn 1\nwarn 2\n", b"taskviz: note\nwarn 1\nmore\nwarn 2\n") is None
    assert "line 2 of 2" in (stderr_difference(b"warn 1\nwarn 2\n", b"warn 2\nwarn 1\n") or "")
    counts = {"ok": 3, "failed": 1, "cancelled": 0, "alive": 0}
    assert outcome_difference({"ok": ("=", 3), "failed": ("=", 1)}, counts) is None
    assert outcome_difference({"ok": (">=", 2), "failed": ("=", 1)}, counts) is None
    assert "failed: expected 0, recorded 1" in (outcome_difference({"ok": ("=", 3)}, counts) or "")
    shutdown = {"tasks": [{"coro": "main", "outcome": "ok"}, {"coro": "BaseEventLoop.shutdown_asyncgens", "outcome": "ok"}]}
    assert outcome_counts(shutdown)["ok"] == 1


def test_the_wall_time_rule_takes_the_start_up_off_and_still_catches_a_slow_watcher() -> None:
    quiet, loaded = StartUp(python_s=0.12, taskviz_s=0.35), StartUp(python_s=0.25, taskviz_s=0.75)
    assert wall_difference(0.15, 0.45, quiet) is None, "a tiny program: taskviz's start-up is not its overhead"
    assert wall_difference(0.30, 0.95, loaded) is None, "the same on a machine twice as busy"
    assert wall_difference(0.15, 0.45, loaded) is None, "a run quicker than the start-up measured"
    for start_up in (quiet, loaded):
        for python_net in (0.5, 2.0):  # five times python's time: too slow, loaded or not
            diff = wall_difference(start_up.python_s + python_net, start_up.taskviz_s + 5 * python_net, start_up)
            assert diff is not None and diff.startswith("wall time:"), (start_up, python_net)
        assert wall_difference(start_up.python_s + 1.0, start_up.taskviz_s + 2.0, start_up) is None, "2x is allowed"
    assert wall_difference(0.12 + 0.2, 0.35 + 1.0, quiet) is not None, "5x on a program of 0.2 s, quiet"
    assert wall_difference(0.12 + 0.02, 0.35 + 3.0, quiet) is not None, "ten 0.3 s reprs (repr_slow_argument.py)"
    assert wall_difference(0.42, 0.35 + 2.5, quiet, timed_in_bench=True) is None, "bench programs: 6x + 1 s"
    assert wall_difference(0.42, 0.35 + 3.0, quiet, timed_in_bench=True) is not None
