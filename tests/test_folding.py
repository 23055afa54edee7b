"""Libraries' own tasks folded into a row per library: who owns a task (the stage), the rows
and a group's cells (the model), and the same folding in the app and the text timeline."""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import sys
import time
from asyncio.staggered import staggered_race
from pathlib import Path

import pytest
from rich.console import Console

from conftest import recorded, trace

from taskviz.app.replay import replay_app_for
from taskviz.app.widgets import TaskDetails, TimelineView
from taskviz.cli import main
from taskviz.model.folding import Folding, folding_for
from taskviz.model.timeline import NS, State, TimelineModel
from taskviz.wire.record import EventRecord, Kind, Outcome, TaskInfo
from taskviz.wire.stream import read_file

ROOT = Path(__file__).resolve().parent.parent
MS = NS // 1000


# -- the model: rows and cells from TaskInfo.library ---------------------------------------


def model_of(*tasks: tuple[int | None, str]) -> TimelineModel:
    """Tasks given as (parent, library), each made at its id in ms; no steps yet."""
    record = EventRecord()
    for tid, (parent, library) in enumerate(tasks):
        record.tasks.append(TaskInfo(tid, parent, f"coro{tid}", "mine.py:1", library=library))
        record.append(tid * MS, tid, Kind.CREATED, 0 if parent is None else parent + 1)
    model = TimelineModel(record, 0)
    model.update()
    return model


def step(model: TimelineModel, tid: int, start_ms: float, end_ms: float, kind: Kind = Kind.AWAITING) -> None:
    model.record.append(int(end_ms * MS), tid, kind, int(Outcome.OK) if kind is Kind.DONE else 0,
                        start_ns=int(start_ms * MS))
    model.update()


def test_library_tasks_fold_into_one_row_per_library_after_the_programs_own() -> None:
    model = model_of((None, ""), (0, "aiohttp"), (0, ""), (None, "asyncio"), (0, "aiohttp"), (3, "asyncio"))
    folding = Folding(model)
    assert folding.rows() == [0, 2, "aiohttp", "asyncio"]
    assert [(g.owner, g.members, g.label()) for g in folding.groups()] == [
        ("aiohttp", [1, 4], "aiohttp · 2 tasks"), ("asyncio", [3, 5], "asyncio · 2 tasks")]
    assert folding.folded == 4
    assert folding.rows(show_library=True) == model.order() == [0, 1, 2, 4, 3, 5]


def test_a_program_without_library_tasks_has_the_models_rows() -> None:
    model = model_of((None, ""), (0, ""), (1, ""))
    folding = Folding(model)
    assert folding.rows() == folding.rows(show_library=True) == [0, 1, 2]
    assert folding.folded == 0 and folding.groups() == []


def test_a_task_under_a_folded_parent_is_not_indented_under_the_row_above() -> None:
    # a server's handler (the program's) whose parent is the library's connection task
    model = model_of((None, ""), (0, ""), (None, "aiohttp"), (2, ""))
    folding = Folding(model)
    assert folding.rows() == [0, 1, 3, "aiohttp"]
    assert folding.depth(1) == 1, "main's child stays under main"
    assert folding.depth(3) == 0, "its only ancestor is folded away"
    assert folding.depth(3, show_library=True) == 1


def test_a_library_task_found_running_the_programs_code_gets_its_own_row() -> None:
    model = model_of((None, ""), (None, "aiohttp"), (None, "aiohttp"))
    folding = folding_for(model)
    assert folding.rows() == [0, "aiohttp"]
    info = model.record.tasks[1]
    info.library = ""  # what the stage (or a stream resending the task) does
    model.record.touch(1)
    assert folding.rows() == [0, 1, "aiohttp"]
    assert folding.group("aiohttp").members == [2]  # type: ignore[union-attr]
    model.record.tasks[2].library = ""
    model.record.touch(2)
    assert folding.rows() == [0, 1, 2], "an emptied library has no row"
    assert folding_for(model) is folding, "one folding per model"


