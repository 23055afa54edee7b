"""Methods of asyncio's classes replaced for as long as at least one run is active.

Several runs may overlap (a program that runs loops in threads), so the replacements are
counted: the first run in puts them in, the last one out puts asyncio's own back. Between
runs asyncio is exactly as the program would find it under ``python``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class ClassPatches:
    """``(class, method name, replacement)`` triples, installed and removed together."""

    def __init__(self, *patches: tuple[type, str, Callable[..., Any]]) -> None:
        self._patches = [(cls, name, cls.__dict__[name], replacement) for cls, name, replacement in patches]
        self._guard = threading.Lock()
        self._runs = 0

    def install(self) -> None:
        """One more run: the first puts the replacements in."""
        with self._guard:
            self._runs += 1
            if self._runs == 1:
                for cls, name, _, replacement in self._patches:
                    setattr(cls, name, replacement)

    def uninstall(self, forget: Callable[[], None]) -> None:
        """One run fewer: ``forget`` drops what it kept about that run, under the same lock;
        the last run out puts asyncio's methods back."""
        with self._guard:
            forget()
            self._runs = max(0, self._runs - 1)
            if self._runs == 0:
                for cls, name, original, _ in self._patches:
                    setattr(cls, name, original)
