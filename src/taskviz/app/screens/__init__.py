"""The app's screens: the main one, and the modals over it."""

from .help import HelpScreen
from .main import MainScreen
from .notes import NotesScreen

__all__ = ["HelpScreen", "MainScreen", "NotesScreen"]
