"""One name per task: the same words on its row, in the log, the details, a notice, the JSON,
the Perfetto trace and the headless timeline; twins told apart the same way everywhere."""

from __future__ import annotations

import contextlib
import io
import json

import pytest
from rich.cells import cell_len
from rich.console import Console

from taskviz.app import TaskvizApp
from taskviz.app.widgets import EventLog, ScenarioList, TaskDetails
from taskviz.catalog import find
from taskviz.export.perfetto import export_perfetto
from taskviz.model.names import fit_name, names_of, task_name
from taskviz.model.summary import run_summary
from taskviz.model.timeline import TimelineModel
from taskviz.recording.opened import Opened, open_recording
from taskviz.report import print_timeline
from taskviz.finished import Finished
from taskviz.runner import run_headless
from taskviz.wire.record import EventRecord, TaskInfo

TWIN = "fetch('b', 0.5, True) #2"  # gather_errors.py gathers the same three fetches twice: the second round's b


def model_of(*infos: TaskInfo) -> TimelineModel:
    record = EventRecord()
    record.tasks.extend(infos)
    return TimelineModel(record, 0)


def task(tid: int, coro: str, args: str = "", name: str = "", kind: str = "task") -> TaskInfo:
    return TaskInfo(tid, None if tid == 0 else 0, f"scenario.{coro}", "", name=name, args=args, kind=kind)


def test_twins_are_numbered_in_creation_order_and_the_first_keeps_the_plain_name() -> None:
    model = model_of(task(0, "main"), task(1, "worker"), task(2, "worker"), task(3, "fetch", "1"),
                     task(4, "fetch", "2"), task(5, "worker"), task(6, "sleep", "2.0", name="asyncio_0", kind="thread"),
                     task(7, "worker", name="Task-8"), task(8, "worker", name="alpha"))
    assert [task_name(model, tid) for tid in range(9)] == [
        "main", "worker", "worker #2", "fetch(1)", "fetch(2)", "worker #3", "thread sleep(2.0)",
        "worker #4",  # asyncio's own Task-N name says nothing: left out
        "alpha: worker",  # a name the program gave tells it apart already
    ]


def test_a_name_that_repeats_the_call_is_said_once() -> None:
    model = model_of(task(0, "main"), task(1, "first", name="first"), task(2, "fetch", "1", name="fetch(1)"),
                     task(3, "fetch", "2", name="fetch"))
    assert [task_name(model, tid) for tid in (1, 2, 3)] == ["first", "fetch(1)", "fetch(2)"], "not 'first: first'"


def test_a_task_named_later_leaves_its_twins_and_the_numbers_follow() -> None:
    model = model_of(task(0, "main"), task(1, "worker"), task(2, "worker"), task(3, "worker"))
    assert [task_name(model, tid) for tid in (1, 2, 3)] == ["worker", "worker #2", "worker #3"]
    model.record.tasks[1].name = "alpha"  # as the stage learns a task's name when it ends,
    model.record.touch(1)  # and says so, as it does of every change to a task's details
    assert [task_name(model, tid) for tid in (1, 2, 3)] == ["alpha: worker", "worker", "worker #2"]
    model.record.tasks.append(task(4, "worker"))  # a task created since: counted in
    assert task_name(model, 4) == "worker #3"


def test_every_name_at_once_is_each_name_asked_for() -> None:
    """``every`` (an export's way, in one pass) names each task as asking for it alone does."""
    model = model_of(task(0, "main"), *(task(tid, "worker", name=f"Task-{tid}") for tid in range(1, 5)),
                     task(5, "fetch", "1"), task(6, "worker", name="alpha"), task(7, "sleep", kind="thread"),
                     task(8, "worker", "2"), task(9, "sleep", kind="thread"), task(10, "worker", name="alpha"))
    table = names_of(model)
    assert table.every() == [task_name(model, tid) for tid in range(11)]
    assert table.every()[1:5] == ["worker", "worker #2", "worker #3", "worker #4"] and table.every()[10] == "alpha: worker #2"
    model.record.tasks[2].name = "beta"
    model.record.touch(2)
    assert table.every() == [task_name(model, tid) for tid in range(11)] and table.every()[2] == "beta: worker"


def test_a_name_is_safe_to_draw() -> None:
    model = model_of(task(0, "main", args="'\x1b]0;pwned\x07'", name="evil\x1b[2J"))
    name = task_name(model, 0)
    assert "\x1b" not in name and "\x07" not in name and name.startswith("evil␛[2J: main(")


