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
