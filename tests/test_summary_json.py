"""The JSON summary: the same object whether built whole or written task by task."""

from __future__ import annotations

import asyncio
import io
import json

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
