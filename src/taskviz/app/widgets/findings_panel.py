"""The findings panel (``F``): one line per thing that looks wrong in the run so far (a
deadlock, a blocked loop, a task fired and forgotten...), with its task and its line.

It shows itself, once a run, when the run's first finding appears, and says so in a
notification: a learner who did not know to look is told. Choosing a line (Enter, a click)
selects the task's row and brings the finding's instant into the timeline's view.
"""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...model.findings import Finding
from ...model.timeline import TimelineModel
from ...text import visible
from ..found import DEADLOCK_COLOR, FINDING_COLOR, KIND_GLYPHS, Found, watch_for
from .timeline_view import TimelineView


def finding_line(finding: Finding) -> Text:
    """``⇄ alice_to_bob  scenarios/deadlock.py:30  waits for lock bob_lock, …``: the message's
    own first words are the task's name, said once."""
    name = finding.task or "(no task)"
    message = visible(finding.message)
    if finding.task and message.startswith(finding.task):
        message = message[len(finding.task):].lstrip(" :")
    color = DEADLOCK_COLOR if finding.kind == "deadlock" else FINDING_COLOR
    return Text.assemble((KIND_GLYPHS.get(finding.kind, "⚠"), f"bold {color}"), " ", (name, "bold"), "  ",
                         (visible(finding.line), "underline"), "  ", message)


class FindingsPanel(OptionList):
    """Hidden until the run has a finding or ``F`` asks for it."""

    DEFAULT_CSS = """
    FindingsPanel {
        display: none;
        height: auto;
        max-height: 8;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        border: round $warning 60%;
        border-title-color: $text;
    }
    FindingsPanel:focus {
        border: round $warning;
    }
    FindingsPanel.-shown {
        display: block;
    }
    """

    class Chosen(Message):
        """A finding was chosen: the screen points the timeline at it."""

        def __init__(self, finding: Finding) -> None:
            super().__init__()
            self.finding = finding

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Findings"
        self.shown: tuple[Finding, ...] = ()
        self._told = False

    def new_run(self) -> None:
        """A run or recording begins: its first finding is told again."""
        self._told = False
        self._list(())

    def frame(self, model: TimelineModel | None, live: bool, now_ns: int, timeline: TimelineView) -> Found:
        """Bring the findings up to date (at a bounded cost: see ``found``), list those made by
        ``now_ns``, and redraw the timeline's marks if they changed."""
        if model is None:
            return Found()
        watch = watch_for(model)
        if watch.update(live):
            timeline.refresh()
        found = watch.found
        self._list(found.until(now_ns))
        if self.shown and not self._told:
            self._told = True
            self.set_class(True, "-shown")
            count = len(self.shown)
            self.notify(f"{count} finding{'s' if count > 1 else ''}: listed under the timeline (F hides them)",
                        title="Something looks wrong", severity="warning", timeout=6, markup=False)
        return found

    def toggle(self) -> bool:
        """Show or hide the panel; whether it is shown now."""
        shown = not self.has_class("-shown")
        self.set_class(shown, "-shown")
        return shown

    def _list(self, shown: tuple[Finding, ...]) -> None:
        if shown == self.shown and self.option_count:
            return
        highlighted = self.highlighted
        self.shown = shown
        self.border_title = f"Findings ({len(shown)})"
        if shown:
            self.set_options(Option(finding_line(finding)) for finding in shown)
        else:
            self.set_options([Option(Text("Nothing found so far.", style="dim"), disabled=True)])
        if highlighted is not None and highlighted < len(shown):
            self.highlighted = highlighted

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self.shown):
            self.post_message(self.Chosen(self.shown[event.option_index]))


def point_at(timeline: TimelineView, finding: Finding) -> None:
    """Select the finding's (first) task's row, and bring its instant into view if it is not."""
    tid = finding.task_ids[0] if finding.task_ids else None
    folding = timeline.folding
    if tid is not None and folding is not None:
        if folding.is_library(tid) and not timeline.show_library:
            timeline.show_library = True  # its row is folded into its library's: unfold them
        timeline._select(tid)
    span = timeline.chart_width * timeline.ns_per_cell
    if not timeline.view_start_ns <= finding.at_ns < timeline.view_start_ns + span:
        timeline.follow = False
        timeline.view_start_ns = max(0, finding.at_ns - span // 2)
    timeline.tick()
