"""Exports of a saved run: Perfetto's trace-event JSON checked against the format's rules, the
JSON summary as --json wrote it, and the command line's errors."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from taskviz.catalog import find
from taskviz.export.perfetto import LOOP_TID, export_perfetto, task_tid
from taskviz.model.timeline import BLOCK_NS
from taskviz.recording.opened import Opened, open_recording
from taskviz.runner import run_headless

ROOT = Path(__file__).resolve().parent.parent


def taskviz(*args: str, cwd: Path = ROOT, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    return subprocess.run([sys.executable, "-m", "taskviz", *args], capture_output=True, text=True, timeout=timeout,
                          cwd=cwd, env=env)


def saved(tmp_path: Path, name: str, *, virtual_time: bool = True) -> Opened:
    path = tmp_path / f"{Path(name).stem}.taskviz"
    run_headless(find(name), virtual_time=virtual_time, until_s=60 if virtual_time else None, save=str(path))
    return open_recording(str(path))


def perfetto(opened: Opened) -> dict[str, Any]:
    out = io.StringIO()
    export_perfetto(opened, out)
    return json.loads(out.getvalue())


def check_trace_rules(trace: dict[str, Any]) -> list[dict[str, Any]]:
    """The trace-event format's rules that Perfetto and chrome://tracing rely on; returns the events."""
    assert trace["displayTimeUnit"] in ("ms", "ns")
    events = trace["traceEvents"]
    assert isinstance(events, list) and events
    named_tids = set()
    flows: dict[int, list[dict[str, Any]]] = defaultdict(list)
    slices: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for event in events:
        assert event["ph"] in {"M", "X", "i", "s", "f"}, event
        assert isinstance(event["name"], str) and event["name"], event
        assert type(event["pid"]) is int and type(event["tid"]) is int, event
        if event["ph"] == "M":
            assert event["name"] in {"process_name", "thread_name", "thread_sort_index"}
            assert isinstance(event["args"], dict)
            if event["name"] == "thread_name":
                assert isinstance(event["args"]["name"], str)
                named_tids.add(event["tid"])
            if event["name"] == "thread_sort_index":
                assert type(event["args"]["sort_index"]) is int
            continue
        assert isinstance(event["ts"], (int, float)) and event["ts"] >= 0, event
        if event["ph"] == "X":
            assert isinstance(event["dur"], (int, float)) and event["dur"] >= 0, event
            slices[event["tid"]].append((event["ts"], event["ts"] + event["dur"]))
        if event["ph"] == "i":
            assert event["s"] in ("t", "p", "g")
        if event["ph"] in "sf":
            assert type(event["id"]) is int
            flows[event["id"]].append(event)
    used = {event["tid"] for event in events if event["ph"] != "M"}
    assert used <= named_tids, f"tracks without a name: {used - named_tids}"
    for tid, spans in slices.items():  # a track's complete slices follow one another: no overlap, no nesting needed
        spans.sort()
        for (_, end), (start, _) in zip(spans, spans[1:]):
            assert start >= end - 1e-3, f"overlapping slices on track {tid}"
    for flow_id, pair in flows.items():
        assert sorted(event["ph"] for event in pair) == ["f", "s"], f"flow {flow_id} is not one start and one finish"
        start, finish = sorted(pair, key=lambda event: event["ph"] != "s")
        assert finish["bp"] == "e" and start["name"] == finish["name"] and start["cat"] == finish["cat"]
        assert finish["ts"] >= start["ts"]
        start_spans = [span for span in slices[start["tid"]] if span[0] - 1e-6 <= start["ts"] <= span[1] + 1e-6]
        assert start_spans, f"flow {flow_id} starts outside any slice of its track"
    return events


def thread_names(events: list[dict[str, Any]]) -> dict[int, str]:
    return {event["tid"]: event["args"]["name"] for event in events if event["ph"] == "M" and event["name"] == "thread_name"}


# -- perfetto --------------------------------------------------------------------------------------


