"""Every key, in one place (also in the footer and the command palette)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from ... import palette
from ...model.timeline import State
from ...model.waits import WaitKind

HELP = """
# taskviz

Runs an asyncio program for real and shows every task it creates.

| key | does |
|---|---|
| **Enter** / **r** | run the highlighted scenario (again: a fresh run) |
| **↑ ↓** | select a task row: its details, source line and events |
| **+ / -** | zoom the timeline in / out |
| **← →** | pan the timeline |
| **0** | fit the whole run |
| **f** | follow the run live again |
| **c** | cancel the selected task |
| **e** | event log: only the selected task / everyone |
| **w** | what to watch for in this scenario |
| **F** | findings: what looks wrong (a deadlock, a blocked loop, a task fired and forgotten...), each with its task and line; Enter on one selects its row and shows its instant. They are marked on the time axis (⇄ a deadlock, ⚠ the rest) and before their tasks' names; a deadlock is said in the header while it holds |
| **s** | show / hide the scenario list |
| **l** | show / hide the event log |
| **k** | show / hide the legend under the timeline |
| **i** | libraries' own tasks (aiohttp's, asyncio's): folded into one row per library, or a row each |
| **T** | task tree: who created whom, each task's state and what it awaits now, gathers and TaskGroups as groups; moving in it selects the task's row (Escape or T goes back) |
| **g** | who waits for whom now: chains of tasks, locks, queues and events; a deadlock (a cycle) said in red with its tasks and lines (Escape or g goes back) |
| **o** | the program's queues, semaphores and locks: a row each under the event loop (how full, who holds it), or hidden |
| **p** | presenter mode: the timeline alone, tall rows, the point as a caption, the current line of code below (`--present` starts in it) |
| **tab** | move between the scenario list and the timeline |
| **t** | light / dark theme |
| **ctrl+s** | save the run shown (live so far, or replayed): asks where, offering `<scenario>-<date>-<time>.taskviz` here |
| **ctrl+p** | command palette: run any scenario, change theme |
| **?** | this help |
| **q** | quit (the running scenario is cancelled first) |

## Live runs

| key | does |
|---|---|
| **space** | pause / resume the program |
| **.** | while paused: run one task step |
| **< >** | slower / faster: 0.1x to 1x |

## Replays (`taskviz open FILE`, `--virtual-time`)

The header says **REPLAY** (and **VIRTUAL TIME** for a virtual-clock run); the transport
bar under the panels shows where the replay is.

| key | does |
|---|---|
| **space** | play / pause (at the end: play again from the start) |
| **< >** | slower / faster: 0.1x to 4x |
| **, .** | one event back / forward (pauses first) |
| **[ ]** | previous / next moment a task changed state |
| **Home** / **End** | the start / the end of the run |
| click or drag | on the transport bar or the time axis: go to that instant |

## States

The one-line legend under the timeline names the same looks (**k** hides it).

{states}

The **event loop** lane shows who holds the loop at each instant; a red bar is one step
of 20 ms or more that blocked every other task. Under it, a row per queue, semaphore and
lock the program used: a queue's fill level (`▁▂▃▄▅▆▇█`, eighths of its maxsize, or of the
most it held), a semaphore's free slots, a lock's holder (its name, or a solid bar).
"""


_STATE_MEANS = {
    State.PENDING: "created, its first step has not run yet",
    State.RUNNING: "inside a step: it holds the loop's one thread",
    State.STEP: "a step much shorter than one cell at this zoom (zoom in to see it)",
    State.READY: "what it awaited is done; waiting for the loop to run it",
    State.AWAITING: "suspended in an `await`; the look says on what kind of thing (below)",
    State.DONE: "the coroutine returned",
    State.FAILED: "the coroutine raised",
    State.CANCELLED: "the task was cancelled",
}

_WAIT_MEANS = {
    WaitKind.SLEEP: "`asyncio.sleep`",
    WaitKind.NETWORK: "a socket, a request, a connection",
    WaitKind.LOCK: "a Lock, Semaphore, Condition or Barrier",
    WaitKind.QUEUE: "a Queue's get, put or join",
    WaitKind.EVENT: "an Event",
    WaitKind.JOIN: "another task: `await task`, gather, TaskGroup, wait, wait_for",
    WaitKind.EXECUTOR: "work handed to a thread (`to_thread`, `run_in_executor`)",
    WaitKind.OTHER: "anything else (the details say what)",
}


def states_table() -> str:
    """The legend as a table, from the palette's own tables: the help cannot disagree with the screen."""
    rows = ["| look | state | means |", "|---|---|---|"]
    rows += [f"| `{palette.GLYPHS[state]}` | {palette.NAMES[state]} | {_STATE_MEANS.get(state, '')} |" for state in palette.LEGEND_ORDER]
    rows += [f"| `{palette.WAIT_GLYPHS[kind]}` | awaiting: {palette.WAIT_NAMES[kind]} | {_WAIT_MEANS.get(kind, '')} |"
             for kind in palette.WAIT_ORDER]
    return "\n".join(rows)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Markdown(HELP.replace("{states}", states_table()))
