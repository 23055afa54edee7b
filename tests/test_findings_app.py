"""Findings in the app (issue 14): the panel (F) lists them under the names the rows have,
choosing one points the timeline at it, the time axis and the rows carry marks, and the
header says a deadlock in words while it holds (Pilot, on virtual-clock recordings)."""

from __future__ import annotations

import pytest

from taskviz.app import found as found_module
from taskviz.app.found import DEADLOCK_MARK, FINDING_MARK, FoundWatch
from taskviz.app.widgets import SummaryBar
from taskviz.app.widgets.findings_panel import FindingsPanel
from taskviz.app.widgets.presenter_caption import PresenterCaption
from taskviz.catalog import find
from taskviz.model.names import task_name
from taskviz.model.timeline import TimelineModel
from test_app_snapshots import app_for, recording, rows_until, steady
from test_screen_teaches import text_of

SIZE = (160, 40)


def deadlock_line() -> int:
    source = find("deadlock").path.read_text().splitlines()
    return next(n for n, line in enumerate(source, 1) if "async with payee_lock" in line)


async def shown(pilot) -> None:  # type: ignore[no-untyped-def]
    while pilot.app.session.model is None:
        await pilot.pause()
    await pilot.pause()
    await pilot.pause()


def axis(app) -> str:  # type: ignore[no-untyped-def]
    return app.main.timeline.render_line(0).text


def label(app, tid: int) -> str:  # type: ignore[no-untyped-def]
    """Task ``tid``'s row label as drawn."""
    timeline = app.main.timeline
    y = timeline._rows.index(tid) + timeline.pinned - timeline.scroll_offset.y
    return timeline.render_line(y).text[: timeline.label_width].strip()


def header(app, width: int = SIZE[0]) -> str:  # type: ignore[no-untyped-def]
    return text_of(app.main.query_one(SummaryBar), width)


def expected_marks(app) -> dict[int, str]:  # type: ignore[no-untyped-def]
    """Where on the axis each finding listed belongs, by the timeline's own view of time."""
    timeline = app.main.timeline
    panel = app.main.query_one(FindingsPanel)
    out: dict[int, str] = {}
    for finding in panel.shown:
        x = timeline.label_width + 1 + (finding.at_ns - timeline.view_start_ns) // timeline.ns_per_cell
        out[x] = DEADLOCK_MARK if finding.kind == "deadlock" or out.get(x) == DEADLOCK_MARK else FINDING_MARK
    return out


async def test_fire_and_forget_lists_its_findings_by_row_name_and_choosing_one_points_at_it() -> None:
    app = app_for("fire_and_forget", 1.0)
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot)
        panel = app.main.query_one(FindingsPanel)
        model = app.session.model
        assert panel.display, "the first finding shows the panel by itself"
        assert len(panel.shown) == 3 and all(f.kind == "fire_and_forget" for f in panel.shown)
        for finding, option in zip(panel.shown, panel.options):
            name = task_name(model, finding.task_ids[0])
            assert finding.task == name and name in str(option.prompt), "named as its row is"
            drawn = label(app, finding.task_ids[0])
            assert drawn.startswith(f"{FINDING_MARK} ") and name.startswith(drawn[2:].rstrip("…")), drawn
            assert finding.line in str(option.prompt)
        line = axis(app)
        marks = expected_marks(app)
        assert {x: line[x] for x in marks} == marks, "a mark at each finding's instant"
        assert line.count(FINDING_MARK) == len(marks)

        timeline = app.main.timeline
        timeline.focus()
        await pilot.press("plus", "plus", "plus")  # zoomed in on the end: the first finding (at 1 s) is out of view
        first = panel.shown[0]
        assert not timeline.view_start_ns <= first.at_ns
        panel.focus()
        await pilot.press("down", "enter")  # the first finding
        await pilot.pause()
        assert timeline.selected == first.task_ids[0], "its task's row is selected"
        span = timeline.chart_width * timeline.ns_per_cell
        assert timeline.view_start_ns <= first.at_ns < timeline.view_start_ns + span, "its instant is in view"
        assert axis(app)[timeline.label_width + 1 + (first.at_ns - timeline.view_start_ns) // timeline.ns_per_cell] == FINDING_MARK
        await pilot.press("F")
        assert not panel.display and app.focused is timeline


async def test_the_header_says_the_deadlock_while_it_holds_and_the_rows_are_marked_from_when_it_formed() -> None:
    app = app_for("deadlock", 0.05)  # at the start: nothing has gone wrong yet
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot)
        model = app.session.model
        ids = {info.name: info.id for info in model.record.tasks}
        alice, bob = ids["alice_to_bob"], ids["bob_to_alice"]
        assert "DEADLOCK" not in header(app)
        assert not app.main.query_one(FindingsPanel).display and DEADLOCK_MARK not in axis(app)
        assert DEADLOCK_MARK not in label(app, alice) + label(app, bob)

        app.main.seek(100_000_000)  # both transfers now wait for each other's lock
        await shown(pilot)
        model = app.session.model
        second = header(app).splitlines()[1]
        n = deadlock_line()
        assert second.startswith(f"{DEADLOCK_MARK} DEADLOCK: alice_to_bob waits for bob_to_alice (lock bob_lock, line {n}); "
                                 f"bob_to_alice waits for alice_to_bob (lock alice_lock, line {n})"), second
        assert app.main.query_one(SummaryBar).content.renderables[1].style == "bold red"  # type: ignore[attr-defined]
        panel = app.main.query_one(FindingsPanel)
        (finding,) = panel.shown
        assert panel.display and finding.kind == "deadlock" and set(finding.task_ids) == {alice, bob}
        for tid in (alice, bob):
            assert label(app, tid).startswith(f"{DEADLOCK_MARK} {task_name(model, tid)[:8]}")
        line = axis(app)
        marks = expected_marks(app)
        assert {x: line[x] for x in marks} == marks == {min(marks): DEADLOCK_MARK}
        await pilot.press("p")  # presenter mode says it too
        await pilot.pause()
        assert f"{DEADLOCK_MARK} DEADLOCK: alice_to_bob waits for bob_to_alice" in text_of(app.screen.query_one(PresenterCaption), 160)
        await pilot.press("p", "end")  # after the timeout broke the cycle: said no more, still marked
        await shown(pilot)
        assert "DEADLOCK" not in header(app) and DEADLOCK_MARK in axis(app)


