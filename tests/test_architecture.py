"""The package boundaries, read from the source with ast (so a lazy import inside a
function counts too):

- consult/ is the Qt-free core: nothing in it imports Qt or the forms package;
- consult/record (the record, its answers, NHS numbers, dates, the record file) imports
  nothing from the rules, the note, the store or the command line;
- consult/rules imports nothing from the note, the store, the command line or forms;
- the command line package consult/cli has no import cycle.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import consult

CORE = Path(consult.__file__).parent
FORBIDDEN = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "forms")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _modules_imported(path: Path) -> set[str]:
    """Every module an import in `path` may name, in full: `from a.b import c` gives
    a.b and a.b.c (c may be a module or a name in a.b)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _module_name(path: Path) -> str:
    parts = path.relative_to(CORE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def _boundary_offenders(package: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    folder = CORE.parent.joinpath(*package.split("."))
    found = {}
    for path in sorted(folder.rglob("*.py")):
        bad = sorted(n for n in _modules_imported(path) if _within(n, forbidden))
        if bad:
            found[str(path.relative_to(CORE.parent))] = bad
    return found


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle in `graph` (module -> modules it imports), or [] when there is none."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return []

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return []


@pytest.mark.hazard("H16")
def test_no_core_module_imports_qt_or_forms():
    offenders = {
        str(path.relative_to(CORE)): sorted(_imports(path) & set(FORBIDDEN))
        for path in CORE.rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
    assert len(offenders) > 10  # the scan really saw the core's modules


@pytest.mark.hazard("H16")
def test_loading_every_core_module_loads_no_qt():
    modules = sorted(
        "consult." + ".".join(p.relative_to(CORE).with_suffix("").parts)
        for p in CORE.rglob("*.py")
        # Alembic runs migration scripts itself, inside a migration context
        if p.name != "__init__.py" and "migrations" not in p.relative_to(CORE).parts
    )
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}]\n"
        "print(len(sys.modules)); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=CORE.parent)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("package", "forbidden"), [
    ("consult.record", ("consult.rules", "consult.note", "consult.store", "consult.cli", "forms",
                        "PySide6")),
    ("consult.rules", ("consult.note", "consult.store", "consult.cli", "forms", "PySide6")),
])
def test_a_lower_package_imports_nothing_from_the_packages_above_it(package, forbidden):
    folder = CORE.parent.joinpath(*package.split("."))
    assert len(list(folder.glob("*.py"))) >= 5  # the scan really saw the package
    assert _boundary_offenders(package, forbidden) == {}


def test_the_boundary_scan_sees_lazy_imports_and_from_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from consult.note import compose\n"
                      "from consult import store\nimport consult.cli.common\n")
    found = _modules_imported(module)
    assert {"consult.note", "consult.note.compose", "consult.store",
            "consult.cli.common"} <= found
    assert _within("consult.store", ("consult.store",))
    assert not _within("consult.storage", ("consult.store",))


def _cli_graph() -> dict[str, set[str]]:
    folder = CORE / "cli"
    modules = {_module_name(p): p for p in folder.glob("*.py")}
    graph = {}
    for name, path in modules.items():
        graph[name] = {m for m in _modules_imported(path) if m in modules and m != name}
    return graph


def test_the_command_line_package_has_no_import_cycle():
    graph = _cli_graph()
    assert {"consult.cli", "consult.cli.common", "consult.cli.record_commands",
            "consult.cli.store_commands"} <= set(graph)
    assert _cycle(graph) == []
    # one direction: the package's main imports the commands, they import only the shared helpers
    assert graph["consult.cli.common"] == set()
    for commands in ("consult.cli.record_commands", "consult.cli.store_commands"):
        assert graph[commands] <= {"consult.cli.common"}, commands


def test_the_cycle_check_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) == []
