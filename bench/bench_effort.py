"""Benchmark the GP's effort (not a test): the uncomplicated case, keyboard only.

    .venv/bin/python bench/bench_effort.py [--typed] [--keys]

Drives the real MainWindow offscreen with QTest key events only (no setText, no
direct calls into the window): a 34-year-old man, 5 days of pain after lifting at
work, no leg symptoms, pain 5 now and 7 at worst, sleep mildly affected, modified
duties, every red flag asked and negative, STarT Back answered, plan accepted,
safety-netting recorded, the finalised PDF exported (issue 13). Every key is logged
with its part; a chord counts every key in it (Ctrl+Shift+A is 3), a capital letter
counts its Shift. The exported PDF is read back (pypdf) and must hold the case's
answers and no red flag "Not asked".

Prints the keys per part, the total and a Keystroke-Level Model estimate: K 0.28 s
per key, M 1.35 s per mental operator, one M per field answer, per navigation
decision and per command (the standard heuristics; Tabs in a row to one place are
one decision). Targets: 40 inputs or fewer, KLM 45 s or less, red flags 12 or fewer.

What is set up once per practice or once per day is not counted: the settings
(clinician, GMC number, practice, export folder, who is working).

--keys prints every key with its part. Exits non-zero when the case cannot be
completed or the PDF does not hold it (so `tests/gui/test_bench_effort.py` runs it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
K_SECONDS, M_SECONDS = 0.28, 1.35
PARTS = ("identifiers", "consultation", "history", "red flags", "STarT Back",
         "plan and export")
TARGET_KEYS, TARGET_KLM, TARGET_RED_FLAGS = 40, 45.0, 12

FAMILY, GIVEN, NHS = "Okafor", "Daniel", "9434765919"


def _date_of_birth(today: dt.date) -> dt.date:
    """34 years old today (born 34 years and 100 days ago)."""
    try:
        anniversary = today.replace(year=today.year - 34)
    except ValueError:  # 29 February
        anniversary = today.replace(year=today.year - 34, day=28)
    return anniversary - dt.timedelta(days=100)


@dataclass
class Key:
    part: str
    name: str
    count: int  # keys pressed: a chord counts each of its keys


@dataclass
class Log:
    keys: list[Key] = field(default_factory=list)
    mental: Counter = field(default_factory=Counter)

    def count(self, part: str) -> int:
        return sum(k.count for k in self.keys if k.part == part)

    def total(self) -> int:
        return sum(k.count for k in self.keys)

    def klm(self, part: str | None = None) -> float:
        keys = self.total() if part is None else self.count(part)
        mental = sum(self.mental.values()) if part is None else self.mental[part]
        return keys * K_SECONDS + mental * M_SECONDS


class CaseFailed(Exception):
    """The keys did not do what the case needs (a bench failure, not a crash)."""


class Driver:
    """Presses keys where the focus is, as a GP's fingers do, and logs each one."""

    def __init__(self, app, window, log: Log) -> None:
        from PySide6.QtCore import QTimer

        self.app, self.window, self.log = app, window, log
        self.part = PARTS[0]
        self._dialog_keys: list[tuple[str, object, object]] = []
        self._poll = QTimer()
        self._poll.setInterval(30)
        self._poll.timeout.connect(self._into_dialog)
        self._poll.start()

    # -- the keys ------------------------------------------------------------------------
    def _target(self):
        from PySide6.QtWidgets import QApplication

        return QApplication.focusWidget() or QApplication.activeWindow() or self.window

    def _press(self, key, modifiers, name: str, count: int, target=None) -> None:
        from PySide6.QtTest import QTest

        self.log.keys.append(Key(self.part, name, count))
        QTest.keyClick(target or self._target(), key, modifiers)
        self.app.processEvents()

    def key(self, name: str) -> None:
        """One key or one chord by name: "Tab", "Y", "Ctrl+Shift+A", "Space", "Return"."""
        key, modifiers, count = _parse(name)
        self._press(key, modifiers, name, count)

    def type(self, text: str) -> None:
        from PySide6.QtCore import Qt

        for ch in text:
            key, shift = _char_key(ch)
            modifiers = Qt.KeyboardModifier.ShiftModifier if shift else \
                Qt.KeyboardModifier.NoModifier
            self._press(key, modifiers, f"Shift+{ch}" if shift else ch, 2 if shift else 1)

    # -- KLM operators ----------------------------------------------------------------------
    def think(self, n: int = 1) -> None:
        self.log.mental[self.part] += n

    def answer(self, *keys: str, text: str = "") -> None:
        """One field answered: one M, then its keys (or typed text)."""
        self.think()
        for k in keys:
            self.key(k)
        if text:
            self.type(text)

    def command(self, chord: str) -> None:
        self.think()
        self.key(chord)

    def tab_to(self, path: str, limit: int = 40) -> None:
        """Tab until the focus is in the field at `path`: one navigation decision."""
        if self._focus_in(path):
            return
        self.think()
        for _ in range(limit):
            self.key("Tab")
            if self._focus_in(path):
                return
        raise CaseFailed(f"Tab never reached {path}")

    def go(self, path: str) -> None:
        """Move to the field at `path` the cheapest way a GP who knows the window would:
        Tabs, Shift+Tabs, or an Alt+letter mnemonic (never one whose buddy is a check box:
        that would answer it) followed by Tabs. One navigation decision."""
        from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel

        if self._focus_in(path):
            return
        chain = self._chain()
        target = self._index_in(chain, path)
        if target is None:
            raise CaseFailed(f"{path} is not in the Tab chain")
        routes: list[tuple[int, list[str]]] = []
        here = self._index_of(chain, QApplication.focusWidget())
        if here is not None:
            forward = self._steps(chain, here, target, 1)
            backward = self._steps(chain, here, target, -1)
            if forward is not None:
                routes.append((forward, ["Tab"] * forward))
            if backward is not None:
                routes.append((2 * backward, ["Shift+Tab"] * backward))
        for label in self.window.findChildren(QLabel):
            buddy = label.buddy()
            letter = _mnemonic(label.text())
            if (buddy is None or not letter or isinstance(buddy, QAbstractButton)
                    or not label.isVisible() or not buddy.isVisible()):
                continue
            start = self._index_of(chain, buddy.focusProxy() or buddy)
            steps = None if start is None else self._steps(chain, start, target, 1, allow_zero=True)
            if steps is not None:
                routes.append((2 + steps, [f"Alt+{letter.upper()}"] + ["Tab"] * steps))
        if not routes:
            raise CaseFailed(f"no way to reach {path}")
        _cost, keys = min(routes, key=lambda r: r[0])
        self.think()
        for k in keys:
            self.key(k)
        self.expect_focus(path)

    def _chain(self) -> list:
        return list(getattr(self.window, "_tab_chain", []))

    @staticmethod
    def _reachable(widget) -> bool:
        from PySide6.QtCore import Qt

        return widget.isVisible() and widget.isEnabled() \
            and bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)

    def _index_of(self, chain: list, widget) -> int | None:
        ids = {id(w): i for i, w in enumerate(chain)}
        while widget is not None and id(widget) not in ids:
            widget = widget.parentWidget()
        return None if widget is None else ids[id(widget)]

    def _index_in(self, chain: list, path: str) -> int | None:
        for i, widget in enumerate(chain):
            w = widget
            while w is not None:
                if w.objectName() == path:
                    return i if self._reachable(widget) else None
                w = w.parentWidget()
        return None

    def _steps(self, chain: list, start: int, target: int, step: int,
               allow_zero: bool = False) -> int | None:
        if start == target:
            return 0 if allow_zero else None
        count, i = 0, start
        for _ in range(len(chain)):
            i = (i + step) % len(chain)
            if step > 0 and chain[i].property("prefilled"):
                continue  # Tab passes a prefilled field by, as the window does
            if self._reachable(chain[i]):
                count += 1
                if i == target:
                    return count
        return None

    def focus_on(self, path: str) -> bool:
        return self._focus_in(path)

    def expect_focus(self, path: str) -> None:
        if not self._focus_in(path):
            from PySide6.QtWidgets import QApplication

            focus = QApplication.focusWidget()
            raise CaseFailed(f"expected the focus on {path}, it is on "
                             f"{_describe(focus)}")

    def _focus_in(self, path: str) -> bool:
        from PySide6.QtWidgets import QApplication

        focus = QApplication.focusWidget()
        widget = focus
        while widget is not None:
            if widget.objectName() == path:
                return True
            widget = widget.parentWidget()
        return False

    # -- modal dialogs: their keys are pressed while the dialog runs -------------------------
    def in_next_dialog(self, *keys: str) -> None:
        """Keys to press in the modal dialog the next command opens (logged like any)."""
        for k in keys:
            key, modifiers, count = _parse(k)
            self._dialog_keys.append((k, (key, modifiers), count))

    def _into_dialog(self) -> None:
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication

        modal = QApplication.activeModalWidget()
        if modal is None or not self._dialog_keys:
            return
        focus = QApplication.focusWidget()
        if focus is not None and focus is not modal and not modal.isAncestorOf(focus):
            return  # the dialog is not focused yet: the key would go to the window behind it
        name, (key, modifiers), count = self._dialog_keys.pop(0)
        self.log.keys.append(Key(self.part, f"{name} (in {modal.windowTitle()!r})", count))
        QTest.keyClick(focus or modal, key, modifiers)

    def wait(self, condition, what: str, timeout_ms: int = 15000) -> None:
        from PySide6.QtCore import QDeadlineTimer

        deadline = QDeadlineTimer(timeout_ms)
        while not condition():
            if deadline.hasExpired():
                raise CaseFailed(f"timed out waiting for {what}")
            self.app.processEvents()
            from PySide6.QtCore import QThread

            QThread.msleep(10)