def test_a_growing_runs_rows_are_the_programs_tasks_in_order_wherever_new_tasks_land() -> None:
    """Rows are kept up from the tasks added (a live server's come last in the order), and the
    same as folding the whole order afresh when a task lands mid-order or a library task is adopted."""
    model = model_of((None, ""), (0, "aiohttp"))
    folding = Folding(model)
    record = model.record
    for tid, parent, library in [(2, 0, ""), (3, 0, "aiohttp"), (4, 1, ""), (5, 0, ""), (6, 2, "aiohttp"), (7, 0, "")]:
        record.tasks.append(TaskInfo(tid, parent, f"coro{tid}", "mine.py:1", library=library))
        record.append(tid * MS, tid, Kind.CREATED, parent + 1)
        model.update()
        owned = {t.id for t in record.tasks if t.library}
        assert folding.rows() == [t for t in model.order() if t not in owned] + ["aiohttp"], tid
    record.tasks.append(TaskInfo(8, 0, "coro8", "mine.py:1"))
    record.append(8 * MS, 8, Kind.CREATED, 1)
    record.tasks[3].library = ""
    record.touch(3)
    model.update()
    assert folding.rows() == [0, 4, 2, 3, 5, 7, 8, "aiohttp"], "adopted as another task came: its row where the order has it"


def test_a_group_cell_is_running_if_any_member_ran_in_it_else_by_the_models_rules() -> None:
    model = model_of((None, ""), (None, "aiohttp"), (None, "aiohttp"))  # members made at 1 and 2 ms
    step(model, 1, 10, 30)  # member 1 runs 10-30 ms, then awaits to the end
    step(model, 2, 50, 51, Kind.YIELDED)  # member 2: a brief step at 50 ms, then ready until it runs again
    step(model, 2, 70, 90, Kind.DONE)  # ... and runs 70-90 ms and ends
    step(model, 0, 99, 100, Kind.DONE)
    folding = Folding(model)
    cells = [State(c) for c in folding.cells("aiohttp", 0, 10 * MS, 10)]
    assert cells == [State.PENDING, State.RUNNING, State.RUNNING, State.AWAITING, State.AWAITING,
                     State.STEP, State.READY, State.RUNNING, State.RUNNING, State.AWAITING]
    # member 2 ending at 90 ms does not end the group: member 1 still awaits
    assert [State(c) for c in folding.cells("aiohttp", 88 * MS, 4 * MS, 1)] == [State.RUNNING]
    assert [State(c) for c in folding.cells("aiohttp", 92 * MS, 4 * MS, 1)] == [State.AWAITING]
    assert folding.alive("aiohttp") == 1
    assert folding.cells("nobody", 0, MS, 3) == bytearray(3)


# -- the stage: whose task it is ------------------------------------------------------------


async def _quick() -> int:
    return 1


async def _mine() -> None:
    await asyncio.sleep(0.1)


async def _asks_in_every_way() -> None:
    await asyncio.gather(asyncio.sleep(0.1), _mine())
    await asyncio.create_task(asyncio.sleep(0.1))
    await asyncio.ensure_future(asyncio.sleep(0.1))
    async with asyncio.TaskGroup() as group:
        group.create_task(asyncio.sleep(0.1))
    await asyncio.to_thread(time.sleep, 0)
    await staggered_race([_quick], None)  # makes tasks of asyncio's own, running asyncio's code


def test_a_task_the_program_asked_for_is_its_own_even_running_asyncios_code() -> None:
    tasks = trace(_asks_in_every_way).record.tasks
    asked = [t for t in tasks if "staggered" not in t.coro]
    assert [t.coro for t in asked] == ["_asks_in_every_way", "sleep", "_mine", "sleep", "sleep", "sleep", "sleep"]
    assert all(t.library == "" for t in asked), [(t.coro, t.library) for t in asked]
    internal = [t for t in tasks if "staggered" in t.coro]
    assert internal and {t.library for t in internal} == {"asyncio"}


# -- the views: the app and the text timeline --------------------------------------------


