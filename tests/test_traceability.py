"""The safety case holds together: hazard log <-> tests <-> generated documents.

Every control of the hazard log (docs/safety/hazard-log.toml) names the tests that
prove it; this file fails the suite when a named test is missing, is not marked
`@pytest.mark.hazard("Hn")`, or a marker names a hazard that does not list it; when a
mitigated hazard has no tested control; when hazard-log.md is stale; and when the
third-party list disagrees with pyproject.toml. The checker is itself tested on a
small bad log, so it cannot pass by checking nothing.
"""

from __future__ import annotations

import importlib.metadata as metadata
import importlib.util
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"tools_{name}", ROOT / "tools" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


hazard_log = _tool("hazard_log")
third_party = _tool("third_party")

MATRIX = {
    "likelihood": ["very low", "low", "medium", "high", "very high"],
    "severity": ["minor", "significant", "considerable", "major", "catastrophic"],
    "rating": [[1, 1, 2, 2, 3], [1, 2, 2, 3, 4], [2, 2, 3, 3, 4], [2, 3, 3, 4, 5], [3, 4, 4, 5, 5]],
    "acceptability": ["a", "b", "c", "d", "e"],
}


@pytest.fixture(scope="module")
def log() -> dict:
    return hazard_log.load()


# --------------------------------------------------------------------------- the real log


def test_the_hazard_log_is_valid(log):
    assert hazard_log.validate(log) == []


def test_every_named_test_exists_and_carries_its_hazard_marker(log):
    assert hazard_log.trace(log) == []


def test_the_required_hazards_are_logged_and_honest(log):
    hazards = {h["id"]: h for h in log["hazard"]}
    assert len(hazards) >= 11
    text = {hid: (h["title"] + " " + h["hazard"]).lower() for hid, h in hazards.items()}
    for words in (("red flag", "page 1"), ("never asked",), ("wrong patient", "new"),
                  ("wrong patient", "restored draft"), ("crash",), ("glyph",), ("out of date",),
                  ("nhs number",), ("dates",), ("exposed",), ("alert fatigue",),
                  ("wrong version",)):
        assert any(all(w in t for w in words) for t in text.values()), words
    # issue 6's controls (drafts, restore, locked versions, audit) are built and traced
    for hid in ("H4", "H5", "H13"):
        assert hazards[hid]["status"] == "mitigated"
        assert all(c["status"] == "implemented" and c["tests"] for c in hazards[hid]["controls"])


def test_every_hazard_marker_in_the_suite_is_registered_and_known(log):
    tests, errors = hazard_log.scan_tests(ROOT)
    assert errors == []
    marked = {t for t, marks in tests.items() if marks}
    assert marked == set(hazard_log.traced(log))  # the scan really sees the markers
    assert len(marked) > 150
    known = {h["id"] for h in log["hazard"]}
    assert set().union(*tests.values()) <= known


def test_hazard_log_markdown_is_up_to_date(log):
    expected = hazard_log.render(log)
    current = hazard_log.MARKDOWN.read_text(encoding="utf-8")
    assert current == expected, "docs/safety/hazard-log.md is stale: run python tools/hazard_log.py"


# --------------------------------------------------------------------------- the checker itself


def _tiny_log(tests: list[str], status: str = "mitigated") -> dict:
    return {
        "meta": {"system": "s", "standard": "DCB0129", "log_version": "0", "last_reviewed": "no"},
        "matrix": MATRIX,
        "hazard": [{
            "id": "H1", "title": "t", "hazard": "h", "causes": ["c"], "effect": "e", "harm": "x",
            "existing_controls": ["none"],
            "initial_risk": {"likelihood": 3, "severity": 4, "rating": 3},
            "residual_risk": {"likelihood": 1, "severity": 4, "rating": 2},
            "status": status,
            "controls": [{"type": "design", "status": "implemented", "description": "d",
                          "tests": tests}],
        }],
    }


def _suite(tmp_path: Path) -> Path:
    tests = tmp_path / "tests" / "gui"
    tests.mkdir(parents=True)
    (tmp_path / "tests" / "test_a.py").write_text(textwrap.dedent("""
        import pytest

        @pytest.mark.hazard("H1")
        @pytest.mark.parametrize("x", [1, 2])
        def test_marked(x):
            pass

        def test_unmarked():
            pass

        @pytest.mark.hazard("H9")
        def test_marked_for_an_unknown_hazard():
            pass

        @pytest.mark.hazard("H1")
        class TestGroup:
            def test_in_a_class(self):
                pass
    """))
    (tests / "test_b.py").write_text(textwrap.dedent("""
        import pytest

        pytestmark = [pytest.mark.hazard("H1")]

        def test_module_marked():
            pass
    """))
    return tmp_path


