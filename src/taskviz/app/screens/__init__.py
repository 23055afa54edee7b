"""The app's screens: the main one, and the modals over it."""

from .help import HelpScreen
from .main import MainScreen
from .notes import NotesScreen
from .save_dialog import SaveDialog

__all__ = ["HelpScreen", "MainScreen", "NotesScreen", "SaveDialog"]
