"""consult/ is the Qt-free core: nothing in it imports Qt or the forms package."""

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
