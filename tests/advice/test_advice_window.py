"""The Advice sheet window (issue 16, part 1, in the window), driven by keyboard."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from consult.advice.compose import compose
from consult.advice.sms import sms_text
from consult.exchange import mail
from consult.exchange.mail import MailSettings
from consult.record.answers import Answer, InfoMethod
from consult.rules import plan as core_plan
from forms.dialogs import advice as advice_window
from forms.dialogs import mail_settings
from tests.exchange.smtpserver import PASSWORD, USER, free_port, smtp_server_for
from tests.support import load_example


@pytest.fixture
def opened(qtbot):
    def make(name="cauda-equina", record=None, audit=None):
        given: list[InfoMethod] = []
        record = record or load_example(name)
        dialog = advice_window.AdviceDialog(None, record, on_given=given.append, audit=audit)
        qtbot.addWidget(dialog)
        with qtbot.waitActive(dialog):  # mnemonics reach only the active window
            dialog.show()
            dialog.activateWindow()
        dialog.given = given
        return dialog
    return make


@pytest.mark.hazard("H28")
def test_the_preview_opens_with_go_now_then_when_to_get_help(opened, tmp_path):
    dialog = opened("cauda-equina")
    text = dialog.preview.toPlainText()
    assert text.index("GO NOW") < text.index("When to get help".upper()) < text.index(
        "What is probably going on")
    assert "Reading level" in dialog.figures.text() and "Text message" in dialog.figures.text()
    dialog.grab().save(str(tmp_path / "advice-window.png"))


def test_copy_sms_by_keyboard_copies_the_text_and_records_it(opened, qtbot):
    dialog = opened("mechanical")
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(dialog.given))  # a button's mnemonic clicks after a short delay
    assert QGuiApplication.clipboard().text() == sms_text(compose(load_example("mechanical")))
    assert dialog.given == [InfoMethod.SMS]


def a_printer(path):
    """A real QPrinter printing to a file (as a print dialog's 'Print to PDF' gives)."""
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_print_sends_the_sheets_pdf_and_records_it(opened, qtbot, monkeypatch, tmp_path):
    printed: list[bytes] = []
    printer = a_printer(tmp_path / "printed.pdf")
    monkeypatch.setattr(advice_window, "ask_printer", lambda parent: printer)
    monkeypatch.setattr(advice_window, "print_pdf", lambda data, printer: printed.append(data) or 1)
    dialog = opened("cauda-equina")
    qtbot.keyClick(dialog, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # large print
    qtbot.waitUntil(dialog.large.isChecked)
    qtbot.keyClick(dialog, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(printed))
    (data,) = printed
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        assert "GO NOW" in page.extract_text()
        assert max(c["size"] for c in page.chars) >= 16
    assert dialog.given == [InfoMethod.PRINTED]
    # printed all the same with no store open, and the window says it is not recorded
    assert dialog.result.text() == ("Printed. The plan records the sheet as given, printed; "
                                    "not in the audit trail: no note store is open.")


def test_a_record_whose_plan_is_not_confirmed_gives_no_sheet(opened):
    record = load_example("mechanical")
    record.plan.confirmed = False
    dialog = opened(record=record)
    assert "No advice sheet yet" in dialog.status.text()
    assert not dialog.print_button.isEnabled() and not dialog.email_button.isEnabled()
    assert not dialog.sms_button.isEnabled()


@pytest.mark.hazard("H29")
def test_the_address_must_be_typed_twice_alike(qtbot):
    dialog = advice_window.AddressDialog(None, "Zoe")
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.first, "zoe@example.org")
    assert not dialog.send.isEnabled()
    qtbot.keyClicks(dialog.again, "zoe@example.com")
    assert not dialog.send.isEnabled() and "differ" in dialog.error.text()
    dialog.again.clear()
    qtbot.keyClicks(dialog.again, "zoe@example.org")
    assert dialog.send.isEnabled() and dialog.address() == "zoe@example.org"


def _mail_to(port: int) -> MailSettings:
    settings = MailSettings(host="127.0.0.1", port=port, user=USER, sender="surgery@example.nhs.uk")
    mail_settings.save_mail_settings(settings)
    mail_settings.remember_for_session(settings, PASSWORD)
    return settings


@pytest.mark.hazard("H29")
def test_email_sends_to_the_real_server_records_it_and_audits_it(opened, qtbot, monkeypatch,
                                                                  certificate):
    controller, inbox = smtp_server_for(certificate[0])
    try:
        _mail_to(controller.port)
        monkeypatch.setattr(advice_window, "ask_address", lambda parent, name: "zoe@example.org")
        monkeypatch.setattr(advice_window, "send_mail", lambda msg, s, pw: mail.send(
            msg, s, pw, context=certificate[1]))
        audited: list[tuple[str, dict]] = []
        dialog = opened("sciatica", audit=lambda action, **detail: audited.append((action,
                                                                                   detail)))
        qtbot.keyClick(dialog, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: bool(dialog.result.text()))
        assert len(inbox.messages) == 1 and inbox.messages[0][0] == ["zoe@example.org"]
        assert dialog.given == [InfoMethod.EMAIL]
        assert [(a, d["to"]) for a, d in audited] == [("advice_emailed", "zoe@example.org")]
        assert "Sent to zoe@example.org" in dialog.result.text()
    finally:
        controller.stop()
        mail_settings.forget_session()


@pytest.mark.hazard("H29")
def test_a_refused_server_is_one_line_in_the_window_and_records_nothing(opened, qtbot,
                                                                        monkeypatch):
    _mail_to(free_port())
    monkeypatch.setattr(advice_window, "ask_address", lambda parent, name: "zoe@example.org")
    dialog = opened("sciatica", audit=lambda *a, **k: pytest.fail("audited a failed send"))
    qtbot.keyClick(dialog, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(dialog.result.text()))
    assert dialog.given == []
    assert "refused the connection: nothing was sent" in dialog.result.text()
    assert "try again" in dialog.result.text()
    mail_settings.forget_session()


def test_the_main_window_opens_the_sheet_with_ctrl_shift_h_and_the_plan_records_it(
        qtbot, monkeypatch):
    from forms import dialogs
    from forms.consultation.main_window import MainWindow

    monkeypatch.setattr(dialogs, "confirm_discard", lambda *a: "discard")
    opened_with: list = []
    monkeypatch.setattr(advice_window, "open_advice",
                        lambda parent, record, on_given, audit: opened_with.append(on_given))
    window = MainWindow()
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    record = load_example("mechanical")
    window.show_consultation(record)
    from PySide6.QtWidgets import QApplication

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_H,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: bool(opened_with))
    (on_given,) = opened_with
    on_given(InfoMethod.EMAIL)
    on_given(InfoMethod.SMS)
    on_given(InfoMethod.EMAIL)
    assert window.record.plan.advice_sheet_given is Answer.YES
    assert window.record.plan.advice_sheet_how == [InfoMethod.EMAIL, InfoMethod.SMS]
    assert not core_plan.is_stale(window.record, window.assessment or
                                  __import__("consult.rules.engine", fromlist=["assess"]).assess(
                                      window.record))


