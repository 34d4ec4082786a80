"""The domain core reads top-down: no module of `facility` imports, even inside a function, a module
that imports it back, and `facility` imports none of the rooms built on it (DESIGN.md)."""

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

import facility

PACKAGE = Path(facility.__file__).parent
ROOMS = ("crawler", "indexer", "search_api", "sitegen", "iopfinder", "benchmarks", "tests")


def imported_names(path: Path, package: str) -> set[str]:
    """Every dotted name `path` imports, at its top, under `if TYPE_CHECKING` or in a function;
    `from a import b` gives both `a` and `a.b`."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = ".".join(filter(None, (package if node.level else None, node.module)))
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def module_graph(directory: Path) -> dict[str, set[str]]:
    """Module → the modules of the same package it imports."""
    package = directory.name
    modules = {path.stem for path in directory.glob("*.py")}
    graph = {}
    for module in modules:
        parts = (name.split(".") for name in imported_names(directory / f"{module}.py", package))
        graph[module] = {part[1] for part in parts if len(part) > 1 and part[0] == package
                         and part[1] in modules and part[1] != module}
    return graph


def layers(graph: dict[str, set[str]]) -> list[str]:
    """The modules, each after every module it imports; raises CycleError naming a cycle."""
    return list(TopologicalSorter(graph).static_order())


def test_facility_modules_import_only_modules_below_them():
    try:
        order = layers(module_graph(PACKAGE))
    except CycleError as error:
        pytest.fail(f"facility modules import each other in a circle: {' -> '.join(error.args[1])}")
    assert set(order) == {path.stem for path in PACKAGE.glob("*.py")}


def test_facility_imports_none_of_the_rooms_built_on_it():
    offending = {path.name: sorted(name for name in imported_names(path, "facility") if name.split(".")[0] in ROOMS)
                 for path in PACKAGE.glob("*.py")}
    assert {name: rooms for name, rooms in offending.items() if rooms} == {}


def test_an_import_inside_a_function_still_closes_a_circle(tmp_path):
    package = tmp_path / "core"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "words.py").write_text("def label():\n    from core.groups import GROUPS\n    return GROUPS\n")
    (package / "groups.py").write_text("from core.words import label\nGROUPS = {}\n")
    (package / "plain.py").write_text("from . import groups\n")
    graph = module_graph(package)
    assert graph == {"__init__": set(), "words": {"groups"}, "groups": {"words"}, "plain": {"groups"}}
    with pytest.raises(CycleError):
        layers(graph)