@pytest.fixture(scope="module")
def http_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return recorded("http_client", tmp_path_factory.mktemp("recordings"))


def _asyncio_tasks(record: EventRecord) -> int:
    """asyncio's own tasks in the http_client recording: 6, or 7 when its fixed port was taken (another
    run of it at the same moment, as parallel suites make) and the server was started again on any port."""
    count = sum(1 for info in record.tasks if info.library == "asyncio")
    assert count in (6, 7), count
    return count


def _text(widget: TaskDetails) -> str:
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


def _screen_rows(view: TimelineView) -> list[str]:
    return [view.render_line(y).text for y in range(2, view.size.height)]


async def test_http_client_shows_its_own_tasks_and_i_shows_aiohttps(http_file: Path) -> None:
    app = replay_app_for(read_file(http_file), str(http_file), at_s=2.0)  # its end: aiohttp's shutdown tasks come last
    async with app.run_test(size=(160, 45)) as pilot:
        while app.session.model is None:
            await pilot.pause()
        await pilot.pause()
        view = app.main.timeline
        model = app.session.model
        tasks = [row for row in view._rows if isinstance(row, int)]
        assert {model.tracks[t].info.coro.rsplit(".", 1)[-1] for t in tasks} == {"main", "fetch_url", "_handle_request"}
        assert [row for row in view._rows if isinstance(row, str)] == ["asyncio", "aiohttp"]
        text = "\n".join(_screen_rows(view))
        assert "aiohttp · 11 tasks" in text and f"asyncio · {_asyncio_tasks(model.record)} tasks" in text
        assert "shutdown" not in text and "_accept_connection2" not in text

        view.focus()
        view.action_select_last()
        await pilot.pause()
        assert (view.selected, view.selected_group) == (None, "aiohttp")
        assert "11 made by aiohttp for itself, 0 alive" in _text(app.main.query_one(TaskDetails))

        await pilot.press("i")
        await pilot.pause()
        assert view.show_library and len(view._rows) == len(model.tracks)
        assert all(isinstance(row, int) for row in view._rows)
        assert view.selected is not None and model.tracks[view.selected].info.library == "aiohttp", \
            "the selection moves from the group to its first task"
        text = "\n".join(_screen_rows(view))
        assert "shutdown(60.0)" in text and "aiohttp ·" not in text

        await pilot.press("i")
        await pilot.pause()
        assert view.selected_group == "aiohttp" and "aiohttp · 11 tasks" in "\n".join(_screen_rows(view))


def test_the_text_timeline_folds_them_with_a_note_and_all_tasks_shows_them(
        http_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["open", str(http_file), "--headless", "--width", "100"]) == 0
    folded = capsys.readouterr().out
    assert "aiohttp · 11 tasks" in folded and "shutdown(60.0)" not in folded
    library = 11 + _asyncio_tasks(read_file(http_file).record)
    assert f"{library} library tasks (asyncio, aiohttp) folded into a row each; --all-tasks shows them" in folded
    assert main(["open", str(http_file), "--headless", "--width", "100", "--all-tasks"]) == 0
    shown = capsys.readouterr().out
    assert shown.count("shutdown(60.0)") == 5 and "aiohttp ·" not in shown and "folded" not in shown


def test_all_tasks_is_for_the_text_timeline(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "basic", "--all-tasks"]) == 2
    assert "--all-tasks is for the text timeline (--headless)" in capsys.readouterr().err


def test_run_headless_all_tasks_and_the_json_keeps_every_task(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = subprocess.run(
        [sys.executable, "-m", "taskviz", "run", "http_client", "--headless", "--virtual-time", "--all-tasks",
         "--width", "100", "--json", str(out)],
        capture_output=True, text=True, timeout=60, cwd=ROOT, env={**os.environ, "NO_COLOR": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("shutdown(60.0)") == 5 and "folded" not in result.stdout
    tasks = json.loads(out.read_text())["tasks"]
    assert len(tasks) == 28
    owners = [task.get("library", "") for task in tasks]
    assert owners.count("aiohttp") == 11 and owners.count("asyncio") == 6

