"""Third-party components (SOUP) with the versions installed: docs/safety/third-party.md.

    python tools/third_party.py            write docs/safety/third-party.md from this venv
    python tools/third_party.py --check    exit 1 when the file differs from this venv

Runtime components are the dependencies in pyproject.toml and everything they
pull in (read from the installed packages' metadata, extras left out); test
components are the `test` extra's direct requirements. The bundled DejaVu fonts'
version is read from the font file itself. tests/test_traceability.py checks the
file against pyproject.toml (every requirement listed, every listed version
allowed, pinned versions installed).
"""

from __future__ import annotations

import argparse
import importlib.metadata as metadata
import re
import struct
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
DOC = ROOT / "docs" / "safety" / "third-party.md"
FONT = ROOT / "resources" / "fonts" / "DejaVuSans.ttf"
FONT_LICENCE = "Bitstream Vera and DejaVu changes: free, permissive (resources/fonts/LICENSE-DejaVu.txt)"

PURPOSE = {
    "pydantic": "The record model: validation of every field on assignment and on load, JSON Schema",
    "pydantic-core": "pydantic's validation engine",
    "annotated-types": "constraint types used by pydantic",
    "typing-extensions": "typing back-ports used by pydantic",
    "typing-inspection": "type introspection used by pydantic",
    "reportlab": "Renders the PDF consultation note",
    "rl-accel": "reportlab's C accelerators (string widths, number formatting): faster notes",
    "python-stdnum": "Check digits of clinical codes: Verhoeff for SNOMED CT identifiers, "
                     "mod 10 for LOINC (consult/codes.py)",
    "pillow": "image support required by reportlab (the note embeds no images)",
    "charset-normalizer": "text encoding detection required by reportlab",
    "pyside6-essentials": "Qt for Python: the desktop form (pinned: 6.12.0 crashes on Python 3.11; H16)",
    "shiboken6": "Qt for Python binding generator runtime, required by PySide6",
    "pypdfium2": "PDFium: rasterises the note for printing where no print system takes PDF",
    "pyside6-addons": "Qt for Python add-ons: QtPdf previews the stored note in the staff's notes list",
    "sqlalchemy": "The store: drafts, finalised notes and the audit trail on SQLite or PostgreSQL",
    "alembic": "Database schema migrations of the store",
    "mako": "templates required by Alembic (new migration scripts only)",
    "markupsafe": "escaping required by Mako",
    "psycopg": "PostgreSQL driver for a practice's shared database",
    "psycopg-binary": "psycopg's compiled C implementation with its own libpq",
    "platformdirs": "Finds the user's data folder for the default SQLite database",
    "greenlet": "required by SQLAlchemy (not used: the store is synchronous)",
    "tzdata": "Time zone data on Windows (notes show UK local time)",
    "pytest": "Test runner",
    "pytest-qt": "GUI tests of the Qt form (offscreen)",
    "hypothesis": "Property-based tests and fuzzing",
    "pypdf": "Stamps superseded note versions and joins notes into one print job; reads PDFs back in tests",
    "pdfplumber": "Reads the PDF note back in tests (positions, fonts, colours)",
    "ruff": "Lint",
    "setuptools": "Builds the wheel in tests/test_packaging.py",
    "wheel": "Builds the wheel in tests/test_packaging.py",
}


