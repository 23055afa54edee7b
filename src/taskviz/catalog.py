"""Finding scenarios and reading what they say about themselves.

A scenario is a plain asyncio program: a module docstring (first line the title, the
rest what to watch for, ending with a ``Point:`` paragraph, what it shows, and a
``Headline: MEASURE`` line, which measure of the run makes that point: see
``model/headline.py``), an optional ``TAGS`` tuple and an ``async def main()``. They
are read with ``ast`` for listing, so that listing never runs anyone's code, and
imported fresh for each run, so that module-level state starts clean.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib.util
import itertools
import os
import sys
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import taskviz

DEFAULT_SCENARIO = "basic"
DEFAULT_HEADLINE = "overlap"  # a program that names no measure: waiting against wall time, as most show


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
    broken: str = ""  # why the file cannot be read or run, for a file listed all the same
    module: str | None = None  # run as ``python -m module`` rather than as the file
    args: tuple[str, ...] = ()  # the program's own arguments, its sys.argv[1:]
    typed: str = ""  # the path as the user gave it: python's sys.argv[0] is that, not the absolute path
    point: str = ""  # what the scenario shows, in a sentence: the caption beside its headline
    headline: str = DEFAULT_HEADLINE  # which measure of the run makes the point (model/headline.py)

    @property
    def argv0(self) -> str:
        return self.typed or str(self.path)

    @property
    def source(self) -> str:
        """The file's text, decoded as Python decodes it (its coding declaration, else UTF-8)."""
        try:
            return importlib.util.decode_source(self.path.read_bytes())
        except (OSError, UnicodeDecodeError, SyntaxError) as exc:
            return f"# cannot read {self.path.name}: {exc}"


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
            try:
                found[path.stem] = _read_once(path)
            except ScenarioError as exc:  # one broken file must not hide the others
                found[path.stem] = Scenario(path.stem, path, "cannot be run", str(exc), str(exc), ("broken",), str(exc))
    return sorted(found.values(), key=lambda s: (_tag_order(s.tags), _TUTORIAL_ORDER.get(s.name, 99), s.name))


def listing() -> list[tuple[str, str]]:
    """(name, title) of every scenario, in list order: the name is what one types after
    ``taskviz run``, the title one line; a broken file says why instead of a title."""
    return [(s.name, f"✗ cannot be run: {s.broken}" if s.broken else s.title) for s in all_scenarios()]


_TAG_ORDER = ("basics", "http", "pitfalls", "patterns", "other", "broken")
_TUTORIAL_ORDER = {name: n for n, name in enumerate(("basic", "workers", "sequential", "threads_vs_asyncio", "http_client", "blocking"))}


def _tag_order(tags: tuple[str, ...]) -> int:
    return min((_TAG_ORDER.index(t) for t in tags if t in _TAG_ORDER), default=len(_TAG_ORDER))


def find(name_or_path: str) -> Scenario:
    """A scenario by name (``basic``) or by path to any ``.py`` file."""
    path = Path(name_or_path)
    if path.suffix == ".py" or path.parent != Path(".") or path.is_dir():
        if path.is_dir():
            raise ScenarioError(f"{name_or_path} is a directory: give a .py file")
        if not path.is_file():
            raise ScenarioError(f"no such file: {name_or_path}")
        return dataclasses.replace(read(path.resolve()), typed=name_or_path)
    for scenario in all_scenarios():
        if scenario.name == name_or_path:
            if scenario.broken:
                raise ScenarioError(scenario.broken)
            return scenario
    names = ", ".join(s.name for s in all_scenarios())
    raise ScenarioError(f"unknown scenario {name_or_path!r} (known: {names})")


