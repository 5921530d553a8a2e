"""Every key the window's words name in brackets ("choose them (Ctrl+K)", "the To finish
list (F7)") is the shortcut of one of the window's own commands: a shortcut changed in
one place cannot leave a message, tooltip or hint telling the GP the old key."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence

from forms.consultation.main_window import MainWindow
from forms.form.consultation_form import ConsultationForm

FORMS = Path(__file__).resolve().parents[2] / "forms"
NAMED = re.compile(r"\((?P<keys>(?:Ctrl|Alt|Shift)\+[A-Za-z0-9+,]+|F\d{1,2})\)")


def _named_keys() -> dict[str, list[str]]:
    """Each bracketed key named in the forms' source, with where it is named."""
    found: dict[str, list[str]] = {}
    for path in sorted(FORMS.rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in NAMED.finditer(line):
                found.setdefault(match["keys"], []).append(f"{path.name}:{n}")
    return found


def test_every_key_the_words_name_is_a_shortcut_of_the_window(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    shortcuts = {s.toString(QKeySequence.SequenceFormat.PortableText)
                 for action in window.findChildren(QAction) for s in action.shortcuts()}
    shortcuts.add(ConsultationForm.GROUP_DENIED_KEYS)
    named = _named_keys()
    assert {"Ctrl+K", "F7", "Ctrl+S"} <= set(named)  # the scan finds them
    assert {k: where for k, where in named.items() if k not in shortcuts} == {}
    window.dirty = False


def test_the_scan_finds_a_key_that_is_no_shortcut():
    assert NAMED.search('"press it (Ctrl+Q)"')["keys"] == "Ctrl+Q"
    assert NAMED.search("the list (F9) shows") is not None
    assert NAMED.search("(Ctrl+Shift+F)")["keys"] == "Ctrl+Shift+F"