def pyproject() -> dict[str, list[Requirement]]:
    """The requirements that apply on this platform (e.g. tzdata only on Windows)."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]

    def here(specs: list[str]) -> list[Requirement]:
        found = [Requirement(r) for r in specs]
        return [r for r in found if r.marker is None or r.marker.evaluate()]

    return {"runtime": here(project["dependencies"]),
            "test": here(project["optional-dependencies"]["test"])}


def _licence(dist: metadata.Distribution) -> str:
    md = dist.metadata
    if md.get("License-Expression"):
        return md["License-Expression"]
    text = (md.get("License") or "").strip()
    if text and "\n" not in text and len(text) <= 60:
        return text
    classifiers = [c.split(" :: ")[-1] for c in md.get_all("Classifier") or []
                   if c.startswith("License ::")]
    if classifiers:
        return ", ".join(classifiers)
    return text.split("(")[0].strip()[:60] or "see the package"


def _requires(dist: metadata.Distribution) -> list[str]:
    """The names (as the package spells them) of what dist needs, extras left out."""
    out = []
    for r in dist.requires or []:
        req = Requirement(r)
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            out.append(req.name)
    return out


def font_version(path: Path = FONT) -> str:
    """The version string of a TrueType font (name table, name id 5), e.g. '2.37'."""
    data = path.read_bytes()
    (count,) = struct.unpack(">H", data[4:6])
    for i in range(count):
        tag, _, offset, _ = struct.unpack(">4sIII", data[12 + 16 * i: 28 + 16 * i])
        if tag != b"name":
            continue
        _, n, strings = struct.unpack(">HHH", data[offset: offset + 6])
        for j in range(n):
            pid, _, _, nid, length, start = struct.unpack(
                ">HHHHHH", data[offset + 6 + 12 * j: offset + 18 + 12 * j])
            if nid == 5:
                raw = data[offset + strings + start: offset + strings + start + length]
                text = raw.decode("utf-16-be" if pid in (0, 3) else "latin-1")
                found = re.search(r"\d+(\.\d+)+", text)
                return found.group(0) if found else text
    raise ValueError(f"{path}: no version in the name table")


def components() -> list[dict[str, str]]:
    """Every component: name, version, licence, role (runtime | test), purpose, required by."""
    wanted = pyproject()
    rows: dict[str, dict[str, str]] = {}
    queue = [(r.name, "pyproject.toml") for r in wanted["runtime"]]
    while queue:
        spelt, by = queue.pop(0)
        name = canonicalize_name(spelt)
        if name in rows:
            continue
        dist = metadata.distribution(name)
        rows[name] = {"name": spelt, "version": dist.version,
                      "licence": _licence(dist), "role": "runtime",
                      "purpose": PURPOSE.get(name, f"required by {by}"), "required_by": by}
        queue += [(dep, spelt) for dep in _requires(dist)]
    runtime = sorted(rows.values(), key=lambda r: r["name"].lower())
    runtime.append({"name": "DejaVu Sans fonts", "version": font_version(), "licence": FONT_LICENCE,
                    "role": "runtime", "purpose": "Embedded in every PDF note (resources/fonts)",
                    "required_by": "bundled"})
    tests = []
    for r in wanted["test"]:
        name = canonicalize_name(r.name)
        dist = metadata.distribution(name)
        tests.append({"name": r.name, "version": dist.version, "licence": _licence(dist),
                      "role": "test", "purpose": PURPOSE.get(name, "test dependency"),
                      "required_by": "pyproject.toml [test]"})
    return runtime + tests


HEADER = """# Third-party components

<!-- Generated by tools/third_party.py from the installed packages: do not edit by hand. -->

Software of unknown provenance (SOUP) in the product, with the versions installed
in the development environment when this file was generated. Runtime components
ship with the application; test components are used only to build and test it.
Runtime: the dependencies in `pyproject.toml` and everything they require; test:
the direct requirements of the `test` extra (`pip install -e '.[test]'`).

Licences as the packages declare them. PySide6 and shiboken6 are used under the
LGPL-3.0: they are installed as separate, replaceable packages, never modified or
linked statically. A change of any runtime version is a change to the product:
rerun the suite and record it in the hazard log review (`docs/safety/README.md`).

| component | version | licence | role | purpose | required by |
|---|---|---|---|---|---|
"""


def render(rows: list[dict[str, str]]) -> str:
    lines = [f"| {r['name']} | {r['version']} | {r['licence']} | {r['role']} | {r['purpose']} | "
             f"{r['required_by']} |" for r in rows]
    return HEADER + "\n".join(lines) + "\n"


def read_table(text: str) -> list[dict[str, str]]:
    """The rows of a third-party.md table, as components() gives them."""
    keys = ("name", "version", "licence", "role", "purpose", "required_by")
    rows = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if line.startswith("| ") and len(cells) == len(keys) and cells[0] != "component":
            rows.append(dict(zip(keys, cells, strict=True)))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is out of date")
    args = parser.parse_args(argv)
    text = render(components())
    current = DOC.read_text(encoding="utf-8") if DOC.is_file() else None
    if current == text:
        return 0
    if args.check:
        print(f"third_party: {DOC.relative_to(ROOT)} differs from the installed packages: "
              "run python tools/third_party.py", file=sys.stderr)
        return 1
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
