"""Textual's Footer, with the keys that matter most first and none cut in half.

The stock footer lists the focused widget's keys first and cuts the line at the right
edge, so at 80 or 100 columns "? Help" and "q Quit" fell off. Here the keys are ordered
by what a person needs first, and the ones that do not fit are left out whole; help (?)
lists them all.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

FIRST = ("help", "quit", "run", "pause", "play", "step", "slower", "faster", "present", "cancel_task", "notes",
         "findings", "task_tree", "wait_graph", "toggle_library", "toggle_objects", "zoom_in", "zoom_out", "fit", "follow",
         "filter_log", "toggle_scenarios", "save", "toggle_theme")
"""Actions in the order their keys are offered; any other action comes after these."""

PALETTE_ROOM = 12  # "^p palette" docked at the right, with its border


class KeyHints(Footer):
    """Recomposed only when what it would show changes: the stock footer remounts every key
    on each focus change and each resize, which was a third of the app's start."""

    _shown: tuple[object, ...] = ()

    async def recompose(self) -> None:
        bindings = self.screen.active_bindings.values() if self.is_attached else ()
        shown = (self.size.width, tuple((b.key, b.description, enabled) for _, b, enabled, _ in bindings if b.show))
        if shown == self._shown and self.children:
            return
        self._shown = shown
        await super().recompose()

    def compose(self) -> ComposeResult:
        keys = [widget for widget in super().compose() if isinstance(widget, FooterKey)]
        palette = [key for key in keys if key.has_class("-command-palette")]
        keys = sorted((key for key in keys if key not in palette), key=_rank)
        room = self.size.width - (PALETTE_ROOM if palette else 0)
        shown = []
        for key in keys:
            width = len(key.key_display) + len(key.description) + 3
            if width > room:
                continue
            room -= width
            shown.append(key)
        self.styles.grid_size_columns = len(shown)
        yield from shown
        yield from palette

    def on_resize(self) -> None:
        self.refresh(recompose=True)


def _rank(key: FooterKey) -> int:
    action = key.action.rpartition(".")[2]
    return FIRST.index(action) if action in FIRST else len(FIRST)
