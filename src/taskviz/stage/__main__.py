"""``python -m taskviz.stage STREAM_FD CONTROL_FD``: a stage process, started by a viewer."""

import sys

from .child import main

main(sys.argv[1:])
