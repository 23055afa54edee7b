"""Every scenario's lesson, asserted from its recorded states (virtual clock unless it must block)."""

from __future__ import annotations

import contextlib
import gc
import io
import os
import subprocess
import sys
import threading
import warnings
from pathlib import Path
from typing import Any

import pytest

from taskviz.catalog import all_scenarios, find, load_main
from taskviz.wire.record import Kind, Outcome
from taskviz.finished import Finished
from taskviz.runner import run_main
from taskviz.model.timeline import NS, State, Track

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ["basic", "workers", "sequential", "http_client", "blocking", "threads_vs_asyncio", "fire_and_forget"]
PATTERNS = ["gather_errors", "cancel", "timeout", "semaphore", "job_queue", "taskgroup", "as_completed", "websocket", "server"]


def run(name: str, *, virtual_time: bool = True, **constants: Any) -> Finished:
    """Run a scenario instrumented, with some of its module constants changed first."""
    main = load_main(find(name))
    main.__globals__.update(constants)  # type: ignore[attr-defined]
    with contextlib.redirect_stdout(io.StringIO()):
        return run_main(main, virtual_time=virtual_time, scenario=find(name))


def tracks(finished: Finished, coro: str) -> list[Track]:
    return [t for t in finished.model.tracks if coro in (t.info.coro, t.info.coro.rsplit(".", 1)[-1])]


def s(ns: int | None) -> float:
    assert ns is not None
    return ns / NS


def labelled_intervals(finished: Finished, tid: int) -> list[tuple[float, float, State, str]]:
    """(start, end, state, what it awaited) for one task, from the record's events."""
    record, origin = finished.record, finished.run.started_ns
    out: list[tuple[float, float, State, str]] = []
    state, since, label = State.PENDING, 0.0, ""
    for event in record.events():
        if event.task != tid:
            continue
        t = (event.time_ns - origin) / NS
        new = {Kind.CREATED: State.PENDING, Kind.STARTED: State.RUNNING, Kind.AWAITING: State.AWAITING,
               Kind.YIELDED: State.READY, Kind.WOKEN: State.READY}.get(event.kind, State.DONE)
        out.append((since, t, state, label))
        label = record.label(event.arg) if event.kind is Kind.AWAITING else label
        state, since = new, t
    return out


def most_at_once(intervals: list[list[tuple[float, float]]]) -> int:
    """The most intervals, across tasks, that overlap at any instant."""
    edges = sorted([(a, 1) for spans in intervals for a, b in spans if b > a] + [(b, -1) for spans in intervals for a, b in spans if b > a])
    best = current = 0
    for _, step in edges:
        current += step
        best = max(best, current)
    return best


# -- from the tutorial -----------------------------------------------------------------------


def test_basic_two_fetches_overlap() -> None:
    finished = run("basic")
    users, products = sorted(tracks(finished, "fetch_data"), key=lambda t: t.awaiting_ns)
    assert s(users.awaiting_ns) == pytest.approx(2.0, abs=1e-3) and s(products.awaiting_ns) == pytest.approx(3.0, abs=1e-3)
    assert s(finished.run.wall_ns) == pytest.approx(3.0, abs=1e-3)
    assert str(finished.gain).startswith("5.0 s of waiting in 3.0 s")


def test_workers_finish_in_delay_order_and_gather_keeps_call_order() -> None:
    finished = run("workers")
    workers = tracks(finished, "worker")
    by_finish = sorted(workers, key=lambda t: t.finished_ns or 0)
    assert [w.info.args.split(",")[0] for w in by_finish] == ["'B'", "'A'", "'C'"]
    assert finished.record.tasks[0].result == "['A done', 'B done', 'C done']"
    assert s(finished.run.wall_ns) == pytest.approx(3.0, abs=1e-3)


def test_sequential_takes_the_sum() -> None:
    finished = run("sequential")
    assert len(finished.model.tracks) == 1
    assert s(finished.run.wall_ns) == pytest.approx(5.0, abs=1e-3)
    assert str(finished.gain).startswith("5.0 s of waiting in 5.0 s")


def test_http_five_pages_take_the_longest_not_the_sum() -> None:
    finished = run("http_client")
    fetches = tracks(finished, "fetch_url")
    assert len(fetches) == 5
    assert s(finished.run.wall_ns) == pytest.approx(2.0, abs=0.1)
    assert sum(s(t.awaiting_ns) for t in fetches) == pytest.approx(3.0, abs=0.15)
    strings = finished.record.strings
    assert all(any(strings[label] == "socket read" for label, _ in t.waits()) for t in fetches)
    handlers = tracks(finished, "RequestHandler._handle_request")
    assert len(handlers) == 5 and all(t.info.group == "server" for t in handlers)
    assert all(t.info.outcome is Outcome.OK for t in fetches)


