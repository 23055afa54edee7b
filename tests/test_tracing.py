"""The instrumentation: which tasks are traced, their states, labels and lines, and that
the traced program behaves exactly as it would untraced."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest

from conftest import seconds, states_seen, trace, track_named
from taskviz.wire.record import Kind, Outcome
from taskviz.model.timeline import State, TimelineModel
from taskviz.stage.tracing import Run

HERE = Path(__file__)


def line_of(marker: str) -> str:
    """``tests/test_tracing.py:N`` of the line carrying ``# marker``."""
    for number, line in enumerate(HERE.read_text().splitlines(), start=1):
        if line.rstrip().endswith(f"# {marker}"):
            return f"tests/{HERE.name}:{number}"
    raise LookupError(marker)


def labels(finished, track) -> list[tuple[str, str]]:
    strings = finished.record.strings
    return [(strings[label], strings[location]) for label, location in track.waits()]


# -- states ---------------------------------------------------------------------------


def test_every_state_of_a_task_in_order() -> None:
    async def child() -> int:
        await asyncio.sleep(0)  # bare yield: ready at once
        await asyncio.sleep(1)
        return 7

    async def main() -> int:
        task = asyncio.create_task(child())
        return await task

    finished = trace(main)
    track = track_named(finished.model, "child")
    assert states_seen(track) == [
        State.PENDING,
        State.RUNNING,
        State.READY,
        State.RUNNING,
        State.AWAITING,
        State.READY,
        State.RUNNING,
        State.DONE,
    ]
    assert track.steps == 3
    assert seconds(track.awaiting_ns) == pytest.approx(1.0, abs=1e-3)
    assert track.info.result == "7"


def test_state_at_answers_for_any_instant() -> None:
    async def main() -> None:
        await asyncio.sleep(2)

    model = trace(main).model
    root = model.tracks[0]
    assert root.state_at(-1) is State.NONE
    assert root.state_at(1 * 10**9) is State.AWAITING
    assert root.state_at(3 * 10**9) is State.DONE
    intervals = model.intervals(0, 0, 3 * 10**9)
    assert [state for _, _, state in intervals][-2:] == [State.RUNNING, State.DONE]
    awaiting = [(a, b) for a, b, s in intervals if s is State.AWAITING]
    assert seconds(awaiting[0][1] - awaiting[0][0]) == pytest.approx(2.0, abs=1e-3)


def test_pending_until_the_first_step() -> None:
    async def late() -> None:
        pass

    async def main() -> None:
        task = asyncio.create_task(late())
        await asyncio.sleep(0.5)  # the child stays pending until main yields
        await task

    model = trace(main).model
    child = track_named(model, "late")
    assert states_seen(child)[:2] == [State.PENDING, State.RUNNING]


def test_at_most_one_task_runs_at_any_instant() -> None:
    async def worker(n: int) -> None:
        for i in range(20):
            sum(range(200 * n))
            await asyncio.sleep(0.001 * (i % 3))

    async def main() -> None:
        await asyncio.gather(*(worker(n) for n in range(8)))

    record = trace(main, virtual_time=False).record
    inside: int | None = None
    for event in record.events():
        if event.kind is Kind.STARTED:
            assert inside is None, f"task {event.task} started while task {inside} was running"
            inside = event.task
        elif event.kind in (Kind.AWAITING, Kind.YIELDED, Kind.DONE) and record.tasks[event.task].kind == "task":
            assert inside == event.task
            inside = None
    assert inside is None


async def _set_then_block() -> None:
    """Event.set() then a blocking sleep: the waiter is ready at set(), 50 ms before it runs."""

    async def waiter(event: asyncio.Event) -> None:
        await event.wait()

    async def setter(event: asyncio.Event) -> None:
        await asyncio.sleep(0.01)
        event.set()
        time.sleep(0.05)

    event = asyncio.Event()
    await asyncio.gather(waiter(event), setter(event))


def test_ready_is_when_the_wake_up_was_queued_not_when_the_loop_got_back() -> None:
    model = trace(_set_then_block, virtual_time=False).model
    waiting = track_named(model, "waiter")
    # ready from set() on, through the 50 ms block (counted from the loop getting back it would be ~0);
    # a loaded machine oversleeps, so only the lower bound is tight
    assert 0.045 <= seconds(waiting.ready_ns) <= 0.25