def find_module(name: str) -> Scenario:
    """A module to run as ``python -m NAME`` would, found from the current directory as python finds it."""
    sys.path.insert(0, os.getcwd())
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError) as exc:
        raise ScenarioError(f"cannot run -m {name}: {exc}") from None
    finally:
        sys.path.pop(0)
    if spec is None:
        raise ScenarioError(f"no module named {name!r} (looked from {os.getcwd()})")
    if spec.submodule_search_locations is not None:  # a package runs its __main__
        main = next((Path(folder) / "__main__.py" for folder in spec.submodule_search_locations
                     if (Path(folder) / "__main__.py").is_file()), None)
        if main is None:
            raise ScenarioError(f"{name} is a package without a __main__.py: it cannot be run with -m")
        path = main
    elif spec.origin and spec.origin.endswith(".py"):
        path = Path(spec.origin)
    else:
        raise ScenarioError(f"{name} is not a Python source module: taskviz can only run .py files")
    scenario = read(path.resolve())
    return Scenario(name, scenario.path, scenario.title if scenario.title != path.stem else name, scenario.summary,
                    scenario.description, scenario.tags, module=name, point=scenario.point, headline=scenario.headline)


_READ: dict[Path, tuple[tuple[int, int], Scenario]] = {}


def _read_once(path: Path) -> Scenario:
    """``read``, parsed again only when the file changed: the command line and the app each list
    the scenarios as the app starts, and parsing them all is a few hundredths of a second."""
    try:
        stat = path.stat()
    except OSError:
        return read(path)
    stamp = (stat.st_mtime_ns, stat.st_size)
    known = _READ.get(path)
    if known is not None and known[0] == stamp:
        return known[1]
    scenario = read(path)
    _READ[path] = (stamp, scenario)
    return scenario


def read(path: Path) -> Scenario:
    """Metadata from the file's text, without running it; a file that cannot run says why."""
    try:
        data = path.read_bytes()
        text = importlib.util.decode_source(data)
        tree = ast.parse(text, filename=str(path))
    except OSError as exc:
        raise ScenarioError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"cannot read {path}: not UTF-8 at byte {exc.start}, and no coding declaration says what it is") from None
    except SyntaxError as exc:
        raise ScenarioError(_syntax_error(path, exc)) from None
    if not text.strip():
        raise ScenarioError(f"{path} is empty: nothing to run")
    if "async" not in text and "asyncio" not in text:
        raise ScenarioError(f"{path} uses no asyncio: there are no tasks for taskviz to show")
    doc = (ast.get_docstring(tree) or "").strip()
    title, _, body = doc.partition("\n")
    body, point, headline = point_and_headline(body.strip())
    summary = body.split("\n\n")[0].replace("\n", " ") if body else ""
    return Scenario(
        name=path.stem,
        path=path,
        title=title.strip() or path.stem,
        summary=summary,
        description=body,
        tags=_literal_tags(tree),
        point=point,
        headline=headline,
    )


def point_of_source(source: str) -> tuple[str, str]:
    """(point, headline measure) of a program's text, as ``read`` finds them: for a saved run,
    whose file may be gone or changed; a text that does not parse gets the defaults."""
    try:
        doc = ast.get_docstring(ast.parse(source)) or ""
    except (SyntaxError, ValueError):
        doc = ""
    _, point, headline = point_and_headline(doc.strip().partition("\n")[2].strip())
    return point, headline


def point_and_headline(body: str) -> tuple[str, str, str]:
    """(description, point, headline measure) from a docstring's body.

    The ``Headline:`` line is for taskviz and leaves the description; the ``Point:``
    paragraph stays in it, for the notes, and is also returned on one line.
    """
    lines = body.split("\n")
    headline = DEFAULT_HEADLINE
    for line in lines:
        if line.startswith("Headline:"):
            headline = line.removeprefix("Headline:").strip().split(" ")[0] or DEFAULT_HEADLINE
    kept = "\n".join(line for line in lines if not line.startswith("Headline:")).strip()
    point = next((para.removeprefix("Point:").strip().replace("\n", " ")
                  for para in kept.split("\n\n") if para.startswith("Point:")), "")
    return kept, point, headline


def _syntax_error(path: Path, exc: SyntaxError) -> str:
    """``file:line:col: syntax error: message: the line, ▸ where it went wrong`` on one line."""
    where = f"{path}:{exc.lineno}" + (f":{exc.offset}" if exc.offset else "")
    line = (exc.text or "").rstrip("\n")
    if line.strip() and exc.offset:
        cut = min(max(exc.offset - 1, 0), len(line))
        return f"{where}: syntax error: {exc.msg}: {line[:cut].lstrip()}▸{line[cut:]}"
    return f"{where}: syntax error: {exc.msg}"


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