def test_basic_as_a_perfetto_trace(tmp_path: Path) -> None:
    opened = saved(tmp_path, "basic")
    events = check_trace_rules(perfetto(opened))
    names = thread_names(events)
    assert names[LOOP_TID] == "event loop"
    model = opened.finished.model
    users = next(track for track in model.tracks if track.info.args == "2, 'Users'")
    assert names[task_tid(0)] == "main"
    assert names[task_tid(users.info.id)] == "  fetch_data(2, 'Users')", "named as in the app, indented under main"
    order = {event["tid"]: event["args"]["sort_index"] for event in events if event["name"] == "thread_sort_index"}
    assert order[LOOP_TID] < order[task_tid(0)] < order[task_tid(users.info.id)], "the loop first, then each task under its parent"
    waits = [event for event in events if event["ph"] == "X" and event["tid"] == task_tid(users.info.id) and event["cat"] == "awaiting"]
    (wait,) = waits
    assert wait["args"]["awaited"] == "sleep 2s" and wait["args"]["line"].startswith("scenarios/basic.py:")
    assert wait["name"] == "awaiting sleep 2s"
    assert wait["dur"] == pytest.approx(2_000_000, abs=1_000), "µs: the 2 s sleep on the virtual clock"
    running = [event for event in events if event["ph"] == "X" and event["tid"] == task_tid(users.info.id) and event["cat"] == "running"]
    assert len(running) == users.steps == 2
    endings = [event for event in events if event["ph"] == "i"]
    assert Counter(event["name"] for event in endings) == {"done": 3}
    steps = [event for event in events if event["ph"] == "X" and event["tid"] == LOOP_TID]
    assert len(steps) == len(model.step_starts)
    assert max(event["ts"] for event in events if "ts" in event) <= opened.finished.run.wall_ns / 1000 + 1


WAKES = '''"""Wakes"""
import asyncio


async def waiter(ready):
    await ready.wait()


async def setter(ready):
    await asyncio.sleep(0.5)
    ready.set()


async def main():
    ready = asyncio.Event()
    child = asyncio.create_task(waiter(ready))
    await setter(ready)
    await child
'''


@pytest.mark.parametrize("virtual_time", [True, False])
def test_a_waker_is_joined_to_the_task_it_woke(tmp_path: Path, virtual_time: bool) -> None:
    program = tmp_path / "wakes.py"
    program.write_text(WAKES)
    opened = saved(tmp_path, str(program), virtual_time=virtual_time)
    events = check_trace_rules(perfetto(opened))
    names = thread_names(events)
    flows = [event for event in events if event["ph"] in "sf"]
    by_id: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for event in flows:
        by_id[event["id"]][event["ph"]] = event
    pairs = sorted((names[pair["s"]["tid"]].strip(), names[pair["f"]["tid"]].strip()) for pair in by_id.values())
    # main's step sets the event (setter runs inside main); the waiter's last step wakes main's await child
    assert pairs == [("main", "waiter(Event)"), ("waiter(Event)", "main")], pairs
    set_at = next(pair for pair in by_id.values() if names[pair["f"]["tid"]].strip() == "waiter(Event)")
    assert set_at["s"]["ts"] == pytest.approx(500_000, abs=1_000 if virtual_time else 300_000)
    assert set_at["f"]["ts"] - set_at["s"]["ts"] <= 0.001, "ready the moment the event was set"


def test_a_blocked_loop_is_marked_on_the_loop_track(tmp_path: Path) -> None:
    program = tmp_path / "blocks.py"
    program.write_text('"""Blocks"""\nimport asyncio, time\n\n\nasync def main():\n    await asyncio.sleep(0.01)\n'
                       '    time.sleep(0.05)\n    await asyncio.sleep(0.01)\n')
    opened = saved(tmp_path, str(program), virtual_time=False)
    events = check_trace_rules(perfetto(opened))
    blocked = [event for event in events if event["ph"] == "X" and event["tid"] == LOOP_TID and "blocked" in event["cat"]]
    assert len(blocked) == 1 and blocked[0]["name"] == "blocked: main"
    assert blocked[0]["dur"] >= BLOCK_NS / 1000
    assert blocked[0]["args"]["held_at"].endswith("blocks.py:7"), "the time.sleep that held it"


@pytest.mark.parametrize("name", ["workers", "job_queue", "taskgroup", "threads_vs_asyncio", "gather_errors", "timeout"])
def test_scenarios_export_to_valid_traces(name: str, tmp_path: Path) -> None:
    opened = saved(tmp_path, name)
    events = check_trace_rules(perfetto(opened))
    tasks = {event["tid"] for event in events if event["ph"] == "M" and event["name"] == "thread_name"} - {LOOP_TID}
    assert tasks == {task_tid(track.info.id) for track in opened.finished.model.tracks}