def test_a_joiner_is_ready_when_the_last_step_of_the_task_it_joins_ends() -> None:
    """Not when the tracer's bookkeeping of that step, and asyncio's of the finished task, are done."""

    async def child() -> int:
        await asyncio.sleep(0)
        time.sleep(0.02)  # the last step runs long: its end is well apart from its start
        return 1

    async def joiner() -> int:
        return await asyncio.create_task(child())

    record = trace(joiner, virtual_time=False).record
    rows = [(code >> 4, Kind(code & 15), time_ns) for code, time_ns in zip(record.codes, record.times)]
    coro = {info.id: info.coro.split(".")[-1] for info in record.tasks}
    child_done = [t for tid, kind, t in rows if coro[tid] == "child" and kind is Kind.DONE]
    joiner_woken = [t for tid, kind, t in rows if coro[tid] == "joiner" and kind is Kind.WOKEN]
    assert len(child_done) == 1 and len(joiner_woken) == 1
    assert joiner_woken[0] == child_done[0]


class _CountingLoop(asyncio.SelectorEventLoop):
    """A loop with a call_soon of its own, as some programs and libraries make."""

    calls = 0

    def call_soon(self, callback, *args, context=None):  # type: ignore[no-untyped-def]
        _CountingLoop.calls += 1
        return super().call_soon(callback, *args, context=context)


def test_wake_ups_are_seen_through_a_loops_own_call_soon() -> None:
    """The hook calls a loop's own call_soon through, and still sees each wake-up as it passes."""

    async def drive() -> Run:
        run = Run.start(_set_then_block())
        await run.wait()
        return run

    loop = _CountingLoop()
    try:
        run = loop.run_until_complete(drive())
    finally:
        loop.close()
    model = TimelineModel(run.record, run.started_ns)
    model.update()
    waiting = track_named(model, "waiter")
    assert _CountingLoop.calls > 0, "the loop's own call_soon ran"
    assert "call_soon" not in vars(loop), "the hook is off the loop after the run"
    assert 0.045 <= seconds(waiting.ready_ns) <= 0.25, "ready from set() on, as with asyncio's own call_soon"


def test_a_future_completed_from_another_thread_keeps_the_record_whole() -> None:
    """A (wrong, but seen in the wild) set_result from a worker thread: its wake-up is recorded, the columns stay aligned."""

    async def main() -> None:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        worker = threading.Thread(target=lambda: (time.sleep(0.02), future.set_result(1)))
        worker.start()
        loop.call_later(0.2, lambda: None)  # wakes the selector, as the thread does not
        await future
        worker.join()

    finished = trace(main, virtual_time=False)
    record = finished.record
    assert len(record.starts) == len(record.times) == len(record.codes) == len(record.args)
    kinds = [Kind(code & 0xF) for code in record.codes]
    assert Kind.WOKEN in kinds
    assert kinds[-1] is Kind.DONE


def test_an_executor_job_shows_running_while_it_runs() -> None:
    """Its thread's report reaches the record at once, not when the run ends: a live viewer sees it."""

    async def main() -> None:
        await asyncio.to_thread(time.sleep, 0.3)

    async def drive() -> tuple[list[Kind], Run]:
        run = Run.start(main())
        await asyncio.sleep(0.15)  # not traced: made outside the run; the job is half done
        seen = [Kind(code & 0xF) for code in run.record.codes]
        await run.wait()
        return seen, run

    seen, run = asyncio.run(drive())
    jobs = [info.id for info in run.record.tasks if info.kind == "thread"]
    assert len(jobs) == 1
    assert Kind.STARTED in seen, "the job's start was in the record while it ran"
    assert Kind.DONE not in seen


def test_a_sleep_is_ready_at_its_deadline_even_when_the_loop_was_blocked() -> None:
    async def sleeper() -> None:
        await asyncio.sleep(0.01)

    async def blocker() -> None:
        await asyncio.sleep(0)
        time.sleep(0.08)

    async def main() -> None:
        await asyncio.gather(sleeper(), blocker())

    model = trace(main, virtual_time=False).model
    sleeping = track_named(model, "sleeper")
    assert seconds(sleeping.awaiting_ns) == pytest.approx(0.01, abs=0.005)
    # ready from its deadline to its next step: through the 80 ms block at least (a loaded
    # machine may add to it, never take from it), and never counted as awaiting
    assert seconds(sleeping.ready_ns) >= 0.065
    blocking = track_named(model, "blocker")
    assert sleeping.ready_ns >= max(blocking.running_ns - 15_000_000, 0)