def test_blocking_leaves_the_others_ready_but_not_running() -> None:
    """The block is judged by the step recorded, not by the nominal 0.3 s: a busy machine
    oversleeps ``time.sleep``, which moves when the tickers run but not the lesson."""
    block, tick = 0.3, 0.05
    finished = run("blocking", virtual_time=False, BLOCK_SECONDS=block, TICK_SECONDS=tick)
    model = finished.model
    (blocker,) = tracks(finished, "blocking_download")
    assert model.blocks, "the loop lane shows the block"
    longest = model.step(model.longest_step)
    held_from, held_to = s(longest.start_ns), s(longest.end_ns)
    assert longest.task == blocker.info.id
    assert block <= held_to - held_from < 1.5 * block, "the longest step is the blocker's time.sleep(BLOCK_SECONDS)"
    culprit = model.step_where(model.longest_step)
    line = next(n for n, text in enumerate(find("blocking").source.splitlines(), 1) if "time.sleep(BLOCK_SECONDS)" in text and "#" in text)
    assert culprit == f"scenarios/blocking.py:{line}"
    tickers = tracks(finished, "ticker")
    for ticker in tickers[:2]:
        intervals = labelled_intervals(finished, ticker.info.id)
        during = {state for a, b, state, _ in intervals if a < held_to and b > held_from}
        assert during == {State.AWAITING, State.READY}, "asleep, then ready, never running while the blocker holds the loop"
        due, ran = next((a, b) for a, b, state, _ in intervals if state is State.READY and a < held_to <= b)
        slept_from = next(a for a, b, state, _ in intervals if state is State.AWAITING and b == due)
        assert slept_from <= held_from, "its sleep began before the block"
        assert ran - due >= block - tick - 0.001, "so it is ready for the rest of the block: at least block - tick"
        assert ran - held_to < 0.1, "and runs as soon as the loop is free (as on time as the fixed half below)"
    # the fixed half: the wait runs on a thread row and the tickers stay on time
    threads = [t for t in model.tracks if t.info.kind == "thread"]
    assert len(threads) == 1 and block <= s(threads[0].running_ns) < 1.5 * block
    for ticker in tickers[2:]:
        ready = [b - a for a, b, state, _ in labelled_intervals(finished, ticker.info.id) if state is State.READY]
        assert max(ready) < 0.1, "on time: nowhere near the 0.25 s the blocked half waits"


def test_threads_vs_asyncio() -> None:
    finished = run("threads_vs_asyncio", virtual_time=False, IO_SECONDS=0.1, CPU_WORK=1_500_000)
    model = finished.model
    downloads = [t for t in model.tracks if t.info.coro.endswith("download_blocking")]
    assert len(downloads) == 4 and all(t.info.kind == "thread" for t in downloads)
    starts = [s(t.created_ns) for t in downloads]
    ends = [s(t.finished_ns) for t in downloads]
    assert max(ends) - min(starts) < 0.1 * 2.5, "four blocking downloads overlap in threads"
    tasks = tracks(finished, "download")
    assert len(tasks) == 4 and max(s(t.finished_ns) for t in tasks) - min(s(t.created_ns) for t in tasks) < 0.1 * 2.5
    counts = [t for t in model.tracks if t.info.coro.endswith("count") and t.info.kind == "thread"]
    assert len(counts) == 2
    in_tasks = tracks(finished, "count_in_task")
    spans = [(s(t.created_ns), s(t.finished_ns)) for t in in_tasks]
    first, second = sorted(spans)
    assert second[0] < first[1], "both created together..."
    runs = [[(s(a), s(b)) for a, b, st in model.intervals(t.info.id, 0, finished.run.wall_ns) if st is State.RUNNING] for t in in_tasks]
    assert most_at_once(runs) == 1, "...but the CPU-bound tasks ran one after the other"
    held: dict[int, int] = {}
    for i in model.blocks:
        step = model.step(i)
        held[step.task] = held.get(step.task, 0) + step.end_ns - step.start_ns
    cpu = {t.info.id for t in in_tasks}
    assert cpu <= held.keys(), "CPU work in a task blocks the loop"
    # a loaded machine may stall any step past the threshold now and then; the CPU work holds it most
    assert sum(held[t] for t in cpu) > sum(ns for t, ns in held.items() if t not in cpu | {0})


