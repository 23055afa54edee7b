"""Every key, in one place (also in the footer and the command palette)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

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
| **s** | show / hide the scenario list |
| **l** | show / hide the event log |
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

| glyph | state | means |
|---|---|---|
| `·` | pending | created, its first step has not run yet |
| `█` | running | inside a step: it holds the loop's one thread |
| `▎` | brief step | a step much shorter than one cell at this zoom (zoom in to see it) |
| `▒` | ready | what it awaited is done; waiting for the loop to run it |
| `━` | awaiting | suspended in an `await` (the details say on what, and where) |
| `✓ ✗ ⊘` | done / failed / cancelled | how the coroutine ended |

The **event loop** lane shows who holds the loop at each instant; a red bar is one step
of 20 ms or more that blocked every other task.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Markdown(HELP)