# -- only the scenario's tasks --------------------------------------------------------


async def test_only_tasks_created_under_the_run_are_recorded() -> None:
    from taskviz.stage.tracing import Run
    from taskviz.model.timeline import TimelineModel

    async def outsider() -> None:
        await asyncio.sleep(0.01)

    async def inner() -> None:
        await asyncio.sleep(0.01)

    async def main() -> None:
        await asyncio.gather(inner(), inner())

    before = asyncio.create_task(outsider())
    run = Run.start(main())
    during = asyncio.create_task(outsider())
    await run.wait()
    await asyncio.gather(before, during)
    model = TimelineModel(run.record, run.started_ns)
    model.update()
    assert [track.info.coro.split(".")[-1] for track in model.tracks] == ["main", "inner", "inner"]
    assert asyncio.get_running_loop().get_task_factory() is None
    assert "call_soon" not in vars(asyncio.get_running_loop())


# -- what is awaited, and where --------------------------------------------------------


def test_labels_and_lines_of_what_tasks_await() -> None:
    async def sleeper() -> None:
        await asyncio.sleep(1.5)  # sleep-line

    async def consumer(queue: asyncio.Queue[int]) -> None:
        await queue.get()  # queue-line

    async def locker(lock: asyncio.Lock) -> None:
        async with lock:  # lock-line
            pass

    async def flagger(event: asyncio.Event) -> None:
        await event.wait()  # event-line

    async def conditioned(cond: asyncio.Condition) -> None:
        async with cond:
            await cond.wait()  # condition-line

    async def main() -> None:
        queue: asyncio.Queue[int] = asyncio.Queue()
        lock, event, cond = asyncio.Lock(), asyncio.Event(), asyncio.Condition()
        await lock.acquire()
        tasks = [
            asyncio.create_task(sleeper(), name="sleeper"),
            asyncio.create_task(consumer(queue)),
            asyncio.create_task(locker(lock)),
            asyncio.create_task(flagger(event)),
            asyncio.create_task(conditioned(cond)),
        ]
        await asyncio.sleep(0.1)
        queue.put_nowait(1)
        lock.release()
        event.set()
        async with cond:
            cond.notify_all()
        await tasks[0]  # task-line
        # one child still pending: on 3.12+ gathering only finished tasks does not suspend
        await asyncio.gather(*tasks, asyncio.sleep(0.1))  # gather-line

    finished = trace(main)
    model = finished.model
    assert labels(finished, track_named(model, "sleeper")) == [("sleep 1.5s", line_of("sleep-line"))]
    assert labels(finished, track_named(model, "consumer")) == [("Queue.get", line_of("queue-line"))]
    assert labels(finished, track_named(model, "locker")) == [("Lock.acquire", line_of("lock-line"))]
    assert labels(finished, track_named(model, "flagger")) == [("Event.wait", line_of("event-line"))]
    assert labels(finished, track_named(model, "conditioned")) == [("Condition.wait", line_of("condition-line"))]
    root = labels(finished, model.tracks[0])
    assert ("task sleeper", line_of("task-line")) in root
    assert ("gather (6)", line_of("gather-line")) in root


