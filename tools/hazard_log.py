"""The hazard log (DCB0129): check docs/safety/hazard-log.toml and render it as markdown.

    python tools/hazard_log.py            check the log, write docs/safety/hazard-log.md
    python tools/hazard_log.py --check    check the log and its traceability to the tests;
                                          exit 1 when anything is wrong or the .md is stale

The log is data; the markdown is generated from it and never edited by hand.
`validate` checks the log on its own (ids, ratings against the matrix, types);
`trace` checks it against the test files, by parsing them (nothing is imported or
run): every named test exists and carries `@pytest.mark.hazard(...)` naming the
hazard, and every hazard marker in the suite names a hazard that lists the test.
tests/test_traceability.py runs both in the normal test suite.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "docs" / "safety" / "hazard-log.toml"
MARKDOWN = ROOT / "docs" / "safety" / "hazard-log.md"

CONTROL_TYPES = ("design", "test", "training", "procedure")
CONTROL_STATUSES = ("implemented", "planned")
HAZARD_STATUSES = ("open", "mitigated", "closed")
TESTED_TYPES = ("design", "test")  # implemented controls of these types must name tests

HAZARD_KEYS = {"id", "title", "hazard", "causes", "effect", "harm", "existing_controls",
               "initial_risk", "controls", "residual_risk", "status", "notes"}
HAZARD_REQUIRED = HAZARD_KEYS - {"notes"}
CONTROL_KEYS = {"type", "status", "description", "tests"}
RISK_KEYS = {"likelihood", "severity", "rating"}

HAZARD_ID = re.compile(r"H[1-9][0-9]*")
TEST_ID = re.compile(r"(tests/(?:[A-Za-z0-9_]+/)*test_[A-Za-z0-9_]*\.py)::"
                     r"(?:([A-Za-z_][A-Za-z0-9_]*)::)?(test[A-Za-z0-9_]*)")


def load(path: Path = LOG) -> dict[str, Any]:
    with path.open("rb") as fh:
        return tomllib.load(fh)


# --------------------------------------------------------------------------- validation


def _risk_errors(where: str, risk: object, matrix: list[list[int]]) -> list[str]:
    if not isinstance(risk, dict):
        return [f"{where}: must be a table {{likelihood, severity, rating}}"]
    errors = []
    if set(risk) != RISK_KEYS:
        errors.append(f"{where}: needs exactly likelihood, severity and rating")
    values = [risk.get(k) for k in ("likelihood", "severity", "rating")]
    if not all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 5 for v in values):
        return [*errors, f"{where}: likelihood, severity and rating are whole numbers 1-5"]
    likelihood, severity, rating = values
    expected = matrix[likelihood - 1][severity - 1]
    if rating != expected:
        errors.append(f"{where}: rating {rating} does not match the matrix: likelihood "
                      f"{likelihood} x severity {severity} gives {expected}")
    return errors


def _matrix_errors(log: dict[str, Any]) -> list[str]:
    m = log.get("matrix")
    if not isinstance(m, dict):
        return ["[matrix] is missing"]
    errors = []
    rating = m.get("rating")
    if not (isinstance(rating, list) and len(rating) == 5
            and all(isinstance(row, list) and len(row) == 5
                    and all(isinstance(v, int) and 1 <= v <= 5 for v in row) for row in rating)):
        return ["[matrix] rating must be 5 rows of 5 ratings (1-5)"]
    for name in ("likelihood", "severity", "acceptability"):
        if not (isinstance(m.get(name), list) and len(m[name]) == 5
                and all(isinstance(v, str) and v for v in m[name])):
            errors.append(f"[matrix] {name} must list 5 words")
    for i in range(5):  # a worse likelihood or severity never gives a better rating
        for j in range(5):
            if (i and rating[i][j] < rating[i - 1][j]) or (j and rating[i][j] < rating[i][j - 1]):
                errors.append(f"[matrix] rating is not monotonic at likelihood {i + 1}, "
                              f"severity {j + 1}")
    return errors


def validate(log: dict[str, Any]) -> list[str]:
    """Every problem with the log on its own, one sentence each ([] when it is sound)."""
    errors = _matrix_errors(log)
    if errors:
        return errors
    matrix = log["matrix"]["rating"]
    hazards = log.get("hazard")
    if not isinstance(hazards, list) or not hazards:
        return ["the log has no [[hazard]] entries"]
    seen: set[str] = set()
    previous = 0
    for n, h in enumerate(hazards, start=1):
        if not isinstance(h, dict):
            errors.append(f"hazard #{n}: not a table")
            continue
        hid = h.get("id")
        where = hid if isinstance(hid, str) else f"hazard #{n}"
        if not (isinstance(hid, str) and HAZARD_ID.fullmatch(hid)):
            errors.append(f"{where}: id must be H followed by a number (H1, H2, ...)")
        elif hid in seen:
            errors.append(f"{where}: id is used twice")
        else:
            seen.add(hid)
            if int(hid[1:]) <= previous:
                errors.append(f"{where}: hazards must be in id order")
            previous = int(hid[1:])
        for key in sorted(set(h) - HAZARD_KEYS):
            errors.append(f"{where}: unknown key {key!r}")
        for key in sorted(HAZARD_REQUIRED - set(h)):
            errors.append(f"{where}: {key} is missing")
        for key in ("title", "hazard", "effect", "harm"):
            if key in h and not (isinstance(h[key], str) and h[key].strip()):
                errors.append(f"{where}: {key} must be a sentence")
        if "notes" in h and not isinstance(h["notes"], str):
            errors.append(f"{where}: notes must be text")
        for key in ("causes", "existing_controls"):
            value = h.get(key)
            if key in h and not (isinstance(value, list) and value
                                 and all(isinstance(v, str) and v.strip() for v in value)):
                errors.append(f"{where}: {key} must list at least one sentence")
        for key in ("initial_risk", "residual_risk"):
            if key in h:
                errors.extend(_risk_errors(f"{where} {key}", h[key], matrix))
        status = h.get("status")
        if "status" in h and status not in HAZARD_STATUSES:
            errors.append(f"{where}: status {status!r} is not one of {', '.join(HAZARD_STATUSES)}")
        controls = h.get("controls", [])
        if not isinstance(controls, list) or not controls:
            errors.append(f"{where}: needs at least one control")
            controls = []
        tested = False
        for c_n, c in enumerate(controls, start=1):
            cwhere = f"{where}.C{c_n}"
            if not isinstance(c, dict):
                errors.append(f"{cwhere}: not a table")
                continue
            for key in sorted(set(c) - CONTROL_KEYS):
                errors.append(f"{cwhere}: unknown key {key!r}")
            for key in sorted(CONTROL_KEYS - set(c)):
                errors.append(f"{cwhere}: {key} is missing")
            if "type" in c and c["type"] not in CONTROL_TYPES:
                errors.append(f"{cwhere}: type {c['type']!r} is not one of {', '.join(CONTROL_TYPES)}")
            if "status" in c and c["status"] not in CONTROL_STATUSES:
                errors.append(f"{cwhere}: status {c['status']!r} is not one of "
                              f"{', '.join(CONTROL_STATUSES)}")
            if "description" in c and not (isinstance(c["description"], str) and c["description"].strip()):
                errors.append(f"{cwhere}: description must be a sentence")
            tests = c.get("tests", [])
            if not (isinstance(tests, list) and all(isinstance(t, str) for t in tests)):
                errors.append(f"{cwhere}: tests must be a list of test ids")
                continue
            for t in tests:
                if not TEST_ID.fullmatch(t):
                    errors.append(f"{cwhere}: {t!r} is not a test id "
                                  "(tests/path/test_file.py::test_name or ::Class::test_name)")
            if len(set(tests)) != len(tests):
                errors.append(f"{cwhere}: a test is named twice")
            if c.get("status") == "planned" and tests:
                errors.append(f"{cwhere}: a planned control has no tests yet; "
                              "mark it implemented to name its tests")
            if c.get("status") == "implemented" and c.get("type") in TESTED_TYPES and not tests:
                errors.append(f"{cwhere}: an implemented {c.get('type')} control must name "
                              "the tests that prove it")
            if c.get("status") == "implemented" and tests:
                tested = True
        if status in ("mitigated", "closed") and not tested:
            errors.append(f"{where}: is {status} but no implemented control names a test")
        if status == "open" and not (isinstance(h.get("notes"), str) and h["notes"].strip()):
            errors.append(f"{where}: an open hazard needs notes saying what is missing")
        residual, initial = h.get("residual_risk"), h.get("initial_risk")
        if (isinstance(residual, dict) and isinstance(initial, dict)
                and isinstance(residual.get("rating"), int) and isinstance(initial.get("rating"), int)):
            if residual["rating"] > initial["rating"]:
                errors.append(f"{where}: residual rating is above the initial rating")
            if status in ("mitigated", "closed") and residual["rating"] >= 4:
                errors.append(f"{where}: a residual rating of {residual['rating']} is not "
                              f"acceptable for a {status} hazard")
    return errors


# --------------------------------------------------------------------------- traceability


def _dotted(node: ast.expr) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _hazard_args(node: ast.expr, where: str, errors: list[str]) -> list[str] | None:
    """The ids of a `pytest.mark.hazard(...)` expression, or None for any other expression."""
    if not (isinstance(node, ast.Call) and _dotted(node.func) in ("pytest.mark.hazard", "mark.hazard")):
        return None
    ids = []
    for arg in node.args:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            ids.append(arg.value)
        else:
            errors.append(f"{where}: hazard marker arguments must be string literals")
    if node.keywords or not node.args:
        errors.append(f"{where}: write hazard markers as pytest.mark.hazard(\"H1\", ...)")
    return ids


def _marks_of(nodes: Iterable[ast.expr], where: str, errors: list[str]) -> set[str]:
    found: set[str] = set()
    for node in nodes:
        ids = _hazard_args(node, where, errors)
        if ids is not None:
            found.update(ids)
    return found


def _module_marks(tree: ast.Module, where: str, errors: list[str]) -> set[str]:
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets):
            values = node.value.elts if isinstance(node.value, ast.List | ast.Tuple) else [node.value]
            found |= _marks_of(values, where, errors)
    return found


FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def scan_tests(root: Path = ROOT) -> tuple[dict[str, set[str]], list[str]]:
    """Every test function in tests/ (by id) with the hazard ids its markers name."""
    tests: dict[str, set[str]] = {}
    errors: list[str] = []
    base = root / "tests"
    for path in sorted(base.rglob("*.py")) if base.is_dir() else []:
        if not path.name.startswith("test_"):
            continue
        module = path.relative_to(root).as_posix()
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=module)
        except (SyntaxError, UnicodeDecodeError) as exc:
            errors.append(f"{module}: cannot be parsed ({exc})")
            continue
        module_marks = _module_marks(tree, module, errors)
        for node in tree.body:
            if isinstance(node, FUNCTIONS) and node.name.startswith("test"):
                tid = f"{module}::{node.name}"
                tests[tid] = module_marks | _marks_of(node.decorator_list, tid, errors)
            elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                class_marks = module_marks | _marks_of(node.decorator_list, f"{module}::{node.name}",
                                                       errors)
                for item in node.body:
                    if isinstance(item, FUNCTIONS) and item.name.startswith("test"):
                        tid = f"{module}::{node.name}::{item.name}"
                        tests[tid] = class_marks | _marks_of(item.decorator_list, tid, errors)
    return tests, errors


def traced(log: dict[str, Any]) -> dict[str, set[str]]:
    """Test id -> the hazards whose controls name it."""
    out: dict[str, set[str]] = {}
    for h in log.get("hazard", []):
        for c in h.get("controls", []):
            for t in c.get("tests", []):
                out.setdefault(t, set()).add(h["id"])
    return out


def trace(log: dict[str, Any], root: Path = ROOT) -> list[str]:
    """Every break between the log and the test files under root/tests ([] when none)."""
    tests, errors = scan_tests(root)
    known = {h.get("id") for h in log.get("hazard", [])}
    wanted = traced(log)
    for tid, hazards in sorted(wanted.items()):
        module = tid.split("::", 1)[0]
        if not (root / module).is_file():
            errors.append(f"{tid}: named by {', '.join(sorted(hazards))} but {module} does not exist")
        elif tid not in tests:
            errors.append(f"{tid}: named by {', '.join(sorted(hazards))} but there is no such test "
                          f"in {module}")
        else:
            for hid in sorted(hazards - tests[tid]):
                errors.append(f"{tid}: named by {hid} but has no @pytest.mark.hazard(\"{hid}\")")
    for tid, marks in sorted(tests.items()):
        for hid in sorted(marks):
            if hid not in known:
                errors.append(f"{tid}: @pytest.mark.hazard names unknown hazard {hid!r}")
            elif hid not in wanted.get(tid, set()):
                errors.append(f"{tid}: marked for {hid} but {hid} does not name it in the hazard log")
    return errors


# --------------------------------------------------------------------------- rendering


def _cell(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|").replace("\n", " ")


def _risk(log: dict[str, Any], risk: dict[str, int]) -> str:
    m = log["matrix"]
    rating = risk["rating"]
    return (f"likelihood {risk['likelihood']} ({m['likelihood'][risk['likelihood'] - 1]}) x "
            f"severity {risk['severity']} ({m['severity'][risk['severity'] - 1]}) = "
            f"**{rating}** ({m['acceptability'][rating - 1]})")


def _lines(items: list[str]) -> str:
    return "<br>".join(f"- {_cell(i)}" for i in items)


def render(log: dict[str, Any]) -> str:
    m, hazards = log["matrix"], log["hazard"]
    controls = [c for h in hazards for c in h["controls"]]
    implemented = [c for c in controls if c["status"] == "implemented"]
    tests = traced(log)
    out = [
        "# Hazard log",
        "",
        "<!-- Generated from hazard-log.toml by tools/hazard_log.py: do not edit by hand. -->",
        "",
        f"System: {_cell(log['meta']['system'])}.  ",
        f"Standard: {_cell(log['meta']['standard'])}.  ",
        f"Log version {_cell(log['meta']['log_version'])}; "
        f"review: {_cell(log['meta']['last_reviewed'])}.",
        "",
        f"{len(hazards)} hazards ({sum(h['status'] == 'open' for h in hazards)} open); "
        f"{len(controls)} added controls ({len(implemented)} implemented, "
        f"{len(controls) - len(implemented)} planned); {len(tests)} distinct tests traced, each "
        "marked `@pytest.mark.hazard(...)` in the suite and checked by `tests/test_traceability.py`.",
        "",
        "Initial risk: before the added controls, with the existing controls only. Residual risk: "
        "with the implemented controls only (planned controls count once they are implemented "
        "and traced to tests).",
        "",
        "## Summary",
        "",
        "| id | hazard | initial | residual | status |",
        "|---|---|---|---|---|",
    ]
    for h in hazards:
        out.append(f"| [{h['id']}](#{h['id'].lower()}) | {_cell(h['title'])} | "
                   f"{h['initial_risk']['rating']} | {h['residual_risk']['rating']} | {h['status']} |")
    out += [
        "",
        "## Risk matrix",
        "",
        "Rating = matrix[likelihood][severity] (NHS 5x5 clinical risk matrix, DCB0129/DCB0160 "
        "guidance).",
        "",
        "| likelihood \\ severity | " + " | ".join(f"{j + 1} {s}" for j, s in enumerate(m["severity"]))
        + " |",
        "|---" * 6 + "|",
    ]
    for i in reversed(range(5)):
        out.append(f"| {i + 1} {m['likelihood'][i]} | "
                   + " | ".join(str(v) for v in m["rating"][i]) + " |")
    out += ["", "| rating | meaning |", "|---|---|"]
    out += [f"| {n} | {_cell(a)} |" for n, a in enumerate(m["acceptability"], start=1)]
    for h in hazards:
        out += [
            "",
            f"## {h['id']}",
            "",
            f"**{_cell(h['title'])}**",
            "",
            "| | |",
            "|---|---|",
            f"| Hazard | {_cell(h['hazard'])} |",
            f"| Causes | {_lines(h['causes'])} |",
            f"| Effect | {_cell(h['effect'])} |",
            f"| Possible harm | {_cell(h['harm'])} |",
            f"| Existing controls | {_lines(h['existing_controls'])} |",
            f"| Initial risk | {_risk(log, h['initial_risk'])} |",
            f"| Residual risk | {_risk(log, h['residual_risk'])} |",
            f"| Status | **{h['status']}** |",
        ]
        if h.get("notes"):
            out.append(f"| Notes | {_cell(h['notes'])} |")
        out += ["", "Added controls:", "", "| control | type | status | description | verified by |",
                "|---|---|---|---|---|"]
        for n, c in enumerate(h["controls"], start=1):
            proof = "<br>".join(f"`{t}`" for t in c["tests"]) or (
                "not yet built: no test" if c["status"] == "planned" else f"{c['type']}: no automated test")
            out.append(f"| {h['id']}.C{n} | {c['type']} | {c['status']} | {_cell(c['description'])} "
                       f"| {proof} |")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="check the log, its tests and that hazard-log.md is up to date; write nothing")
    args = parser.parse_args(argv)
    try:
        log = load()
    except (OSError, tomllib.TOMLDecodeError) as exc:
        print(f"hazard_log: {LOG.relative_to(ROOT)}: {exc}", file=sys.stderr)
        return 1
    errors = validate(log)
    for e in errors:
        print(f"hazard_log: {e}", file=sys.stderr)
    if errors:
        return 1
    text = render(log)
    current = MARKDOWN.read_text(encoding="utf-8") if MARKDOWN.is_file() else None
    if args.check and current != text:
        errors.append(f"{MARKDOWN.relative_to(ROOT)} is out of date: run python tools/hazard_log.py")
    elif not args.check and current != text:
        MARKDOWN.write_text(text, encoding="utf-8")
        print(f"wrote {MARKDOWN.relative_to(ROOT)}")
    errors += trace(log)
    for e in errors:
        print(f"hazard_log: {e}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
