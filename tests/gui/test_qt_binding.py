"""The Qt binding itself: a long consultation makes many thousands of Qt calls."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.hazard("H16")
def test_many_qt_calls_do_not_free_none():
    # PySide6 6.12.0 on Python 3.11 dropped a reference to None on every Qt call
    # returning nothing and aborted the app after ~5,000 ("deallocating None").
    code = (
        "import sys\n"
        "from PySide6.QtCore import QObject\n"
        "o = QObject(); before = sys.getrefcount(None)\n"
        "for _ in range(50_000): o.setObjectName('x')\n"
        "print(sys.getrefcount(None) - before)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-500:]
    assert abs(int(result.stdout.strip())) < 1000
