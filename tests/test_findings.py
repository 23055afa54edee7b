"""Findings (issue 14): each kind found on a program of its own, named, at the right line;
none on the bundled scenarios that have no such problem; ``--fail-on`` and the JSON."""

from __future__ import annotations

import contextlib
import gc
import io
import json
import subprocess
import warnings
from pathlib import Path
from typing import Any

import pytest

from taskviz import cli
from taskviz.catalog import all_scenarios, find, load_main
from taskviz.model.findings import KINDS, Finding, findings, no_await
from taskviz.model.names import task_name
from taskviz.model.timeline import TimelineModel
from taskviz.finished import Finished
from taskviz.runner import run_headless, run_main
from taskviz.stage.awaits import display_path
from taskviz.wire.record import EventRecord, Kind, Outcome, TaskInfo

PROGRAMS = Path(__file__).resolve().parent / "programs"


def headless(path: Path, *, virtual_time: bool = True) -> Finished:
    """A program file run as ``taskviz run FILE --headless`` runs it, its output kept quiet."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings(record=True):
        warnings.simplefilter("default")  # shown as under python (kept here rather than printed)
        return run_headless(find(str(path)), virtual_time=virtual_time, until_s=60 if virtual_time else None)


def line_of(path: Path, text: str) -> str:
    """``file:N`` for the one line of ``path`` holding ``text``, the file named as the stage names it."""
    (number,) = [n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line]
    return f"{display_path(str(path))}:{number}"


def rows(finished: Finished, *names: str) -> list[str]:
    """The row names (``names.task_name``) of the tasks the program named ``names``, in that order."""
    ids = {info.name: info.id for info in finished.record.tasks}
    return [task_name(finished.model, ids[name]) for name in names]


def kinds(found: list[Finding]) -> list[str]:
    return [finding.kind for finding in found]


# -- each kind, on a program of its own ------------------------------------------------------------


def test_the_deadlock_scenario_is_one_finding_naming_both_tasks_and_locks() -> None:
    path = find("deadlock").path
    finished = run_main(load_main(find("deadlock")), virtual_time=True, scenario=find("deadlock"))
    (deadlock,) = finished.findings
    line = line_of(path, "async with payee_lock:")
    assert (deadlock.kind, deadlock.line) == ("deadlock", line)
    alice, bob = rows(finished, "alice_to_bob", "bob_to_alice")
    assert alice.startswith("alice_to_bob: transfer(") and bob.startswith("bob_to_alice: transfer(")
    assert set(deadlock.tasks) == {alice, bob} and deadlock.task in deadlock.tasks, "named as on their rows"
    assert deadlock.at_ns == 100_000_000, "formed when the second transfer queued, at 0.1 s"
    assert f"{alice} waits for lock bob_lock, held by {bob}" in deadlock.message
    assert f"{bob} waits for lock alice_lock, held by {alice}" in deadlock.message


def test_consumers_of_a_queue_nobody_can_fill_any_more_are_one_finding() -> None:
    path = PROGRAMS / "findings_starved_queue.py"
    finished = headless(path)
    (starved,) = finished.findings
    model = finished.model
    consumers = [tid for tid in model.order() if model.tracks[tid].info.coro.endswith("consumer")]
    producer = next(track for track in model.tracks if track.info.coro.endswith("producer"))
    assert (starved.kind, starved.line) == ("starved_queue", line_of(path, "item = await queue.get()"))
    assert set(starved.task_ids) == set(consumers) and set(starved.tasks) == {task_name(model, tid) for tid in consumers}
    assert producer.finished_ns is not None and starved.at_ns >= producer.finished_ns, "only once the producer had ended"
    assert "no live task can fill" in starved.message


def test_a_queue_whose_producer_is_merely_slow_is_no_finding(tmp_path: Path) -> None:
    slow = tmp_path / "slow.py"
    slow.write_text((PROGRAMS / "findings_starved_queue.py").read_text()
                    .replace("await asyncio.sleep(0.01)", "await asyncio.sleep(0.2)")
                    .replace("for item in range(3):", "for item in range(3):  # slowly, while the consumers wait")
                    .replace("await asyncio.create_task(producer(queue))", "asyncio.create_task(producer(queue))")
                    .replace("asyncio.timeout(0.3)", "asyncio.timeout(0.5)"))
    assert [found.kind for found in headless(slow).findings if found.kind == "starved_queue"] == [], \
        "a producer asleep between puts may still put: no alarm while it lives"


def test_a_join_cycle_and_a_lock_taken_twice_are_deadlocks_though_timeouts_end_them() -> None:
    path = PROGRAMS / "findings_deadlock_join.py"
    finished = headless(path)
    join, relock = finished.findings
    first, second, relocker = rows(finished, "first", "second", "relock")
    assert (join.kind, set(join.tasks)) == ("deadlock", {first, second})
    assert join.line == line_of(path, 'await tasks["second"]')
    assert f"{second} waits for {first} to finish (through wait)" in join.message
    assert (relock.kind, relock.tasks, relock.task) == ("deadlock", (relocker,), relocker)
    assert relock.line == line_of(path, "async with lock:  #")
    assert f"{relocker} waits for lock lock, held by {relocker}" in relock.message


def test_a_blocking_call_is_found_with_the_call_and_its_line() -> None:
    path = PROGRAMS / "findings_blocking_call.py"
    finished = headless(path, virtual_time=False)
    (blocking,) = finished.findings
    assert (blocking.kind, blocking.line) == ("blocking", line_of(path, "time.sleep(0.15)"))
    assert blocking.task == task_name(finished.model, blocking.task_ids[0]) == "download", "asyncio's Task-N left out"
    assert blocking.message.startswith("download held the event loop")
    assert "in time.sleep(0.15)" in blocking.message


def test_fire_and_forget_finds_the_unretrieved_exception_and_the_tasks_cancelled_unfinished() -> None:
    scenario = find("fire_and_forget")
    with contextlib.redirect_stdout(io.StringIO()):
        found = run_main(load_main(scenario), virtual_time=True, scenario=scenario).findings
    assert kinds(found) == ["fire_and_forget"] * 3
    by_line = {finding.line: finding.message for finding in found}
    where = {coro: line_of(scenario.path, f"asyncio.create_task({coro}())")
             for coro in ("send_email", "log_visit", "update_stats")}
    assert set(by_line) == set(where.values())
    assert "ConnectionError: SMTP server unreachable" in by_line[where["send_email"]]
    assert "never retrieved" in by_line[where["send_email"]]
    assert "cancelled unfinished" in by_line[where["log_visit"]] and "main() returned" in by_line[where["update_stats"]]


def test_a_task_that_mostly_wakes_itself_is_found_and_one_that_waits_is_not() -> None:
    path = PROGRAMS / "findings_self_wake.py"
    (found,) = headless(path).findings
    assert found.kind == "self_wake" and "poller" in found.message and "40 times of 40" in found.message
    assert found.line == line_of(path, "asyncio.gather(poller(), steady())")


def test_a_coroutine_never_awaited_is_found_in_its_task_at_its_line() -> None:
    path = PROGRAMS / "findings_never_awaited.py"
    finished = headless(path)
    (found,) = finished.findings
    assert (found.kind, found.task) == ("never_awaited", *rows(finished, "handler"))
    assert found.line == line_of(path, "save()  # never awaited")
    assert found.message.startswith("coroutine 'save' was never awaited")


def _record_of_a_cruncher(step_ns: int, steps: int, awaits_every: int = 0) -> TimelineModel:
    """A hand-made record: main joins ``crunch``, which runs ``steps`` steps of ``step_ns``
    ending in bare yields (an await instead every ``awaits_every``-th, if set)."""
    record = EventRecord()
    record.tasks += [TaskInfo(0, None, "main", "mine.py:20", name="Task-1"),
                     TaskInfo(1, 0, "crunch", "mine.py:21", name="cruncher")]
    sleep = record.intern("sleep 0.1s") << 32 | record.intern("mine.py:9")
    record.append(0, 0, Kind.CREATED)
    record.append(0, 1, Kind.CREATED, 1)
    record.append(1_000, 0, Kind.AWAITING, record.intern("task cruncher") << 32 | record.intern("mine.py:21"), start_ns=0)
    t = 1_000
    for n in range(steps):
        awaits = awaits_every and n % awaits_every == awaits_every - 1
        record.append(t + step_ns, 1, Kind.AWAITING if awaits else Kind.YIELDED, sleep if awaits else 0, start_ns=t)
        t += step_ns
        if awaits:
            record.append(t, 1, Kind.WOKEN)
    record.append(t + 1_000, 1, Kind.DONE, int(Outcome.OK), start_ns=t)
    record.append(t + 2_000, 0, Kind.WOKEN)
    record.append(t + 3_000, 0, Kind.DONE, int(Outcome.OK), start_ns=t + 2_000)
    model = TimelineModel(record, 0)
    model.update()
    return model


def test_running_a_second_over_many_steps_without_an_await_is_found_and_shorter_stretches_are_not() -> None:
    (found,) = no_await(_record_of_a_cruncher(90_000_000, 12))
    assert (found.kind, found.task, found.line) == ("no_await", "cruncher: crunch", "mine.py:21"), "named as on its row"
    assert "over 13 steps" in found.message and "1.08 s" in found.message
    assert findings(_record_of_a_cruncher(90_000_000, 12)) == [found], "90 ms steps are not blocking ones"
    assert no_await(_record_of_a_cruncher(90_000_000, 12, awaits_every=6)) == [], "an await every 0.54 s"


# -- no false findings -----------------------------------------------------------------------------

EXPECTED = {"deadlock": ["deadlock"], "fire_and_forget": ["fire_and_forget"] * 3}
# Scenarios whose lesson is a blocked loop: on a virtual clock (as here) a blocking step takes
# no time, so they show nothing; their real-clock finding is tested above and below.
SMALLER = {"threads_vs_asyncio": {"IO_SECONDS": 0.1, "CPU_WORK": 200_000}, "blocking": {"BLOCK_SECONDS": 0.01}}


@pytest.mark.parametrize("name", [scenario.name for scenario in all_scenarios()])
def test_the_bundled_scenarios_have_only_their_own_findings(name: str) -> None:
    scenario = find(name)
    main = load_main(scenario)
    main.__globals__.update(SMALLER.get(name, {}))  # type: ignore[attr-defined]
    with contextlib.redirect_stdout(io.StringIO()):
        finished = run_main(main, virtual_time=True, scenario=scenario)
    assert kinds(finished.findings) == EXPECTED.get(name, []), [f.message for f in finished.findings]


def test_the_blocking_scenario_on_the_real_clock_has_its_one_blocking_finding() -> None:
    scenario = find("blocking")
    main = load_main(scenario)
    main.__globals__.update(BLOCK_SECONDS=0.3, TICK_SECONDS=0.05)  # type: ignore[attr-defined]
    with contextlib.redirect_stdout(io.StringIO()):
        (found,) = run_main(main, virtual_time=False, scenario=scenario).findings
    assert found.kind == "blocking" and "blocking_download" in found.message
    assert found.line == line_of(scenario.path, "time.sleep(BLOCK_SECONDS)  #")
    assert "in time.sleep(BLOCK_SECONDS)" in found.message


# -- the command: printed, in the JSON, --fail-on ----------------------------------------------------


def in_process(capsys: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess[str]:
    """``taskviz ARGS`` run by its ``main`` here (a headless run freezes and stops the collector: undone)."""
    capsys.readouterr()
    try:
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("default")  # shown as under python (kept here rather than printed)
            code = cli.main(list(args))
    except SystemExit as exc:  # a usage error
        code = int(exc.code or 0)
    finally:
        gc.unfreeze()
        gc.enable()
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(["taskviz", *args], code, out, err)


def test_headless_prints_the_findings_and_json_has_them(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = in_process(capsys, "run", "deadlock", "--headless", "--virtual-time", "--json", str(out))
    assert result.returncode == 0
    source = (Path(__file__).parent.parent / "scenarios" / "deadlock.py").read_text().splitlines()
    stuck = f"scenarios/deadlock.py:{next(n for n, line in enumerate(source, 1) if 'async with payee_lock' in line)}"
    tail = result.stdout[result.stdout.index("findings (1):"):].splitlines()
    assert tail[1].split()[:2] == ["deadlock", stuck], "the line where each waits for the other's lock"
    (entry,) = json.loads(out.read_text())["findings"]
    assert {"kind", "task", "line", "message", "tasks"} <= set(entry)
    assert (entry["kind"], entry["line"]) == ("deadlock", stuck)
    assert [task.split(":")[0] for task in sorted(entry["tasks"])] == ["alice_to_bob", "bob_to_alice"]


def test_fail_on_exits_1_only_for_the_kinds_named(capsys: pytest.CaptureFixture[str]) -> None:
    program = str(PROGRAMS / "findings_never_awaited.py")
    assert in_process(capsys, "run", program, "--headless", "--virtual-time", "--fail-on", "blocking,deadlock").returncode == 0
    assert in_process(capsys, "run", program, "--headless", "--virtual-time", "--fail-on", "deadlock,never_awaited").returncode == 1
    assert in_process(capsys, "run", "basic", "--headless", "--virtual-time", "--fail-on", ",".join(KINDS)).returncode == 0


def test_fail_on_keeps_a_failed_programs_own_status(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    script = tmp_path / "both.py"
    script.write_text("import asyncio, sys\n\nasync def main():\n    asyncio.sleep(1)\n    sys.exit(3)\n\n"
                      "asyncio.run(main())\n")
    assert in_process(capsys, "run", str(script), "--headless", "--virtual-time", "--fail-on", "never_awaited").returncode == 3


@pytest.mark.parametrize("args", [("--fail-on", "deadlock,nope"), ("--fail-on", ",")])
def test_an_unknown_kind_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], args: tuple[str, ...]) -> None:
    result = in_process(capsys, "run", "basic", "--headless", *args)
    assert result.returncode == 2 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert ",".join(KINDS) in line and KINDS[0] == "deadlock" and "never_awaited" in KINDS


def test_fail_on_needs_headless(capsys: pytest.CaptureFixture[str]) -> None:
    result = in_process(capsys, "run", "basic", "--fail-on", "deadlock")
    assert result.returncode == 2 and result.stderr.strip() == "taskviz: --fail-on sets a headless run's exit status: add --headless"


def test_findings_json_form_has_the_documented_keys() -> None:
    entry: dict[str, Any] = Finding("blocking", "t", "a.py:3", "m", 1_500_000_000, (4,)).to_json()
    assert entry == {"kind": "blocking", "task": "t", "line": "a.py:3", "message": "m", "at_s": 1.5, "tasks": ["t"],
                     "task_ids": [4]}
