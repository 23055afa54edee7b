"""The stage forgets what it has streamed (``stage/retention.py``), and the viewer still gets all of it.

A traced run on a virtual clock is streamed twice, once with the stage forgetting every
few hundred rows and once keeping everything: the two streams must rebuild the same
record, row for row, task for task, while the forgetting stage holds only a tail.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from taskviz.runner import new_virtual_loop
from taskviz.stage import retention
from taskviz.stage.clock import StageClock, StepGate
from taskviz.stage.retention import Retention
from taskviz.stage.tracing import Run
from taskviz.wire.record import FORGOTTEN, EventRecord
from taskviz.wire.stream import RecordBuilder, StreamReader, StreamWriter

Tick = Callable[[], None]


async def server(tick: Tick) -> int:
    """Requests through a lock and a bounded queue, joined by gather: every table the stage keeps grows."""
    queue: asyncio.Queue[int] = asyncio.Queue(maxsize=5)
    lock = asyncio.Lock()

    async def handle(n: int) -> int:
        await asyncio.sleep(0.001 * (n % 3))
        async with lock:
            await asyncio.sleep(0)
            await queue.put(n)
        return n

    async def drain() -> int:
        total = 0
        while True:
            total += await queue.get()
            if total < 0:
                return total

    consumer = asyncio.create_task(drain())
    done = 0
    for batch in range(30):
        done += sum(await asyncio.gather(*(handle(batch * 20 + k) for k in range(20))))
        tick()
    consumer.cancel()
    return done


def streamed(main: Callable[[Tick], Coroutine[Any, Any, Any]], forget: bool) -> tuple[EventRecord, RecordBuilder, Retention]:
    """Trace ``main`` on a virtual clock, its stream flushed at each ``tick`` as the broadcast
    thread would; returns the stage's record, the viewer's and the retention."""
    out = bytearray()
    parts: dict[str, Any] = {}

    def tick() -> None:
        parts["writer"].flush()
        if forget:
            parts["retention"].after_flush()

    async def drive() -> None:
        run = Run.start(main(tick))
        writer = StreamWriter(out.extend, run.record)
        writer.header({"name": "retention"})
        gate = StepGate(StageClock())
        run.gate = gate
        parts.update(run=run, writer=writer, retention=Retention(run.record, writer, gate))
        await run.wait()

    with asyncio.Runner(loop_factory=new_virtual_loop) as runner:
        runner.run(drive())
    run = parts["run"]
    run.close()
    parts["writer"].flush()
    builder = RecordBuilder()
    for chunk in StreamReader().feed(bytes(out)):
        builder.add(chunk)
    builder.fold()
    return run.record, builder, parts["retention"]


@pytest.fixture
def keep_few_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retention, "KEEP_ROWS", 200)


def _tables(record: EventRecord) -> dict[str, Any]:
    return {
        "rows": [list(column) for column in (record.starts, record.times, record.codes, record.args)],
        "tasks": [(t.id, t.parent, t.coro, t.outcome, t.result, t.exception, t.args) for t in record.tasks],  # names count on: Task-N
        "objects": [(o.id, o.kind, o.name, sorted(o.tasks), o.size) for o in record.objects],
        "targets": list(record.targets),
        "holds": list(record.holds),
        "levels": list(record.levels),
        "strings": list(record.strings),
    }


def test_a_forgetting_stage_streams_exactly_what_a_keeping_one_does(keep_few_rows: None) -> None:
    kept, kept_view, _ = streamed(server, forget=False)
    held, view, stage = streamed(server, forget=True)
    assert _tables(view.record) == _tables(kept_view.record) == _tables(kept)
    assert len(kept.tasks) > 600 and len(kept.targets) > 0 and len(kept.holds) > 0 and len(kept.levels) > 0
    # ...while the forgetting stage held only what it had not sent yet
    assert held.rows_written == len(kept.codes)
    assert held.row_base > len(kept.codes) // 2 and len(held.codes) < len(kept.codes) // 2
    assert held.updated_base > 0 and held.target_base > 0 and held.hold_base > 0 and held.level_base > 0
    forgotten = sum(info is FORGOTTEN for info in held.tasks)
    assert forgotten == stage.forgotten_tasks > len(held.tasks) // 2
    assert held.tasks[0] is not FORGOTTEN  # main: the stage's END says how it ended


def test_forgetting_waits_while_a_flush_reads_the_record(keep_few_rows: None) -> None:
    held, _, stage = streamed(server, forget=True)
    writer_lock = stage._writer.record_lock
    rows, base = len(held.codes), held.row_base
    with writer_lock:
        assert stage.forget() is False
        assert (len(held.codes), held.row_base) == (rows, base)
    assert stage.forget() is True
    assert held.row_base == held.rows_written and len(held.codes) == 0  # everything had been sent


def test_a_chore_runs_on_the_next_step_until_it_is_done() -> None:
    gate = StepGate(StageClock())
    calls: list[int] = []

    def chore() -> bool:
        calls.append(len(calls))
        return len(calls) >= 2  # not done the first time: the next step tries again

    assert not gate.armed
    gate.chore(chore)
    gate.chore(chore)  # asked twice before it ran: still once a step
    assert gate.armed and not gate.closed
    gate.enter()
    assert calls == [0] and gate.armed
    gate.enter()
    assert calls == [0, 1] and not gate.armed
    gate.enter()
    assert calls == [0, 1]


def test_a_chore_due_while_paused_runs_and_the_gate_stays_closed() -> None:
    gate = StepGate(StageClock())
    ran: list[bool] = []
    gate.close()
    gate.chore(lambda: ran.append(True) or True)
    gate._permits = 1  # one step let through, as step() would
    gate.enter()
    assert ran == [True] and gate.closed and gate.armed
    gate.open()
    assert not gate.armed


# -- the app's side: a live run's model keeps a window ---------------------------------------------


def _server_stream() -> bytes:
    """A traced server-like run on a virtual clock, as the stage streams it (flushed at every tick)."""
    out = bytearray()
    parts: dict[str, Any] = {}

    async def drive() -> None:
        run = Run.start(long_server(lambda: parts["writer"].flush()))
        parts["writer"] = writer = StreamWriter(out.extend, run.record)
        writer.header({"name": "long_server"})
        parts["run"] = run
        await run.wait()

    with asyncio.Runner(loop_factory=new_virtual_loop) as runner:
        runner.run(drive())
    parts["run"].close()
    parts["writer"].flush()
    return bytes(out)


async def long_server(tick: Tick) -> None:
    """Requests through a lock and a queue for 60 s of virtual time, a consumer for the whole run,
    and a few long-lived workers made early: what a window must keep while the requests come and go."""
    queue: asyncio.Queue[int] = asyncio.Queue(maxsize=3)
    lock = asyncio.Lock()

    async def handle(n: int) -> int:
        await asyncio.sleep(0.01 * (n % 4))
        async with lock:
            await queue.put(n)
        return n

    async def drain() -> None:
        while True:
            await queue.get()

    async def worker(k: int) -> None:
        for _ in range(60):
            await asyncio.sleep(1)

    consumer = asyncio.create_task(drain())
    workers = [asyncio.create_task(worker(k)) for k in range(3)]
    for second in range(60):
        for n in range(20):
            asyncio.create_task(handle(second * 20 + n))
        await asyncio.sleep(1)
        tick()
    await asyncio.gather(*workers)
    consumer.cancel()


def _models(data: bytes, window_s: float | None) -> Any:
    """The stream folded chunk by chunk as the app folds it, forgetting with ``window_s`` (None: never)."""
    from taskviz.model.folding import folding_for
    from taskviz.model.names import task_name
    from taskviz.model.primitives import primitives_for
    from taskviz.model.retention import Window, forget_before
    from taskviz.model.timeline import TimelineModel
    from taskviz.model.waitfor import waitfor_for

    builder = RecordBuilder()
    model = TimelineModel(builder.record, 0)
    window = Window(window_s, finished=100) if window_s is not None else None
    forgets = 0
    for chunk in StreamReader().feed(data):
        builder.add(chunk)
        builder.fold()
        model.update()
        if model.consumed:  # every view that keeps something of its own, kept up as a frame would
            folding_for(model).rows()
            primitives_for(model).update()
            waitfor_for(model)
            task_name(model, 0)
        cut = window.cut(model) if window is not None else None
        if cut is not None:
            forget_before(model, cut)
            forgets += 1
    return model, forgets


def test_a_window_forgets_the_finished_past_and_keeps_the_rest_exactly() -> None:
    from taskviz.model.names import task_name
    from taskviz.model.primitives import primitives_for
    from taskviz.model.timeline import FORGOTTEN_TRACK, NS
    from taskviz.model.waitfor import waitfor_for

    data = _server_stream()
    full, _ = _models(data, None)
    kept, forgets = _models(data, 10.0)
    history = kept.history
    assert forgets >= 2 and history is not None and full.history is None
    cut = history.before_ns
    assert 30 * NS <= cut <= full.end_ns - 10 * NS
    forgotten = [tid for tid, track in enumerate(kept.tracks) if track is FORGOTTEN_TRACK]
    assert len(forgotten) > 600 and history.tasks == len(forgotten)
    assert all(full.tracks[tid].finished_ns is not None and full.tracks[tid].finished_ns < cut for tid in forgotten)
    assert all(kept.record.tasks[tid].id == -1 for tid in forgotten)
    # every task's time is accounted for: the forgotten in the history's totals, the held in their own
    for name in ("running_ns", "awaiting_ns", "ready_ns", "steps"):
        assert getattr(history, name) + sum(getattr(t, name) for t in kept.held()) == sum(getattr(t, name) for t in full.tracks)
    assert sum(history.outcomes.values()) == history.tasks
    # the held tasks read the same from the cut on: states, cells, names, order
    start, dt, n = cut + NS, NS // 10, int((full.end_ns - cut - NS) // (NS // 10))
    held = [track.info.id for track in kept.held()]
    assert len(held) < len(full.tracks) // 2
    for tid in held:
        assert kept.cells(tid, start, dt, n, kinds=True) == full.cells(tid, start, dt, n, kinds=True), tid
        assert task_name(kept, tid) == task_name(full, tid)
        assert kept.tracks[tid].created_ns == full.tracks[tid].created_ns
    assert kept.order() == [tid for tid in full.order() if kept.tracks[tid] is not FORGOTTEN_TRACK]
    assert kept.loop_cells(start, dt, n) == full.loop_cells(start, dt, n)
    # the queue and the lock rows, and who waits for whom, from the cut on
    kept_rows, full_rows = primitives_for(kept), primitives_for(full)
    assert kept_rows.shown() == full_rows.shown() and kept_rows.shown()
    for oid in full_rows.shown():
        assert kept_rows.cells(oid, start, dt, n) == full_rows.cells(oid, start, dt, n)
    kept_waits, full_waits = waitfor_for(kept), waitfor_for(full)
    for t in range(start, full.end_ns, NS // 7):
        for tid in held:
            assert kept_waits.wait_at(tid, t) == full_waits.wait_at(tid, t), (tid, t)
    assert len(kept_waits.waits) < len(full_waits.waits) // 2
    # the JSON says so: the window's tasks, and the rest in totals
    from taskviz.model.summary import run_summary

    summary, whole = run_summary("long_server", kept, full.end_ns), run_summary("long_server", full, full.end_ns)
    assert "summarised" not in whole and len(whole["tasks"]) == len(full.tracks)
    assert len(summary["tasks"]) == len(held) and summary["summarised"]["tasks"] == history.tasks
    assert summary["summarised"]["ok"] == history.tasks and summary["summarised"]["before_s"] == cut / NS
    # and what is held is the window's share
    assert kept.record.row_base > 0 and len(kept.record.codes) < len(full.record.codes) // 2
    assert len(kept.step_starts) < len(full.step_starts) // 2


def test_the_wait_for_graph_takes_pairs_that_come_after_their_rows() -> None:
    """The stream sends a flush's rows, then the pairs naming them: a graph brought up to date in
    between (the app's findings, every half second) still gets every wait, as one built at the end does."""
    from taskviz.model.timeline import TimelineModel
    from taskviz.model.waitfor import waitfor_for

    data = _server_stream()
    stepwise, _ = _models(data, None)  # the graph asked after every chunk
    builder = RecordBuilder()
    for chunk in StreamReader().feed(data):
        builder.add(chunk)
    builder.fold()
    at_end = TimelineModel(builder.record, 0)
    at_end.update()
    def by_task(waits: Any) -> list[Any]:  # a late pair's wait is taken in after the ones it came behind
        return sorted(waits, key=lambda wait: (wait.task, wait.start_ns))

    assert by_task(waitfor_for(stepwise).waits) == by_task(waitfor_for(at_end).waits)
    assert len(waitfor_for(at_end).waits) > 1000


def test_a_pair_whose_row_the_window_forgot_is_passed_over() -> None:
    """A flush's pairs can come a flush after their rows, and a live run's window may forget
    the rows in between: such a pair names a row no longer held, and must not be read."""
    from taskviz.model.waitfor import waitfor_for

    kept, _ = _models(_server_stream(), 10.0)
    graph = waitfor_for(kept)
    before = list(graph.waits)
    record = kept.record
    assert record.row_base > len(record.codes), "more forgotten than held, so no negative index reaches a held row"
    for row in (record.row_base - 1, 0):  # late, and their rows forgotten: the last one and the first
        record.targets.extend((row, record.targets[-1]))
        assert list(waitfor_for(kept).waits) == before


# -- in the app -------------------------------------------------------------------------------------

REQUESTS = '''"""Requests"""
import asyncio, time

async def handle(n):
    for _ in range(5):
        await asyncio.sleep(0)
    return n

async def main():
    started = time.monotonic()
    n = 0
    while time.monotonic() - started < 0.6:
        await asyncio.gather(*(handle(n + k) for k in range(50)))
        n += 50
        await asyncio.sleep(0.01)
'''


async def test_the_app_says_what_a_long_run_summarised_and_shows_the_rest(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A live run in the app with a small window: the status line says how much history was
    summarised, the timeline starts where the window does, and every task is still counted."""
    from taskviz.app import TaskvizApp
    from taskviz.app.widgets import StatusBar, SummaryBar
    from taskviz.model import retention as model_retention
    from taskviz.model.timeline import FORGOTTEN_TRACK
    from test_app import text_of, wait_until

    monkeypatch.setattr(model_retention, "HELD_FINISHED", 300)
    program = tmp_path / "requests.py"
    program.write_text(REQUESTS)
    app = TaskvizApp(str(program), autorun=True, keep_s=0.1)  # a sixth of the run: most of it is forgotten, however unevenly a loaded machine runs it
    async with app.run_test(size=(160, 40)) as pilot:
        session = app.session
        await wait_until(pilot, lambda: session.model is not None and len(session.model.tracks) > 60, timeout=30)
        view = app.main.timeline
        view.selected = 3  # an early task, selected: the window will forget it
        await wait_until(pilot, lambda: session.finished, timeout=30)
        await pilot.pause(0.2)
        model = session.model
        assert model is not None and model.history is not None
        history = model.history
        forgotten = sum(track is FORGOTTEN_TRACK for track in model.tracks)
        assert forgotten == history.tasks > len(model.tracks) // 2
        status = text_of(app.main.query_one(StatusBar), width=200)
        assert f"summarised: {history.tasks:,} tasks" in status and "history before" in status
        assert text_of(app.main.query_one(SummaryBar), width=200).splitlines()[0].endswith(f"·  {len(model.tracks)} tasks")
        from taskviz.app.widgets import TaskDetails
        assert model.tracks[3] is FORGOTTEN_TRACK and view.selected == 3
        details = text_of(app.main.query_one(TaskDetails), width=200)
        assert f"finished before the window the app keeps ({history.said()})" in details
        view.action_fit()
        await pilot.pause()
        assert view.view_start_ns == history.before_ns  # what is gone is not drawn as empty time
        assert all(model.tracks[tid] is not FORGOTTEN_TRACK for tid in view._rows if isinstance(tid, int))
        # every view of the run copes with the tasks it no longer holds (a gather joins forgotten ones)
        for key in ("down", "down", "down", "T", "escape", "g", "escape", "F", "escape", "e", "e", "p"):
            await pilot.press(key)
            await pilot.pause(0.05)
        from taskviz.app.widgets.presenter_caption import PresenterCaption
        from taskviz.app.widgets.presenter_source import PresenterSource
        from taskviz.app.widgets.presenter_timeline import PresenterTimeline
        assert history.said() in text_of(app.screen.query_one(PresenterCaption), width=200)  # said on a projector too
        assert app.screen.query_one(PresenterTimeline).start_ns == history.before_ns  # its chart starts there too
        assert "history summarised" not in text_of(app.screen.query_one(PresenterSource), width=200)  # nor points at it
        await pilot.press("p")
        await pilot.pause(0.05)
