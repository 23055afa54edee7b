"""The task tree (``T``): who created whom, each task's state and what it awaits, live.

The nodes come from ``model/tree.py`` at the instant shown; the gathers and TaskGroups a
task awaited sit as group nodes over the tasks they await, libraries' tasks under one node
each (unless the timeline shows them, ``i``). Moving the cursor selects the task's row on
the timeline underneath, and the timeline's selection is where the cursor starts.

Each frame relabels the nodes; the Tree widget is rebuilt only when the tree's shape
changed (a task created, a group formed), keeping what was collapsed and where the cursor was.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...model.folding import folding_for
from ...model.timeline import State, TimelineModel
from ...model.tree import Node, keys_to, task_tree
from ...model.waitfor import WaitFor, waitfor_for
from ...model.waitgraph import object_words
from ...text import visible
from ..widgets.task_looks import task_line
from .insight import InsightScreen


class TaskTreeScreen(InsightScreen):
    TITLE_TEXT = "Task tree: who created whom"
    BINDINGS = [Binding("T", "leave", "Back", key_display="T", show=False)]


    def __init__(self, main) -> None:  # type: ignore[no-untyped-def]
        super().__init__(main)
        self._shape: list[tuple[str, str]] = []  # (key, parent key) of every node, as last built
        self._by_key: dict[str, TreeNode[str]] = {}
        self._labels: dict[str, Text] = {}
        self._expanded: dict[str, bool] = {}  # what was expanded or collapsed, by key: kept across rebuilds
        self._opened = False  # the cursor was put on the timeline's selection

    def compose_body(self) -> ComposeResult:
        tree: Tree[str] = Tree("tasks", id="task-tree")
        tree.show_root = False
        yield tree

    @property
    def tree(self) -> Tree[str]:
        return self.query_one("#task-tree", Tree)

    def draw(self, model: TimelineModel | None, t: int) -> None:
        if model is None:
            self._rebuild([], {}, [])
            return
        graph = waitfor_for(model)
        roots = task_tree(model, graph, t, self.main.timeline.show_library)
        shape: list[tuple[str, str]] = []
        labels: dict[str, Text] = {}
        stack = [(node, "") for node in reversed(roots)]
        while stack:
            node, parent = stack.pop()
            shape.append((node.key, parent))
            labels[node.key] = self._label(model, graph, node, t)
            stack.extend((child, node.key) for child in reversed(node.children))
        if shape != self._shape:
            self._rebuild(roots, labels, shape)
        else:
            for key, label in labels.items():
                if label != self._labels.get(key):
                    self._by_key[key].set_label(label)
            self._labels = labels
        if not self._opened and shape:
            self._opened = True
            self.tree.focus()
            self.call_after_refresh(self._show_selection, roots)

    def _rebuild(self, roots: list[Node], labels: dict[str, Text], shape: list[tuple[str, str]]) -> None:
        tree = self.tree
        cursor = tree.cursor_node.data if tree.cursor_node is not None else None
        tree.clear()
        self._by_key = {}
        stack: list[tuple[Node, TreeNode[str]]] = [(node, tree.root) for node in reversed(roots)]
        while stack:
            node, parent = stack.pop()
            expand = self._expanded.get(node.key, node.library is None)  # a library's internals start folded
            added = parent.add(labels[node.key], node.key, expand=expand, allow_expand=bool(node.children))
            self._by_key[node.key] = added
            stack.extend((child, added) for child in reversed(node.children))
        self._shape, self._labels = shape, labels
        if cursor is not None and cursor in self._by_key:
            self.call_after_refresh(self._move_cursor, cursor)

    def _move_cursor(self, key: str) -> None:
        node = self._by_key.get(key)
        if node is not None and self.tree.cursor_node is not node:
            self.tree.move_cursor(node)

    def _show_selection(self, roots: list[Node]) -> None:
        """The timeline's selected row, expanded to and under the cursor."""
        timeline = self.main.timeline
        key = f"t{timeline.selected}" if timeline.selected is not None else \
            f"l{timeline.selected_group}" if timeline.selected_group is not None else ""
        path = keys_to(roots, key) if key else []
        for ancestor in path[:-1]:
            node = self._by_key.get(ancestor)
            if node is not None:
                node.expand()
        if path:
            self.call_after_refresh(self._move_cursor, key)

    def _label(self, model: TimelineModel, graph: WaitFor, node: Node, t: int) -> Text:
        dark = self.dark
        if node.task is not None:
            return task_line(model, graph, node.task, t, dark)
        tracks = model.tracks
        if node.join is not None:
            members = [tid for tid in node.join.tasks if tid < len(tracks)]
            left = sum(1 for tid in members if not tracks[tid].state_at(t).finished and tracks[tid].state_at(t) is not State.NONE)
            status = f"{left} still going" if left else "all finished"
            return Text.assemble(("┈ ", "dim"), (visible(object_words(node.join)), "bold"), (f"  {status}", "dim"))
        if node.library is not None:
            folding = folding_for(model)
            group = folding.group(node.library)
            words = group.label() if group is not None else node.library
            return Text.assemble(("▤ ", "dim"), (visible(words), "bold"),
                                 (f"  {folding.alive(node.library)} alive · its own internals", "dim"))
        return Text(f"… {node.more} more", "dim")

    # -- the cursor drives the timeline's selection ---------------------------------------------

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        key = event.node.data or ""
        timeline = self.main.timeline
        if key.startswith("t"):
            tid = int(key[1:])
            model = self.main.session.model
            folded = model is not None and not timeline.show_library and folding_for(model).is_library(tid)
            if folded and model is not None:
                self._select_group(model.tracks[tid].info.library)
            else:
                timeline.selected_group = None
                timeline.selected = tid
        elif key.startswith("l"):
            self._select_group(key[1:])

    def _select_group(self, owner: str) -> None:
        timeline = self.main.timeline
        timeline.selected = None
        timeline.selected_group = owner

    def on_tree_node_collapsed(self, event: Tree.NodeCollapsed[str]) -> None:
        self._expanded[event.node.data or ""] = False

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[str]) -> None:
        self._expanded[event.node.data or ""] = True
