"""The JSON summary: the same object whether built whole or written task by task."""

from __future__ import annotations

import asyncio
import io
import json

from taskviz.model import summary
from taskviz.model.summary import INDENTED_TASKS, WRITE_BATCH, run_summary, write_summary
from taskviz.runner import run_main


def test_a_big_run_is_written_in_batches_and_reads_back_the_same() -> None:
    async def one(n: int) -> int:
        await asyncio.sleep(0.001 * (n % 7))
        return n

    async def main() -> int:
        return sum(await asyncio.gather(*(one(n) for n in range(INDENTED_TASKS + 50))))

    finished = run_main(main, virtual_time=True)
    out = io.StringIO()
    write_summary(out, "big", finished.model, finished.run.wall_ns, exit=0)
    text = out.getvalue()
    batches = -(-len(finished.model.tracks) // WRITE_BATCH)
    assert text.count("\n") == batches + 2, "a line a batch of tasks, between the head and the tail"
    assert json.loads(text) == {**run_summary("big", finished.model, finished.run.wall_ns), "exit": 0}


def test_a_small_run_is_indented_for_people() -> None:
    async def main() -> None:
        await asyncio.sleep(0.1)

    finished = run_main(main, virtual_time=True)
    out = io.StringIO()
    write_summary(out, "small", finished.model, finished.run.wall_ns)
    assert out.getvalue().startswith('{\n  "scenario": "small",')
    assert [w["what"] for w in json.loads(out.getvalue())["tasks"][0]["awaited"]] == ["sleep 0.1s"]


def test_each_streamed_entry_is_the_text_json_writes_of_its_object() -> None:
    """The streamed JSON writes its entries as text (``_EntryTexts``): byte for byte what
    ``json.dumps`` writes of each entry's object, whatever the task: named or not, with
    arguments past ASCII and control characters, ended every way, alive, a library's, twins."""

    async def ok(n: int, label: str) -> str | None:
        await asyncio.sleep(0.001 * n)
        return None if n % 2 else label

    async def fails(label: str) -> None:
        await asyncio.sleep(0.002)
        raise ValueError(label)

    async def forever() -> None:
        await asyncio.Event().wait()

    async def main() -> None:
        lock = asyncio.Lock()
        async with lock:
            tasks = [asyncio.create_task(ok(n, label), name=label)
                     for n, label in enumerate(["", "ünï", "e\x1b[31m", "Task-9", "ok", "ok", "日本\u202e"])]
            tasks.append(asyncio.create_task(fails("boom ✗")))
            stuck = asyncio.create_task(forever())
            late = asyncio.create_task(forever())
            await asyncio.sleep(0.01)
            late.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            del stuck

    finished = run_main(main, virtual_time=True)
    model = finished.model
    model.tracks[1].info.library = "somelib"  # as the stage marks a library's own task
    model.tracks[-1].info.outcome = None  # as a live run's task not finished yet
    dicts, texts = summary._Entries(model), summary._EntryTexts(model)
    for track in model.tracks:
        assert texts(track) == json.dumps(dicts(track)), track.info
    outcomes = {entry["outcome"] for entry in (dicts(track) for track in model.tracks)}
    assert outcomes == {"ok", "failed", "cancelled", "alive"} and any(track.awaited for track in model.tracks)
