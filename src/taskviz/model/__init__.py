"""A run as plain data for views: per-task tracks, the loop lane, the summary. No Textual here."""