def test_one_line_awaiting_different_calls_reads_as_each_call() -> None:
    """A wait is remembered by its line and the calls below it (a Site of the program's code),
    so that the next wait there costs less: the same line awaiting another call, or a
    coroutine of the program's own, must still read as that call, at its own line."""
    order: list[str] = []

    async def mine(queue: asyncio.Queue[int]) -> int:
        return await queue.get()  # mine-line

    async def waiter(queue: asyncio.Queue[int], event: asyncio.Event, lock: asyncio.Lock) -> None:
        calls = {"get": queue.get, "wait": event.wait, "mine": lambda: mine(queue), "acquire": lock.acquire}
        for name in order:
            await calls[name]()  # any-call-line
            event.clear()

    async def main() -> None:
        queue: asyncio.Queue[int] = asyncio.Queue()
        event, lock = asyncio.Event(), asyncio.Lock()
        await lock.acquire()
        task = asyncio.create_task(waiter(queue, event, lock))
        for name in order:
            await asyncio.sleep(1)
            if name in ("get", "mine"):
                queue.put_nowait(1)
            elif name == "wait":
                event.set()
            else:
                lock.release()  # whoever holds it: main first, then the waiter itself
        await task

    order.extend(["get", "wait", "mine", "get", "acquire", "wait", "acquire", "mine", "get", "mine"])
    finished = trace(main)
    any_line, mine_line = line_of("any-call-line"), line_of("mine-line")
    expected = {"get": ("Queue.get", any_line), "wait": ("Event.wait", any_line), "mine": ("Queue.get", mine_line),
                "acquire": ("Lock.acquire", any_line)}
    record = finished.record
    waiter_id = track_named(finished.model, "waiter").info.id
    waits = [(record.strings[arg >> 32], record.strings[arg & 0xFFFFFFFF]) for code, arg in zip(record.codes, record.args)
             if code >> 4 == waiter_id and code & 15 == Kind.AWAITING]
    assert waits == [expected[name] for name in order]
    objects = [record.objects[oid].kind for oid in record.targets[1::2]]
    assert objects.count("lock") == 2, "each wait on the lock is paired with it, the second (a Site's) too"
    assert objects.count("event") == 1, "the line's first wait on the event is paired, though the queue's came first"


def test_executor_and_socket_waits_are_named() -> None:
    slept: list[float] = []  # what each job took, by its own clock: the truth taskviz must show

    def blocking() -> int:
        started = time.perf_counter()
        time.sleep(0.02)
        slept.append(time.perf_counter() - started)
        return 3

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        data = await reader.readline()
        writer.write(data.upper())
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    async def client(port: int) -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"hello\n")
        line = await reader.readline()  # read-line
        writer.close()
        await writer.wait_closed()
        return line

    async def main() -> tuple[int, int, bytes]:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            a = await asyncio.to_thread(blocking)  # thread-line
            b = await asyncio.get_running_loop().run_in_executor(None, blocking)  # executor-line
            line = await asyncio.create_task(client(port))
        return a, b, line

    finished = trace(main, virtual_time=False)
    model = finished.model
    root = labels(finished, model.tracks[0])
    assert ("to_thread (executor)", line_of("thread-line")) in root
    assert ("executor", line_of("executor-line")) in root
    assert ("socket read", line_of("read-line")) in labels(finished, track_named(model, "client"))
    jobs = [track for track in model.tracks if track.info.kind == "thread"]
    assert [job.info.coro.split(".")[-1] for job in jobs] == ["blocking", "blocking"]
    for job, own in zip(jobs, slept, strict=True):
        # against the job's own measurement, not the 0.02 asked for: a loaded machine oversleeps
        assert own <= seconds(job.running_ns) <= own + 0.015
        assert job.info.result == "3"
        assert job.info.parent == 0
    assert finished.record.tasks[0].result == "(3, 3, b'HELLO\\n')"


def test_task_identity_parent_name_and_creation_line() -> None:
    async def leaf() -> None:
        await asyncio.sleep(0.1)

    async def middle() -> None:
        await asyncio.create_task(leaf(), name="the-leaf")  # leaf-created

    async def main() -> None:
        await asyncio.create_task(middle())  # middle-created

    model = trace(main).model
    root, mid, leaf_track = model.tracks
    assert root.info.parent is None and root.info.coro.endswith("main")
    assert mid.info.parent == root.info.id and mid.info.created_at == line_of("middle-created")
    assert leaf_track.info.parent == mid.info.id and leaf_track.info.created_at == line_of("leaf-created")
    assert leaf_track.info.name == "the-leaf"
    assert leaf_track.info.coro.endswith("leaf")
    assert [t.depth for t in model.tracks] == [0, 1, 2]


# -- outcomes --------------------------------------------------------------------------