def test_a_cut_name_ends_in_an_ellipsis_and_a_twin_keeps_its_number() -> None:
    assert fit_name("  worker", 10) == "  worker  "
    assert fit_name("  consumer('c1', <Queue at 0x7f>) #3", 20) == "  consumer('c1',… #3"
    assert fit_name("fetch('https://example.com/')", 12) == "fetch('http…"
    assert fit_name("下载('数据') #2", 10) == "下载('… #2", "wide characters count two cells"
    assert all(cell_len(fit_name(text, 9)) == 9 for text in ("x #2", "worker(1, 2, 3) #12", "数据数据数据 #2"))


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> tuple[Finished, Opened]:
    """``gather_errors`` on a virtual clock: the run as the app gets it, and the file the exports read."""
    path = tmp_path_factory.mktemp("names") / "gather_errors.taskviz"
    with contextlib.redirect_stdout(io.StringIO()):
        finished = run_headless(find("gather_errors"), virtual_time=True, save=str(path))
    return finished, open_recording(str(path))


def test_the_exports_and_the_headless_timeline_use_the_same_names(twins: tuple[Finished, Opened]) -> None:
    finished, opened = twins
    model = opened.finished.model
    names = [task_name(model, tid) for tid in model.order()]
    assert names.count(TWIN) == 1 and "fetch('b', 0.5, True)" in names and "fetch('a', 1, False) #2" in names

    labels = [entry["label"] for entry in run_summary("gather_errors", model, opened.finished.run.wall_ns)["tasks"]]
    assert labels == names

    out = io.StringIO()
    export_perfetto(opened, out)
    tracks = [event["args"]["name"].strip() for event in json.loads(out.getvalue())["traceEvents"]
              if event["ph"] == "M" and event["name"] == "thread_name"]
    assert tracks == ["event loop", *names]

    out = io.StringIO()
    print_timeline(opened.finished, "gather_errors", out, rows=40, width=120)
    rows = [line[:28].strip() for line in out.getvalue().splitlines()]
    assert all(name in rows for name in names), rows


def text_of(widget: TaskDetails) -> str:
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


async def test_one_task_reads_the_same_on_its_row_in_the_log_the_details_and_a_notice(
        twins: tuple[Finished, Opened]) -> None:
    finished, _ = twins
    app = TaskvizApp("gather_errors", recording=finished, until=len(finished.record))
    async with app.run_test(size=(200, 50)) as pilot:
        while app.session.model is None:
            await pilot.pause()
        view = app.main.timeline
        view.focus()
        model = app.session.model
        twin = next(tid for tid in model.order() if task_name(model, tid) == TWIN)
        while view.selected != twin:
            await pilot.press("down")
        await pilot.pause()
        row = view.render_line(view.pinned + view._rows.index(twin) - view.scroll_offset.y).text
        assert row[: view.label_width].strip() == TWIN, "the row says the name"

        details = text_of(app.main.query_one(TaskDetails))
        assert details.splitlines()[0].rstrip().split(None, 1) == ["task", TWIN], details

        await pilot.press("e")
        log = app.main.query_one(EventLog)
        assert log.lines and all(f"s  {TWIN} " in line for line in log.lines), log.lines
        assert log.border_title == f"Events of {TWIN}"
        await pilot.press("e")
        assert any(f"s  {TWIN} " in line for line in log.lines) and any("s  fetch('b', 0.5, True) " in line for line in log.lines)

        await pilot.press("c")  # a replay cancels nothing: the notice names the task as the row does
        assert any(n.message == f"{TWIN} is not running: nothing to cancel." for n in app._notifications)

        listed = app.main.query_one(ScenarioList)
        lines = [listed.render_line(y).text.strip() for y in range(listed.size.height)]
        assert "Pitfalls" in lines and lines[lines.index("Pitfalls") + 1].startswith("blocking  A blocking call")
        assert next(line for line in lines if line.startswith("threads_vs_asyncio  ")).endswith("…"), "cut, and says so"


def test_the_scenario_list_shows_name_and_title_on_one_line_and_the_notes_the_whole_description() -> None:
    from taskviz.app.screens.notes import notes_text
    from taskviz.app.widgets.scenario_list import entry

    scenario = find("blocking")
    assert entry(scenario).plain == f"blocking  {scenario.title}"
    notes = notes_text(scenario)
    assert scenario.description.split("\n\n")[1] in notes and "`taskviz run blocking`" in notes
