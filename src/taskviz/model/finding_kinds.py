"""The kinds of finding, in a module of their own: the command line names them in its
help and checks ``--fail-on`` against them without importing the model."""

KINDS = ("deadlock", "starved_queue", "blocking", "no_await", "fire_and_forget", "self_wake", "never_awaited")
"""Every kind of finding, most serious first: the names ``--fail-on`` takes."""
