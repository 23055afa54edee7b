"""The timeline model answers from a record: states over time, cells for a frame, the loop lane."""

from __future__ import annotations

import random

from taskviz.model.axis import format_duration, ticks
from taskviz.wire.record import EventRecord, Kind, Outcome, TaskInfo
from taskviz import palette
from taskviz.model.cells import MARK
from taskviz.model.timeline import BLOCK_NS, Lane, State, TimelineModel
from taskviz.model.waits import KIND_SHIFT, WaitKind

MS = 1_000_000
US = 1_000
SLEEPING = int(State.AWAITING) | WaitKind.SLEEP << KIND_SHIFT


def two_tasks() -> EventRecord:
    """main awaits a child; the child blocks the loop for 50 ms, then sleeps and finishes."""
    record = EventRecord()
    record.tasks += [TaskInfo(0, None, "main", "x.py:1"), TaskInfo(1, 0, "child", "x.py:2")]
    sleep, where = record.intern("sleep 1s"), record.intern("x.py:9")
    join = record.intern("task child")
    record.join_labels.add(join)
    record.append(0, 0, Kind.CREATED)
    record.append(0, 1, Kind.CREATED, 1, start_ns=0)
    record.append(1 * MS, 0, Kind.AWAITING, join << 32 | where, start_ns=0)
    record.append(60 * MS, 1, Kind.AWAITING, sleep << 32 | where, start_ns=10 * MS)
    record.append(1060 * MS, 1, Kind.WOKEN)
    record.append(1070 * MS, 1, Kind.DONE, Outcome.OK, start_ns=1070 * MS)
    record.append(1070 * MS, 0, Kind.WOKEN)
    record.append(1080 * MS, 0, Kind.DONE, Outcome.OK, start_ns=1075 * MS)
    return record


def test_states_and_totals_follow_the_rows() -> None:
    model = TimelineModel(two_tasks(), 0)
    assert model.update() == 8
    main, child = model.tracks
    assert child.state_at(5 * MS) is State.PENDING
    assert child.state_at(30 * MS) is State.RUNNING
    assert child.state_at(500 * MS) is State.AWAITING
    assert child.state_at(1065 * MS) is State.READY
    assert child.state is State.DONE and child.finished_ns == 1070 * MS
    assert (child.running_ns, child.awaiting_ns, child.ready_ns) == (50 * MS, 1000 * MS, 10 * MS)
    assert main.awaiting_ns == 1069 * MS and main.waiting_ns == 0, "waiting on a task is a join, not waiting"
    assert child.waiting_ns == 1000 * MS
    assert model.order() == [0, 1] and child.depth == 1
    assert model.busy_ns == (1 + 50 + 0 + 5) * MS


def test_incremental_updates_see_only_new_rows() -> None:
    record = two_tasks()
    model = TimelineModel(record, 0)
    assert model.update(until=4) == 4
    assert model.tracks[1].state is State.AWAITING
    assert model.update() == 4
    assert model.update() == 0


def test_cells_show_what_held_most_of_each_cell() -> None:
    model = TimelineModel(two_tasks(), 0)
    model.update()
    cells = model.cells(1, 0, 100 * MS, 12)
    # a 50 ms step holds most of the first 100 ms cell (10 pending, 40 awaiting): running
    assert State(cells[0]) is State.RUNNING
    assert all(State(c) is State.AWAITING for c in cells[1:10])
    assert State(cells[10]) is State.DONE
    assert State(cells[11]) is State.NONE
    fine = model.cells(1, 1050 * MS, 5 * MS, 4)
    assert [State(c) for c in fine] == [State.AWAITING, State.AWAITING, State.READY, State.READY]


def brief_steps() -> EventRecord:
    """One task sleeping between brief steps: one crosses the 10 ms cell edge, one of 50 µs
    sits inside a cell, one after a wake-up that left it ready most of a cell."""
    record = EventRecord()
    record.tasks.append(TaskInfo(0, None, "main", "x.py:1"))
    sleep, where = record.intern("sleep 1s"), record.intern("x.py:9")
    record.append(0, 0, Kind.CREATED)
    record.append(100 * US, 0, Kind.AWAITING, sleep << 32 | where, start_ns=0)
    record.append(10100 * US, 0, Kind.AWAITING, sleep << 32 | where, start_ns=9900 * US)  # over the edge
    record.append(15050 * US, 0, Kind.AWAITING, sleep << 32 | where, start_ns=15 * MS)  # 50 µs inside a cell
    record.append(31 * MS, 0, Kind.WOKEN)
    record.append(39 * MS, 0, Kind.AWAITING, sleep << 32 | where, start_ns=38 * MS)  # ready 7 ms, ran 1 ms
    record.append(50 * MS, 0, Kind.DONE, Outcome.OK, start_ns=42 * MS)  # running 8 ms of its cell
    return record