async def test_basic_has_no_findings_and_no_marks() -> None:
    app = app_for("basic", 1.0)
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot)
        panel = app.main.query_one(FindingsPanel)
        assert not panel.display and panel.shown == ()
        assert not {DEADLOCK_MARK, FINDING_MARK} & set(axis(app))
        assert all(label(app, track.info.id)[:2] not in (f"{DEADLOCK_MARK} ", f"{FINDING_MARK} ")
                   for track in app.session.model.tracks)
        assert not app._notifications, "nothing to tell"
        await pilot.press("F")
        assert panel.display and "Nothing found so far." in str(panel.options[0].prompt)


def test_a_live_run_works_the_findings_out_at_most_twice_a_second() -> None:
    finished = recording("deadlock")
    model = TimelineModel(finished.record, finished.run.started_ns)
    model.update(rows_until(finished, 0.5))  # the cycle formed, not broken yet
    watch = FoundWatch(model)
    assert watch.update(live=True) and len(watch.found.findings) == 1
    model.update(len(finished.record))
    assert not watch.update(live=True), "grown, but worked out a moment ago"
    assert watch.update(live=False) and watch.found.deadlocks[0].end_ns is not None, "paused or over: at once; the timeout ended it"


@pytest.mark.parametrize(("pass_s", "every_s", "count"), [(0.001, 0.5, 6), (0.1, 2.0, 2)])
def test_a_live_run_waits_twenty_times_what_the_last_findings_pass_took(monkeypatch: pytest.MonkeyPatch, pass_s: float,
                                                                      every_s: float, count: int) -> None:
    """A cheap pass comes back every REFRESH_S; a costly one (a long run's) after 20 times its cost,
    so the findings never take more than a twentieth of a live app's time. On a fake clock."""
    finished = recording("job_queue")
    model = TimelineModel(finished.record, finished.run.started_ns)
    model.update(10)
    clock, passes = [1000.0], []
    real_findings = found_module.findings

    def timed_pass(model: TimelineModel):  # type: ignore[no-untyped-def]
        passes.append(clock[0])
        clock[0] += pass_s
        return real_findings(model)

    monkeypatch.setattr(found_module.time, "perf_counter", lambda: clock[0])
    monkeypatch.setattr(found_module, "findings", timed_pass)
    watch = FoundWatch(model)
    for frame in range(60):  # 3 s of frames at 20 a second, the model growing a row each
        model.update(11 + frame)
        watch.update(live=True)
        clock[0] += 0.05
    gaps = [later - earlier for earlier, later in zip(passes, passes[1:])]
    assert passes[0] == 1000.0 and len(passes) == count, gaps
    assert all(every_s - 1e-6 < gap < every_s + 0.05 + pass_s + 1e-6 for gap in gaps), "the first frame once it may"
    model.update(len(finished.record))
    watch.update(live=False)
    assert len(passes) == count + 1, "paused or over: at once"


def test_the_findings_panel_on_the_deadlock_snapshot(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def inside_the_deadlock(pilot) -> None:  # type: ignore[no-untyped-def]
        await steady(pilot)
        pilot.app.clear_notifications()
        pilot.app.main.query_one(FindingsPanel).focus()
        await pilot.press("down")
        await pilot.pause()

    assert snap_compare(app_for("deadlock", 0.5), terminal_size=(100, 30), run_before=inside_the_deadlock)
