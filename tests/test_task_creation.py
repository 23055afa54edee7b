"""Every way a task comes to be is traced, on every supported Python, without the program
seeing any difference: ``create_task``, a program's own task factory, eager tasks (3.12+),
``asyncio.Task(...)`` called directly, and ``wait_for`` as each version implements it."""

from __future__ import annotations

import asyncio
import re

import pytest

from conftest import states_seen, trace, track_named
from taskviz.model.timeline import State
from taskviz.stage import compat
from taskviz.wire.record import KIND_BITS, Outcome

needs_eager = pytest.mark.skipif(not compat.EAGER_TASKS, reason="eager tasks arrived in Python 3.12")


def first_step(finished, track) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """(row index, start, end) of the task's first step, from the record itself."""
    record = finished.record
    return next((i, record.starts[i], record.times[i]) for i in range(len(record))
                if record.is_step(i) and record.codes[i] >> KIND_BITS == track.info.id)


def ran_inside(finished, inner, outer) -> bool:  # type: ignore[no-untyped-def]
    """Whether ``inner``'s first step ran within ``outer``'s: it began after and was written first."""
    inner_row, inner_start, inner_end = first_step(finished, inner)
    outer_row, outer_start, outer_end = first_step(finished, outer)
    return inner_row < outer_row and outer_start <= inner_start <= inner_end <= outer_end


def test_default_names_are_asyncios_own() -> None:
    """No task is renamed by the tracer (3.13.0 names factory-made tasks "None")."""

    async def child() -> str:
        await asyncio.sleep(0.1)
        current = asyncio.current_task()
        assert current is not None
        return current.get_name()

    async def main() -> list[str]:
        return list(await asyncio.gather(child(), asyncio.create_task(child())))

    finished = trace(main)
    names = [t.info.name for t in finished.model.tracks if t.info.coro.endswith("child")]
    assert len(names) == 2 and all(re.fullmatch(r"Task-\d+", name) for name in names), names
    assert all(re.fullmatch(r"'Task-\d+'", part) for part in re.findall(r"'[^']*'", finished.record.tasks[0].result or ""))


@needs_eager
def test_a_programs_eager_factory_is_kept_and_its_tasks_traced() -> None:
    async def child() -> int:
        await asyncio.sleep(0.5)
        return 1

    async def quick() -> int:
        return 2  # finishes in its first, eager step

    async def main() -> tuple[object, ...]:
        loop = asyncio.get_running_loop()
        loop.set_task_factory(asyncio.eager_task_factory)
        factory = loop.get_task_factory()
        a = asyncio.create_task(child())
        b = asyncio.create_task(quick())
        done_at_once = b.done()
        return factory is asyncio.eager_task_factory, done_at_once, await a, await b

    finished = trace(main, virtual_time=False)
    assert finished.record.tasks[0].result == "(True, True, 1, 2)"
    model = finished.model
    child_track, quick_track = track_named(model, "child"), track_named(model, "quick")
    assert quick_track.info.outcome is Outcome.OK and quick_track.info.result == "2"
    # an eager task's first step runs inside its creator's step, as asyncio runs it
    assert ran_inside(finished, child_track, model.tracks[0]) and ran_inside(finished, quick_track, model.tracks[0])
    assert states_seen(child_track) == [State.PENDING, State.RUNNING, State.AWAITING, State.READY, State.RUNNING, State.DONE]
    assert child_track.info.outcome is Outcome.OK and child_track.awaiting_ns == pytest.approx(0.5e9, abs=0.1e9)


def test_tasks_made_by_calling_asyncio_task_directly_are_traced() -> None:
    async def job(n: int) -> int:
        await asyncio.sleep(0.2 * n)
        return n

    class Custom(asyncio.Task):  # type: ignore[type-arg]
        """Subclassing asyncio.Task keeps working while taskviz watches."""

    async def main() -> tuple[object, ...]:
        loop = asyncio.get_running_loop()
        plain = asyncio.Task(job(1), loop=loop)
        custom = Custom(job(2), loop=loop)
        checks = (isinstance(plain, asyncio.Task), type(plain) is asyncio.tasks.Task, isinstance(custom, asyncio.Task),
                  issubclass(Custom, asyncio.Task))
        return checks, await plain, await custom

    finished = trace(main)
    assert finished.record.tasks[0].result == "((True, True, True, True), 1, 2)"
    jobs = [t for t in finished.model.tracks if t.info.coro.endswith("job")]
    assert [t.info.outcome for t in jobs] == [Outcome.OK, Outcome.OK]
    assert [round(t.awaiting_ns / 1e9, 2) for t in jobs] == [0.2, 0.4]
    assert all(t.info.parent == 0 for t in jobs)


@needs_eager
def test_eager_start_given_to_asyncio_task_runs_inside_the_creator() -> None:
    async def job() -> str:
        await asyncio.sleep(0.3)
        return "late"

    async def instant() -> str:
        return "now"

    async def main() -> tuple[object, ...]:
        loop = asyncio.get_running_loop()
        late = asyncio.Task(job(), loop=loop, eager_start=True)
        now = asyncio.Task(instant(), loop=loop, eager_start=True)
        return now.done(), await late, await now

    finished = trace(main, virtual_time=False)
    assert finished.record.tasks[0].result == "(True, 'late', 'now')"
    model = finished.model
    late, now = track_named(model, "job"), track_named(model, "instant")
    assert ran_inside(finished, late, model.tracks[0]) and ran_inside(finished, now, model.tracks[0])
    assert now.info.outcome is Outcome.OK and now.info.result == "'now'" and now.info.name.startswith("Task-")


def test_wait_for_as_this_python_implements_it() -> None:
    async def query() -> None:
        await asyncio.sleep(5)

    async def main() -> None:
        try:
            await asyncio.wait_for(query(), timeout=1)
        except TimeoutError:
            pass

    finished = trace(main)
    queries = [t for t in finished.model.tracks if t.info.coro.endswith("query")]
    if compat.WAIT_FOR_MAKES_A_TASK:
        assert [t.info.outcome for t in queries] == [Outcome.CANCELLED]
    else:
        assert queries == []  # the query ran inside main, under asyncio.timeout
    assert finished.run.wall_ns == pytest.approx(1e9, abs=2e6)


def test_a_taskgroup_and_asyncio_timeout_on_every_version() -> None:
    async def member(n: int) -> int:
        await asyncio.sleep(n)
        return n

    async def main() -> list[int]:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(member(n)) for n in (1, 2)]
        try:
            async with asyncio.timeout(0.5):
                await member(3)
        except TimeoutError:
            pass
        return [t.result() for t in tasks]

    finished = trace(main)
    assert finished.record.tasks[0].result == "[1, 2]"
    members = [t for t in finished.model.tracks if t.info.coro.endswith("member")]
    assert [t.info.outcome for t in members] == [Outcome.OK, Outcome.OK]
    strings = finished.record.strings
    root_labels = [strings[label] for label, _ in finished.model.tracks[0].waits()]
    assert root_labels[0] == "TaskGroup" and "sleep 3s" in root_labels
    assert finished.run.wall_ns == pytest.approx(2.5e9, abs=5e6)
