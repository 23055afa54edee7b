"""The task tree (``T``) and the wait-for graph (``g``), issue 14: the pure functions that
arrange them (``model/tree.py``, ``model/waitgraph.py``) and the screens, driven with Pilot
on virtual-clock recordings replayed at a chosen instant."""

from __future__ import annotations

import asyncio
import time

from textual.widgets import Static, Tree

from conftest import trace
from taskviz.model.names import task_name
from taskviz.model.wait_extras import executor_edges, queue_fillers
from taskviz.model.tree import Node, keys_to, task_tree
from taskviz.model.waitfor import Edge
from taskviz.model.waitfor import waitfor_for
from taskviz.model.waitgraph import cycles_in, deadlock_sentence, wait_graph
from taskviz.wire.record import WaitObject
from test_app_snapshots import app_for, recording

MS = 1_000_000


def _names(model, nodes: list[Node]) -> list:  # type: ignore[no-untyped-def]
    """The tree as nested lists of names (a group by its kind), for readable asserts."""
    out: list = []
    for node in nodes:
        label = task_name(model, node.task) if node.task is not None else node.join.kind if node.join else node.library
        out.append((label, _names(model, node.children)) if node.children else label)
    return out


# -- the pure functions ---------------------------------------------------------------------


def test_the_tree_puts_a_taskgroups_children_under_it() -> None:
    model = recording("taskgroup").model
    roots = task_tree(model, waitfor_for(model), 500 * MS)
    assert _names(model, roots) == [("main", [("taskgroup", [task_name(model, tid) for tid in (1, 2, 3)])])]
    assert keys_to(roots, "t3") == ["t0", "j0", "t3"]


def test_the_tree_groups_a_gather_only_once_it_began_and_folds_libraries() -> None:
    model = recording("basic").model
    graph = waitfor_for(model)
    assert _names(model, task_tree(model, graph, 500 * MS))[0][1] == [("gather", ["fetch_data(2, 'Users')", "fetch_data(3, 'Products')"])]
    assert _names(model, task_tree(model, graph, -1))[0][1] == ["fetch_data(2, 'Users')", "fetch_data(3, 'Products')"]
    http = recording("http_client").model
    folded = task_tree(http, waitfor_for(http), http.end_ns)
    libraries = [node.library for node in folded if node.library]
    assert libraries == ["asyncio", "aiohttp"] and all(node.library or not http.tracks[node.task].info.library for node in folded)
    shown = task_tree(http, waitfor_for(http), http.end_ns, show_library=True)
    assert not any(node.library for node in shown) and len(shown) > len([n for n in folded if not n.library])


def test_the_wait_graph_of_basic_mid_run_is_main_gather_fetches() -> None:
    model = recording("basic").model
    graph = wait_graph(waitfor_for(model), 1000 * MS)
    (root,) = graph.roots
    assert (task_name(model, root.task), root.edge.object.kind) == ("main", "gather")
    assert [task_name(model, link.task) for link in root.children] == ["fetch_data(2, 'Users')", "fetch_data(3, 'Products')"]
    assert not graph.cycles and wait_graph(waitfor_for(model), model.end_ns).empty


def test_a_deadlock_is_a_cycle_named_in_one_sentence() -> None:
    model = recording("deadlock").model
    graph = wait_graph(waitfor_for(model), 500 * MS)
    (cycle,) = graph.cycles
    sentence = deadlock_sentence(model, cycle)
    alice, bob = (task_name(model, tid) for tid in (1, 2))
    assert sentence == (f"deadlock: {alice} waits for bob_lock held by {bob}, which waits for alice_lock held by {alice}"
                        " — scenarios/deadlock.py:30")
    (root,) = graph.roots
    first, second = root.children
    assert first.children[0].children[0].seen and second.seen, "each task spelled out once"
    assert not wait_graph(waitfor_for(model), 50 * MS).cycles


def test_cycles_are_found_once_whatever_task_they_are_read_from() -> None:
    lock = WaitObject(0, "lock", "l")
    edges = {3: Edge(3, lock, (1,), "a:1"), 1: Edge(1, lock, (2,), "a:2"), 2: Edge(2, lock, (3,), "a:3"),
             4: Edge(4, lock, (2,), "a:4"), 5: Edge(5, lock, (5,), "a:5")}
    assert [cycle.tasks for cycle in cycles_in(edges, 0)] == [(1, 2, 3), (5,)]


# -- the screens ----------------------------------------------------------------------------


