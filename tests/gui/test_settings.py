"""Settings: stored in the test's own folder (owner-only), validated, and the export name safe."""

from __future__ import annotations

import os
import pwd
import re
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox, QWidget

from consult.record.model import Record
from forms import dialogs
from forms.dialogs.settings import (
    DEFAULT_PATTERN,
    MAX_FILE_NAME,
    AppSettings,
    SettingsDialog,
    edit_settings,
    export_file_name,
    load_settings,
    save_settings,
    style_sheet,
)
from tests.support import negative_record

FULL = AppSettings(
    clinician_name="Dr Łucja Nowak-Brown",
    gmc_number="1234567",
    practice_name="Riverside, Medical & Dental",
    practice_address="1 River Road\nExampletown, EX1 2AB",
    file_pattern="{date}_{time}_{family}_{nhs}.pdf",
)


# --- storage ------------------------------------------------------------------------------


def test_settings_file_is_in_the_test_folder_not_the_real_home(isolated_settings):
    path = Path(QSettings().fileName()).resolve()
    assert path.is_relative_to(isolated_settings.resolve())
    real_home = Path(pwd.getpwuid(os.getuid()).pw_dir).resolve()
    assert not path.is_relative_to(real_home) or isolated_settings.resolve().is_relative_to(real_home)


def test_nothing_stored_gives_defaults():
    assert load_settings() == AppSettings()
    assert AppSettings().file_pattern == DEFAULT_PATTERN


@pytest.mark.hazard("H11")
def test_round_trip_through_qsettings_owner_only(isolated_settings):
    save_settings(FULL)
    path = Path(QSettings().fileName())
    assert path.is_file() and path.resolve().is_relative_to(isolated_settings.resolve())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_settings() == FULL
    # saving again (Qt rewrites the file) keeps it owner-only
    save_settings(FULL.model_copy(update={"clinician_name": "Dr B"}))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_settings().clinician_name == "Dr B"


def test_no_gmc_number_round_trips_as_none():
    save_settings(AppSettings(clinician_name="Dr A"))
    assert load_settings().gmc_number is None


@pytest.mark.hazard("H19")
def test_bad_stored_values_fall_back_to_their_defaults_only():
    store = QSettings()
    store.setValue("settings/clinician_name", "Dr Kept")
    store.setValue("settings/gmc_number", "12")
    store.setValue("settings/file_pattern", "{oops}/x")
    store.setValue("settings/practice_name", ["a", "list"])
    store.setValue("settings/unknown_key", "ignored")
    store.sync()
    loaded = load_settings()
    assert loaded == AppSettings(clinician_name="Dr Kept")


