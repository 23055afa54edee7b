"""Each kind of wait is told apart: from the labels the stage writes, and in real traced programs."""

from __future__ import annotations

import asyncio
import time

import pytest

from taskviz.model.timeline import State, TimelineModel, Track
from taskviz.model.waits import STATE_MASK, WaitKind, kind_of_code, wait_kind
from taskviz.stage import awaits

from conftest import trace, track_named

K = WaitKind


def kinds_of(track: Track) -> list[WaitKind]:
    """The kind of each of the task's awaiting intervals, in order."""
    return [kind_of_code(code) for code in track.states if code & STATE_MASK == State.AWAITING]


def test_every_label_the_stage_names_has_its_kind() -> None:
    expected = {
        "Queue.get": K.QUEUE, "Queue.put": K.QUEUE, "Queue.join": K.QUEUE,
        "Lock.acquire": K.LOCK, "Semaphore.acquire": K.LOCK, "Condition.wait": K.LOCK,
        "Condition.wait_for": K.LOCK, "Barrier.wait": K.LOCK, "Event.wait": K.EVENT,
        "to_thread (executor)": K.EXECUTOR, "executor": K.EXECUTOR, "executor shutdown": K.EXECUTOR,
        "socket read": K.NETWORK, "socket write": K.NETWORK, "socket connect": K.NETWORK,
        "socket accept": K.NETWORK, "getaddrinfo (executor)": K.NETWORK, "serve_forever": K.NETWORK,
        "waiting for a request": K.NETWORK, "websocket receive": K.NETWORK,
        "wait_for": K.JOIN, "asyncio.wait": K.JOIN, "as_completed": K.JOIN, "TaskGroup": K.JOIN,
    }
    labels = {text: join for text, join in [*awaits._ASYNCIO_LABELS.values(), *awaits._AIOHTTP_LABELS.values()]}
    assert set(labels) == set(expected), "a label the stage writes has no kind in model/waits.py (or one went away)"
    for text, join in labels.items():
        assert wait_kind(text) is expected[text], text
        assert (wait_kind(text) is K.JOIN) == join, f"{text}: a join for the stage must be one for the model"


@pytest.mark.parametrize(("label", "kind"), [
    ("sleep 0.5s", K.SLEEP), ("sleep ?s", K.SLEEP), ("sleep", K.SLEEP),
    ("task Task-3", K.JOIN), ("a task", K.JOIN), ("gather (3)", K.JOIN),
    ("selector_events: BaseSelectorEventLoop._accept_connection2", K.NETWORK),
    ("connector: _wait_for_close", K.NETWORK), ("web_runner: TCPSite.start", K.NETWORK),
    ("future", K.OTHER), ("yield", K.OTHER), ("mylib: Thing.run", K.OTHER), ("", K.OTHER),
])
def test_labels_made_on_the_fly_are_read_by_their_words(label: str, kind: WaitKind) -> None:
    assert wait_kind(label) is kind


def _model(main) -> TimelineModel:  # type: ignore[no-untyped-def]
    return trace(main).model


def test_a_sleep_a_lock_an_event_and_a_queue_each_get_their_kind() -> None:
    async def main() -> None:
        lock, event, queue = asyncio.Lock(), asyncio.Event(), asyncio.Queue[int]()

        async def holder() -> None:
            async with lock:
                await asyncio.sleep(1)

        async def locked() -> None:
            await asyncio.sleep(0.1)
            async with lock:
                pass

        async def waiter() -> None:
            await event.wait()

        async def taker() -> None:
            await queue.get()

        tasks = [asyncio.create_task(f()) for f in (holder, locked, waiter, taker)]
        await asyncio.sleep(2)
        event.set()
        queue.put_nowait(1)
        await asyncio.gather(*tasks)

    model = _model(main)
    assert kinds_of(track_named(model, "holder")) == [K.SLEEP]
    assert kinds_of(track_named(model, "locked")) == [K.SLEEP, K.LOCK]
    assert kinds_of(track_named(model, "waiter")) == [K.EVENT]
    assert kinds_of(track_named(model, "taker")) == [K.QUEUE]
    assert kinds_of(model.tracks[0]) == [K.SLEEP, K.JOIN]
    assert model.wait_kinds() == {K.SLEEP, K.LOCK, K.EVENT, K.QUEUE, K.JOIN}


def test_joins_on_a_task_on_gather_and_on_a_taskgroup_are_joins() -> None:
    async def nap(seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def main() -> None:
        await asyncio.create_task(nap(1))
        await asyncio.gather(nap(1), nap(2))
        async with asyncio.TaskGroup() as group:
            group.create_task(nap(1))
        await asyncio.wait_for(asyncio.create_task(nap(0.5)), timeout=5)

    model = _model(main)
    assert kinds_of(model.tracks[0]) == [K.JOIN] * 4
    root = model.tracks[0]
    assert root.waiting_ns == 0, "a join waits on other tasks' waits, so it is not counted as waiting again"
    assert all(kinds_of(track) == [K.SLEEP] for track in model.tracks[1:])


def test_an_executor_job_is_an_executor_wait() -> None:
    async def main() -> None:
        await asyncio.to_thread(time.sleep, 0.05)

    model = trace(main, virtual_time=False).model
    assert kinds_of(model.tracks[0]) == [K.EXECUTOR]


def test_a_socket_read_through_a_local_server_is_network() -> None:
    async def main() -> None:
        async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.readline()
            await asyncio.sleep(0.05)
            writer.write(b"pong\n")
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(answer, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"ping\n")
            assert await reader.readline() == b"pong\n"
            writer.close()
            await writer.wait_closed()

    model = trace(main, virtual_time=False).model
    assert K.NETWORK in kinds_of(model.tracks[0])
    labels = {model.record.strings[label] for label, _ in model.tracks[0].waits()}
    assert "socket read" in labels


def test_the_kind_is_asked_at_an_instant_and_per_cell() -> None:
    async def main() -> None:
        event = asyncio.Event()

        async def setter() -> None:
            await asyncio.sleep(1)
            event.set()

        task = asyncio.create_task(setter())
        await event.wait()
        await task

    model = _model(main)
    root, setter = model.tracks[0], track_named(model, "setter")
    assert root.wait_at(500_000_000) is K.EVENT and setter.wait_at(500_000_000) is K.SLEEP
    assert root.state_at(500_000_000) is State.AWAITING, "the state itself stays AWAITING, whatever the kind"
    assert setter.wait_at(1_500_000_000) is None and setter.wait_kind is None
    plain = model.cells(setter.info.id, 0, 100_000_000, 10)
    coded = model.cells(setter.info.id, 0, 100_000_000, 10, kinds=True)
    assert [State(c) for c in plain[2:9]] == [State.AWAITING] * 7, "without kinds, cells are plain States"
    assert [kind_of_code(c) for c in coded[2:9]] == [K.SLEEP] * 7
    assert [c & STATE_MASK for c in coded] == list(plain)
