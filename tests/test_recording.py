"""Recordings: a run saved as it happens (headless and on a real stage), opened again, cut short,
corrupted; and the command lines around them."""

from __future__ import annotations

import json
import os
import random
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from taskviz import cli
from taskviz.catalog import find
from taskviz.model.timeline import State, TimelineModel
from taskviz.recording.opened import finished_run, open_recording
from taskviz.runner import run_headless
from taskviz.wire.record import Outcome
from taskviz.wire.stream import HEADER_SIZE, MAGIC, StreamError, StreamReader, read_file

ROOT = Path(__file__).resolve().parent.parent


def taskviz(*args: str, cwd: Path = ROOT, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    return subprocess.run([sys.executable, "-m", "taskviz", *args], capture_output=True, text=True, timeout=timeout,
                          cwd=cwd, env=env)


def one_line_exit_2(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def model_facts(model: TimelineModel) -> dict[str, Any]:
    """Everything a screen or a summary is drawn from: per task its info, states, times and waits."""
    strings = model.record.strings
    return {
        "tasks": [(track.info, list(track.times), list(track.states), track.depth, track.steps,
                   [(strings[a], strings[b]) for a, b in track.waits()]) for track in model.tracks],
        "steps": (list(model.step_starts), list(model.step_ends), list(model.step_tasks),
                  [strings[s] for s in model.step_locations]),
        "end_ns": model.end_ns,
        "busy_ns": model.busy_ns,
        "order": model.order(),
    }


# -- save, then open: the same run -------------------------------------------------------------


@pytest.mark.parametrize("name", ["basic", "workers", "gather_errors", "job_queue", "threads_vs_asyncio"])
def test_a_headless_save_opens_as_the_live_model(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.taskviz"
    live = run_headless(find(name), virtual_time=True, until_s=60, save=str(path))
    opened = open_recording(str(path))
    assert not opened.recording.truncated and opened.recording.note == ""
    assert model_facts(opened.finished.model) == model_facts(live.model)
    assert opened.finished.run.started_ns == live.run.started_ns
    assert opened.finished.run.wall_ns == live.run.wall_ns
    assert opened.finished.exit_code == live.exit_code
    meta = opened.recording.meta
    assert meta["name"] == name and meta["source"] == find(name).source
    assert meta["format"] == "1.2" and meta["python"] == sys.version.split()[0] and meta["virtual_time"] is True
    assert meta["taskviz"] and isinstance(meta["started_at"], float) and abs(meta["started_at"] - time.time()) < 600


def test_the_program_output_is_recorded_and_still_printed(tmp_path: Path) -> None:
    path = tmp_path / "basic.taskviz"
    result = taskviz("run", "basic", "--headless", "--virtual-time", "--save", str(path))
    assert result.returncode == 0, result.stderr
    printed = [output["text"] for output in read_file(path).outputs if output["stream"] == "stdout"]
    assert printed and "".join(printed) in result.stdout, "every line printed reached the terminal too"
    assert any("Users" in line for line in printed)


@pytest.mark.parametrize("name", ["basic", "gather_errors", "cancel"])
def test_open_headless_prints_what_run_headless_printed(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.taskviz"
    live = taskviz("run", name, "--headless", "--virtual-time", "--save", str(path))
    assert live.returncode in (0, 1), live.stderr
    again = taskviz("open", str(path), "--headless")
    assert again.returncode == 0 and again.stderr == "", again.stderr
    assert again.stdout == live.stdout
    shortcut = taskviz(str(path), "--headless")
    assert shortcut.returncode == 0 and shortcut.stdout == live.stdout


EVENTS = '''"""Events"""
import asyncio


async def waiter(ready):
    await ready.wait()
    print("woken", flush=True)


async def setter(ready):
    await asyncio.sleep(0.2)
    ready.set()


async def main():
    ready = asyncio.Event()
    await asyncio.gather(waiter(ready), setter(ready), asyncio.sleep(0.3))
'''


def run_to_end(session: Any, program: Path) -> None:
    """Start ``program`` on a real stage and fold its stream, as the app's frames do, until it ends (30 s at most)."""
    session.start(find(str(program)))
    deadline = time.monotonic() + 30
    while not session.finished and time.monotonic() < deadline:
        session.tick()
        time.sleep(0.02)


def test_a_run_saved_on_a_real_stage_opens_as_the_live_model(tmp_path: Path) -> None:
    from taskviz.app.session import Session

    program = tmp_path / "events.py"
    program.write_text(EVENTS)
    path = tmp_path / "stage.taskviz"
    session = Session(save=str(path))
    try:
        run_to_end(session, program)
        assert session.finished and session.exit_status() == 0
    finally:
        session.close()
    assert session.model is not None and session.link is not None
    opened = open_recording(str(path))
    assert not opened.recording.truncated
    assert model_facts(opened.finished.model) == model_facts(session.model)
    assert opened.finished.model.origin_ns == session.model.origin_ns
    assert opened.finished.run.wall_ns == session.wall_ns
    assert [o["text"] for o in opened.recording.outputs if o["stream"] == "stdout"] == ["woken\n"]
    assert opened.recording.meta["name"] == "events" and opened.recording.meta["source"] == EVENTS
    assert opened.recording.meta["headless"] is False
    assert {track.info.coro.rsplit(".", 1)[-1] for track in opened.finished.model.tracks} >= {"main", "waiter", "setter"}


def test_a_second_run_in_the_same_app_is_not_written_over_the_first(tmp_path: Path) -> None:
    from taskviz.app.session import Session

    program = tmp_path / "events.py"
    program.write_text(EVENTS)
    path = tmp_path / "first.taskviz"
    session = Session(save=str(path))
    try:
        run_to_end(session, program)
        size = path.stat().st_size
        session.start(find("basic"))
        time.sleep(0.3)
        session.tick()
    finally:
        session.close()
    assert path.stat().st_size == size and read_file(path).meta["name"] == "events"


@pytest.mark.skipif(__import__("shutil").which("tmux") is None, reason="tmux is not installed (.ci/run installs it)")
def test_run_save_in_the_app_records_the_run_the_command_line_asked_for(tmp_path: Path) -> None:
    from tmux import TASKVIZ, terminal

    program = tmp_path / "events.py"
    program.write_text(EVENTS)
    path = tmp_path / "app.taskviz"
    with terminal(f"{TASKVIZ} run {program} --save {path}", width=160, height=40) as term:
        term.wait_for("✓ finished", timeout=30)
        term.keys("q")
        term.wait_for("EXITED-0", timeout=15)
    opened = open_recording(str(path))
    assert not opened.recording.truncated and opened.recording.end is not None and opened.recording.end["exit"] == 0
    assert opened.recording.meta["name"] == "events" and opened.recording.meta["headless"] is False
    assert {track.info.coro.rsplit(".", 1)[-1] for track in opened.finished.model.tracks} >= {"main", "waiter", "setter"}


# -- ctrl+c, kill -9: what was recorded is kept -------------------------------------------------

LONG = '''"""Long"""
import asyncio


async def nap():
    await asyncio.sleep(30)


async def main():
    tasks = [asyncio.create_task(nap()) for _ in range(2)]
    await asyncio.sleep(0.05)
    print("started", flush=True)
    await asyncio.gather(*tasks)
'''


def start_long_run(tmp_path: Path, save: Path) -> subprocess.Popen[str]:
    script = tmp_path / "long.py"
    script.write_text(LONG)
    process = subprocess.Popen(
        [sys.executable, "-m", "taskviz", "run", str(script), "--headless", "--save", str(save)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "NO_COLOR": "1"},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not process.stdout.readline().startswith("started"):  # type: ignore[union-attr]
        pass
    time.sleep(0.3)  # main awaits its naps; a flush (every 50 ms) has sent them
    assert process.poll() is None, "the run is 30 s long: still going"
    return process


def test_ctrl_c_during_a_saved_run_keeps_it_all(tmp_path: Path) -> None:
    path = tmp_path / "long.taskviz"
    process = start_long_run(tmp_path, path)
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=30)
    assert process.returncode == -signal.SIGINT
    opened = open_recording(str(path))
    assert not opened.recording.truncated, "ctrl+c ends the run normally: the file has its end"
    assert opened.recording.end is not None and opened.recording.end["exit"] == 130
    assert opened.finished.interrupted
    model = opened.finished.model
    assert [track.state for track in model.tracks] == [State.CANCELLED] * 3
    assert [o["text"] for o in opened.recording.outputs if o["stream"] == "stdout"] == ["started\n"]
    shown = taskviz("open", str(path), "--headless")
    assert shown.returncode == 0 and "interrupted: this is the run up to ctrl+c" in shown.stdout
    assert "3 cancelled" in shown.stdout and "3 cancelled" in out


def test_a_killed_saved_run_opens_up_to_what_was_recorded(tmp_path: Path) -> None:
    path = tmp_path / "killed.taskviz"
    process = start_long_run(tmp_path, path)
    process.kill()
    process.communicate(timeout=30)
    opened = open_recording(str(path))
    assert opened.recording.truncated and opened.recording.end is None
    model = opened.finished.model
    assert len(model.tracks) == 3 and all(track.state == State.AWAITING for track in model.tracks[1:])
    assert opened.recording.status.get("origin_ns") is not None
    assert opened.finished.run.wall_ns >= 50_000_000, "the length comes from the last status sent"
    shown = taskviz("open", str(path), "--headless")
    assert shown.returncode == 0
    assert shown.stderr.strip() == f"taskviz: {path}: has no end: the run was cut short; showing what was recorded"
    assert "nap" in shown.stdout and "started" in shown.stdout


# -- command-line errors -------------------------------------------------------------------------


def test_save_into_a_missing_folder_fails_before_the_program_runs(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    script = tmp_path / "marks.py"
    script.write_text(f'"""Marks"""\nimport asyncio, pathlib\n\nasync def main():\n    pathlib.Path({str(marker)!r}).touch()\n')
    missing = tmp_path / "nowhere" / "x.taskviz"
    for extra in (("--headless",), ()):
        line = one_line_exit_2(taskviz("run", str(script), *extra, "--save", str(missing)), "--save")
        assert line == f"taskviz: cannot write --save {missing}: no folder {missing.parent}"
    assert not marker.exists()
    one_line_exit_2(taskviz("run", str(script), "--headless", "--save", str(tmp_path)), "is a directory")
    one_line_exit_2(taskviz("run", str(script), "--headless", "--save", ""), "--save needs a file name")
    same = str(tmp_path / "same")
    one_line_exit_2(taskviz("run", str(script), "--headless", "--save", same, "--json", same), "name the same file")
    assert not marker.exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (a disk that is always full)")
def test_a_full_disk_stops_the_saving_not_the_run(tmp_path: Path) -> None:
    result = taskviz("run", "basic", "--headless", "--virtual-time", "--save", "/dev/full", "--json", str(tmp_path / "s.json"))
    assert result.returncode == 1, "the run itself succeeded, but what was asked is not all done"
    assert "fetch_data(2, 'Users')" in result.stdout, "the run went on to its end"
    assert result.stderr.strip().splitlines() == ["taskviz: saving the run to /dev/full stopped: No space left on device"]
    assert json.loads((tmp_path / "s.json").read_text())["exit"] == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_save_into_a_read_only_folder_fails_before_the_program_runs(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        one_line_exit_2(taskviz("run", "basic", "--headless", "--save", str(locked / "x.taskviz")), "permission denied")
    finally:
        locked.chmod(0o700)


def saved_basic(tmp_path: Path) -> Path:
    path = tmp_path / "basic.taskviz"
    run_headless(find("basic"), virtual_time=True, until_s=60, save=str(path))
    return path


def test_files_that_cannot_be_opened_are_one_line_naming_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = saved_basic(tmp_path).read_bytes()
    cases: dict[str, tuple[Path, str]] = {}
    missing = tmp_path / "missing.taskviz"
    cases["missing"] = (missing, f"taskviz: {missing}: no such file")
    cases["folder"] = (tmp_path, f"taskviz: {tmp_path}: is a folder, not a taskviz recording")
    empty = tmp_path / "empty.taskviz"
    empty.write_bytes(b"")
    cases["empty"] = (empty, f"taskviz: {empty}: empty file, not a taskviz recording")
    foreign = tmp_path / "notes.taskviz"
    foreign.write_text("just some notes\n")
    cases["foreign"] = (foreign, f"taskviz: {foreign}: not a taskviz recording")
    newer = tmp_path / "newer.taskviz"
    newer.write_bytes(MAGIC + struct.pack("<HH", 2, 0) + data[HEADER_SIZE:])
    cases["newer"] = (newer, f"taskviz: {newer}: made by a newer taskviz (format 2.0; this one reads 1.x)")
    flipped = tmp_path / "flipped.taskviz"
    damaged = bytearray(data)
    damaged[len(data) // 2] ^= 0x10
    flipped.write_bytes(bytes(damaged))
    cases["flipped"] = (flipped, f"taskviz: {flipped}: corrupt at byte ")
    fifo = tmp_path / "pipe.taskviz"
    os.mkfifo(fifo)
    cases["fifo"] = (fifo, f"taskviz: {fifo}: not a regular file, so not a taskviz recording")
    commands = (("open", "{}", "--headless"), ("open", "{}"), ("export", "{}", "--to", "json", "-o", "-"))
    for what, (path, message) in cases.items():
        for command in commands:
            args = [part.format(path) for part in command]
            if what == "flipped":  # the real command once per way in; the rest in this process, for speed
                line = one_line_exit_2(taskviz(*args, timeout=20))
            else:
                line = one_line_exit_2(in_process(capsys, args))
            assert line.startswith(message), (what, args, line)


def in_process(capsys: pytest.CaptureFixture[str], args: list[str]) -> subprocess.CompletedProcess[str]:
    """``taskviz ARGS`` run by its ``main`` here, as a finished process would report it."""
    capsys.readouterr()
    code = cli.main(args)
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(["taskviz", *args], code, out, err)


def test_a_file_cut_mid_chunk_opens_with_a_note(tmp_path: Path) -> None:
    data = saved_basic(tmp_path).read_bytes()
    cut = tmp_path / "cut.taskviz"
    cut.write_bytes(data[: len(data) - 7])
    result = taskviz("open", str(cut), "--headless")
    assert result.returncode == 0
    assert result.stderr.strip() == (f"taskviz: {cut}: ends mid-chunk at byte {len(data) - 7}: "
                                     f"the run was cut short; showing what was recorded")
    assert "fetch_data(2, 'Users')" in result.stdout


def test_program_text_in_a_recording_cannot_steer_the_terminal(tmp_path: Path) -> None:
    script = tmp_path / "evil.py"
    script.write_text('"""Evil\x1b]0;pwned\x07"""\nimport asyncio\n\nasync def main():\n'
                      '    print("\\x1b[2Jcleared", flush=True)\n    await asyncio.sleep(0)\n')
    path = tmp_path / "evil.taskviz"
    run = taskviz("run", str(script), "--headless", "--virtual-time", "--save", str(path))
    assert run.returncode == 0, run.stderr
    shown = taskviz("open", str(path), "--headless")
    assert shown.returncode == 0 and "\x1b" not in shown.stdout + shown.stderr
    assert "␛[2Jcleared" in shown.stdout


# -- fuzz --------------------------------------------------------------------------------------------


def test_fuzzed_recordings_open_or_fail_with_one_clear_line(tmp_path: Path) -> None:
    """Random truncations and byte flips of a real saved run: only StreamError, never anything else."""
    data = saved_basic(tmp_path).read_bytes()
    rng = random.Random(12)
    path = tmp_path / "fuzzed.taskviz"
    seen = {"opened": 0, "refused": 0}
    for case in range(300):
        damaged = bytearray(data[: rng.randrange(len(data) + 1)] if case % 2 else data)
        for _ in range(rng.choice((0, 1, 1, 3)) if damaged else 0):
            damaged[rng.randrange(len(damaged))] ^= 1 << rng.randrange(8)
        path.write_bytes(bytes(damaged))
        try:
            recording = read_file(path)
            finished_run(recording, str(path))
        except StreamError as exc:
            assert str(exc).startswith(f"{path}: ") and "\n" not in str(exc)
            seen["refused"] += 1
        else:
            seen["opened"] += 1
    assert seen["opened"] > 30 and seen["refused"] > 30, seen


def test_rows_that_frame_well_but_make_no_timeline_are_refused(tmp_path: Path) -> None:
    """A well-framed file whose rows name a task before it was created: one line, not an IndexError."""
    from taskviz.wire.record import EventRecord, Kind, TaskInfo
    from taskviz.wire.stream import write_file

    record = EventRecord()
    record.tasks.append(TaskInfo(0, None, "main", "x.py:1"))
    record.append(5, 0, Kind.DONE, int(Outcome.OK), start_ns=4)  # done, never created
    path = tmp_path / "odd.taskviz"
    write_file(path, {"name": "odd"}, record, end={"exit": 0})
    with pytest.raises(StreamError, match=rf"^{path}: corrupt: its rows do not make a timeline"):
        open_recording(str(path))
    one_line_exit_2(taskviz("open", str(path), "--headless"), f"{path}: corrupt")


def test_a_saved_file_is_the_stage_stream_format_from_its_first_byte(tmp_path: Path) -> None:
    data = saved_basic(tmp_path).read_bytes()
    reader = StreamReader("x")
    chunks = reader.feed(data)
    assert data.startswith(MAGIC) and reader.pending == 0 and reader.version == (1, 2)
    assert chunks[0].type == 1 and chunks[-1].type == 8, "META first, END last"


# -- networked scenarios: the same labels in every recording -----------------------------------------


def test_the_networked_scenarios_each_have_their_own_fixed_port() -> None:
    ports = {}
    for name in ("http_client", "semaphore", "server", "websocket"):
        source = find(name).source
        (line,) = [line for line in source.splitlines() if line.startswith("PORT = ")]
        ports[name] = int(line.split()[2])
        assert 'web.TCPSite(runner, "127.0.0.1", PORT)' in source and "except OSError:" in source
    assert len(set(ports.values())) == 4 and all(8765 <= port < 8800 for port in ports.values()), ports


def labels_of(path: Path) -> list[str]:
    from taskviz.model.names import task_name

    model = open_recording(str(path)).finished.model
    return [task_name(model, tid) for tid in model.order()]


def test_a_networked_scenario_records_the_same_labels_every_run_and_survives_a_taken_port(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody else in this test run uses: the bundled ones may be busy
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    program = tmp_path / "server.py"
    program.write_text(find("server").source.replace("PORT = 8767", f"PORT = {port}"))
    first, second, third = (tmp_path / f"{n}.taskviz" for n in ("first", "second", "third"))
    for path in (first, second):
        assert run_headless(find(str(program)), virtual_time=True, until_s=60, save=str(path)).exit_code == 0
    labels = labels_of(first)
    assert labels == labels_of(second)
    assert sum(f"{port}/users/" in label for label in labels) == 20
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        finished = run_headless(find(str(program)), virtual_time=True, until_s=60, save=str(third))
    assert finished.exit_code == 0, "a taken port is not a failure: the server takes another"
    clients = [label for label in labels_of(third) if label.startswith("client(")]
    assert len(clients) == 20 and not any(f"{port}/users/" in label for label in clients)


def test_a_screenshot_folder_that_is_not_there_is_one_line_before_anything_starts(tmp_path: Path) -> None:
    missing = tmp_path / "shots"
    one_line_exit_2(taskviz("run", "basic", "--screenshot-dir", str(missing)), f"--screenshot-dir {missing}: no such folder")
    path = saved_basic(tmp_path)
    one_line_exit_2(taskviz("open", str(path), "--screenshot-dir", str(missing)), f"--screenshot-dir {missing}: no such folder")
