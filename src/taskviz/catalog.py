"""Finding scenarios and reading what they say about themselves.

A scenario is a plain asyncio program: a module docstring (first line the title, the
rest what to watch for), an optional ``TAGS`` tuple and an ``async def main()``. They
are read with ``ast`` for listing, so that listing never runs anyone's code, and
imported fresh for each run, so that module-level state starts clean.
"""

from __future__ import annotations

import ast
import importlib.util
import itertools
import sys
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import taskviz

DEFAULT_SCENARIO = "basic"


class ScenarioError(Exception):
    """A scenario that cannot be found or loaded; its message is one line for the user."""


@dataclass(frozen=True)
class Scenario:
    name: str
    path: Path
    title: str
    summary: str
    description: str
    tags: tuple[str, ...]

    @property
    def source(self) -> str:
        return self.path.read_text(encoding="utf-8")


def scenario_dirs() -> list[Path]:
    """Where scenarios live: inside an installed wheel, or at the top of a checkout."""
    package = Path(taskviz.__file__).resolve().parent
    candidates = [package / "scenarios", package.parent.parent / "scenarios"]
    return [path for path in candidates if path.is_dir()]


def all_scenarios() -> list[Scenario]:
    found: dict[str, Scenario] = {}
    for folder in scenario_dirs():
        for path in sorted(folder.glob("*.py")):
            if path.name.startswith("_") or path.stem in found:
                continue
            found[path.stem] = read(path)
    return sorted(found.values(), key=lambda s: (_tag_order(s.tags), _TUTORIAL_ORDER.get(s.name, 99), s.name))


_TAG_ORDER = ("basics", "http", "pitfalls", "patterns")
_TUTORIAL_ORDER = {name: n for n, name in enumerate(("basic", "workers", "sequential", "threads_vs_asyncio", "http", "blocking"))}


def _tag_order(tags: tuple[str, ...]) -> int:
    return min((_TAG_ORDER.index(t) for t in tags if t in _TAG_ORDER), default=len(_TAG_ORDER))


def find(name_or_path: str) -> Scenario:
    """A scenario by name (``basic``) or by path to any ``.py`` file."""
    path = Path(name_or_path)
    if path.suffix == ".py" or path.parent != Path("."):
        if not path.is_file():
            raise ScenarioError(f"no such file: {name_or_path}")
        return read(path.resolve())
    for scenario in all_scenarios():
        if scenario.name == name_or_path:
            return scenario
    names = ", ".join(s.name for s in all_scenarios())
    raise ScenarioError(f"unknown scenario {name_or_path!r} (known: {names})")


def read(path: Path) -> Scenario:
    """Metadata from the file's text, without running it."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"cannot read {path}: {exc}") from None
    except SyntaxError as exc:
        raise ScenarioError(f"{path}:{exc.lineno}: syntax error: {exc.msg}") from None
    doc = (ast.get_docstring(tree) or "").strip()
    title, _, body = doc.partition("\n")
    body = body.strip()
    summary = body.split("\n\n")[0].replace("\n", " ") if body else ""
    return Scenario(
        name=path.stem,
        path=path,
        title=title.strip() or path.stem,
        summary=summary,
        description=body,
        tags=_literal_tags(tree),
    )


def _literal_tags(tree: ast.Module) -> tuple[str, ...]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "TAGS" for t in node.targets):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                return ()
            return tuple(str(tag) for tag in value)
    return ()


_load_counter = itertools.count()


def load_main(scenario: Scenario) -> Callable[[], Coroutine[Any, Any, Any]]:
    """Import the scenario afresh and return its ``main`` coroutine function."""
    module_name = f"taskviz_scenario_{scenario.name}_{next(_load_counter)}"
    spec = importlib.util.spec_from_file_location(module_name, scenario.path)
    if spec is None or spec.loader is None:
        raise ScenarioError(f"cannot import {scenario.path}")
    module: ModuleType = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except (Exception, SystemExit) as exc:
        raise ScenarioError(f"{scenario.path.name} failed to import: {type(exc).__name__}: {exc}") from exc
    finally:
        sys.modules.pop(module_name, None)
    main = getattr(module, "main", None)
    if main is None or not callable(main):
        raise ScenarioError(f"{scenario.path.name} has no main() to run")
    return main