def test_outcomes_result_exception_cancelled() -> None:
    async def ok() -> str:
        return "x" * 200

    async def bad() -> None:
        await asyncio.sleep(0.1)
        raise ValueError("boom")

    async def stuck() -> None:
        await asyncio.sleep(100)

    async def main() -> None:
        tasks = [asyncio.create_task(c) for c in (ok(), bad(), stuck())]
        await asyncio.sleep(0.5)
        tasks[2].cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    model = trace(main).model
    ok_t, bad_t, stuck_t = (track_named(model, name) for name in ("ok", "bad", "stuck"))
    assert ok_t.info.outcome is Outcome.OK and ok_t.state is State.DONE
    assert len(ok_t.info.result or "") <= 60 and ok_t.info.result.startswith("'xxx")
    assert bad_t.info.outcome is Outcome.FAILED and bad_t.state is State.FAILED
    assert bad_t.info.exception == "ValueError: boom"
    assert stuck_t.info.outcome is Outcome.CANCELLED and stuck_t.state is State.CANCELLED
    assert seconds(stuck_t.finished_ns) == pytest.approx(0.5, abs=1e-3)


# -- the traced program behaves as the untraced one -----------------------------------


async def _semantics_program() -> list[object]:
    """Exercises every behaviour the wrapper must leave intact; returns what it observed."""
    seen: list[object] = []

    async def value(v: object, delay: float = 0.01) -> object:
        await asyncio.sleep(delay)
        return v

    async def fail(msg: str, delay: float = 0.01) -> None:
        await asyncio.sleep(delay)
        raise RuntimeError(msg)

    seen.append(await asyncio.create_task(value(1)))
    try:
        await asyncio.create_task(fail("one"))
    except RuntimeError as exc:
        seen.append(f"raised {exc}")

    cleanup: list[str] = []

    async def cancellable() -> None:
        try:
            await asyncio.sleep(10)
        finally:
            cleanup.append("finally ran")

    task = asyncio.create_task(cancellable())
    await asyncio.sleep(0.01)
    task.cancel("stop")
    try:
        await task
    except asyncio.CancelledError as exc:
        seen.append(f"cancelled during await: {exc.args}")
    seen.append(cleanup[:])

    never = asyncio.create_task(value("never"))
    never.cancel()
    try:
        await never
    except asyncio.CancelledError:
        seen.append(f"cancelled before first step: {never.cancelled()}")

    async def uncancels() -> str:
        me = asyncio.current_task()
        assert me is not None
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            seen.append(f"uncancel -> {me.uncancel()}")
        await asyncio.sleep(0.01)
        return "survived"

    survivor = asyncio.create_task(uncancels())
    await asyncio.sleep(0.01)
    survivor.cancel()
    seen.append(await survivor)

    try:
        async with asyncio.timeout(0.05):
            await asyncio.sleep(1)
    except TimeoutError:
        seen.append("timeout fired")

    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(value("sibling", 1))
            group.create_task(fail("in group"))
    except* RuntimeError as errors:
        seen.append(f"taskgroup: {[str(e) for e in errors.exceptions]}")

    seen.append(await asyncio.gather(value(1), fail("g"), value(3), return_exceptions=True))
    seen[-1] = [repr(x) for x in seen[-1]]  # type: ignore[union-attr]

    inner = asyncio.create_task(value("shielded", 0.05))
    try:
        await asyncio.wait_for(asyncio.shield(inner), 0.01)
    except TimeoutError:
        seen.append(f"shield held: {await inner}")
    seen.append(await asyncio.wait_for(value("in time"), 1))

    loop = asyncio.get_running_loop()
    seen.append(await loop.run_in_executor(None, sum, [1, 2, 3]))
    seen.append(await asyncio.to_thread(lambda: "from thread"))
    return seen


def test_semantics_are_unchanged() -> None:
    plain = asyncio.run(_semantics_program())
    results: list[object] = []

    async def main() -> None:
        results.append(await _semantics_program())

    finished = trace(main)
    assert results == [plain]
    assert finished.record.tasks[0].outcome is Outcome.OK
    assert "taskgroup: ['in group']" in plain and "timeout fired" in plain and "shield held: shielded" in plain
    outcomes = {track.info.coro.split(".")[-1]: track.info.outcome for track in finished.model.tracks}
    assert outcomes["cancellable"] is Outcome.CANCELLED
    assert outcomes["uncancels"] is Outcome.OK


