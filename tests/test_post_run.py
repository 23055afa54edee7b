"""After the run (issue 11): the model, the findings, the text chart and the JSON cost time linear
in the run with small constants, and the chart and the JSON say exactly what they said before."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
from typing import Any

import pytest

from taskviz.export.summary_json import export_json
from taskviz.model import names, summary
from taskviz.model.folding import Folding
from taskviz.model.summary import Gain
from taskviz.model.timeline import TimelineModel
from taskviz.model.waitfor import WaitFor
from taskviz.recording.opened import open_recording
from taskviz.runner import run_main
from taskviz.textchart import render

RECORDED = Path(__file__).parent / "recorded"
# recordings, each with the JSON ``export --to json`` wrote of it before the writer streamed its tasks
RUNS = ("server_like_30", "findings_starved_queue", "deadlock")


def _exported(name: str) -> Any:
    out = io.StringIO()
    export_json(open_recording(str(RECORDED / f"{name}.taskviz")), out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("name", RUNS)
def test_the_json_of_a_recorded_run_is_what_the_old_writer_wrote(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = json.loads((RECORDED / f"{name}.json").read_text(encoding="utf-8"))
    assert _exported(name) == expected, "indented, as small runs are"
    monkeypatch.setattr(summary, "INDENTED_TASKS", 0)
    monkeypatch.setattr(summary, "WRITE_BATCH", 7)
    assert _exported(name) == expected, "streamed a batch of tasks at a time, as big runs are"


def test_the_streamed_json_holds_a_batch_of_tasks_at_most(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(summary, "INDENTED_TASKS", 0)
    monkeypatch.setattr(summary, "WRITE_BATCH", 5)
    made_since_write = [0]
    most = [0]
    entry = summary._EntryTexts.__call__

    def counted(self: Any, track: Any) -> str:
        made_since_write[0] += 1
        most[0] = max(most[0], made_since_write[0])
        return entry(self, track)

    class Out(io.StringIO):
        def write(self, text: str) -> int:
            made_since_write[0] = 0
            return super().write(text)

    monkeypatch.setattr(summary._EntryTexts, "__call__", counted)
    monkeypatch.setattr(summary, "run_summary", lambda *args, **kwargs: pytest.fail("the whole summary was built"))
    opened = open_recording(str(RECORDED / "server_like_30.taskviz"))
    out = Out()
    export_json(opened, out)
    assert len(json.loads(out.getvalue())["tasks"]) == 32 and most[0] == 5


def _fan_out(count: int) -> TimelineModel:
    """main, then ``count`` twin workers that each await a little."""

    async def worker() -> None:
        await asyncio.sleep(0.01)

    async def main() -> None:
        await asyncio.gather(*(worker() for _ in range(count)))

    return run_main(main, virtual_time=True).model


def _chart_calls(model: TimelineModel, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, int], str]:
    calls = {"cells": 0, "group cells": 0, "base names": 0}

    def counting(key: str, fn: Any) -> Any:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            calls[key] += 1
            return fn(*args, **kwargs)

        return wrapped

    with monkeypatch.context() as patch:
        patch.setattr(TimelineModel, "cells", counting("cells", TimelineModel.cells))
        patch.setattr(Folding, "cells", counting("group cells", Folding.cells))
        patch.setattr(names, "base_name", counting("base names", names.base_name))
        text = render(model, title="fan", wall_ns=model.end_ns, gain=Gain(0, 1), max_rows=5)
    return calls, text


def test_the_chart_works_out_only_the_rows_it_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    few, many = _fan_out(20), _fan_out(400)
    few_calls, few_text = _chart_calls(few, monkeypatch)
    many_calls, many_text = _chart_calls(many, monkeypatch)
    assert few_calls == many_calls, "what 396 hidden tasks cost is what 16 cost"
    assert many_calls["cells"] == 5 and many_calls["base names"] <= 5
    assert "worker #4" in many_text and "… 396 more tasks not shown (396 × _fan_out.<locals>.worker)" in many_text
    assert "… 16 more tasks not shown (16 × _fan_out.<locals>.worker)" in few_text


def test_a_name_changed_after_the_table_was_made_is_followed(monkeypatch: pytest.MonkeyPatch) -> None:
    model = _fan_out(3)
    assert [names.task_name(model, tid) for tid in (1, 2, 3)] == ["worker", "worker #2", "worker #3"]
    model.record.tasks[2].name = "beta"
    model.record.touch(2)
    assert [names.task_name(model, tid) for tid in (1, 2, 3)] == ["worker", "beta: worker", "worker #2"]


def test_every_wait_is_found_at_its_instants() -> None:
    async def main() -> None:
        jobs: asyncio.Queue[int] = asyncio.Queue()
        lock = asyncio.Lock()

        async def consumer() -> None:
            for _ in range(4):
                await jobs.get()

        async def producer(n: int) -> None:
            async with lock:
                await asyncio.sleep(0.01)
                await jobs.put(n)

        await asyncio.gather(consumer(), *(producer(n) for n in range(4)))

    finished = run_main(main, virtual_time=True)
    graph = WaitFor(finished.model)
    waits = list(graph.waits)
    assert len(waits) == len(graph.waits) and graph.waits[-1] == waits[-1] and graph.waits[1:3] == waits[1:3]
    by_task: dict[int, int] = {}
    for wait in waits:
        by_task[wait.task] = by_task.get(wait.task, 0) + 1
        assert graph.wait_at(wait.task, wait.start_ns) == wait
        assert wait.end_ns is not None and graph.wait_at(wait.task, wait.end_ns) != wait
        assert graph.wait_at(wait.task, wait.start_ns - 1) != wait
    assert max(by_task.values()) >= 3 and min(by_task.values()) == 1, "tasks waiting once and many times"


@pytest.mark.parametrize("name", RUNS)
def test_a_reported_run_lets_go_of_its_rows_and_reports_the_same(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``run --headless`` builds its model and wait-for graph a chunk of rows at a time and lets the
    record drop each chunk (``finished.model_of``): the text, the findings and the JSON must be
    those of a model built with every row kept."""
    from taskviz import finished
    from taskviz.model.findings import findings
    from taskviz.wire.stream import read_file

    def report(keep_rows: bool) -> tuple[str, list[dict[str, Any]], str, int]:
        kept = open_recording(str(RECORDED / f"{name}.taskviz")).finished  # its origin and wall time
        record = read_file(str(RECORDED / f"{name}.taskviz")).record
        model = finished.model_of(record, kept.run.started_ns, keep_rows)
        wall = kept.run.wall_ns
        text = render(model, title=name, wall_ns=wall, gain=summary.gain(model, wall), width=120)
        found = [finding.to_json() for finding in findings(model)]
        out = io.StringIO()
        summary.write_summary(out, scenario=name, model=model, wall_ns=wall, findings=found)
        return text, found, out.getvalue(), len(record)

    monkeypatch.setattr(finished, "MODEL_CHUNK_ROWS", 7)  # many chunks: waits open across their ends
    text, found, json_text, held = report(keep_rows=False)
    assert held == 0, "every row was let go"
    expected_text, expected_found, expected_json, kept_rows = report(keep_rows=True)
    assert kept_rows > 0
    assert found == expected_found and found or name == "server_like_30"
    assert text == expected_text
    assert json_text == expected_json
