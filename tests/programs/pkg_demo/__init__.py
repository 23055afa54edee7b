"""A small package run with `python -m pkg_demo` (from tests/programs); not a program itself."""

GREETING = "hello from pkg_demo"
