"""Who waits for whom at one instant, as chains a person reads top-down, and the deadlocks in it.

``WaitFor`` gives the edges at an instant (a task, the object it waits on, the tasks that
wait makes it wait for). A view wants them arranged: start from the tasks nobody waits for
(``main``), follow each wait to the tasks it waits for, and so on, each task spelled out
once (a second arrival, such as a cycle closing, is marked ``seen``). A cycle of waits at
the instant is a deadlock, put into one sentence naming every task, lock and line.

Pure functions of the model and its ``WaitFor``; names come from ``names.task_name`` (safe
to draw), object names and lines from the program, so a view passes them through
``text.visible``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..wire.record import WaitObject
from .names import task_name
from .timeline import TimelineModel
from .wait_extras import executor_edges
from .waitfor import Cycle, Edge, WaitFor


JOIN_WORDS = {"gather": "gather", "taskgroup": "TaskGroup", "wait": "asyncio.wait", "task": "await"}


def object_words(found: WaitObject) -> str:
    """What a wait is on, in a few words: ``gather (2)``, ``TaskGroup (3)``, ``lock bob_lock``, ``a queue``."""
    if found.kind == "executor":
        return "a thread (executor)"
    if found.kind in JOIN_WORDS:
        words = JOIN_WORDS[found.kind]
        return words if found.kind == "task" else f"{words} ({len(found.tasks)})"
    return f"{found.kind} {found.name}" if found.name else f"a {found.kind}"


@dataclass
class Link:
    """A task in a chain: what it waits on at the instant (``edge``), and the tasks that makes it wait for."""

    task: int
    edge: Edge | None
    children: list[Link] = field(default_factory=list)
    seen: bool = False  # spelled out higher up already: a cycle closing, or a task two others wait for


@dataclass
class WaitGraph:
    """The chains at ``at_ns``, from the tasks nobody waits for, and the cycles among them."""

    at_ns: int
    roots: list[Link]
    cycles: list[Cycle]

    @property
    def empty(self) -> bool:
        return not self.roots


def wait_graph(graph: WaitFor, t: int) -> WaitGraph:
    """Every wait going on at ``t`` arranged as chains; the cycles first found in it."""
    edges = {edge.task: edge for edge in graph.edges_at(t)}
    edges.update((edge.task, edge) for edge in executor_edges(graph.model, t) if edge.task not in edges)
    waited_for = {tid for edge in edges.values() for tid in edge.to}
    cycles = cycles_in(edges, t)
    starts = [tid for tid in sorted(edges) if tid not in waited_for]
    starts += sorted(min(cycle.tasks) for cycle in cycles)  # a cycle nobody outside waits for still shows
    shown: set[int] = set()
    roots = [_chain(tid, edges, shown) for tid in starts if tid not in shown]
    return WaitGraph(t, roots, cycles)


def _chain(root: int, edges: dict[int, Edge], shown: set[int]) -> Link:
    """The chain from ``root``, depth first in reading order, without recursion (a chain may
    be thousands of tasks long): a task is spelled out where it is first read, marked ``seen`` after."""
    top = Link(root, edges.get(root))
    shown.add(root)
    stack: list[tuple[Link, int]] = [(top, tid) for tid in reversed(top.edge.to)] if top.edge else []
    while stack:
        parent, tid = stack.pop()
        link = Link(tid, edges.get(tid), seen=tid in shown)
        parent.children.append(link)
        if not link.seen:
            shown.add(tid)
            if link.edge is not None:
                stack.extend((link, target) for target in reversed(link.edge.to))
    return top


def cycles_in(edges: dict[int, Edge], t: int) -> list[Cycle]:
    """Each cycle of waits among ``edges`` (one per set of tasks), each read from its lowest task."""
    done: set[int] = set()
    found: dict[frozenset[int], Cycle] = {}
    for seed in sorted(edges):
        if seed in done:
            continue
        path: list[int] = []
        on_path: dict[int, int] = {}  # task -> its index in path
        stack: list[tuple[int, int]] = [(seed, 0)]
        while stack:
            tid, i = stack[-1]
            if i == 0:
                path.append(tid)
                on_path[tid] = len(path) - 1
            targets = edges[tid].to if tid in edges else ()
            if i >= len(targets):
                stack.pop()
                path.pop()
                del on_path[tid]
                done.add(tid)
                continue
            stack[-1] = (tid, i + 1)
            target = targets[i]
            if target in on_path:
                members = path[on_path[target]:]
                key = frozenset(members)
                if key not in found:
                    first = members.index(min(members))
                    ordered = members[first:] + members[:first]
                    found[key] = Cycle(t, tuple(edges[m] for m in ordered))
            elif target not in done:
                stack.append((target, 0))
    return sorted(found.values(), key=lambda cycle: cycle.tasks)


def deadlock_sentence(model: TimelineModel, cycle: Cycle) -> str:
    """``deadlock: a waits for bob_lock held by b, which waits for alice_lock held by a — file:line``."""
    edges = cycle.edges
    parts = []
    for i, edge in enumerate(edges):
        other = task_name(model, edges[(i + 1) % len(edges)].task)
        found = edge.object
        if found.kind == "lock":
            what = f"{found.name or 'a lock'} held by {other}"
        elif found.kind == "task":
            what = other
        else:
            what = f"{other} (through {object_words(found)})"
        parts.append(what)
    text = f"deadlock: {task_name(model, edges[0].task)} waits for {parts[0]}"
    for part in parts[1:]:
        text += f", which waits for {part}"
    lines = list(dict.fromkeys(edge.location for edge in edges if edge.location))
    return text + (f" — {', '.join(lines)}" if lines else "")