def _mnemonic(text: str) -> str:
    """The letter after a single & in a label's text, or ""."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                return text[i + 1]
            i += 1
        i += 1
    return ""


def _describe(widget) -> str:
    names = []
    while widget is not None:
        if widget.objectName():
            names.append(widget.objectName())
        widget = widget.parentWidget()
    return " < ".join(names[:3]) or "nothing"


def _parse(name: str):
    from PySide6.QtCore import Qt

    parts = name.split("+") if name != "+" else ["+"]
    *mods, base = parts
    modifiers = Qt.KeyboardModifier.NoModifier
    for mod in mods:
        modifiers |= {"Ctrl": Qt.KeyboardModifier.ControlModifier,
                      "Shift": Qt.KeyboardModifier.ShiftModifier,
                      "Alt": Qt.KeyboardModifier.AltModifier}[mod]
    special = {"Tab": Qt.Key.Key_Tab, "Return": Qt.Key.Key_Return, "Space": Qt.Key.Key_Space,
               "Escape": Qt.Key.Key_Escape, "Backtab": Qt.Key.Key_Backtab,
               "Down": Qt.Key.Key_Down, "Up": Qt.Key.Key_Up, "F1": Qt.Key.Key_F1}
    if base in special:
        key = special[base]
    else:
        key, _ = _char_key(base)
    return key, modifiers, 1 + len(mods)


def _char_key(ch: str):
    from PySide6.QtCore import Qt

    if ch == " ":
        return Qt.Key.Key_Space, False
    if ch == "/":
        return Qt.Key.Key_Slash, False
    if ch.isdigit():
        return Qt.Key(Qt.Key.Key_0.value + int(ch)), False
    if ch.isascii() and ch.isalpha():
        return ch, ch.isupper()  # QTest types the character itself (a Key gives lower case)
    if ch in ",.-":
        return ch, False
    raise ValueError(f"no key for {ch!r}")


# --- the case ------------------------------------------------------------------------------


def run_case(d: Driver, typed_identifiers: bool) -> None:
    """The keys a GP who knows the app presses for the uncomplicated case.

    Answer keys move the focus on by themselves (Y/N, a choice's unique letter, a pain
    score); Enter goes to the next unanswered question the note needs; anything else is
    reached by `go` (the cheapest Tabs or Alt+letter)."""
    window = d.window
    born = _date_of_birth(dt.date.today())

    # consultation details, once the patient is chosen (the identity is confirmed against
    # the identifiers: one changed afterwards asks for it again)
    def consultation(identity: bool = True) -> None:
        d.part = "consultation"
        d.go("consultation.mode")
        d.answer("T")  # telephone
        if identity:
            d.go("consultation.identity_confirmed")
            d.answer("Y")
        d.go("consultation.patient_place")
        d.answer("H")  # at home
        d.go("consultation.interpreter")
        d.answer("N")  # none needed
        d.go("consultation.consent")
        d.answer("Y")

    if typed_identifiers:  # the rest of the consultation first, from where the focus starts
        consultation(identity=False)
        d.part = "identifiers"
        d.go("patient.family_name")
        d.answer(text=FAMILY)
        d.go("patient.given_name")
        d.answer(text=GIVEN)
        d.go("patient.date_of_birth")
        d.answer(text=born.strftime("%d%m%Y"))
        d.go("patient.sex")
        d.answer("M")
        d.go("patient.nhs_number")
        d.answer(text=NHS)
        d.part = "consultation"
        d.go("consultation.identity_confirmed")  # against what was typed
        d.answer("Y")
    else:  # from the day's list: Ctrl+K, a few letters, Enter
        d.part = "identifiers"
        d.command("Ctrl+K")
        d.wait(lambda: window.patients.picker is not None, "the patient picker")
        d.answer(text=FAMILY[:3].lower())
        d.key("Return")
        d.wait(lambda: window.patients.picker is None, "the picker to close")
        consultation()  # the focus starts on (and comes back to) the first empty question

    d.part = "history"
    if not d.focus_on("history.onset"):
        d.think()
        d.key("Return")  # the next question the note needs
    d.expect_focus("history.onset")
    d.answer("S")  # sudden
    d.go("history.duration_value")
    d.answer(text="5d")
    d.think()
    d.key("Return")
    d.expect_focus("history.episode")
    d.answer("F")  # first episode
    d.go("triggers.triggers")
    d.answer("L")  # lifting
    d.part = "red flags"
    d.think()
    d.key("Return")
    d.expect_focus("triggers.trauma")
    d.answer("N")  # no fall or other trauma
    d.part = "history"
    d.go("impact.pain_now")
    d.answer(text="5")
    d.go("impact.pain_worst")
    d.answer(text="7")
    d.go("impact.sleep_disturbed")
    d.answer("Y")
    d.go("impact.work")
    d.answer("M")  # modified duties
    if not d.focus_on("legs.symptoms"):
        d.think()
        d.key("Return")
    d.expect_focus("legs.symptoms")
    d.answer("N")

    d.part = "red flags"
    # one group at a time (clinical reference 5a). On a question of the Red flags section,
    # the window's group chord (Ctrl+G, read from its action) denies that question's group
    # and leaves the focus there, so pressed again it never denies another group (CSO
    # review 2026-12-07, finding 1); Enter then goes on to the next group's first question,
    # never its button, and N answers one question, never a group (CSO review 2026-12-07b,
    # finding 2). Per group after the first that is Enter and the chord: 3 keys, 2
    # decisions (Space on a group's button, reached by Shift+Tab, is 3 keys too).
    groups = ("cauda_equina", "cancer", "infection", "fracture", "not_spinal")
    from consult.rules import screening

    chord = window.act_remaining.shortcut().toString()
    for i, group in enumerate(groups):
        if d.focus_on(f"groupNo:{group}"):
            d.answer("Space")
            continue
        if not any(d.focus_on(p) for p in screening.GROUP_BY_ID[group].paths):
            d.go(f"groupNo:{group}")
            d.answer("Space")
            continue
        d.command(chord)
        if i + 1 < len(groups):
            d.think()
            d.key("Return")  # the next group still to ask

    d.part = "STarT Back"
    for item in ("leg_pain", "shoulder_neck_pain", "walking", "dressing", "fear", "anxiety",
                 "catastrophising", "low_mood"):
        d.go(f"startback.{item}")
        d.answer("D")  # disagree
    d.go("startback.bothersome")
    d.answer("M")  # moderately

    d.part = "plan and export"
    d.command("Ctrl+Return")  # accept and confirm the plan; its safety-netting item is ticked
    d.wait(lambda: d.focus_on("plan.safety_netting_how"), "the question how safety-netting "
           "was given")
    d.answer("R")  # read aloud
    # the CES-card item, ticked with the plan, records nothing (CSO review 2026-12-07c, A3):
    # the GP says the written cauda equina information was given, and how
    d.go("plan.ces_card_given")
    d.answer("Y", "R")  # given: the card read aloud on the telephone
    d.in_next_dialog("Return")  # finalise and lock: confirm
    d.think()  # the confirmation read and answered
    d.command("Ctrl+E")  # into the export folder set in Settings
    d.wait(lambda: window.finaliser.finalised is not None, "the note to be finalised")


# --- checking the result --------------------------------------------------------------------


def check_record(window) -> list[str]:
    from consult.record.answers import (
        Answer,
        DurationUnit,
        Episode,
        InfoMethod,
        Mode,
        OnsetSpeed,
        Sex,
        Trauma,
        Trigger,
        WorkStatus,
    )
    from consult.rules import screening

    r = window.record
    wrong = []

    def want(what: str, got, expected) -> None:
        if got != expected:
            wrong.append(f"{what}: {got!r}, expected {expected!r}")

    want("mode", r.consultation.mode, Mode.TELEPHONE)
    want("identity", r.consultation.identity_confirmed, Answer.YES)
    want("consent", r.consultation.consent, Answer.YES)
    want("family name", r.patient.family_name, FAMILY)
    want("given name", r.patient.given_name, GIVEN)
    want("date of birth", r.patient.date_of_birth, _date_of_birth(dt.date.today()))
    want("sex", r.patient.sex, Sex.MALE)
    want("NHS number", r.patient.nhs_number, NHS)
    want("onset", r.history.onset, OnsetSpeed.SUDDEN)
    want("duration", (r.history.duration_value, r.history.duration_unit), (5, DurationUnit.DAYS))
    want("episode", r.history.episode, Episode.FIRST)
    want("triggers", r.triggers.triggers, [Trigger.LIFTING])
    want("trauma", r.triggers.trauma, Trauma.NONE)
    want("pain", (r.impact.pain_now, r.impact.pain_worst), (5, 7))
    want("sleep", r.impact.sleep_disturbed, Answer.YES)
    want("work", r.impact.work, WorkStatus.MODIFIED)
    want("leg symptoms", r.legs.symptoms, Answer.NO)
    want("red flags unscreened", screening.unscreened_strong(r), [])
    want("weak flags unanswered", screening.unanswered_weak(r), [])
    want("STarT Back bothersome", r.startback.bothersome is not None, True)
    want("safety-netting", r.plan.safety_netting_given, Answer.YES)
    want("safety-netting how", r.plan.safety_netting_how, [InfoMethod.READ_ALOUD])
    want("CES information given", r.plan.ces_card_given, Answer.YES)
    want("CES information how", r.plan.ces_info_how, [InfoMethod.READ_ALOUD])
    want("plan confirmed", r.plan.confirmed, True)
    return wrong


CASE_WORDS = ("Five-day history", "after lifting", "first episode", "no leg symptoms",
              "Pain 5/10 now, 7/10 at worst", "modified duties", "sleep disturbed", "Telephone",
              "Low risk")


def _between(text: str, start: str, end: str) -> str:
    i = text.find(start)
    if i < 0:
        return ""
    j = text.find(end, i)
    return text[i:] if j < 0 else text[i:j]


def check_pdf(path: Path) -> list[str]:
    """The case's answers are in the PDF; no red-flag question reads "Not asked" (page 1's
    pertinent negatives and the appendix's question-by-question screen)."""
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(
        path.read_bytes())).pages)
    flat = " ".join(text.split())
    wrong = [f"PDF lacks {s!r}" for s in (f"{FAMILY.upper()}, {GIVEN}", "943 476 5919",
                                         *CASE_WORDS)
             if s.lower() not in flat.lower()]
    appendix = _between(text, "\nRed-flag screen", "\nRules that fired")
    if "\nImpression" in appendix:
        appendix = appendix[:appendix.index("\nImpression")]
    negatives = _between(text, "Pertinent negatives", "Page 1 of")
    if "\nPresenting" in negatives:  # the history sentences follow the negatives on page 1
        negatives = negatives[:negatives.index("\nPresenting")]
    screen = negatives + appendix
    if not screen:
        wrong.append("PDF has no red-flag screen")
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if "not asked" in line.lower() and line in screen.splitlines():
            wrong.append(f"PDF red-flag screen says not asked: {lines[i - 1]!r} {line!r}")
    return wrong


