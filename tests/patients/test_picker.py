"""The patient from the imported list, by keyboard as a GP would: Ctrl+K, a few letters,
Enter; the banner fills; a typed identifier that differs is shown, never overwritten
unasked; lists past their days go when the app starts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from consult.patients import read_file
from consult.store import Store, Who
from consult.store import patient_lists as pl
from consult.store.location import default_url
from forms.consultation.main_window import MainWindow, show_ready
from forms.consultation.patients import PatientsWindow
from forms.dialogs import patient_picker
from forms.dialogs import settings as app_settings
from forms.dialogs.patient_picker import PatientPicker
from tests.gui.recorded import record_dialogs

DATA = Path(__file__).resolve().parent.parent / "data" / "patients"
USER = "Dr Asha Patel"
TODAY = dt.date.today().isoformat()


@pytest.fixture
def calls(monkeypatch):
    return record_dialogs(monkeypatch)


@pytest.fixture
def who():
    app_settings.save_settings(app_settings.AppSettings(user_name=USER, clinician_name=USER))
    return Who(USER)


def keep(name: str, *, clock=None) -> None:
    """A list kept in the store the window uses, as another workstation would."""
    store = Store.open(default_url(), **({"clock": clock} if clock else {}))
    try:
        pl.keep(store, read_file(DATA / name), Who("Reception"))
    finally:
        store.close()


def start(qtbot) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.storeOpened, timeout=5000) as opened:
        show_ready(window)
    assert opened.args == [True]
    qtbot.waitUntil(lambda: not window.form._pending, timeout=10000)
    window.drafts.background.drain()  # the purge on start has run
    return window


def ctrl_k(qtbot, window: MainWindow) -> PatientPicker:
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    focus = QApplication.focusWidget()
    qtbot.keyClick(focus if focus is not None and focus.window() is window else window,
                   Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    picker = window.patients.picker
    assert picker is not None and picker.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is picker.search, timeout=2000)
    return picker


def type_in(qtbot, window: MainWindow, path: str, text: str) -> None:
    window.form.focus_field(path)
    qtbot.keyClicks(QApplication.focusWidget(), text)


@pytest.mark.hazard("H31")
def test_ctrl_k_smi_enter_fills_the_banner_and_the_patient_from_the_list(qtbot, who, calls):
    keep("emis_appointments.csv")
    window = start(qtbot)
    assert window.banner.name.text() == "No patient"
    picker = ctrl_k(qtbot, window)
    qtbot.keyClicks(picker.search, "smi")
    assert [k.entry.name for k in picker.shown] == ["SMITH, John", "SMITHSON, Anna"]
    assert picker.results.currentRow() == 0
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert not picker.isVisible()
    p = window.record.patient
    assert (p.family_name, p.given_name, p.date_of_birth, p.sex.value, p.nhs_number) == \
        ("SMITH", "John", dt.date(1980, 4, 5), "male", "9990000018")
    assert p.source == f"EMIS Web list imported {TODAY}"
    banner = window.banner.text()
    assert "SMITH, John" in banner and "Born 05-Apr-1980" in banner
    assert "NHS No. 999 000 0018" in banner
    assert window.form.fields["patient.nhs_number"].edit.text() == "999 000 0018"
    assert window.note_bar.isVisible() and window.note_bar.kind() == "info"
    assert window.note_bar.label.text().startswith(f"Patient from the EMIS Web list imported {TODAY}: "
                                                   "09:00 \u00b7 SMITH, John (Mr)")
    assert window.dirty and calls == []  # nothing asked: nothing had been typed
    # the message asks for the identity until it is confirmed, then says it was (a GP's
    # second walk-through: "Confirm the identity with the patient" stayed after the Yes)
    assert window.note_bar.label.text().endswith("Confirm the identity with the patient.")
    assert window.form.focus_field("consultation.identity_confirmed")
    qtbot.keyClick(window.form.fields["consultation.identity_confirmed"], Qt.Key.Key_Y)
    assert window.record.consultation.identity_confirmed.value == "yes"
    assert window.note_bar.label.text().endswith("Identity confirmed.")
    assert "Confirm the identity" not in window.note_bar.label.text()


def test_arrow_keys_and_digits_choose_among_the_matches(qtbot, who, calls):
    keep("emis_appointments.csv")
    window = start(qtbot)
    picker = ctrl_k(qtbot, window)
    qtbot.keyClicks(picker.search, "smi")
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert window.record.patient.family_name == "SMITHSON"
    picker = ctrl_k(qtbot, window)
    qtbot.keyClicks(picker.search, "000 0026")  # digits of the NHS number, spaces ignored
    assert [k.entry.name for k in picker.shown] == ["JONES, Mary"]
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert window.record.patient.nhs_number == "9990000026"
    picker = ctrl_k(qtbot, window)
    qtbot.keyClicks(picker.search, "zzz")
    assert picker.shown == [] and "No patient on the lists matches" in picker.status.text()
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)  # nobody to choose: stays open
    assert picker.isVisible()
    qtbot.keyClick(picker.search, Qt.Key.Key_Escape)
    assert not picker.isVisible() and window.record.patient.nhs_number == "9990000026"


@pytest.mark.hazard("H31")
def test_a_typed_nhs_number_that_differs_is_shown_and_kept_unless_the_gp_replaces_it(
        qtbot, who, calls, monkeypatch):
    keep("emis_appointments.csv")
    window = start(qtbot)
    type_in(qtbot, window, "patient.family_name", "Smith")
    type_in(qtbot, window, "patient.nhs_number", "9434765919")
    asked = []
    monkeypatch.setattr("forms.dialogs.confirm",
                        lambda parent, title, text, action, **k: asked.append((text, k)) or False)
    picker = ctrl_k(qtbot, window)
    qtbot.keyClicks(picker.search, "smi")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    (text, options), = asked
    assert "NHS number: typed 943 476 5919, on the list 999 000 0018" in text
    assert "family name" not in text  # "Smith" is "SMITH": no difference
    assert options == {"default_action": False}  # Enter keeps what was typed
    p = window.record.patient
    assert (p.nhs_number, p.source, p.given_name) == ("9434765919", "", "")  # nothing changed
    assert window.form.fields["patient.nhs_number"].edit.text() == "943 476 5919"
    assert window.note_bar.kind() == "warning"
    assert window.note_bar.label.text().startswith(
        "Not filled from the list: the NHS number typed differs from SMITH, John on the EMIS "
        f"Web list imported {TODAY} (NHS number: typed 943 476 5919, on the list 999 000 0018)")
    # the GP checks with the patient and chooses the list's details
    monkeypatch.setattr("forms.dialogs.confirm", lambda *a, **k: True)
    picker = ctrl_k(qtbot, window)
    qtbot.keyClicks(picker.search, "smi")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert (p.nhs_number, p.given_name) == ("9990000018", "John")
    assert window.note_bar.kind() == "info"
    assert "Replaced what was typed: NHS number: typed 943 476 5919, on the list 999 000 0018" \
        in window.note_bar.label.text()
    # another entry chosen over one chosen before: the form's details are the list's, said so
    asked.clear()
    monkeypatch.setattr("forms.dialogs.confirm",
                        lambda parent, title, text, action, **k: asked.append(text) or False)
    picker = ctrl_k(qtbot, window)
    qtbot.keyClicks(picker.search, "smithson")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert asked[0].startswith(f"The patient in the form (from the EMIS Web list imported {TODAY}) "
                               "differs from SMITHSON, Anna")
    assert "NHS number: in the form 999 000 0018, on the list 999 000 0034" in asked[0]
    assert p.family_name == "SMITH" and window.note_bar.kind() == "warning"


@pytest.mark.hazard("H31")
def test_an_identifier_edited_after_the_choice_is_shown_as_differing_from_the_list(
        qtbot, who, calls):
    keep("emis_appointments.csv")
    window = start(qtbot)
    picker = ctrl_k(qtbot, window)
    qtbot.keyClicks(picker.search, "jon")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    field = window.form.fields["patient.date_of_birth"]
    window.form.focus_field("patient.date_of_birth")
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, "12/11/1965")
    p = window.record.patient
    assert p.date_of_birth == dt.date(1965, 11, 12)
    assert p.source == f"EMIS Web list imported {TODAY}; edited by hand: date of birth"
    assert window.note_bar.kind() == "warning"
    assert ("The date of birth now differs from JONES, Mary on the EMIS Web list imported "
            f"{TODAY} (date of birth: typed 12-Nov-1965, on the list 12-Nov-1956)") \
        in window.note_bar.label.text()
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, "12/11/1956")  # put right: the warning goes
    assert p.source == f"EMIS Web list imported {TODAY}"
    assert not window.note_bar.isVisible()


def test_import_from_the_file_menu_keeps_the_list_and_names_the_rows_not_imported(
        qtbot, who, calls, monkeypatch):
    window = start(qtbot)
    monkeypatch.setattr(patient_picker, "ask_patient_list_path",
                        lambda parent: str(DATA / "emis_appointments.csv"))
    window.patients.act_import.trigger()
    qtbot.waitUntil(lambda: window.note_bar.isVisible(), timeout=5000)
    text = window.note_bar.label.text()
    assert text.startswith(f"Imported 4 patients (EMIS Web list imported {TODAY}). Not imported: "
                           "line 8: NHS number fails the NHS number check")
    assert "BROWN" not in text and text.endswith("Ctrl+K chooses the patient.")
    picker = ctrl_k(qtbot, window)
    assert len(picker.kept) == 4
    qtbot.keyClick(picker.search, Qt.Key.Key_Escape)
    monkeypatch.setattr(patient_picker, "ask_patient_list_path",
                        lambda parent: str(DATA / "unknown_layout.csv"))
    window.patients.act_import.trigger()
    qtbot.waitUntil(lambda: "not imported" in window.note_bar.label.text(), timeout=5000)
    assert window.note_bar.label.text().startswith(
        "The patient list was not imported: unknown layout: no column for the NHS number")


@pytest.mark.hazard("H31")
def test_lists_past_the_practices_days_are_removed_when_the_app_starts(qtbot, who, calls):
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    keep("emis_appointments.csv", clock=lambda: long_ago)
    keep("fhir_bundle.json")
    window = start(qtbot)
    store = Store.open(default_url())
    try:
        assert [i.system for i in pl.lists(store)] == ["FHIR patient list"]
    finally:
        store.close()
    picker = ctrl_k(qtbot, window)
    assert {k.entry.name for k in picker.kept} == {"ROBINSON, Helen Mary", "JONES, Mary"}
    qtbot.keyClick(picker.search, Qt.Key.Key_Escape)


def test_with_no_list_the_picker_says_to_import_one(qtbot, who, calls):
    window = start(qtbot)
    picker = ctrl_k(qtbot, window)
    assert picker.kept == [] and "import the day's list first" in picker.status.text()
    assert not picker.choose_button.isEnabled()


def test_the_window_gives_the_patient_controller_all_its_interface_asks_for(qtbot, who, calls):
    window = start(qtbot)
    wanted = {n for n in dir(PatientsWindow) if not n.startswith("_")} \
        | set(PatientsWindow.__annotations__)
    assert all(hasattr(window, name) for name in wanted), wanted - set(dir(window))
    assert window.patients.act_choose.shortcut().toString() == "Ctrl+K"
    file_menu = window.menuBar().actions()[0].menu()
    assert {window.patients.act_choose, window.patients.act_import} <= set(file_menu.actions())


def test_a_whole_practices_list_shows_the_first_matches_and_says_so(qtbot):
    from types import SimpleNamespace

    from consult.patients.model import Entry
    from consult.record.nhs import check_digit

    numbers = (f"{p}{check_digit(str(p))}" for p in range(999_200_000, 999_300_000)
               if check_digit(str(p)) is not None)
    source = SimpleNamespace(source=f"SystmOne list imported {TODAY}")
    kept = [SimpleNamespace(entry=Entry(f"Family{i:03d}", "Pat", dt.date(1970, 1, 1), next(numbers)),
                            list=source) for i in range(250)]
    picker = PatientPicker(kept)
    qtbot.addWidget(picker)
    assert len(picker.shown) == 200 and picker.results.count() == 200
    assert picker.status.text() == ("The first 200 of 250 matching patients: type more of the "
                                    "name or NHS number.")
    qtbot.keyClicks(picker.search, "family24")
    assert [k.entry.family_name for k in picker.shown] == [f"Family24{i}" for i in range(10)]
    assert picker.status.text() == "10 patients of 250: check the date of birth before choosing."
    nhs = kept[240].entry.nhs_number
    assert picker.results.item(0).text() == (
        f"FAMILY240, Pat \u00b7 born 01-Jan-1970 ({dt.date.today().year - 1970}) \u00b7 sex not "
        f"given \u00b7 NHS {nhs[:3]} {nhs[3:6]} {nhs[6:]}\n    from the SystmOne list imported {TODAY}")


@pytest.mark.hazard("H31")
def test_an_identity_confirmed_before_the_patient_was_chosen_is_asked_again(qtbot, who, calls):
    """A GP's walk-through (2026-12-07): T then Y on "Patient identity confirmed" with the
    banner saying "No patient", then the patient chosen from the list: the Yes stayed,
    confirming details the GP had not yet checked."""
    from consult.record.answers import Answer

    app_settings.save_settings(app_settings.AppSettings(user_name=USER, clinician_name=USER,
                                                        gmc_number="7012345"))
    keep("emis_appointments.csv")
    window = start(qtbot)
    window.form.focus_field("consultation.mode")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_T)  # telephone
    window.form.focus_field("consultation.identity_confirmed")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Y)
    assert window.record.consultation.identity_confirmed is Answer.YES
    window.form.focus_field("patient.family_name")  # where the flow had moved on to
    picker = ctrl_k(qtbot, window)
    qtbot.keyClicks(picker.search, "smi")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert window.record.patient.family_name == "SMITH"
    assert window.record.consultation.identity_confirmed is Answer.NOT_ASKED
    assert "confirm it again" in window.statusBar().currentMessage()
    field = window.form.fields["consultation.identity_confirmed"]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field.focus_target(), timeout=2000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Y)  # confirmed with this patient
    assert window.record.consultation.identity_confirmed is Answer.YES
    # a name typed differently afterwards asks for it again; typing the same does not
    type_in(qtbot, window, "patient.given_name", "x")
    assert window.record.consultation.identity_confirmed is Answer.NOT_ASKED
    window.dirty = False


def test_only_a_correction_of_a_confirmed_identifier_counts():
    import datetime as dt

    from consult.record.answers import Answer
    from consult.record.identity import IDENTIFIERS, ask_again, corrected_since, details
    from consult.record.model import Record

    record = Record()
    record.patient.family_name = "SMITH"
    confirmed = details(record)
    assert "patient.nhs_number" in IDENTIFIERS and "patient.sex" not in IDENTIFIERS
    record.patient.given_name = "John"  # empty when confirmed: typed afterwards, as a GP
    record.patient.date_of_birth = dt.date(1980, 4, 5)  # working down the form does
    assert corrected_since(record, confirmed) == []
    record.patient.family_name = "SMYTH"
    assert corrected_since(record, confirmed) == ["patient.family_name"]
    assert not ask_again(record)  # not confirmed: nothing to set back
    record.consultation.identity_confirmed = Answer.YES
    assert ask_again(record) and record.consultation.identity_confirmed is Answer.NOT_ASKED


def test_opening_the_picker_from_an_empty_name_shows_no_message_for_it(qtbot, who, calls):
    """A GP's walk-through: "Enter the patient's family name" showed under the empty
    field while the GP was choosing the patient with Ctrl+K (the field counted as left)."""
    keep("emis_appointments.csv")
    window = start(qtbot)
    window.new_consultation(ask=False)  # nothing visited yet
    name = window.form.fields["patient.family_name"].focus_target()
    name.setFocus(Qt.FocusReason.TabFocusReason)  # reached by Tab, as the GP did
    error = window.form.rows["patient.family_name"].error
    assert not error.isVisibleTo(window)
    picker = ctrl_k(qtbot, window)
    assert not error.isVisibleTo(window)
    qtbot.keyClick(picker.search, Qt.Key.Key_Escape)  # chose nobody: back to the field
    qtbot.waitUntil(lambda: not picker.isVisible(), timeout=2000)
    assert not error.isVisibleTo(window)
    assert "patient.family_name" not in window.form._visited  # not counted as left
    window.dirty = False
