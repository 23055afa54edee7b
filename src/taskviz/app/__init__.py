"""The Textual app. It reads the timeline model; only ``session`` touches the instrumentation."""

from .app import TaskvizApp

__all__ = ["TaskvizApp"]
