"""One line under the timeline naming every look it draws, in words.

Built by ``palette.legend_segments``, the function the headless text timeline uses too, so
the two legends cannot disagree. It names only the kinds of wait the run has had (all of
them before a run), and the loop lane's looks where the line has room.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ... import palette
from ...model.timeline import TimelineModel
from ...model.waits import WaitKind

LOOP_GAP = "   │  "


class LegendBar(Static):
    """Redrawn only when the kinds of wait seen or the width change."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._model: TimelineModel | None = None
        self._shown: tuple[object, ...] = ()
        self._looked_at: tuple[TimelineModel | None, int] = (None, 0)  # a model, and how many of its tracks were looked at
        self._threads = False  # for an executor job

    def show(self, model: TimelineModel | None) -> None:
        self._model = model
        kinds = frozenset(model.wait_kinds()) if model is not None else None
        threads = model is not None and self._any_thread(model)
        dark = self.app.current_theme.dark
        key = (kinds, threads, self.size.width, dark)
        if key != self._shown:
            self._shown = key
            self.update(legend(self.size.width, kinds, threads=threads, dark=dark))

    def on_resize(self) -> None:
        self.show(self._model)

    def _any_thread(self, model: TimelineModel) -> bool:
        """Whether the run has had an executor job: asked every frame, so only the tracks added since are looked at."""
        tracks = model.tracks
        looked_at, seen = self._looked_at
        if looked_at is not model:
            seen, self._threads = 0, False
        if not self._threads:
            self._threads = any(tracks[tid].thread for tid in range(seen, len(tracks)))
        self._looked_at = (model, len(tracks))
        return self._threads


def legend(width: int, kinds: frozenset[WaitKind] | None, *, threads: bool = False, dark: bool = True) -> Text:
    """The states (and the loop lane's looks when they fit) within ``width`` cells, in the
    colours the timeline uses on this theme."""
    loop = palette.loop_legend_segments()
    states = palette.legend_segments(width, kinds, threads=threads)
    room = width - sum(len(text) for text, _ in states)
    segments = states + [(LOOP_GAP, "dim"), *loop] if room >= len(LOOP_GAP) + len(palette.legend_text(loop)) else states
    if not dark:
        segments = [(text, palette.on_light(style) if style.startswith("#") else style) for text, style in segments]
    return Text.assemble(*segments, no_wrap=True, overflow="ellipsis")
