"""ctrl+s: where to save the run shown, asked over the screen.

The dialog stays open until the file is written or the user gives up: a folder that is
not there, or a file that cannot be written, is said in one line under the path, so the
user can fix the path instead of starting again. An existing file is replaced only after
a second Enter on the same path.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ...text import visible
from ..saving import problem, target

Save = Callable[[Path], Awaitable[str | None]]  # writes the run to a path; the reason it could not, or None


class SaveDialog(ModalScreen[Path | None]):
    """Dismissed with the path written, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save", show=False),  # a second ctrl+s saves, as Enter does
    ]

    def __init__(self, default: str, save: Save, *, folder: Path | None = None, so_far: bool = False) -> None:
        """``default``: the path offered; a relative path is from ``folder`` (the current directory);
        ``so_far``: the run is still going, so the file is the run so far."""
        super().__init__()
        self.default = default
        self.folder = folder or Path.cwd()
        self._save = save
        self._so_far = so_far
        self._replace: Path | None = None  # the existing file a second Enter replaces

    def compose(self) -> ComposeResult:
        what = "the run so far (it is still running)" if self._so_far else "the run shown"
        with Vertical(id="save-dialog"):
            yield Label(f"Save {what} to:", id="save-title")
            yield Input(self.default, id="save-path", select_on_focus=False)
            yield Static(visible(f"relative to {self.folder}"), id="save-where", markup=False)
            yield Static("", id="save-problem", markup=False)
            yield Static("Enter: save  ·  Escape: cancel", id="save-keys")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @property
    def problem_line(self) -> str:
        """The line under the path: why the last Enter did not save (empty when none)."""
        return str(self.query_one("#save-problem", Static).content)

    def _say(self, text: str, severity: str = "error") -> None:
        line = self.query_one("#save-problem", Static)
        line.update(visible(text))
        line.set_class(severity == "error" and bool(text), "error")
        line.set_class(severity == "warning", "warning")

    def on_input_changed(self, _: Input.Changed) -> None:
        self._replace = None
        self._say("")

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self.action_save()

    async def action_save(self) -> None:
        typed = self.query_one(Input).value
        if not typed.strip():
            self._say("type a file name")
            return
        path = target(typed, self.folder)
        why = problem(path)
        if why is not None:
            self._say(why)
            return
        if path.exists() and path != self._replace:
            self._replace = path
            self._say(f"{path.name} exists: Enter again replaces it", "warning")
            return
        why = await self._save(path)
        if why is not None:
            self._say(why)
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
