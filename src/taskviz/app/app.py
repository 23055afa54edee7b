"""The taskviz app: the audience of a stage. Programs run in a stage process of their own;
the app reads their stream and animates it, so it never freezes with them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from ..catalog import DEFAULT_SCENARIO, Scenario, all_scenarios, find
from ..model.findings import findings
from ..model.history import WINDOW_S
from ..model.summary import write_summary
from ..finished import Finished
from ..text import visible
from ..recording.files import RECORDING_SUFFIX
from .saving import dated_name, failure, write_run
from .screens import MainScreen, SaveDialog
from .screens.main import SAVE_ERROR_S
from .session import Session
from .tape import Tape, from_finished


class TaskvizApp(App[None]):
    CSS_PATH = "taskviz.tcss"
    TITLE = "taskviz"
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("t", "toggle_theme", "Theme"),
        Binding("ctrl+s", "save", "Save run"),
    ]

    def __init__(self, scenario: str | Scenario = DEFAULT_SCENARIO, *, autorun: bool = False,
                 recording: Finished | Tape | None = None, until: int | None = None, prints: str = "",
                 json_path: str | None = None, speed: float = 1.0, save_path: str | None = None,
                 at_ns: int | None = None, screenshot_dir: str | None = None, present: bool = False,
                 keep_s: float = WINDOW_S) -> None:
        """``scenario``: a name, a path or a Scenario; a file of the user's own heads the list.

        ``recording``: show a finished run instead of running one: replayed from its start, or
        paused at row ``until`` or at ``at_ns`` into the run. ``prints``: what a run made in this
        process printed. Screenshots go to ``screenshot_dir`` (default: the current directory).
        ``save_path``: the first run is recorded to this file as it happens (``run --save``).
        ``present``: start in presenter mode (``--present``; ``p`` toggles it). ``keep_s``: how
        much of a long live run is kept in detail (``--keep``; ``model/retention``).
        """
        super().__init__()
        self.session = Session(speed, save=save_path, keep_s=keep_s)
        self.scenarios = all_scenarios()
        start = find(scenario) if isinstance(scenario, str) else scenario
        if start.path not in {s.path for s in self.scenarios}:
            start = replace(start, tags=("yours",))
            self.scenarios = [start, *self.scenarios]
        self._start = start
        self._json_path = json_path
        self._autorun = autorun
        self._recording = from_finished(recording, prints) if isinstance(recording, Finished) else recording
        # --virtual-time --save: the run was made, and its file failed, before the app started
        self.recording_save_error = recording.save_error if isinstance(recording, Finished) else None
        self._until = until
        self._at_ns = at_ns
        self.screenshot_dir = screenshot_dir
        self.present = present  # start in presenter mode

    @property
    def main(self) -> MainScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    def get_default_screen(self) -> Screen[None]:
        return MainScreen(self.scenarios, self.session)

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        if self._recording is None:
            self.session.warm_up()

    def on_main_screen_ready(self, _: MainScreen.Ready) -> None:
        """The main screen is composed: select the first scenario, run or show what was asked."""
        main = self.main
        main.select_scenario(self._start)
        if self._recording is not None:
            self.session.show_recorded(self._start, self._recording, self._until, self._at_ns)
            main.shown()
            main.timeline.focus()
            if self._recording.note:
                self.notify(visible(self._recording.note), severity="warning", timeout=8, markup=False)
            if self.recording_save_error:
                self.notify(visible(self.recording_save_error), title="Recording stopped", severity="error",
                            timeout=SAVE_ERROR_S, markup=False)
        elif self._autorun:
            # after the first frame, so the app's start-up does not hold up the scenario's timers
            self.call_after_refresh(self.run_scenario, self._start)
        if self.present:
            main.action_present()

    def on_main_screen_run_requested(self, event: MainScreen.RunRequested) -> None:
        self.run_scenario(event.scenario)

    def run_scenario(self, scenario: Scenario) -> None:
        """A fresh run of ``scenario``; whatever ran before is cancelled."""
        self.session.start(scenario)
        self.main.shown()  # first: it clears the log, and the stage may already be printing
        self.main.select_scenario(scenario)
        self.main.timeline.focus()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title != "Screenshot":  # Textual's saves to ~/Downloads, which may not exist
                yield command
        where = self.screenshot_dir or "the current directory"
        yield SystemCommand("Screenshot", f"Save an SVG screenshot of the screen in {where}",
                            lambda: self.set_timer(0.1, self.action_save_screenshot))
        yield SystemCommand("Save run", "Save the run shown to a .taskviz file (ctrl+s)",
                            self.action_save)
        for scenario in self.scenarios:
            yield SystemCommand(f"Run {scenario.name}", scenario.title, lambda s=scenario: self.run_scenario(s))
        yield SystemCommand("Toggle light / dark", "Switch between the light and the dark theme", self.action_toggle_theme)

    def action_save_screenshot(self) -> None:
        """An SVG of the screen, in a directory that exists; the app says where it went."""
        folder = Path(self.screenshot_dir or ".")
        try:
            path = self.save_screenshot(filename=self._file_name(folder, ".svg"), path=str(folder))
        except OSError as exc:
            self.notify(visible(f"cannot save a screenshot in {folder}: {exc.strerror or exc}"), severity="error",
                        timeout=8, markup=False)
            return
        self.notify(visible(f"Saved screenshot to {Path(path).absolute()}"), title="Screenshot", timeout=8, markup=False)

    def action_save(self) -> None:
        """ctrl+s: ask where to save the run shown (live so far, or replayed), offering
        ``<scenario>-<time>.taskviz`` in the current directory."""
        if isinstance(self.screen, SaveDialog):
            return
        if self.session.saveable() is None:
            self.notify("Nothing to save yet: run a scenario first.", severity="warning")
            return
        default = self._file_name(Path("."), RECORDING_SUFFIX)
        still_running = self.session.link is not None and not self.session.finished
        self.push_screen(SaveDialog(default, self._save_run, so_far=still_running))

    async def _save_run(self, path: Path) -> str | None:
        """The run shown as it is now, to ``path``; why it could not be, in one line."""
        saved = self.session.saveable()
        if saved is None:
            return "nothing to save: the run is gone"
        try:
            await asyncio.to_thread(write_run, path, saved)
        except OSError as exc:
            return failure(path, exc)
        so_far = " (the run so far)" if saved.end is None else ""
        self.notify(visible(f"Saved the run{so_far} to {path}"), title="Saved", timeout=8, markup=False)
        return None

    def _file_name(self, folder: Path, suffix: str) -> str:
        scenario = self.session.scenario or self._start
        return dated_name(scenario.name, folder, suffix)

    def action_help(self) -> None:
        from .screens.help import HelpScreen  # Markdown: loaded when first asked for

        self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"
        self.call_after_refresh(self._repaint_scrollbar_corners)
        self.main.frame()

    def _repaint_scrollbar_corners(self) -> None:
        """A scrollbar corner keeps the old theme's colour unless drawn again once the new
        styles are in (seen on 3.11: a black square in the light theme)."""
        for widget in self.screen.query("*"):
            if widget.show_horizontal_scrollbar and widget.show_vertical_scrollbar:
                widget.scrollbar_corner.refresh()

    def on_main_screen_finished(self, _: MainScreen.Finished) -> None:
        self._write_json()

    def _write_json(self) -> None:
        """``--json FILE``: the run's summary, once, when it ends (or as far as it got, on quit)."""
        model, scenario = self.session.model, self.session.scenario
        if self._json_path is None or model is None or scenario is None:
            return
        path, self._json_path = self._json_path, None
        try:
            with open(path, "w", encoding="utf-8") as out:
                write_summary(out, scenario.name, model, self.session.wall_ns,
                              findings=[finding.to_json() for finding in findings(model)])
        except OSError as exc:
            self.notify(f"cannot write {path}: {exc.strerror}", severity="error", timeout=8)

    async def on_unmount(self) -> None:
        """However the app ends (ctrl+c, an error, a test's end), no stage process outlives it."""
        await asyncio.to_thread(self.session.close)

    async def action_quit(self) -> None:
        """Stop the running program (politely, then for sure) and quit: nothing is left behind."""
        self._write_json()
        await asyncio.to_thread(self.session.close)
        self.exit()
