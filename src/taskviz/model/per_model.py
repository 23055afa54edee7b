"""One of a thing per timeline model, made on first use and dropped with the model.

The names table, the folding of library tasks, the wait-for graph, the queue levels and
the app's findings watch are each worked out once per model and shared by every view
of it (the timeline, the log, the tree, headless), so no two views work one out twice
or disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar
from weakref import WeakKeyDictionary

if TYPE_CHECKING:
    from .timeline import TimelineModel

T = TypeVar("T")


class PerModel(Generic[T]):
    """``make(model)`` once per model; the same object after, for as long as the model lives."""

    def __init__(self, make: Callable[[TimelineModel], T]) -> None:
        self._make = make
        self._made: WeakKeyDictionary[TimelineModel, T] = WeakKeyDictionary()

    def of(self, model: TimelineModel) -> T:
        made = self._made.get(model)
        if made is None:
            made = self._made[model] = self._make(model)
        return made

    def existing(self, model: TimelineModel) -> T | None:
        """The one made for ``model``, if any was: what a model's window tells to forget (``retention``)."""
        return self._made.get(model)
