"""The effort benchmark's case still runs through the real window (so it cannot rot).

bench/bench_effort.py drives the uncomplicated case of issue 13 by key events only and
checks the exported PDF; it exits non-zero when the case cannot be completed or the PDF
does not hold it. It is a benchmark, not a timed test: the key counts are printed, and
only the case's completion is asserted here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_bench(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    return subprocess.run([sys.executable, str(ROOT / "bench" / "bench_effort.py"), *args],
                          capture_output=True, text=True, env=env, timeout=240, cwd=tmp_path)


def test_the_uncomplicated_case_completes_by_keyboard_and_exports_its_pdf(tmp_path):
    result = run_bench(tmp_path, "--keys")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    lines = result.stdout.splitlines()
    total = next(line for line in lines if line.startswith("total"))
    assert int(total.split()[1]) > 0
    for part in ("identifiers", "consultation", "history", "red flags", "STarT Back",
                 "plan and export"):
        assert any(line.startswith(part) for line in lines), part
    assert "exported: " in result.stdout
