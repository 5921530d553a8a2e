"""Benchmark the desktop form (not a test): start-up and answer-to-panel latency.

    python bench/bench_gui.py [--runs 7] [--answers 200]

Start-up: wall time from launching a Python process until the main window is
painted with the first field focused (record model and rules loaded), against a
bare PySide6 window showing one label, measured the same way in the same run.
Target: 2x the bare window or less.

Latency: with a full record (the mechanical example), the time from an answer
(a key press) to the updated panel and note preview, painted: for an answer that
changes only the note, and for one that fires or clears a rule (the panel then
re-lays out its rows). Target: p95 16 ms or less.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = """
import sys
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv[:1])
label = QLabel("consult")
label.show()
app.processEvents()
label.grab()
print("ready", flush=True)
"""

APP = """
import sys
sys.path.insert(0, {root!r})
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
QCoreApplication.setOrganizationName("consult-bench")
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, {tmp!r})
from forms.consultation.main_window import MainWindow
from forms.dialogs.settings import style_sheet
app.setStyleSheet(style_sheet())
window = MainWindow()
window.show()
app.processEvents()
window.grab()
assert QApplication.focusWidget() is window.form.first_field().focus_target()
print("ready", flush=True)
"""


def _launch(code: str) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, timeout=120)
    elapsed = time.perf_counter() - start
    if "ready" not in result.stdout:
        raise SystemExit(f"launch failed: {result.stderr[-400:]}")
    return elapsed * 1000


def startup(runs: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        app_code = APP.format(root=str(ROOT), tmp=tmp)
        _launch(BARE), _launch(app_code)  # warm the file cache
        bare, ours = [], []
        for _ in range(runs):  # interleaved, so load on the machine hits both alike
            bare.append(_launch(BARE))
            ours.append(_launch(app_code))
    return statistics.median(bare), statistics.median(ours)


def latency(answers: int, path: str) -> list[float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QCoreApplication, QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    tmp = tempfile.mkdtemp()
    QCoreApplication.setOrganizationName("consult-bench")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp)
    from consult.record import file as recordfile
    from forms.consultation.main_window import MainWindow

    window = MainWindow()
    window.resize(1440, 900)
    window.form.load(recordfile.load(ROOT / "resources" / "examples" / "mechanical.json"))
    window.panel.set_record(window.record)
    window._refresh()
    window.show()
    app.processEvents()
    field = window.form.fields[path]
    times = []
    for i in range(answers):
        window.form.focus_field(path)
        key = Qt.Key.Key_Y if i % 2 == 0 else Qt.Key.Key_N
        start = time.perf_counter()
        QTest.keyClick(field, key)
        app.processEvents()  # the panel and preview repaint
        times.append((time.perf_counter() - start) * 1000)
    window.dirty = False
    window.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--answers", type=int, default=200)
    args = parser.parse_args()
    bare, ours = startup(args.runs)
    print(f"start-up (median of {args.runs}): bare PySide6 window {bare:.0f} ms, "
          f"consult {ours:.0f} ms, ratio {ours / bare:.2f} (target <= 2)")
    for path, what in (("history.worse_at_night", "an answer that changes the note only"),
                       ("red_flags.weight_loss", "an answer that fires or clears a rule")):
        times = sorted(latency(args.answers, path))
        p50 = times[len(times) // 2]
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"answer -> panel and preview, {what} ({args.answers} answers, full record): "
              f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms (target p95 <= 16)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