def test_a_cell_shows_what_held_most_of_it_and_marks_a_step_inside() -> None:
    model = TimelineModel(brief_steps(), 0)
    model.update()
    cells = model.cells(0, 0, 10 * MS, 7, kinds=True)
    assert cells[0] == SLEEPING | MARK, "a step crossing the edge is no solid running block: mostly asleep, marked"
    assert cells[1] == SLEEPING | MARK, "a 50 µs step in a 10 ms cell still shows, on the wait that held the cell"
    assert cells[2] == SLEEPING, "nothing else happened"
    assert cells[3] == int(State.READY) | MARK, "ready most of the cell, with a step"
    assert cells[4] == int(State.RUNNING), "running held most of the cell: no mark"
    assert cells[5] == int(State.DONE) and cells[6] == int(State.NONE), "the finishing mark stays"
    plain = model.cells(0, 0, 10 * MS, 7)
    assert [State(c) for c in plain] == [State.AWAITING, State.AWAITING, State.AWAITING, State.READY, State.RUNNING,
                                         State.DONE, State.NONE], "without kinds: what held each cell, no marks"
    assert palette.CELL_GLYPHS[SLEEPING | MARK] == palette.GLYPHS[State.STEP] == "┊"
    assert palette.CELL_COLORS[SLEEPING | MARK] == palette.WAIT_COLORS[WaitKind.SLEEP], "in the colour of what held it"
    fine = model.cells(0, 9800 * US, 100 * US, 4, kinds=True)
    assert list(fine) == [SLEEPING, State.RUNNING, State.RUNNING, SLEEPING], "zoomed in, the step is a bar of its own"


def test_loop_lane_marks_who_holds_the_loop_and_the_blocks() -> None:
    model = TimelineModel(two_tasks(), 0)
    model.update()
    lane = model.loop_cells(0, 10 * MS, 110)
    assert lane[0] == (Lane.STEP, 0), "a 1 ms step in a 10 ms cell is brief"
    assert all(v == (Lane.BLOCKED, 1) for v in lane[1:6]), "the 50 ms step of task 1 is a block"
    assert lane[50] == (Lane.IDLE, -1), "idle while everyone waits"
    assert lane[107] == (Lane.BUSY, 1) and lane[108][0] is Lane.IDLE, "two steps fill half of cell 107"
    coarse = model.loop_cells(0, 100 * MS, 11)
    assert coarse[0] == (Lane.BLOCKED, 1)
    assert model.blocks == [1] and model.step(1).end_ns - model.step(1).start_ns >= BLOCK_NS
    assert model.step_where(1) == "x.py:9"


def test_intervals_answer_what_a_task_did_in_a_window() -> None:
    model = TimelineModel(two_tasks(), 0)
    model.update()
    assert model.intervals(1, 0, 2000 * MS) == [
        (0, 10 * MS, State.PENDING),
        (10 * MS, 60 * MS, State.RUNNING),
        (60 * MS, 1060 * MS, State.AWAITING),
        (1060 * MS, 1070 * MS, State.READY),
        (1070 * MS, 1070 * MS, State.RUNNING),
        (1070 * MS, 1070 * MS, State.DONE),
    ]


def test_axis_ticks_are_round_and_readable() -> None:
    marks = ticks(0, 50 * MS, 80)
    assert [label for _, _, label in marks[:3]] == ["0", "500ms", "1s"]
    assert all(b[0] - a[0] >= 8 for a, b in zip(marks, marks[1:], strict=False))
    assert format_duration(3_004_000_000) == "3.00 s" and format_duration(12_400_000) == "12.4 ms"


def test_alive_count_follows_creations_and_endings() -> None:
    model = TimelineModel(two_tasks(), 0)
    model.update(until=2)
    assert model.alive_count == model.alive() == 2
    model.update(until=6)
    assert model.alive_count == model.alive() == 1
    model.update()
    assert model.alive_count == model.alive() == 0


def test_the_order_is_parents_first_children_in_creation_order_under_them() -> None:
    """Leaves are taken a parent's whole list at a time (a server's requests): the order must be
    the depth-first one, whatever the tree, many roots and leaves among subtrees included."""
    rng = random.Random(4)
    for trial in range(40):
        record = EventRecord()
        for tid in range(rng.randrange(1, 120)):
            parent = None if tid == 0 or rng.random() < 0.1 else rng.randrange(0, tid)
            record.tasks.append(TaskInfo(tid, parent, "c", "x.py:1"))
            record.append(tid, tid, Kind.CREATED, 0 if parent is None else parent + 1)
        model = TimelineModel(record, 0)
        model.update()

        def subtree(tid: int) -> list[int]:
            return [tid, *(t for info in record.tasks if info.parent == tid for t in subtree(info.id))]

        expected = [t for info in record.tasks if info.parent is None for t in subtree(info.id)]
        assert model.order() == expected, trial
