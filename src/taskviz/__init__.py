"""taskviz: see asyncio's cooperative multitasking happen."""

__version__ = "0.1.0"