# --- running --------------------------------------------------------------------------------


def _set_up(tmp: Path) -> None:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["HOME"] = str(tmp / "home")
    os.environ["XDG_DATA_HOME"] = str(tmp / "data")
    os.environ["XDG_CONFIG_HOME"] = str(tmp / "config")
    os.environ.pop("CONSULT_DATABASE_URL", None)
    (tmp / "home" / "Documents").mkdir(parents=True)
    sys.path.insert(0, str(ROOT))


def measure(typed_identifiers: bool = False,
            keep_pdf: Path | None = None) -> tuple[Log, list[str], Path | None]:
    """Run the case in a fresh temporary home: the log, what is wrong, the PDF written."""
    with tempfile.TemporaryDirectory(prefix="bench-effort-") as name:
        tmp = Path(name)
        _set_up(tmp)
        from PySide6.QtCore import QCoreApplication, QSettings
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication(sys.argv[:1])
        QCoreApplication.setOrganizationName("consult-bench")
        QCoreApplication.setApplicationName("consult-bench")
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(QSettings.Format.IniFormat, scope, str(tmp / "settings"))

        from forms.consultation.main_window import MainWindow, show_ready
        from forms.dialogs import settings as app_settings

        # once per practice, not counted
        exports = tmp / "home" / "Documents"
        settings = dict(user_name="Dr Asha Patel", clinician_name="Dr Asha Patel",
                        gmc_number="1234567", practice_name="Riverside Surgery",
                        practice_address="1 High Street, Leeds")
        if "export_folder" in app_settings.AppSettings.model_fields:
            settings["export_folder"] = str(exports)
        app_settings.save_settings(app_settings.AppSettings(**settings))
        if not typed_identifiers:
            _keep_patient_list()
        app.setStyleSheet(app_settings.style_sheet())
        window = MainWindow()
        log = Log()
        driver = Driver(app, window, log)
        opened: list[bool] = []
        window.storeOpened.connect(opened.append)
        show_ready(window)
        driver.wait(lambda: bool(opened), "the note store")
        driver.wait(lambda: not window.form._pending, "the form")
        window.activateWindow()
        app.processEvents()
        wrong: list[str] = []
        pdf: Path | None = None
        try:
            run_case(driver, typed_identifiers)
        except CaseFailed as exc:
            wrong.append(str(exc))
        wrong += check_record(window)
        pdfs = sorted((tmp / "home").rglob("*.pdf"))
        if not pdfs:
            wrong.append("no PDF was exported")
        else:
            pdf = pdfs[0]
            wrong += check_pdf(pdf)
            if keep_pdf is not None:
                keep_pdf.write_bytes(pdf.read_bytes())
            mode = pdf.stat().st_mode & 0o777
            if mode & 0o077:
                wrong.append(f"the PDF is readable by others ({oct(mode)})")
        driver._poll.stop()
        window.dirty = False
        window.close()
        window.deleteLater()
        app.processEvents()
        return log, wrong, (Path(pdf.name) if pdf else None)