@pytest.mark.hazard("H19")
def test_a_garbled_settings_file_does_not_crash():
    path = Path(QSettings().fileName())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\xfe[settings\ngmc_number=\x00\x01\nfile_pattern={\n[[[\n")
    assert isinstance(load_settings(), AppSettings)


# --- validation -----------------------------------------------------------------------------


def test_gmc_number_uses_the_record_wording():
    with pytest.raises(ValueError, match=re.escape("A GMC number has exactly 7 digits.")):
        AppSettings(gmc_number="123")
    assert AppSettings(gmc_number=" 7654321 ").gmc_number == "7654321"
    assert AppSettings(gmc_number="").gmc_number is None


@pytest.mark.hazard("H11")
@pytest.mark.parametrize("pattern, words", [
    ("{date}_{surname}.pdf", "Unknown placeholder {surname}"),
    ("{date:%Y}.pdf", "Unknown placeholder {date:%Y}"),
    ("{nhs.real}.pdf", "Unknown placeholder {nhs.real}"),
    ("{date.pdf", "Braces must surround a placeholder"),
    ("notes/{date}.pdf", "cannot contain /"),
    ("", "Enter a file name pattern"),
])
def test_bad_patterns_are_refused_clearly(pattern, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        AppSettings(file_pattern=pattern)


# --- export file name ----------------------------------------------------------------------


def _check_safe(name: str) -> None:
    assert name.endswith(".pdf")
    assert len(name) <= MAX_FILE_NAME
    assert len(name.encode("utf-8")) <= 255
    assert "/" not in name and "\\" not in name and os.sep not in name
    assert not any(ord(ch) < 32 or ord(ch) == 127 for ch in name)
    assert not name.startswith(".")
    assert not any(ch in name for ch in '<>:"|?*')


def test_export_name_for_a_normal_record():
    name = export_file_name(AppSettings(), negative_record())
    assert name == "2026-11-20_TAYLOR_Sam_9434765919_back-pain.pdf"


def test_export_name_with_time_and_lower_case_family():
    settings = AppSettings(file_pattern="{family} {given} {date} {time}")
    assert export_file_name(settings, negative_record()) == "Taylor Sam 2026-11-20 0940.pdf"


def test_export_name_keeps_non_ascii_letters():
    record = negative_record()
    record.patient.given_name, record.patient.family_name = "Łukasz", "Żółć"
    name = export_file_name(AppSettings(), record)
    assert name == "2026-11-20_ŻÓŁĆ_Łukasz_9434765919_back-pain.pdf"
    _check_safe(name)


def test_unknown_values_read_unknown():
    assert export_file_name(AppSettings(), Record()) == "unknown_unknown_unknown_unknown_back-pain.pdf"


@pytest.mark.hazard("H11")
@pytest.mark.parametrize("hostile", [
    "../../etc/passwd",
    "a/b\\c",
    "..",
    "tab\there\nnew\rline\x00nul\x1b[31m",
    "\u202egnp.exe",       # right-to-left override
    "CON",
    "   ",
    "x" * 300,
    "Ż" * 200,
])
@pytest.mark.parametrize("pattern", [DEFAULT_PATTERN, "{family}", "{given}{FAMILY}"])
def test_hostile_names_never_make_a_path(hostile, pattern):
    record = negative_record()
    record.patient.given_name = record.patient.family_name = hostile[:200]
    name = export_file_name(AppSettings(file_pattern=pattern), record)
    _check_safe(name)
    assert name not in (".pdf", "..pdf")
    assert Path(name).name == name
    assert "\u202e" not in name
    assert name.split(".")[0].upper() != "CON"


def test_long_names_keep_the_date_and_nhs_number():
    record = negative_record()
    record.patient.given_name = "G" * 200
    record.patient.family_name = "Ż" * 200
    name = export_file_name(AppSettings(), record)
    _check_safe(name)
    assert name.startswith("2026-11-20_") and name.endswith("_9434765919_back-pain.pdf")


# --- the dialog -----------------------------------------------------------------------------


@pytest.fixture
def dialog(qtbot):
    dlg = SettingsDialog(AppSettings(clinician_name="Dr Asha Patel"))
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def _ok(dlg: SettingsDialog):
    return dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_every_field_has_a_label_with_a_mnemonic_and_an_accessible_name(dialog):
    fields = [dialog.clinician_name, dialog.gmc_number, dialog.practice_name,
              dialog.practice_address, dialog.ces_route, dialog.mscc_contact,
              dialog.msk_interface, dialog.physio_self_referral, dialog.file_pattern]
    buddies = {label.buddy(): label.text() for label in dialog.findChildren(QLabel) if label.buddy()}
    for field in fields:
        assert "&" in buddies[field], field.objectName()
        assert field.accessibleName()
    mnemonics = [text[text.index("&") + 1].lower() for text in buddies.values()]
    assert len(mnemonics) == len(set(mnemonics))


def test_invalid_gmc_keeps_ok_disabled_with_the_reason_beside_it(qtbot, dialog):
    error = dialog.errors["gmc_number"]
    assert _ok(dialog).isEnabled() and not error.isVisible()
    qtbot.keyClicks(dialog.gmc_number, "123")
    assert not _ok(dialog).isEnabled()
    assert error.isVisible() and error.text() == "A GMC number has exactly 7 digits."
    assert error.property("role") == "error"
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted

    qtbot.keyClicks(dialog.gmc_number, "4567")
    assert _ok(dialog).isEnabled() and not error.isVisible()
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    result = dialog.result_settings()
    assert result.gmc_number == "1234567"
    assert result.clinician_name == "Dr Asha Patel"


def test_keyboard_entry_of_every_field(qtbot, dialog):
    dialog.clinician_name.clear()
    qtbot.keyClicks(dialog.clinician_name, "Dr Sam Jones")
    qtbot.keyClicks(dialog.gmc_number, "7654321")
    qtbot.keyClicks(dialog.practice_name, "Hill Surgery")
    qtbot.keyClicks(dialog.practice_address, "2 Hill Lane")
    qtbot.keyClick(dialog.practice_address, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.practice_address, "Upton UP1 1AA")
    dialog.file_pattern.selectAll()
    qtbot.keyClicks(dialog.file_pattern, "{nhs}_{date}")
    assert not dialog.example.text().endswith("_back-pain.pdf")
    assert dialog.example.text().startswith("9434765919_")
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_settings() == AppSettings(
        clinician_name="Dr Sam Jones", gmc_number="7654321", practice_name="Hill Surgery",
        practice_address="2 Hill Lane\nUpton UP1 1AA", file_pattern="{nhs}_{date}")


def test_bad_pattern_explains_itself_and_default_restores(qtbot, dialog):
    assert dialog.example.text().endswith("_TAYLOR_Sam_9434765919_back-pain.pdf")
    dialog.file_pattern.end(False)
    qtbot.keyClicks(dialog.file_pattern, "{surname}")
    error = dialog.errors["file_pattern"]
    assert error.isVisible() and "Unknown placeholder {surname}" in error.text()
    assert not _ok(dialog).isEnabled()
    assert "not valid" in dialog.example.text()
    qtbot.mouseClick(dialog.default_pattern, Qt.MouseButton.LeftButton)
    assert dialog.file_pattern.text() == DEFAULT_PATTERN
    assert _ok(dialog).isEnabled() and not error.isVisible()


def test_cancel_rejects(qtbot, dialog):
    with qtbot.waitSignal(dialog.rejected, timeout=1000):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)


def test_edit_settings_returns_none_when_cancelled_and_settings_when_accepted(monkeypatch):
    monkeypatch.setattr(SettingsDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert edit_settings(None, FULL) is None
    monkeypatch.setattr(SettingsDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    assert edit_settings(None, FULL) == FULL


# --- style sheet and message boxes --------------------------------------------------------


@pytest.mark.parametrize("dark", [False, True])
def test_style_sheet_parses_in_light_and_dark(qtbot, qtlog, dark):
    sheet = style_sheet(dark)
    assert ("#FF8A80" in sheet.split("*/", 1)[1]) is dark
    host = QWidget()
    qtbot.addWidget(host)
    host.setStyleSheet(sheet)
    label = QLabel("Emergency", host)
    label.setObjectName("disposition")
    label.setProperty("level", "emergency")
    error = QLabel("A GMC number has exactly 7 digits.", host)
    error.setProperty("role", "error")
    host.show()
    host.grab()
    assert not [r for r in qtlog.records if "style" in r.message.lower()]


def test_discard_box_defaults_to_save_and_escapes_to_cancel(qtbot):
    box = dialogs.discard_box(None, "Save the changes to this consultation?")
    qtbot.addWidget(box)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Save)
    assert box.escapeButton() is box.button(QMessageBox.StandardButton.Cancel)
    assert box.button(QMessageBox.StandardButton.Discard) is not None



def test_settings_that_cannot_be_written_raise_oserror():
    Path(QSettings().fileName()).mkdir(parents=True)   # a folder where the file should be
    with pytest.raises(OSError, match="could not be saved"):
        save_settings(FULL)
    assert load_settings() == AppSettings()


# --- who is working and where the store is ---------------------------------------------------


def test_who_is_working_and_the_database_url_round_trip():
    chosen = AppSettings(user_name="Dr Asha Patel",
                         database_url="postgresql+psycopg://consult@dbhost/consult")
    save_settings(chosen)
    assert load_settings() == chosen
    assert AppSettings().user_name == "" and AppSettings().database_url == ""


@pytest.mark.parametrize(("name", "words"), [
    ("Dr Asha\nPatel", "No line breaks, tabs or other control characters (character 8 is U+000A)."),
    ("Dr \x1b[2JPatel", "No line breaks, tabs or other control characters (character 4 is U+001B)."),
    ("Dr \u202ePatel", "No line breaks, tabs or other control characters (character 4 is U+202E)."),
])
def test_who_is_working_takes_the_same_limits_as_every_store_command(name, words):
    # the name goes into the audit trail and every page's footer (issue 11)
    with pytest.raises(ValueError, match=re.escape(words)):
        AppSettings(user_name=name)
    assert AppSettings(user_name="Dr \u0622\u200cPatel").user_name  # a zero-width joiner is a letter's


@pytest.mark.parametrize("url, words", [
    ("mysql://db/consult", "Database 'mysql' is not supported: use PostgreSQL or SQLite."),
    ("not a url", "Database URL not understood"),
    ("sqlite://", "An SQLite database needs a file"),
])
def test_an_unusable_database_url_is_refused_clearly(url, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        AppSettings(database_url=url)


def test_the_dialog_shows_who_is_working_and_where_the_database_is_never_a_password(
        qtbot, monkeypatch):
    dlg = SettingsDialog(AppSettings(user_name="Dr Asha Patel"))
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    assert dlg.user_name.text() == "Dr Asha Patel"
    where = dlg.database_where.text()
    assert where.startswith("Stored in: sqlite:///") and where.endswith(
        "consult.db (the default file on this computer)")
    assert os.environ["XDG_DATA_HOME"] in where  # the test's folder, never the real one
    qtbot.keyClicks(dlg.database_url, "mysql://db/x")
    error = dlg.errors["database_url"]
    assert error.isVisible() and "is not supported" in error.text()
    assert not _ok(dlg).isEnabled()
    dlg.database_url.clear()
    qtbot.keyClicks(dlg.database_url, "postgresql://consult:s3cret@dbhost/consult")
    assert _ok(dlg).isEnabled() and not error.isVisible()
    where = dlg.database_where.text()
    assert "s3cret" not in where and "consult:***@dbhost/consult" in where
    assert "holds a password" in where
    monkeypatch.setenv("CONSULT_DATABASE_URL", "sqlite:////srv/consult/consult.db")
    dlg.database_url.clear()
    assert "set by CONSULT_DATABASE_URL, which overrides this setting" in dlg.database_where.text()
    qtbot.mouseClick(_ok(dlg), Qt.MouseButton.LeftButton)
    assert dlg.result_settings() == AppSettings(user_name="Dr Asha Patel")


# --- the practice's local routes --------------------------------------------------------------

ROUTES = AppSettings(
    practice_name="Hillside Surgery",
    ces_route="ED, City Hospital: tell triage 'suspected cauda equina'",
    mscc_contact="MSCC coordinator 01234 567891 (24 hours)",
    msk_interface="Community MSK service via e-RS",
    physio_self_referral="physio.example.nhs.uk",
)


def test_local_routes_round_trip_through_qsettings():
    save_settings(ROUTES)
    assert load_settings() == ROUTES
    empty = AppSettings()
    assert (empty.ces_route, empty.mscc_contact, empty.msk_interface,
            empty.physio_self_referral) == ("", "", "", "")


def test_local_routes_flow_into_the_record_like_the_practice_name():
    from forms.dialogs.settings import LOCAL_ROUTES, fill_practice

    record = Record()
    fill_practice(record, ROUTES)
    assert record.practice.name == "Hillside Surgery"
    assert record.practice.ces_route == ROUTES.ces_route
    assert record.practice.mscc_contact == ROUTES.mscc_contact
    assert record.practice.msk_interface == ROUTES.msk_interface
    assert record.practice.physio_self_referral == ROUTES.physio_self_referral
    # one name in the settings and the record, one title
    for name in LOCAL_ROUTES:
        assert AppSettings.model_fields[name].title == \
            type(record.practice).model_fields[name].title
    fill_practice(record, AppSettings())  # emptied in the settings: emptied in the record
    assert record.practice.ces_route == "" and record.practice.physio_self_referral == ""


def test_a_local_route_is_printed_and_an_empty_one_prints_the_generic_route():
    from consult.rules.engine import assess
    from consult.rules.ruleset import load as load_rules
    from forms.dialogs.settings import fill_practice

    def ces_card(settings):
        record = negative_record()
        fill_practice(record, settings)
        return next(s.text for s in assess(record).suggestions if s.id == "ces-card")

    generic = load_rules().routes["ces"].generic
    assert generic in ces_card(AppSettings())
    local = ces_card(ROUTES)
    assert ROUTES.ces_route in local and generic not in local


def test_local_routes_are_typed_by_keyboard_in_their_own_group(qtbot, dialog):
    from PySide6.QtWidgets import QApplication, QGroupBox

    group = dialog.findChild(QGroupBox, "localRoutes")
    assert group.title() == "Local routes" and group.isVisible()
    for name in ("ces_route", "mscc_contact", "msk_interface", "physio_self_referral"):
        edit = getattr(dialog, name)
        assert group.isAncestorOf(edit) and edit.accessibleName() and edit.placeholderText()
    # Alt+E reaches the cauda equina route; Tab walks the four routes in order
    qtbot.keyClick(dialog, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is dialog.ces_route
    qtbot.keyClicks(dialog.ces_route, "ED, City Hospital")
    qtbot.keyClick(dialog.ces_route, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.mscc_contact
    qtbot.keyClicks(dialog.mscc_contact, "MSCC coordinator 01234 567891")
    qtbot.keyClick(dialog.mscc_contact, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.msk_interface, "Community MSK service")
    qtbot.keyClick(dialog.msk_interface, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.physio_self_referral, "physio.example.nhs.uk")
    qtbot.keyClick(dialog.physio_self_referral, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.file_pattern
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert dialog.result_settings() == AppSettings(
        clinician_name="Dr Asha Patel", ces_route="ED, City Hospital",
        mscc_contact="MSCC coordinator 01234 567891", msk_interface="Community MSK service",
        physio_self_referral="physio.example.nhs.uk")


def test_the_dialog_shows_the_stored_routes():
    dlg = SettingsDialog(ROUTES)
    try:
        assert dlg.ces_route.text() == ROUTES.ces_route
        assert dlg.physio_self_referral.text() == ROUTES.physio_self_referral
        assert dlg.result_settings() == ROUTES
    finally:
        dlg.deleteLater()


# --- the export folder (issue 13: Export without a file dialog) ---------------------------------


def test_the_export_folder_is_typed_or_chosen_and_a_missing_one_is_explained_beside_it(
        qtbot, dialog, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QApplication

    qtbot.keyClick(dialog, Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier)  # E&xport folder
    assert QApplication.focusWidget() is dialog.export_folder
    qtbot.keyClicks(dialog.export_folder, str(tmp_path / "not-there"))
    error = dialog.findChild(QLabel, "export_folder_error")
    assert error.isVisible() and "There is no folder" in error.text()
    assert not dialog.ok_button.isEnabled()
    monkeypatch.setattr(dialogs, "ask_folder", lambda *a: str(tmp_path))
    qtbot.keyClick(dialog.export_folder, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.choose_folder
    qtbot.keyClick(dialog.choose_folder, Qt.Key.Key_Space)
    assert dialog.export_folder.text() == str(tmp_path)
    assert not error.isVisible() and dialog.ok_button.isEnabled()
    assert dialog.result_settings().export_folder == str(tmp_path)


def test_the_export_folder_round_trips_and_is_empty_by_default(tmp_path):
    assert AppSettings().export_folder == ""  # empty: Export asks where, every time
    save_settings(AppSettings(export_folder=str(tmp_path)))
    assert load_settings().export_folder == str(tmp_path)