@pytest.mark.hazard("H29")
def test_mail_settings_keep_the_password_out_of_the_settings_file(qtbot, isolated_settings):
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # no system keyring: asked each session
    try:
        dialog = mail_settings.MailSettingsDialog(None, MailSettings())
        qtbot.addWidget(dialog)
        dialog._accept()
        assert "mail server" in dialog.error.text()  # nothing set: refused, with the reason
        qtbot.keyClicks(dialog.host, "smtp.example.nhs.uk")
        qtbot.keyClicks(dialog.user, USER)
        qtbot.keyClicks(dialog.sender, "surgery@example.nhs.uk")
        qtbot.keyClicks(dialog.password, PASSWORD)
        dialog.keep.setChecked(True)
        dialog._accept()
        assert dialog.result() == dialog.DialogCode.Accepted
        assert "until the app closes" in dialog.apply()
        saved = mail_settings.load_mail_settings()
        assert (saved.host, saved.port, saved.user) == ("smtp.example.nhs.uk", 587, USER)
        assert mail_settings.session_password(saved) == PASSWORD
        files = [p for p in isolated_settings.rglob("*") if p.is_file()]
        assert files and not any(PASSWORD in p.read_text(errors="replace") for p in files)
    finally:
        keyring.set_keyring(previous)
        mail_settings.forget_session()


# -- every output in the audit trail -------------------------------------------------------------

@pytest.fixture
def stored(tmp_path):
    """A note store with the sciatica example finalised: (store, its NoteInfo, the audit
    callable the main window gives the window for that note)."""
    from consult.store import Store
    from tests.storesupport import GP, Clock

    store = Store.open(f"sqlite:///{tmp_path / 'consult.db'}", clock=Clock(),
                       key_file=tmp_path / "no.key")
    info = store.finalise(load_example("sciatica"), GP)
    yield store, info, (lambda action, **detail: store.mark_output(
        info.note_id, info.version, GP, action, **detail))
    store.close()


def outputs(store) -> list[tuple[str, str, int, dict]]:
    """The audit entries of outputs: (action, note id, version, detail)."""
    import json

    from sqlalchemy import text

    from consult.store.audit import OUTPUTS

    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT action, note_id, version, detail FROM audit "
                                 "ORDER BY seq")).all()
    return [(r.action, r.note_id, r.version, json.loads(r.detail)) for r in rows
            if r.action in OUTPUTS]


