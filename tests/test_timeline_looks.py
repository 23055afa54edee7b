"""The app's timeline draws from the palette's tables, as the headless chart does: a look per
kind of wait, the brief-step mark, the loop lane's glyphs, the note on thread rows."""

from __future__ import annotations

from rich.color import Color
from textual.app import App, ComposeResult

from taskviz import palette
from taskviz.app.widgets import TimelineView
from taskviz.model.cells import MARK
from taskviz.model.timeline import Lane, State, TimelineModel
from taskviz.model.waits import KIND_SHIFT, WaitKind
from taskviz.textchart import render
from taskviz.wire.record import EventRecord, Kind, Outcome, TaskInfo

from test_textchart_kinds import _kinds_program
from conftest import trace

MS = 1_000_000


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield TimelineView()


async def _drawn(model: TimelineModel, ns_per_cell: int, size: tuple[int, int] = (120, 12)) -> TimelineView:
    """The widget showing ``model`` finished, from 0 at ``ns_per_cell``, every row rendered once."""
    app = Host()
    async with app.run_test(size=size) as pilot:
        view = app.query_one(TimelineView)
        view.show(model)
        view.show_objects = False  # the tasks' rows only: the queue's and lock's have tests of their own
        await pilot.pause()
        view.follow = False
        view.view_start_ns, view.ns_per_cell = 0, ns_per_cell
        view._frame_key = ()
        view.tick()
        view.strips = [view.render_line(y) for y in range(view.size.height)]  # type: ignore[attr-defined]
        view.chart_cells = view.chart_width  # type: ignore[attr-defined]  # once the app is gone, the widget has no size
        return view


def _chart_of(view: TimelineView, y: int) -> tuple[str, list[tuple[str, Color | None]]]:
    """Row ``y``'s chart part: its text, and each segment's text and colour."""
    strip = view.strips[y]  # type: ignore[attr-defined]
    left = view.label_width + 1
    chart = strip.crop(left, left + view.chart_cells)  # type: ignore[attr-defined]
    return chart.text, [(segment.text, segment.style.color if segment.style else None) for segment in chart]


async def test_the_app_draws_each_kind_of_wait_as_the_headless_chart_does() -> None:
    finished = trace(_kinds_program)
    model = finished.model
    dt = model.end_ns // 80 + 1
    view = await _drawn(model, dt)
    headless = render(model, title="kinds", wall_ns=model.end_ns, gain=finished.gain, width=200)
    for row, tid in enumerate(view._rows):
        text, segments = _chart_of(view, 2 + row)
        cells = model.cells(tid, 0, dt, view.chart_cells, kinds=True)  # type: ignore[attr-defined]
        assert text == "".join(palette.CELL_GLYPHS[code] for code in cells)
        at = 0
        for segment_text, color in segments:
            codes = set(cells[at : at + len(segment_text)])
            at += len(segment_text)
            if segment_text.strip():
                assert color is not None and color.triplet is not None
                assert {palette.CELL_COLORS[code] for code in codes} == {color.triplet.hex}, segment_text
    drawn = "".join(_chart_of(view, y)[0] for y in range(2, 2 + len(view._rows)))
    for kind in (WaitKind.SLEEP, WaitKind.LOCK, WaitKind.EVENT, WaitKind.QUEUE, WaitKind.JOIN):
        glyph = palette.WAIT_GLYPHS[kind]
        assert glyph in drawn and glyph in headless, kind


def _blocking_and_thread() -> EventRecord:
    """main blocks the loop 50 ms, then awaits a thread job that runs 30 ms."""
    record = EventRecord()
    record.tasks += [TaskInfo(0, None, "main", "x.py:1"), TaskInfo(1, 0, "job", "x.py:2", kind="thread")]
    executor, where = record.intern("executor"), record.intern("x.py:9")
    record.append(0, 0, Kind.CREATED)
    record.append(60 * MS, 0, Kind.AWAITING, executor << 32 | where, start_ns=10 * MS)
    record.append(60 * MS, 1, Kind.CREATED, 1)
    record.append(61 * MS, 1, Kind.STARTED)
    record.append(91 * MS, 1, Kind.DONE, Outcome.OK)
    record.append(91 * MS, 0, Kind.WOKEN)
    record.append(92 * MS, 0, Kind.DONE, Outcome.OK, start_ns=92 * MS)
    return record


async def test_loop_lane_glyphs_are_the_palettes_in_the_app_the_chart_and_the_legend() -> None:
    model = TimelineModel(_blocking_and_thread(), 0)
    model.update()
    view = await _drawn(model, 2 * MS)
    lane, _ = _chart_of(view, 1)
    assert palette.LOOP_BLOCKED * 5 in lane and "blocked 50.0 ms" in lane, "a block in the palette's glyph, as the legend says"
    assert set(lane.replace(" blocked 50.0 ms ", "")) <= set(palette.LOOP_GLYPHS.values()), lane
    legend = palette.legend_text(palette.loop_legend_segments())
    for kind in Lane:
        assert f"{palette.LOOP_GLYPHS[kind]} " in legend, kind
    headless = render(model, title="t", wall_ns=model.end_ns, gain=None, width=100)  # type: ignore[arg-type]
    assert palette.LOOP_BLOCKED * 20 in headless and legend in headless


async def test_a_thread_row_runs_in_the_thread_colour_and_says_threads_take_turns_for_the_gil() -> None:
    model = TimelineModel(_blocking_and_thread(), 0)
    model.update()
    view = await _drawn(model, 2 * MS)
    row = 2 + view._rows.index(1)
    text, segments = _chart_of(view, row)
    assert palette.THREAD_NOTE in text and text.index(palette.THREAD_NOTE) > text.index("✓")
    colors = {color.triplet.hex for seg, color in segments if seg.startswith("█") and color and color.triplet}
    assert colors == {palette.THREAD_RUNNING_COLOR}
    legend = palette.legend_text(palette.legend_segments(200, threads=True))
    assert palette.THREAD_NOTE in legend and palette.THREAD_NOTE not in palette.legend_text(palette.legend_segments(200))


def test_the_brief_step_mark_is_one_palette_entry_named_in_the_legend() -> None:
    mark = palette.GLYPHS[State.STEP]
    marked = [code | MARK for code in range(len(State)) if code] + [
        int(State.AWAITING) | kind << KIND_SHIFT | MARK for kind in WaitKind]
    assert {palette.CELL_GLYPHS[code] for code in marked} == {mark}
    assert all(palette.CELL_COLORS[code] == palette.CELL_COLORS[code & ~MARK] for code in marked)
    assert f"{mark} brief step" in palette.legend_text(palette.legend_segments(160))
    assert f"{mark} brief step" in palette.legend_text(palette.legend_segments(100, [WaitKind.SLEEP, WaitKind.JOIN]))