def test_fire_and_forget_loses_what_nobody_awaits() -> None:
    with contextlib.redirect_stderr(io.StringIO()):
        finished = run("fire_and_forget")
    (email,) = tracks(finished, "send_email")
    (visit,) = tracks(finished, "log_visit")
    (stats,) = tracks(finished, "update_stats")
    assert email.info.outcome is Outcome.FAILED and email.info.exception == "ConnectionError: SMTP server unreachable"
    assert s(email.finished_ns) == pytest.approx(1.0, abs=1e-3)
    assert finished.record.tasks[0].outcome is Outcome.OK, "main never heard of the failure"
    assert visit.info.outcome is Outcome.CANCELLED and s(visit.finished_ns) == pytest.approx(2.0, abs=1e-3)
    assert stats.info.outcome is Outcome.CANCELLED and stats.steps == 2
    strings = finished.record.strings
    awaited_by_main = {strings[label] for label, _ in finished.model.tracks[0].waits()}
    assert awaited_by_main == {"sleep 2s"}, "main never awaited any of its tasks"


# -- patterns -----------------------------------------------------------------------------------


def test_gather_errors() -> None:
    finished = run("gather_errors")
    fetches = tracks(finished, "fetch")
    first, second = fetches[:3], fetches[3:]
    assert [t.info.outcome for t in first] == [Outcome.OK, Outcome.FAILED, Outcome.OK], "a and c are not cancelled"
    assert [s(t.finished_ns) for t in first] == pytest.approx([1.0, 0.5, 2.0], abs=1e-3)
    main = [(a, b, label) for a, b, st, label in labelled_intervals(finished, 0) if st is State.AWAITING]
    assert main[0][2] == "gather (3)" and main[0][1] == pytest.approx(0.5, abs=1e-3), "main wakes at the first error"
    assert [t.info.outcome for t in second] == [Outcome.OK, Outcome.FAILED, Outcome.OK]
    assert finished.record.tasks[0].result == "['a ok', ValueError('b failed'), 'c ok']"


def test_cancel_runs_the_cleanup() -> None:
    finished = run("cancel")
    (download,) = tracks(finished, "download")
    assert download.info.outcome is Outcome.CANCELLED
    assert s(download.finished_ns) == pytest.approx(1.5, abs=1e-3), "cancelled at 1 s, cleanup took 0.5 s"
    waits = [label for _, _, st, label in labelled_intervals(finished, download.info.id) if st is State.AWAITING]
    assert waits == ["sleep 10s", "sleep 0.5s"]
    assert s(finished.run.wall_ns) == pytest.approx(1.5, abs=1e-3)


def test_timeout() -> None:
    finished = run("timeout")
    main = [(a, b, label) for a, b, st, label in labelled_intervals(finished, 0) if st is State.AWAITING]
    assert main[0][2] == "sleep 5s" and main[0][1] == pytest.approx(1.0, abs=1e-3), "asyncio.timeout interrupts at 1 s"
    queries = tracks(finished, "query")
    assert [t.info.outcome for t in queries] == [Outcome.CANCELLED, Outcome.OK]
    assert s(queries[0].finished_ns) == pytest.approx(2.0, abs=1e-3), "wait_for cancels its task after 1 s"
    assert finished.record.tasks[0].result == "'rows after 0.5 s'"


def test_semaphore_never_more_than_three_in_flight() -> None:
    finished = run("semaphore")
    crawls = tracks(finished, "crawl")
    assert len(crawls) == 10
    in_flight = [
        [(a, b) for a, b, st, label in labelled_intervals(finished, t.info.id) if st is not State.PENDING and label != "Semaphore.acquire"
         and not (st is State.READY and label == "Semaphore.acquire")]
        for t in crawls
    ]
    assert most_at_once(in_flight) == 3
    assert sum(any(label == "Semaphore.acquire" for _, _, _, label in labelled_intervals(finished, t.info.id)) for t in crawls) == 7
    assert s(finished.run.wall_ns) == pytest.approx(2.0, abs=0.1)


def test_queue_producers_and_consumers() -> None:
    finished = run("job_queue")
    consumers, producers = tracks(finished, "consumer"), tracks(finished, "producer")
    labels = lambda t: {label for _, _, st, label in labelled_intervals(finished, t.info.id) if st is State.AWAITING}  # noqa: E731
    assert all("Queue.get" in labels(t) for t in consumers)
    assert any("Queue.put" in labels(t) for t in producers), "the queue filled up and a producer waited"
    assert all(t.info.outcome is Outcome.CANCELLED for t in consumers)
    assert all(t.info.outcome is Outcome.OK for t in producers)
    assert "Queue.join" in {label for _, _, st, label in labelled_intervals(finished, 0) if st is State.AWAITING}
    assert finished.record.tasks[0].result == "10", "every job was done"


