"""An installed copy (not the checkout) finds its fonts, rule texts and examples."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from consult.store import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.hazard("H6", "H7")
def test_a_plain_install_ships_and_finds_every_resource(tmp_path):
    source = tmp_path / "source"  # build from a copy: nothing written into the checkout
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", ".pytest_cache", "tests"))
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-q", str(source), "-w", str(tmp_path / "wheel")],
        capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    (wheel,) = (tmp_path / "wheel").glob("consult-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.relative_to(ROOT / "resources").as_posix()
               for p in (ROOT / "resources").rglob("*") if p.is_file()}
    assert {f"consult_resources/{n}" for n in shipped} <= names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import consult, consult.resources as r, consult.rules.ruleset as rs\n"
        "assert 'site' in consult.__file__, consult.__file__\n"
        "print(r.path('fonts', 'DejaVuSans.ttf')); print(r.path('examples', 'mechanical.json'))\n"
        "print(rs.load().version)\n"
        "from consult.store import Store\n"  # the migrations ship and run from the install
        "s = Store.open('sqlite:///' + sys.argv[2]); print(s.schema_revision()); s.close()\n"
    )
    run = subprocess.run([sys.executable, "-c", code, str(site), str(tmp_path / "c.db")], capture_output=True,
                         text=True, cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stderr
    font, example, version, schema = run.stdout.split()
    assert schema == Store.head_revision()
    assert font.startswith(str(site)) and example.startswith(str(site))
    assert version == __import__("consult.rules.ruleset").rules.ruleset.load().version
