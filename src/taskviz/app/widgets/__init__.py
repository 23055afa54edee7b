"""The app's widgets; each reads the timeline model, none touches asyncio."""

from .event_log import EventLog
from .key_hints import KeyHints
from .legend_bar import LegendBar
from .scenario_list import ScenarioList
from .source_view import SourceView
from .status_bar import StatusBar
from .summary_bar import SummaryBar
from .task_details import TaskDetails
from .timeline_view import TimelineView
from .transport_bar import Position, TransportBar

__all__ = ["EventLog", "KeyHints", "LegendBar", "Position", "ScenarioList", "SourceView", "StatusBar", "SummaryBar", "TaskDetails", "TimelineView",
           "TransportBar"]
