"""The wait-for graph (``g``): who waits for whom at the instant shown, as indented chains.

From each task nobody waits for, its wait (``─┈ gather (2)``, ``─┈ lock bob_lock, held by``)
and, a line each below it, the tasks that wait makes it wait for, and so on down. A cycle
at the instant is a deadlock: said first, in words, in bold red, with its tasks, locks and
lines. A deadlock that formed earlier and was broken since (a timeout) is recalled under
the chains, so it is not missed at the end of a run.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...model.axis import format_duration
from ... import palette
from ...model.timeline import State, TimelineModel
from ...model.waitfor import Cycle, WaitFor, waitfor_for
from ...model.names import task_name
from ...model.wait_extras import queue_fillers
from ...model.waitgraph import Link, WaitGraph, deadlock_sentence, object_words, wait_graph
from ...text import visible
from ..widgets.task_looks import color, task_line
from .insight import InsightScreen

DEADLOCK_COLOR = palette.COLORS[State.FAILED]  # the palette's red: what went wrong
MIN_WIDTH = 40  # chains are wrapped to the screen, but never narrower than this


class WaitGraphScreen(InsightScreen):
    TITLE_TEXT = "Who waits for whom"
    BINDINGS = [Binding("g", "leave", "Back", show=False)]


    def __init__(self, main) -> None:  # type: ignore[no-untyped-def]
        super().__init__(main)
        self._past: tuple[tuple[int, int], list[Cycle]] = ((-1, -1), [])  # (model id, rows) -> every cycle that formed

    @property
    def _red(self) -> str:
        return f"bold {color(DEADLOCK_COLOR, self.dark)}"

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="wait-scroll"):
            yield Static(id="wait-deadlocks", markup=False)
            yield Static(id="wait-chains", markup=False)

    def draw(self, model: TimelineModel | None, t: int) -> None:
        deadlocks = self.query_one("#wait-deadlocks", Static)
        chains = self.query_one("#wait-chains", Static)
        if model is None:
            deadlocks.display = False
            chains.update("Nothing has run yet: press Escape, then Enter to run the scenario.")
            return
        graph = waitfor_for(model)
        shown = wait_graph(graph, t)
        deadlocks.display = bool(shown.cycles)
        deadlocks.update(Text("\n".join(visible(deadlock_sentence(model, cycle)) for cycle in shown.cycles), self._red))
        width = self.query_one("#wait-scroll").scrollable_content_region.width
        chains.update(self._chains(model, graph, shown, max(MIN_WIDTH, width)))

    def on_resize(self) -> None:
        self.call_after_refresh(self.redraw)

    def _chains(self, model: TimelineModel, graph: WaitFor, shown: WaitGraph, width: int) -> Text:
        """The chains, one task a line; a line too long for ``width`` goes on under its own
        indent, so the tree's guides stay unbroken (no sideways scrolling at 80 columns)."""
        out = Text()
        if shown.empty:
            out.append(f"At {format_duration(shown.at_ns)} no task waits for another task, a lock, a queue or an event.")
        in_cycle = {tid for cycle in shown.cycles for tid in cycle.tasks}
        for root in shown.roots:
            stack: list[tuple[Link, str, str, bool]] = [(root, "", "", False)]  # (link, its prefix, its children's, its waiter in a cycle)
            while stack:
                link, prefix, inner, after_cyclic = stack.pop()
                cyclic = link.task in in_cycle
                body = self._link(model, graph, link, shown.at_ns, cyclic, closes=cyclic and after_cyclic)
                more = inner + ("│  " if link.children else "   ")
                self._hang(out, body, prefix, more, width)
                count = len(link.children)
                for i, child in reversed(list(enumerate(link.children))):
                    last = i == count - 1
                    stack.append((child, inner + ("└→ " if last else "├→ "), inner + ("   " if last else "│  "), cyclic))
        past = [cycle for cycle in self._past_cycles(model, graph) if cycle.at_ns <= shown.at_ns
                and frozenset(cycle.tasks) not in {frozenset(c.tasks) for c in shown.cycles}]
        for cycle in past:
            out.append(f"\nEarlier, from {format_duration(cycle.at_ns)}, broken since: ", "bold")
            out.append(visible(deadlock_sentence(model, cycle)), self._red)
        out.rstrip()
        return out

    def _hang(self, out: Text, body: Text, prefix: str, more: str, width: int) -> None:
        """``body`` after ``prefix``, its overflow on lines after ``more`` (the guides below it)."""
        room = max(MIN_WIDTH // 2, width - cell_len(prefix))
        for i, line in enumerate(body.wrap(self.app.console, room)):
            out.append(prefix if i == 0 else more, "dim")
            out.append_text(line)
            out.append("\n")

    def _link(self, model: TimelineModel, graph: WaitFor, link: Link, t: int, cyclic: bool, closes: bool) -> Text:
        """One task of a chain: its look and name, then what it waits on (or, at the end of a chain, what it does).
        A task met again is not spelled out twice: it closes the cycle (``closes``), or was shown above."""
        if link.seen:
            line = task_line(model, graph, link.task, t, self.dark, words=False)
            line.append("  ↺ back to the start: a deadlock" if closes else "  ↑ shown above", self._red if closes else "dim")
            return line
        edge = link.edge
        line = task_line(model, graph, link.task, t, self.dark, words=edge is None)
        if edge is not None:  # the line first: what it waits for ends the line, just above who that is
            words = object_words(edge.object)
            if edge.object.kind == "lock":
                words += ", held by" if edge.to else ", holder unknown"
            if edge.location:
                line.append(f" · {visible(edge.location)}", "dim")
            line.append(" ─┈ ", "dim")
            line.append(visible(words), self._red if cyclic else "bold")
            if edge.object.kind == "queue":
                line.append_text(self._fillers(model, edge.object.id, t))
        return line

    def _fillers(self, model: TimelineModel, oid: int, t: int) -> Text:
        """Who may still put into the queue: the tasks that did and are alive; none left is said in red."""
        fillers = queue_fillers(model, oid, t)
        if fillers is None:
            return Text()
        if not fillers:
            return Text(" ← nobody left alive has put into it", self._red)
        names = ", ".join(task_name(model, tid) for tid in fillers[:3]) + (f" and {len(fillers) - 3} more" if len(fillers) > 3 else "")
        return Text(f" ← filled by {names}", "dim")

    def _past_cycles(self, model: TimelineModel, graph: WaitFor) -> list[Cycle]:
        """Every cycle that formed in the run so far (worked out again only when the model grew)."""
        key = (id(model), model.consumed)
        if self._past[0] != key:
            self._past = (key, graph.cycles())
        return self._past[1]
