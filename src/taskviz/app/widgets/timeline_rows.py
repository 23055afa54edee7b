"""The timeline's rows and which one is selected: the program's tasks, and a row per library
for the tasks libraries made for themselves (``model/folding.py``), unless ``i`` shows them.

A selected row is a task (``selected``, a task id, what the rest of the screen follows) or
a library's group row (``selected_group``, its name); never both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...model.folding import Folding, Row, folding_for

if TYPE_CHECKING:
    from textual.geometry import Offset, Region
    from textual.message import Message

    from ...model.timeline import TimelineModel


class TimelineRows:
    """Mixed into TimelineView, which declares the reactives and posts the messages."""

    model: TimelineModel | None
    _rows: list[Row]
    selected: int | None
    selected_group: str | None
    show_library: bool

    if TYPE_CHECKING:  # TimelineView's and Widget's own: declared for the type checker only, never shadowed

        @property
        def scrollable_content_region(self) -> Region: ...

        @property
        def scroll_offset(self) -> Offset: ...

        def scroll_to(self, *, y: float, animate: bool) -> None: ...

        def set_reactive(self, reactive: object, value: object) -> None: ...

        def post_message(self, message: Message) -> bool: ...

        def tick(self) -> None: ...

        @property
        def pinned(self) -> int: ...

        def _task_selected(self, task_id: int | None, group: str | None) -> Message: ...

    @property
    def folding(self) -> Folding | None:
        return folding_for(self.model) if self.model is not None else None

    def _current_rows(self) -> list[Row]:
        folding = self.folding
        return folding.rows(self.show_library) if folding is not None else []

    def _depth(self, tid: int) -> int:
        """A task row's indent: under its shown ancestors only."""
        folding = self.folding
        return folding.depth(tid, self.show_library) if folding is not None else 0

    # -- selection ------------------------------------------------------------------------------

    def _selected_key(self) -> Row | None:
        return self.selected if self.selected is not None else self.selected_group

    def _select(self, key: Row | None) -> None:
        """Select a task or a group row: the other kind of selection is cleared without a message."""
        if isinstance(key, str):
            self.set_reactive(type(self).selected, None)  # type: ignore[attr-defined]
            self.selected_group = key
        else:
            self.set_reactive(type(self).selected_group, None)  # type: ignore[attr-defined]
            self.selected = key

    def watch_selected(self, task_id: int | None) -> None:
        self._selection_moved(task_id)

    def watch_selected_group(self, owner: str | None) -> None:
        self._selection_moved(owner)

    def _selection_moved(self, key: Row | None) -> None:
        self.post_message(self._task_selected(self.selected, self.selected_group))
        if key is not None and key in self._rows:
            row = self._rows.index(key)
            visible = self.scrollable_content_region.height - self.pinned
            top = self.scroll_offset.y
            if row < top:
                self.scroll_to(y=row, animate=False)
            elif row >= top + visible:
                self.scroll_to(y=row - visible + 1, animate=False)
        self.tick()

    def watch_show_library(self, show: bool) -> None:
        """The selection stays on what it was: a folded task's group, or an unfolded group's first task."""
        self.tick()
        folding = self.folding
        if folding is None:
            return
        if show and self.selected_group is not None:
            group = folding.group(self.selected_group)
            self._select(group.members[0] if group is not None and group.members else None)
        elif not show and self.selected is not None and folding.is_library(self.selected):
            self._select(self.model.tracks[self.selected].info.library if self.model is not None else None)

    def _select_row(self, row: int) -> None:
        if self._rows:
            self._select(self._rows[max(0, min(row, len(self._rows) - 1))])

    def _selected_row(self) -> int:
        key = self._selected_key()
        return self._rows.index(key) if key is not None and key in self._rows else -1

    def action_select_next(self) -> None:
        self._select_row(self._selected_row() + 1)

    def action_select_previous(self) -> None:
        row = self._selected_row()
        self._select_row(row - 1 if row > 0 else 0)

    def action_select_first(self) -> None:
        self._select_row(0)

    def action_select_last(self) -> None:
        self._select_row(len(self._rows) - 1)

    def action_toggle_library(self) -> None:
        self.show_library = not self.show_library
