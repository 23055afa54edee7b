"""The app's screens: the main one, and the modals over it.

The help and notes screens render Markdown (textual's Markdown widget brings markdown-it,
a fifth of the app's imports): they are imported when first opened, not before the first frame.
"""

from .main import MainScreen
from .save_dialog import SaveDialog

__all__ = ["MainScreen", "SaveDialog"]
