"""Regenerate the README's screenshots: `python tools/screenshots.py` (headless).

Writes docs/screenshots/{empty,mechanical,cauda-equina}.png (light palette) and
cauda-equina-dark.png, from the example records, at 1440x900. Settings go to a
temporary folder, never the user's own.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    from PySide6.QtCore import QCoreApplication, QSettings, Qt
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    from consult import recordfile
    from forms.settings import AppSettings, save_settings, style_sheet

    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        QCoreApplication.setOrganizationName("consult-screenshots")
        QCoreApplication.setApplicationName("consult-screenshots")
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(QSettings.Format.IniFormat, scope, tmp)
        save_settings(AppSettings(clinician_name="Dr Asha Patel", gmc_number="7012345",
                                  practice_name="Riverside Medical Practice",
                                  practice_address="1 River Road\nExampletown\nEX1 2AB"))
        from forms.mainwindow import MainWindow

        def shoot(name: str, example: str | None, dark: bool = False) -> None:
            app.setStyle("Fusion")
            palette = app.style().standardPalette()
            if dark:
                for role, colour in ((QPalette.ColorRole.Window, "#2b2b2b"),
                                     (QPalette.ColorRole.WindowText, "#e8e8e8"),
                                     (QPalette.ColorRole.Base, "#1f1f1f"),
                                     (QPalette.ColorRole.AlternateBase, "#2a2a2a"),
                                     (QPalette.ColorRole.Text, "#e8e8e8"),
                                     (QPalette.ColorRole.Button, "#3a3a3a"),
                                     (QPalette.ColorRole.ButtonText, "#e8e8e8"),
                                     (QPalette.ColorRole.ToolTipBase, "#3a3a3a"),
                                     (QPalette.ColorRole.ToolTipText, "#e8e8e8"),
                                     (QPalette.ColorRole.PlaceholderText, "#9a9a9a")):
                    palette.setColor(role, colour)
            app.setPalette(palette)
            app.setStyleSheet(style_sheet(dark=dark))
            window = MainWindow()
            window.resize(1440, 900)
            if example:
                record = recordfile.load(ROOT / "resources" / "examples" / f"{example}.json")
            else:  # a fixed clock, so that regenerating changes nothing
                record = window.record
                record.consultation.date = dt.date(2026, 11, 26)
                record.consultation.time = dt.time(9, 30)
            window.form.load(record)
            window.panel.set_record(record)
            window._refresh()
            window.show()
            for _ in range(5):
                app.processEvents()
            window.form.ensure_built()
            app.processEvents()
            window.form.scroll_to_section("red_flags" if example == "cauda-equina"
                                          else "consultation")
            for _ in range(5):
                app.processEvents()
            window.grab().save(str(out / f"{name}.png"))
            window.dirty = False
            window.close()
            window.deleteLater()
            app.processEvents()
            print(out / f"{name}.png")

        shoot("empty", None)
        shoot("mechanical", "mechanical")
        shoot("cauda-equina", "cauda-equina")
        shoot("cauda-equina-dark", "cauda-equina", dark=True)
    del Qt
    return 0


if __name__ == "__main__":
    sys.exit(main())
