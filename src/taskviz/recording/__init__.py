"""Recordings: a run saved as it happens, in the stage's stream format, and opened again.

A recording is the stream a stage sends (``wire.stream``) written to a file, so a live
run, a saved one and one cut short are all read by the same code. ``tee`` saves a
stage's stream in the app, ``saver`` saves an in-process (headless) run, ``opened``
turns a file back into what a finished run shows.
"""
