"""The task tree: who created whom, with the tasks a gather or a TaskGroup awaits together
grouped under it, and libraries' own tasks folded into one node per library.

A task's node sits under its parent's (``TaskInfo.parent``); the children its parent
awaited together, through a gather, a TaskGroup or ``asyncio.wait`` (a join ``WaitObject``
the parent waited on), sit under one group node in the parent, placed where the first of
them was created. With the libraries folded (``folding.py``), a library's tasks are
listed under its node at the end, and a task of the program's whose parent is a library's
sits under its nearest shown ancestor, as on the timeline.

A pure function of the model and its ``WaitFor``; a view draws the nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..wire.record import WaitObject
from .folding import folding_for
from .timeline import TimelineModel
from .waitfor import WaitFor

GROUPED = frozenset({"gather", "taskgroup", "wait"})
"""Join objects whose tasks are awaited together: drawn as a group node."""

MAX_CHILDREN = 500  # under one node: more are counted in a "more" node, not built (a tree of 100,000 helps nobody)


@dataclass
class Node:
    """One node: a task (``task``), a group awaited together (``join``), a library (``library``),
    or the count of children left out (``more``). ``key`` is stable across frames."""

    key: str
    task: int | None = None
    join: WaitObject | None = None
    library: str | None = None
    more: int = 0
    children: list[Node] = field(default_factory=list)


def task_tree(model: TimelineModel, graph: WaitFor, t: int, show_library: bool = False) -> list[Node]:
    """The roots of the tree as of ``t`` (joins that began by then), libraries' tasks folded unless ``show_library``."""
    folding = folding_for(model)
    tracks = model.tracks
    folded = (lambda tid: False) if show_library else folding.is_library

    def shown_parent(tid: int) -> int | None:
        parent = tracks[tid].info.parent
        while parent is not None and folded(parent):
            parent = tracks[parent].info.parent
        return parent

    group_of: dict[int, WaitObject] = {}  # a task -> the group its parent awaited it in
    for wait in graph.waits:
        found = graph.object(wait.object)
        if found.kind not in GROUPED or wait.start_ns > t:
            continue
        for member in found.tasks:
            if member < len(tracks) and member not in group_of and not folded(member) and shown_parent(member) == wait.task:
                group_of[member] = found

    nodes: dict[int | None, Node] = {None: Node("")}
    groups: dict[int, Node] = {}
    for tid in model.order():
        if folded(tid):
            continue
        node = nodes[tid] = Node(f"t{tid}", task=tid)
        parent = nodes[shown_parent(tid)]
        found = group_of.get(tid)
        if found is not None:
            group = groups.get(found.id)
            if group is None:
                group = groups[found.id] = Node(f"j{found.id}", join=found)
                _add(parent, group)
            parent = group
        _add(parent, node)
    roots = nodes[None]
    if not show_library:
        for library in folding.groups():
            node = Node(f"l{library.owner}", library=library.owner)
            for tid in library.members:
                _add(node, Node(f"t{tid}", task=tid))
            _add(roots, node)
    return roots.children


def _add(parent: Node, child: Node) -> None:
    """``child`` under ``parent``, or counted in its last "more" node once it has MAX_CHILDREN."""
    children = parent.children
    if len(children) < MAX_CHILDREN:
        children.append(child)
        return
    if len(children) == MAX_CHILDREN:
        children.append(Node(f"{parent.key}+", more=0))
    children[-1].more += 1


def keys_to(roots: list[Node], key: str) -> list[str]:
    """The keys from a root down to the node ``key`` (empty if it is not in the tree): what to expand to show it."""
    stack: list[tuple[Node, list[str]]] = [(node, [node.key]) for node in reversed(roots)]
    while stack:
        node, path = stack.pop()
        if node.key == key:
            return path
        stack.extend((child, [*path, child.key]) for child in reversed(node.children))
    return []