def _patient(family: str, given: str, born: dt.date, sex: str, nhs_number: str) -> dict:
    return {"resource": {
        "resourceType": "Patient",
        "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": nhs_number}],
        "name": [{"family": family, "given": [given]}], "gender": sex,
        "birthDate": born.isoformat()}}


def _keep_patient_list() -> None:
    """The day's list, imported by reception (not counted): the case's patient and others
    whose names share letters with his."""
    import json

    from consult.patients import read_bytes
    from consult.store import Store, Who, patient_lists
    from consult.store.location import default_url

    born = _date_of_birth(dt.date.today())
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        _patient(FAMILY, GIVEN, born, "male", NHS),
        _patient("Okoro", "Grace", dt.date(1958, 3, 2), "female", "9990000026"),
        _patient("Oakley", "Tom", dt.date(1977, 11, 30), "male", "9990000158"),
        _patient("Daniels", "Ruth", dt.date(1990, 6, 1), "female", "9990000018"),
    ]}
    store = Store.open(default_url())
    try:
        patient_lists.keep(store, read_bytes(json.dumps(bundle).encode(), "list.json"),
                           Who("Reception"))
    finally:
        store.close()


def table(log: Log, completed: bool = True) -> str:
    lines = [f"{'part':<18}{'keys':>6}{'M':>5}{'KLM s':>9}"]
    for part in PARTS:
        lines.append(f"{part:<18}{log.count(part):>6}{log.mental[part]:>5}"
                     f"{log.klm(part):>9.1f}")
    lines.append(f"{'total':<18}{log.total():>6}{sum(log.mental.values()):>5}"
                 f"{log.klm():>9.1f}")
    if not completed:
        lines.append("targets: not assessed, the case did not complete")
        return "\n".join(lines)
    ok = lambda good: "met" if good else "NOT met"  # noqa: E731
    lines.append(f"targets: inputs <= {TARGET_KEYS} {ok(log.total() <= TARGET_KEYS)}; "
                 f"KLM <= {TARGET_KLM:.0f} s {ok(log.klm() <= TARGET_KLM)}; "
                 f"red flags <= {TARGET_RED_FLAGS} "
                 f"{ok(log.count('red flags') <= TARGET_RED_FLAGS)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--typed", action="store_true",
                        help="type the patient's identifiers instead of picking from the list")
    parser.add_argument("--keys", action="store_true", help="print every key with its part")
    parser.add_argument("--pdf", type=Path, help="keep a copy of the exported PDF here")
    args = parser.parse_args(argv)
    log, wrong, pdf = measure(typed_identifiers=args.typed, keep_pdf=args.pdf)
    if args.keys:
        for k in log.keys:
            print(f"  {k.part:<16} {k.name}")
    print(table(log, completed=not wrong))
    if pdf is not None:
        print(f"exported: {pdf}")
    if wrong:
        print("the case did not complete:", file=sys.stderr)
        for line in wrong:
            print(f"  {line}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