def test_aiohttp_client_and_server_work_traced() -> None:
    from aiohttp import ClientSession, web

    async def hello(request: web.Request) -> web.Response:
        await asyncio.sleep(0.05)
        return web.Response(text=f"hi {request.match_info['name']}")

    async def main() -> list[str]:
        app = web.Application()
        app.router.add_get("/hello/{name}", hello)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        try:
            async with ClientSession() as session:

                async def get(name: str) -> str:
                    async with session.get(f"http://127.0.0.1:{port}/hello/{name}") as response:
                        return await response.text()

                return await asyncio.gather(*(get(n) for n in "abc"))
        finally:
            await runner.cleanup()

    plain = asyncio.run(main())
    finished = trace(main, virtual_time=False)
    assert plain == ["hi a", "hi b", "hi c"]
    assert finished.record.tasks[0].result == repr(plain)
    assert seconds(finished.run.wall_ns) < 1.0
    servers = [track for track in finished.model.tracks if track.info.group == "server"]
    assert servers, "the server's request handlers are traced, marked as server"


# -- loop health ----------------------------------------------------------------------


def test_a_blocking_step_is_measured_and_located() -> None:
    blocked: list[float] = []  # how long the block took, by the program's own clock

    async def blocker() -> None:
        await asyncio.sleep(0.01)
        started = time.perf_counter()
        time.sleep(0.1)  # blocking-line
        blocked.append(time.perf_counter() - started)
        await asyncio.sleep(0.01)

    async def main() -> None:
        await asyncio.gather(blocker(), asyncio.sleep(0.02))

    model = trace(main, virtual_time=False).model
    longest = model.step(model.longest_step)
    # against the program's own measurement, not the 0.1 asked for: a loaded machine oversleeps
    (own,) = blocked
    assert 0.1 <= own <= seconds(longest.end_ns - longest.start_ns) <= own + 0.02
    assert model.step_where(model.longest_step) == line_of("blocking-line")
    assert model.blocks == [model.longest_step]
    assert seconds(model.busy_ns) >= 0.1


# -- the record -------------------------------------------------------------------------


def test_the_record_is_read_incrementally_and_stays_compact() -> None:
    from taskviz.model.timeline import TimelineModel
    from taskviz.stage.tracing import Run

    async def tick(n: int) -> None:
        for _ in range(n):
            await asyncio.sleep(0)

    async def main() -> None:
        await asyncio.gather(*(tick(20) for _ in range(500)))

    async def drive() -> tuple[list[int], int, float]:
        run = Run.start(main())
        model = TimelineModel(run.record, run.started_ns)
        counts = []
        while run.running:
            counts.append(model.update())
            await asyncio.sleep(0)
        counts.append(model.update())
        return counts, len(run.record), run.record.bytes_per_event()

    counts, total, per_event = asyncio.run(drive())
    assert sum(counts) == total > 500 * 20
    assert sum(1 for c in counts if c) > 3, "the model caught up many times, a slice at a time"
    assert per_event <= 64


def test_a_bad_yield_fails_the_task_as_it_would_untraced() -> None:
    import types

    @types.coroutine
    def bad() -> object:
        yield "not a future"

    async def main() -> None:
        await bad()

    with pytest.raises(RuntimeError, match="bad yield") as plain:
        asyncio.run(main())
    finished = trace(main)
    assert finished.record.tasks[0].outcome is Outcome.FAILED
    assert finished.record.tasks[0].exception.startswith("RuntimeError: Task got bad yield")
    assert str(plain.value).startswith("Task got bad yield")


def test_labels_stay_few_however_many_delays_and_joins() -> None:
    """A long run must not grow its string table with every sleep delay or every joined task."""
    import random

    from taskviz.stage.awaits import NAMED_JOINS

    rng = random.Random(7)

    async def napper() -> None:
        for _ in range(5):
            await asyncio.sleep(rng.random() / 1000)

    async def joiner(task: asyncio.Task[None]) -> None:
        await task

    async def main() -> None:
        naps = [asyncio.create_task(napper()) for _ in range(NAMED_JOINS + 200)]
        await asyncio.gather(*(joiner(task) for task in naps))

    finished = trace(main, virtual_time=True)
    strings = finished.record.strings
    sleeps = [s for s in strings if s.startswith("sleep ")]
    # two significant figures (0.00012s, not 0.000123456789s): at most 90 labels a decade, not one a nap
    assert 10 < len(sleeps) < 500 < 5 * (NAMED_JOINS + 200)
    joins = [s for s in strings if s.startswith("task ")]
    assert len(joins) == NAMED_JOINS and "a task" in strings