def test_the_checker_fails_on_a_missing_test_an_unmarked_test_and_an_unknown_hazard(tmp_path):
    root = _suite(tmp_path)
    bad = _tiny_log(["tests/test_a.py::test_marked",
                     "tests/test_a.py::test_unmarked",
                     "tests/test_a.py::test_no_such_test",
                     "tests/test_gone.py::test_anything"])
    errors = hazard_log.trace(bad, root)
    joined = "\n".join(errors)
    assert "tests/test_a.py::test_unmarked: named by H1 but has no @pytest.mark.hazard(\"H1\")" in joined
    assert "tests/test_a.py::test_no_such_test: named by H1 but there is no such test" in joined
    assert "tests/test_gone.py::test_anything: named by H1 but tests/test_gone.py does not exist" in joined
    assert "test_marked_for_an_unknown_hazard: @pytest.mark.hazard names unknown hazard 'H9'" in joined
    # a marker the log does not record (class and module markers count)
    assert "tests/test_a.py::TestGroup::test_in_a_class: marked for H1 but H1 does not name it" in joined
    assert "tests/gui/test_b.py::test_module_marked: marked for H1 but H1 does not name it" in joined
    assert not any(e.startswith("tests/test_a.py::test_marked:") for e in errors)
    assert len(errors) == 6


def test_the_checker_passes_a_consistent_log(tmp_path):
    root = _suite(tmp_path)
    (root / "tests" / "test_a.py").write_text(
        (root / "tests" / "test_a.py").read_text().replace('hazard("H9")', 'hazard("H1")'))
    good = _tiny_log(["tests/test_a.py::test_marked",
                      "tests/test_a.py::test_marked_for_an_unknown_hazard",
                      "tests/test_a.py::TestGroup::test_in_a_class",
                      "tests/gui/test_b.py::test_module_marked"])
    assert hazard_log.validate(good) == []
    assert hazard_log.trace(good, root) == []


@pytest.mark.parametrize(("change", "says"), [
    (lambda h: h["initial_risk"].update(rating=4), "rating 4 does not match the matrix"),
    (lambda h: h["controls"][0].update(type="hope"), "type 'hope' is not one of"),
    (lambda h: h["controls"][0].update(tests=[]), "must name the tests that prove it"),
    (lambda h: h["controls"][0].update(status="planned"), "a planned control has no tests yet"),
    (lambda h: h.update(status="done"), "status 'done' is not one of"),
    (lambda h: h.update(status="open"), "an open hazard needs notes"),
    (lambda h: h["controls"][0].update(tests=["test_a.py::x"]), "is not a test id"),
    (lambda h: h.update(residual_risk={"likelihood": 4, "severity": 4, "rating": 4}),
     "not acceptable for a mitigated hazard"),
    (lambda h: h.update(extra="x"), "unknown key 'extra'"),
    (lambda h: h.pop("harm"), "harm is missing"),
])
def test_validate_refuses_a_broken_hazard(change, says):
    bad = _tiny_log(["tests/test_a.py::test_marked"])
    change(bad["hazard"][0])
    assert any(says in e for e in hazard_log.validate(bad)), hazard_log.validate(bad)


def test_validate_refuses_duplicate_ids_and_a_mitigated_hazard_without_tests():
    bad = _tiny_log(["tests/test_a.py::test_marked"])
    bad["hazard"].append(dict(bad["hazard"][0]))
    untested = _tiny_log([])
    untested["hazard"][0]["controls"][0]["type"] = "training"
    assert "H1: id is used twice" in hazard_log.validate(bad)
    assert "H1: is mitigated but no implemented control names a test" in hazard_log.validate(untested)


def test_the_command_line_check_passes_on_the_repository():
    assert hazard_log.main(["--check"]) == 0


# --------------------------------------------------------------------------- third-party list


@pytest.mark.hazard("H16")
def test_third_party_list_matches_pyproject():
    """Every requirement of pyproject.toml is listed, with a version it allows; pins are installed."""
    rows = {canonicalize_name(r["name"]): r
            for r in third_party.read_table(third_party.DOC.read_text(encoding="utf-8"))}
    wanted = third_party.pyproject()
    for role, requirements in wanted.items():
        for req in requirements:
            name = canonicalize_name(req.name)
            assert name in rows, f"{req.name} ({role}) is missing from docs/safety/third-party.md"
            row = rows[name]
            assert row["role"] == role, req.name
            assert req.specifier.contains(row["version"], prereleases=True), (req, row["version"])
            assert row["licence"] and row["purpose"], req.name
            pinned = [s.version for s in req.specifier if s.operator == "=="]
            if pinned:
                assert metadata.version(name) == pinned[0] == row["version"], req
    for name in ("pydantic-core", "shiboken6", "pyside6-essentials", "reportlab", "pypdfium2"):
        assert rows[name]["role"] == "runtime"
    fonts = rows[canonicalize_name("DejaVu Sans fonts")]
    assert fonts["version"] == third_party.font_version() == "2.37"


@pytest.mark.hazard("H16")
def test_pinned_qt_binding_is_the_one_installed():
    (pin,) = [r for r in third_party.pyproject()["runtime"] if canonicalize_name(r.name) == "pyside6-essentials"]
    assert [s.operator for s in pin.specifier] == ["=="]
    assert metadata.version("PySide6-Essentials") in pin.specifier
    assert metadata.version("shiboken6") == metadata.version("PySide6-Essentials")