def test_export_perfetto_from_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "basic.taskviz"
    assert taskviz("run", "basic", "--headless", "--virtual-time", "--save", str(path)).returncode == 0
    out = tmp_path / "basic.trace.json"
    result = taskviz("export", str(path), "--to", "perfetto", "-o", str(out))
    assert result.returncode == 0 and result.stderr.strip() == f"taskviz: wrote {out}"
    check_trace_rules(json.loads(out.read_text()))
    to_stdout = taskviz("export", str(path), "--to", "perfetto", "-o", "-")
    assert to_stdout.returncode == 0 and json.loads(to_stdout.stdout) == json.loads(out.read_text())
    assert not list(tmp_path.glob("*.partial"))


# -- json ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["basic", "gather_errors"])
def test_json_export_is_what_json_wrote_for_the_run(name: str, tmp_path: Path) -> None:
    path, written = tmp_path / "run.taskviz", tmp_path / "live.json"
    live = taskviz("run", name, "--headless", "--virtual-time", "--save", str(path), "--json", str(written))
    assert live.returncode in (0, 1), live.stderr
    exported = tmp_path / "exported.json"
    result = taskviz("export", str(path), "--to", "json", "-o", str(exported))
    assert result.returncode == 0, result.stderr
    assert exported.read_text() == written.read_text()
    assert json.loads(exported.read_text())["scenario"] == name


def test_json_export_of_a_real_time_run_keeps_its_measured_times(tmp_path: Path) -> None:
    path, written = tmp_path / "run.taskviz", tmp_path / "live.json"
    program = tmp_path / "short.py"
    program.write_text('"""Short"""\nimport asyncio\n\n\nasync def main():\n    await asyncio.gather(asyncio.sleep(0.1), asyncio.sleep(0.2))\n')
    assert taskviz("run", str(program), "--headless", "--save", str(path), "--json", str(written)).returncode == 0
    result = taskviz("export", str(path), "--to", "json", "-o", "-")
    assert result.returncode == 0 and json.loads(result.stdout) == json.loads(written.read_text())


# -- command-line errors --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rec") / "basic.taskviz"
    run_headless(find("basic"), virtual_time=True, until_s=60, save=str(path))
    return path


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--to", "gif", "-o", "x"), "taskviz: argument --to: invalid choice: 'gif'"),
        (("-o", "x"), "taskviz: the following arguments are required: --to"),
        (("--to", "json"), "taskviz: the following arguments are required: -o"),
        (("--to", "svg", "-o", "x.svg", "--at", "soon"), "taskviz: argument --at: --at takes a time in the run, like 2.5s"),
        (("--to", "svg", "-o", "x.svg", "--at", "-1"), "taskviz: argument --at: --at takes a time in the run"),
        (("--to", "svg", "-o", "x.svg", "--at", "99s"), "taskviz: --at 99s is past the end of the run (3.0"),
        (("--to", "svg", "-o", "x.svg", "--size", "120"), "taskviz: argument --size: --size takes COLUMNSxROWS, like 120x36"),
        (("--to", "svg", "-o", "x.svg", "--size", "10x5"), "taskviz: argument --size: --size must be from 40x10 to"),
        (("--to", "cast", "-o", "x.cast", "--speed", "fast"), "taskviz: argument --speed: --speed takes a number"),
        (("--to", "cast", "-o", "x.cast", "--speed", "0"), "taskviz: argument --speed: --speed must be from 0.1 to 16"),
        (("--to", "json", "-o", "x.json", "--at", "1s"), "taskviz: --at picks the instant an svg or png shows"),
        (("--to", "perfetto", "-o", "x.json", "--speed", "2"), "taskviz: --speed is how fast a cast replays"),
        (("--to", "json", "-o", "x.json", "--size", "80x24"), "taskviz: --size is a terminal size for svg, png and cast"),
        (("--to", "svg", "-o", "-"), "taskviz: -o - writes text to stdout: give a file name for --to svg"),
        (("--to", "json", "-o", "/nowhere/at/all/x.json"), "taskviz: cannot write -o /nowhere/at/all/x.json: no folder"),
    ],
)
def test_bad_export_command_lines_are_one_line_and_exit_2(recording: Path, tmp_path: Path, args: tuple[str, ...],
                                                         message: str) -> None:
    result = taskviz("export", str(recording), *args, cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == "", result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), result.stderr
    assert not any(tmp_path.iterdir()), "nothing written"


def test_an_export_into_a_directory_is_refused(recording: Path, tmp_path: Path) -> None:
    result = taskviz("export", str(recording), "--to", "perfetto", "-o", str(tmp_path))
    assert result.returncode == 2 and result.stderr.strip() == f"taskviz: -o {tmp_path} is a directory: give a file name"
