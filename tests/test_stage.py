"""The stage as the app drives it, without a screen: rapid reruns, stops, and what is left."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

from taskviz.app.session import Session
from taskviz.catalog import find
from taskviz.stage.retention import KEEP_ROWS


def listening_ports(pid: int) -> set[int]:
    """TCP ports process ``pid`` listens on (empty once it is gone)."""
    try:
        inodes = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
    except OSError:
        return set()
    ports = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and f"socket:[{fields[9]}]" in inodes:
            ports.add(int(fields[1].split(":")[1], 16))
    return ports


def readlink(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "zombie" not in status


def test_rapid_reruns_of_a_server_leave_no_process_or_socket_behind() -> None:
    server = find("server")
    session = Session()
    pids: list[int] = []
    try:
        for n in range(40):
            session.start(server)
            assert session.link is not None
            pids.append(session.link.process.process.pid)
            deadline = time.monotonic() + 0.02 * (n % 5)
            while time.monotonic() < deadline:
                session.tick()
                time.sleep(0.005)
        deadline = time.monotonic() + 10
        while not (session.model is not None and session.model.tracks) and time.monotonic() < deadline:
            session.tick()
            time.sleep(0.02)
        assert session.model is not None and session.model.tracks, "the last run got going"
    finally:
        session.close()
    time.sleep(0.3)
    assert [pid for pid in pids if alive(pid)] == [], "every stage process is gone"
    assert all(not listening_ports(pid) for pid in pids)
    assert not [fd for fd in os.listdir("/proc/self/fd") if "taskviz-spill-" in readlink(f"/proc/self/fd/{fd}")], \
        "no run's spill (its stream kept on disk) is left open"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))  # the machine still hands out ports: nothing piled up


def test_a_stage_that_dies_ends_the_run_with_its_status(tmp_path: Path) -> None:
    program = tmp_path / "dies.py"
    program.write_text('"""Dies"""\nimport asyncio, os\n\nasync def main():\n    await asyncio.sleep(0.1)\n    os._exit(7)\n')
    session = Session()
    try:
        session.start(find(str(program)))
        deadline = time.monotonic() + 10
        while not session.finished and time.monotonic() < deadline:
            session.tick()
            time.sleep(0.02)
        assert session.finished and session.exit_status() == 7
        assert session.error == "the program's process exited with status 7"
        assert session.model is not None and [t.info.coro for t in session.model.tracks] == ["main"]
    finally:
        session.close()


def test_stopping_a_runaway_program_takes_under_a_second(tmp_path: Path) -> None:
    program = tmp_path / "runaway.py"
    program.write_text('"""Runaway"""\nimport asyncio\n\nasync def main():\n    await asyncio.sleep(0.05)\n    while True:\n        pass\n')
    session = Session()
    session.start(find(str(program)))
    assert session.link is not None
    deadline = time.monotonic() + 10
    while session.busy() is None and time.monotonic() < deadline:
        session.tick()
        time.sleep(0.02)
    assert session.busy() is not None, "the loop is held"
    pid = session.link.process.process.pid
    started = time.monotonic()
    session.close()
    took = time.monotonic() - started
    assert not alive(pid)
    assert took < 1.5, f"stopping took {took:.2f} s (budget: 0.5 s polite, 0.2 s SIGTERM, then SIGKILL)"


def test_a_long_run_on_a_stage_forgets_what_it_sent_and_the_app_gets_every_row(tmp_path: Path) -> None:
    """Far more rows than the stage keeps once sent (``retention.KEEP_ROWS``): the stage forgets
    most of them, and the app's record still holds every task, every outcome and every row."""
    program = tmp_path / "busy.py"
    program.write_text('"""Busy"""\nimport asyncio\n\n'
                       'async def work(n):\n    for _ in range(20):\n        await asyncio.sleep(0)\n    return n\n\n'
                       'async def main():\n    for batch in range(20):\n'
                       '        await asyncio.gather(*(work(batch * 250 + k) for k in range(250)))\n'
                       '        await asyncio.sleep(0.05)\n')  # a flush or two between batches, however busy the machine
    session = Session()
    try:
        session.start(find(str(program)))
        deadline = time.monotonic() + 60
        while not session.finished and time.monotonic() < deadline:
            session.tick()
            time.sleep(0.01)
        while session.link is not None and session.link.backlog:
            session.tick()
        assert session.finished and session.exit_status() == 0
        model, link = session.model, session.link
        assert model is not None and link is not None
        tasks = 1 + 20 * 250
        steps = 1 + 40 + 21 * (tasks - 1)  # main's 41, the work tasks' 21 each
        assert len(model.tracks) == tasks and all(track.info.outcome == 0 for track in model.tracks)
        assert sum(track.steps for track in model.tracks) == steps
        assert model.consumed == len(link.record.codes) == link.record.rows_written
        assert link.end["forgotten_rows"] >= KEEP_ROWS, "the stage kept everything it had sent"
        assert link.end["forgotten_tasks"] > 1000  # of 5,001: a task is about 44 rows
    finally:
        session.close()