def test_taskgroup_cancels_the_siblings() -> None:
    finished = run("taskgroup")
    steady, flaky, slow = tracks(finished, "download")
    assert flaky.info.outcome is Outcome.FAILED
    assert steady.info.outcome is Outcome.CANCELLED and slow.info.outcome is Outcome.CANCELLED
    assert s(steady.finished_ns) == pytest.approx(1.0, abs=1e-3) and s(slow.finished_ns) == pytest.approx(1.0, abs=1e-3)
    assert "TaskGroup" in {label for _, _, st, label in labelled_intervals(finished, 0) if st is State.AWAITING}
    assert finished.record.tasks[0].result == "'flaky: connection reset'"


def test_as_completed_in_completion_order() -> None:
    finished = run("as_completed")
    assert finished.record.tasks[0].result == "['d', 'b', 'c', 'a']"
    wakes = [a for a, _, st, _ in labelled_intervals(finished, 0) if st is State.READY]
    assert wakes == pytest.approx([0.5, 1.0, 2.0, 3.0], abs=1e-3)


def test_websocket_keeps_one_connection_open() -> None:
    finished = run("websocket")
    assert finished.record.tasks[0].result.startswith("['echo: message 0', 'echo: message 1', ")
    client = finished.model.tracks[0]  # main chats itself: one task for the whole conversation
    assert client.steps >= 10
    receives = [t for t in finished.model.tracks if any(finished.record.strings[label] == "websocket receive" for label, _ in t.waits())]
    assert {t.info.group for t in receives} == {"", "server"}, "client and server both wait on the socket"
    (handler,) = [t for t in tracks(finished, "RequestHandler._handle_request")]
    assert s(handler.finished_ns) - s(handler.created_ns) >= 2.0, "one connection, open the whole conversation"
    assert handler.running_ns < handler.awaiting_ns


def test_server_serves_twenty_clients_in_about_a_second() -> None:
    finished = run("server")
    handlers = tracks(finished, "RequestHandler._handle_request")
    assert len(handlers) == 20 and all(t.info.group == "server" for t in handlers)
    spans = [[(s(t.created_ns), s(t.finished_ns))] for t in handlers]
    assert most_at_once(spans) == 20
    assert s(finished.run.wall_ns) == pytest.approx(1.0, abs=0.1)
    assert str(finished.gain).startswith("20.0 s of waiting in 1.0 s")


# -- all of them ------------------------------------------------------------------------------


def test_every_scenario_is_listed_with_its_title_and_has_tags() -> None:
    result = subprocess.run([sys.executable, "-m", "taskviz", "list"], capture_output=True, text=True, cwd=ROOT)
    names = {s.name: s for s in all_scenarios()}
    assert set(TUTORIAL + PATTERNS) <= set(names)
    for name in TUTORIAL + PATTERNS:
        scenario = names[name]
        assert scenario.tags and set(scenario.tags) <= {"basics", "http", "pitfalls", "patterns"}
        assert "What to watch for" in scenario.description, name
        line = next(line for line in result.stdout.splitlines() if line.startswith(name + " "))
        assert line.split(None, 1)[1] == scenario.title, "the list is each name with its title, one line"


def _open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else set()


# Scenarios that block for real run with short constants, on the real clock.
QUICK = {
    "blocking": {"BLOCK_SECONDS": 0.1, "TICK_SECONDS": 0.05},
    "threads_vs_asyncio": {"IO_SECONDS": 0.05, "CPU_WORK": 100_000},
}


@pytest.mark.parametrize("name", TUTORIAL + PATTERNS)
def test_nothing_is_left_behind(name: str) -> None:
    before_threads, before_fds = set(threading.enumerate()), _open_fds()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        with contextlib.redirect_stderr(io.StringIO()):
            finished = run(name, virtual_time=name not in QUICK, **QUICK.get(name, {}))
        gc.collect()
    assert not finished.run.running
    assert all(t.info.outcome is not None for t in finished.model.tracks), "every task finished"
    leftover = [t for t in set(threading.enumerate()) - before_threads if t.is_alive() and not t.daemon]
    assert not leftover
    assert _open_fds() <= before_fds, f"{name} left files or sockets open"


def test_plain_python_runs_each_scenario_too() -> None:
    """A learner can run any of them without taskviz: none shadows a module it imports."""
    import concurrent.futures

    def plain(scenario: Any) -> tuple[str, int, str]:
        result = subprocess.run([sys.executable, str(scenario.path)], capture_output=True, text=True, cwd=ROOT, timeout=60)
        return scenario.name, result.returncode, result.stderr[-300:]

    with concurrent.futures.ThreadPoolExecutor(8) as pool:  # they mostly sleep: together they take the longest one's time
        results = list(pool.map(plain, all_scenarios()))
    failed = [r for r in results if r[1] != 0]
    assert not failed, failed