def test_a_queues_fillers_are_the_live_tasks_that_put_into_it() -> None:
    from test_findings import PROGRAMS, headless

    model = headless(PROGRAMS / "findings_starved_queue.py", virtual_time=False).model  # steps told apart by their times
    producer = next(t.info.id for t in model.tracks if t.info.coro.endswith("producer"))
    queue = next(o.id for o in model.record.objects if o.kind == "queue")
    ended = model.tracks[producer].finished_ns
    assert ended is not None
    assert queue_fillers(model, queue, ended - 1) == (producer,), "while it lives, the producer may fill it"
    assert queue_fillers(model, queue, ended + 1) == (), "once it ended, nobody is left to"
    assert queue_fillers(headless(PROGRAMS / "findings_starved_queue.py").model, queue, ended) is None, \
        "on a virtual clock steps share instants: not known, so nothing is said"


def test_a_task_awaiting_a_thread_waits_for_its_job() -> None:
    async def main() -> None:
        await asyncio.to_thread(time.sleep, 0.05)

    model = trace(main, virtual_time=False).model
    job = next(t for t in model.tracks if t.thread)
    t = (job.created_ns + (job.finished_ns or job.created_ns)) // 2
    (edge,) = [e for e in executor_edges(model, t)]
    assert (edge.task, edge.to, edge.object.kind) == (job.info.parent, (job.info.id,), "executor")
    chain = wait_graph(waitfor_for(model), t).roots
    assert [link.task for link in chain] == [job.info.parent] and [c.task for c in chain[0].children] == [job.info.id]


async def _opened(pilot, key: str) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    while app.session.model is None:
        await pilot.pause()
    await pilot.press(key)
    await pilot.pause()
    await pilot.pause()


async def test_the_tree_shows_the_taskgroup_opens_on_the_timelines_row_and_moving_selects_rows() -> None:
    app = app_for("taskgroup", 0.5)
    async with app.run_test(size=(100, 30)) as pilot:
        while app.session.model is None:
            await pilot.pause()
        app.main.timeline.selected = 3
        await _opened(pilot, "T")
        tree = app.screen.query_one(Tree)
        (main,) = tree.root.children
        (group,) = main.children
        assert "TaskGroup (3)" in str(group.label) and [child.data for child in group.children] == ["t1", "t2", "t3"]
        assert "download('flaky', 1, True)" in str(group.children[1].label) and "sleep 1s" in str(group.children[1].label)
        assert tree.cursor_node is group.children[2], "the cursor starts on the timeline's selection"
        await pilot.press("up")
        await pilot.pause()
        assert tree.cursor_node is group.children[1] and app.main.timeline.selected == 2
        await pilot.press("T")
        await pilot.pause()
        assert app.screen is app.main and app.main.timeline.selected == 2


async def test_g_on_deadlock_says_deadlock_with_both_tasks_locks_and_the_line() -> None:
    app = app_for("deadlock", 0.5)
    async with app.run_test(size=(80, 24)) as pilot:
        await _opened(pilot, "g")
        said = str(app.screen.query_one("#wait-deadlocks", Static).render())
        assert said.startswith("deadlock: ")
        for words in ("alice_to_bob", "bob_to_alice", "bob_lock", "alice_lock", "scenarios/deadlock.py:30"):
            assert words in said
        chains = str(app.screen.query_one("#wait-chains", Static).render())
        unwrapped = " ".join(line.strip(" │") for line in chains.splitlines())  # lines wrap under their indent at 80 columns
        assert chains.splitlines()[0] == "┈ main · scenarios/deadlock.py:40 ─┈ gather (2)" and "↺ back to the start" in unwrapped
        await pilot.press("g")
        await pilot.pause()
        assert app.screen is app.main


async def test_g_on_basic_mid_run_shows_main_gather_and_the_two_fetches_and_follows_the_replay() -> None:
    app = app_for("basic", 0.5)
    async with app.run_test(size=(100, 30)) as pilot:
        await _opened(pilot, "g")
        lines = str(app.screen.query_one("#wait-chains", Static).render()).splitlines()
        assert lines[0] == "┈ main · scenarios/basic.py:35 ─┈ gather (2)"
        assert lines[1].startswith("├→ ─ fetch_data(2, 'Users')  sleep 2s") and lines[2].startswith("└→ ─ fetch_data(3, 'Products')")
        assert not app.screen.query_one("#wait-deadlocks", Static).display
        await pilot.press("right_square_bracket")  # the next change: the Users fetch wakes at 2 s
        for _ in range(3):
            await pilot.pause()
        assert "at 2.00 s" in str(app.screen.query_one("#insight-title", Static).render())
        lines = str(app.screen.query_one("#wait-chains", Static).render()).splitlines()
        assert len(lines) == 2 and lines[1].startswith("└→ ─ fetch_data(3, 'Products')"), "Users done: main waits on Products alone"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main
