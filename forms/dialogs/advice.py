"""The Advice sheet window (Plan > Advice sheet, Ctrl+Shift+H): the patient's sheet
previewed as they will read it, then Print, Save PDF, Copy SMS text or Email.

The words come from consult.advice (one composition); this window only shows them and
carries out the GP's choice. Print, Copy SMS text and Email each tell the window, which
records in the plan that the sheet was given and how (`on_given`). Sending runs in a
worker thread (forms.background) with the audit entry after it; a failure is one line
in the window, and the sheet stays for another try. Every modal step (printer, file,
address, password, mail settings) is a module-level function the tests replace.

Each output is recorded in the audit trail once it has happened, in the worker thread,
through `audit` (the store's mark_output for the note shown; forms.dialogs.exchange.
record_output): advice_printed (the printer, or a file's base name when printing to a
file, and the PDF's SHA-256), advice_saved (the file's base name and the SHA-256 of the
bytes written), advice_emailed (the address and the PDF's SHA-256). With no store open
the output still happens and the window's line says it is not in the audit trail; a
failed audit write keeps the output and says so on the same line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from consult import atomic
from consult.advice.compose import AdviceSheet, NotReady, compose, left_out_words
from consult.advice.readability import measure
from consult.advice.sms import sms_text
from consult.exchange.mail import MailError, MailSettings, address_problem
from consult.record.answers import InfoMethod
from consult.record.model import Record
from forms import dialogs
from forms.background import Background
from forms.busy import busy_cursor
from forms.dialogs import mail_settings
from forms.dialogs.exchange import Audit, record_output

SHORTCUT = "Ctrl+Shift+H"


# -- the modal steps, replaced in tests --------------------------------------------------------

def ask_printer(parent: QWidget | None):  # type: ignore[no-untyped-def]
    from forms import printing

    return printing.ask_printer(parent, title="Print advice sheet", page_range=False)


def print_pdf(data: bytes, printer) -> int:  # type: ignore[no-untyped-def]
    from forms import printing

    return printing.print_pdf(data, printer)


def printer_name(printer) -> str:  # type: ignore[no-untyped-def]
    """Where the sheet was printed, for the audit trail: the printer's name, or the base
    name of the file printed to (never its folders)."""
    from forms import printing

    if printer.outputFileName():
        return Path(printer.outputFileName()).name
    return printing.printer_name(printer)


def ask_save_path(parent: QWidget | None, default_name: str) -> str | None:
    return dialogs.ask_save_path(parent, "Save advice sheet", default_name, "PDF (*.pdf)")


def ask_address(parent: QWidget | None, first_name: str) -> str | None:
    dialog = AddressDialog(parent, first_name)
    try:
        return dialog.address() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()


def ask_password(parent: QWidget | None, settings: MailSettings) -> str | None:
    text, ok = QInputDialog.getText(parent, "Mail server password",
                                    f"Password for {settings.user} at {settings.host} "
                                    "(kept until the app closes):", QLineEdit.EchoMode.Password)
    return text if ok else None


def edit_mail_settings(parent: QWidget | None) -> str | None:
    return mail_settings.edit_mail_settings(parent)


def send_mail(message, settings: MailSettings, password: str | None) -> None:  # type: ignore[no-untyped-def]
    from consult.exchange import mail

    mail.send(message, settings, password)


# -- the address, typed twice ------------------------------------------------------------------

class AddressDialog(QDialog):
    """The patient's address, typed twice; Send is enabled only for one plain address
    typed the same both times, with the patient's first name shown to check against."""

    def __init__(self, parent: QWidget | None, first_name: str) -> None:
        super().__init__(parent)
        self.setObjectName("adviceAddressDialog")
        self.setWindowTitle("Email the advice sheet")
        who = f"{first_name}'s" if first_name else "the patient's"
        heading = QLabel(f"Send {escape(who)} advice sheet to this address. Check it with "
                         "the patient: the sheet goes to whoever reads this inbox.", self)
        heading.setWordWrap(True)
        self.first = QLineEdit(self)
        self.first.setObjectName("advice.address")
        self.again = QLineEdit(self)
        self.again.setObjectName("advice.address_again")
        self.error = QLabel(self)
        self.error.setObjectName("adviceAddressError")
        self.error.setWordWrap(True)
        form = QFormLayout()
        for text, widget in (("Email &address", self.first), ("Type it a&gain", self.again)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            form.addRow(label, widget)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.send = self.buttons.addButton("&Send", QDialogButtonBox.ButtonRole.AcceptRole)
        self.send.setObjectName("adviceSend")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.first.textChanged.connect(self._check)
        self.again.textChanged.connect(self._check)
        self._check()

    def address(self) -> str:
        return self.first.text().strip()

    def problem(self) -> str:
        found = address_problem(self.first.text())
        if found:
            return found
        if self.again.text().strip().lower() != self.address().lower():
            return "The two addresses differ: type the address again."
        return ""

    def _check(self) -> None:
        found = self.problem()
        typed = bool(self.first.text().strip() or self.again.text().strip())
        self.error.setText(found if typed else "")
        self.send.setEnabled(not found)


# -- the window --------------------------------------------------------------------------------

class AdviceDialog(QDialog):
    def __init__(self, parent: QWidget | None, record: Record, *,
                 on_given: Callable[[InfoMethod], None],
                 audit: Audit | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adviceDialog")
        self.setWindowTitle("Advice sheet for the patient")
        self.record = record
        self.on_given = on_given
        self.audit = audit
        self.background = Background(self, "consult-mail")
        self.sheet: AdviceSheet | None = None
        self.problem = ""
        try:
            self.sheet = compose(record)
        except NotReady as exc:
            self.problem = f"No advice sheet yet: {exc}."

        self.status = QLabel(self)
        self.status.setObjectName("adviceStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview = QTextBrowser(self)
        self.preview.setObjectName("advicePreview")
        self.preview.setAccessibleName("Advice sheet preview")
        self.figures = QLabel(self)
        self.figures.setObjectName("adviceFigures")
        self.large = QCheckBox("&Large print (16 point)", self)
        self.large.setObjectName("adviceLarge")
        self.result = QLabel(self)
        self.result.setObjectName("adviceResult")
        self.result.setWordWrap(True)

        self.print_button = QPushButton("&Print\u2026", self)
        self.save_button = QPushButton("Save P&DF\u2026", self)
        self.sms_button = QPushButton("Copy &SMS text", self)
        self.email_button = QPushButton("&Email\u2026", self)
        self.mail_button = QPushButton("Mail se&ttings\u2026", self)
        close = QPushButton("Close", self)
        for name, button in (("advicePrint", self.print_button), ("adviceSave", self.save_button),
                             ("adviceSms", self.sms_button), ("adviceEmail", self.email_button),
                             ("adviceMailSettings", self.mail_button), ("adviceClose", close)):
            button.setObjectName(name)
            button.setAutoDefault(False)
        self.print_button.clicked.connect(self.print_sheet)
        self.save_button.clicked.connect(self.save_pdf)
        self.sms_button.clicked.connect(self.copy_sms)
        self.email_button.clicked.connect(self.email)
        self.mail_button.clicked.connect(self.mail_settings)
        close.clicked.connect(self.reject)

        buttons = QHBoxLayout()
        for button in (self.print_button, self.save_button, self.sms_button, self.email_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.mail_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.figures)
        layout.addWidget(self.large)
        layout.addLayout(buttons)
        layout.addWidget(self.result)
        self.resize(760, 820)
        self._show()

    def _show(self) -> None:
        ready = self.sheet is not None
        for button in (self.print_button, self.save_button, self.sms_button, self.email_button,
                       self.large):
            button.setEnabled(ready)
        if self.sheet is None:
            self.status.setText(self.problem)
            self.preview.setPlainText("")
            return
        self.status.setText(left_out_words(self.sheet) + "." if self.sheet.left_out else
                            "This is what the patient will read.")
        self.preview.setHtml(sheet_html(self.sheet))
        sms = sms_text(self.sheet)
        reading = measure(self.sheet.own_words())
        self.figures.setText(f"Reading level (the sheet's own words): {reading}. "
                             f"Text message: {len(sms)} characters.")
        self.preview.setFocus()

    # -- the forms of the sheet -----------------------------------------------------------
    def pdf(self) -> bytes:
        from consult.advice.pdf import render_pdf

        assert self.sheet is not None
        with busy_cursor():
            return render_pdf(self.sheet, large=self.large.isChecked())

    def _given(self, how: InfoMethod, words: str) -> None:
        self.on_given(how)
        self.result.setText(words)

    def _record(self, action: str, **detail: str) -> str:
        """The output, which has happened, recorded in the worker thread: "" or the
        window's words for what was not recorded."""
        if self.audit is None:
            return record_output(None, action)
        audit = self.audit
        with busy_cursor():
            return self.background.call(lambda: record_output(audit, action, **detail))

    def print_sheet(self) -> None:
        printer = ask_printer(self)
        if printer is None:
            return
        from forms.printing import PrintError

        pdf = self.pdf()
        try:
            print_pdf(pdf, printer)
        except (PrintError, OSError) as exc:
            self.result.setText(f"Not printed: {exc}")
            return
        missing = self._record("advice_printed", printer=printer_name(printer),
                               pdf_sha256=hashlib.sha256(pdf).hexdigest())
        self._given(InfoMethod.PRINTED, "Printed. The plan records the sheet as given, printed"
                    + (f"; {missing}." if missing else "."))

    def save_pdf(self) -> None:
        path = ask_save_path(self, "advice-sheet.pdf")
        if not path:
            return
        pdf = self.pdf()
        try:
            atomic.write_bytes(path, pdf)
        except OSError as exc:
            self.result.setText(f"Cannot save {path}: {exc.strerror or exc}. Nothing was written.")
            return
        missing = self._record("advice_saved", file=Path(path).name,
                               pdf_sha256=hashlib.sha256(pdf).hexdigest())
        self.result.setText(f"Saved {path} (saving is not giving: print, text or email it)"
                            + (f"; {missing}." if missing else "."))

    def copy_sms(self) -> None:
        assert self.sheet is not None
        QGuiApplication.clipboard().setText(sms_text(self.sheet))
        self._given(InfoMethod.SMS, "Text message copied: paste it into the practice's SMS "
                                    "tool. The plan records the sheet as given, by SMS.")

    def mail_settings(self) -> None:
        saved = edit_mail_settings(self)
        if saved:
            self.result.setText(saved)

    def email(self) -> None:
        assert self.sheet is not None
        settings = mail_settings.load_mail_settings()
        if settings.problems():
            if edit_mail_settings(self) is None:
                self.result.setText("Not sent: set the practice's mail server first "
                                    "(Mail settings).")
                return
            settings = mail_settings.load_mail_settings()
            if settings.problems():
                self.result.setText("Not sent: " + " ".join(settings.problems()))
                return
        to = ask_address(self, self.sheet.name)
        if not to:
            return
        password = mail_settings.session_password(settings)
        if password is None and settings.user:
            password = ask_password(self, settings)
            if password is None:
                return
            mail_settings.remember_for_session(settings, password)
        from consult.advice.email_text import message

        pdf = self.pdf()
        msg = message(self.sheet, pdf, to=to, sender=settings.sender)
        digest = hashlib.sha256(pdf).hexdigest()
        audit = self.audit

        def job() -> str:
            send_mail(msg, settings, password)
            return record_output(audit, "advice_emailed", to=to, pdf_sha256=digest)

        try:
            with busy_cursor():
                note = self.background.call(job)
        except MailError as exc:
            self.result.setText(f"Not sent: {exc}. The sheet is still here: try again.")
            return
        self._given(InfoMethod.EMAIL, f"Sent to {to}. The plan records the sheet as given, "
                                      f"by email" + (f"; {note}." if note else "."))

    def done(self, result: int) -> None:
        self.background.shutdown()
        super().done(result)


def sheet_html(sheet: AdviceSheet) -> str:
    """The preview: the sheet's sections in order, the first (go now, or when to get
    help) boxed, as the PDF shows them."""
    from consult.advice.compose import words

    parts = [f"<h2>{escape(words()['sheet']['title'])}</h2>"]
    for n, (heading, lines) in enumerate(sheet.sections()):
        body = "".join(f"<p>{escape(line)}</p>" for line in lines)
        if n == 0 or (n == 1 and sheet.go_now):
            colour = "#B42318" if sheet.go_now and n == 0 else "#9A6700"
            parts.append(f'<table border="2" cellpadding="6" width="100%" '
                         f'style="border-color:{colour}"><tr><td>'
                         f'<h3 style="color:{colour}">{escape(heading.upper())}</h3>{body}'
                         "</td></tr></table><br/>")
        else:
            parts.append(f"<h3>{escape(heading)}</h3>{body}")
    return "".join(parts)


def open_advice(parent: QWidget | None, record: Record, *,
                on_given: Callable[[InfoMethod], None], audit: Audit | None = None) -> None:
    dialog = AdviceDialog(parent, record, on_given=on_given, audit=audit)
    try:
        dialog.exec()
    finally:
        dialog.deleteLater()