@pytest.mark.hazard("H13")
def test_print_and_save_each_leave_one_entry_with_the_digest_of_the_bytes(
        opened, qtbot, monkeypatch, tmp_path, stored):
    import hashlib

    store, info, audit = stored
    printed: list[bytes] = []
    printer = a_printer(tmp_path / "printed-sheet.pdf")
    monkeypatch.setattr(advice_window, "ask_printer", lambda parent: printer)
    monkeypatch.setattr(advice_window, "print_pdf", lambda data, p: printed.append(data) or 1)
    (tmp_path / "sheets").mkdir()
    saved = tmp_path / "sheets" / "advice-sheet.pdf"
    monkeypatch.setattr(advice_window, "ask_save_path", lambda parent, name: str(saved))
    dialog = opened(record=store.record(info.note_id, info.version), audit=audit)
    qtbot.keyClick(dialog, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(printed))
    assert dialog.result.text() == "Printed. The plan records the sheet as given, printed."
    qtbot.keyClick(dialog, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(saved.exists)
    assert dialog.result.text().endswith("(saving is not giving: print, text or email it).")
    assert outputs(store) == [
        ("advice_printed", info.note_id, 1, {"printer": "printed-sheet.pdf",
                                            "pdf_sha256": hashlib.sha256(printed[0]).hexdigest()}),
        ("advice_saved", info.note_id, 1, {"file": "advice-sheet.pdf",  # no folders
                                          "pdf_sha256": hashlib.sha256(saved.read_bytes())
                                          .hexdigest()}),
    ]
    assert store.verify_audit().ok


@pytest.mark.hazard("H13")
def test_a_failed_print_or_save_records_nothing(opened, qtbot, monkeypatch, tmp_path, stored):
    from forms.printing import PrintError

    store, info, audit = stored

    def refuse(data, printer):
        raise PrintError("the printer refused the job")

    monkeypatch.setattr(advice_window, "ask_printer",
                        lambda parent: a_printer(tmp_path / "p.pdf"))
    monkeypatch.setattr(advice_window, "print_pdf", refuse)
    monkeypatch.setattr(advice_window, "ask_save_path",
                        lambda parent, name: str(tmp_path / "gone" / "advice-sheet.pdf"))
    dialog = opened(record=store.record(info.note_id, info.version), audit=audit)
    qtbot.keyClick(dialog, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(dialog.result.text()))
    assert dialog.result.text() == "Not printed: the printer refused the job"
    qtbot.keyClick(dialog, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.result.text().startswith("Cannot save"))
    assert dialog.result.text().endswith("Nothing was written.")
    assert outputs(store) == [] and dialog.given == []


@pytest.mark.hazard("H13")
def test_a_saved_sheet_the_trail_cannot_record_stays_and_one_line_says_so(
        opened, qtbot, monkeypatch, tmp_path):
    """A real refusal: the trail is authenticated with the practice key, and this
    workstation has none."""
    from consult.store import Store, Who, keys

    url = f"sqlite:///{tmp_path / 'consult.db'}"
    keys.create(tmp_path / "audit.key")
    keyed = Store.open(url, key_file=tmp_path / "audit.key")
    info = keyed.finalise(load_example("sciatica"), Who("Dr B", "ws1"))
    keyed.close()
    store = Store.open(url, key_file=tmp_path / "absent.key")
    try:
        saved = tmp_path / "advice-sheet.pdf"
        monkeypatch.setattr(advice_window, "ask_save_path", lambda parent, name: str(saved))
        dialog = opened(record=store.record(info.note_id, 1), audit=lambda action, **detail:
                        store.mark_output(info.note_id, 1, Who("Dr B", "ws2"), action, **detail))
        qtbot.keyClick(dialog, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: bool(dialog.result.text()))
        assert saved.exists()  # the output stays
        words = dialog.result.text()
        assert words.startswith(f"Saved {saved} (saving is not giving: print, text or email "
                                "it); not recorded in the audit trail: this database's audit "
                                "trail is authenticated with the practice key"), words
        assert "\n" not in words and outputs(store) == []
    finally:
        store.close()


@pytest.mark.hazard("H13")
def test_the_main_window_records_the_sheets_outputs_against_the_note_shown(
        qtbot, monkeypatch, tmp_path):
    import hashlib

    from consult.store import Store, Who
    from consult.store.location import default_url
    from tests.exchange.test_fhir_window import with_store

    window = with_store(qtbot, monkeypatch)
    audits: list = []
    monkeypatch.setattr(advice_window, "open_advice",
                        lambda parent, record, on_given, audit: audits.append(audit))
    window.show_consultation(load_example("mechanical"))
    open_id = window.note_id  # the consultation being written
    window.advice_sheet()
    store = Store.open(default_url())
    try:
        info = store.finalise(load_example("sciatica"), Who("Dr Ben Jones", "ws2"))
        window.dirty = False
        assert window.open_note_for_amendment(info.note_id, 1)
        window.advice_sheet()
        digest = hashlib.sha256(b"sheet").hexdigest()
        audits[0]("advice_printed", printer="Reception", pdf_sha256=digest)  # as the window does
        audits[1]("advice_saved", file="sheet.pdf", pdf_sha256=digest)
        assert outputs(store) == [
            ("advice_printed", open_id, None, {"printer": "Reception", "pdf_sha256": digest}),
            ("advice_saved", info.note_id, 1, {"file": "sheet.pdf", "pdf_sha256": digest})]
    finally:
        store.close()
