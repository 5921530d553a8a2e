"""Mail settings: the practice's own mail server for emailing advice sheets.

Host, port, user and sender are kept in QSettings ("mail/..."); the password never is:
it goes to the platform keyring when the GP ticks "Keep the password in the system
keyring" (and a keyring is available), else it is asked once per session and kept in
memory only (`session_password`).
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from consult.exchange import mail
from consult.exchange.mail import MailSettings

_KEYS = {"host": "mail/host", "port": "mail/port", "user": "mail/user", "sender": "mail/sender"}
_SESSION: dict[str, str] = {}  # passwords asked this session, in memory only


def load_mail_settings() -> MailSettings:
    s = QSettings()
    try:
        port = int(s.value(_KEYS["port"], mail.DEFAULT_PORT))
    except (TypeError, ValueError):
        port = mail.DEFAULT_PORT
    return MailSettings(host=str(s.value(_KEYS["host"], "") or ""), port=port,
                        user=str(s.value(_KEYS["user"], "") or ""),
                        sender=str(s.value(_KEYS["sender"], "") or ""))


def save_mail_settings(settings: MailSettings) -> None:
    s = QSettings()
    for name, key in _KEYS.items():
        s.setValue(key, getattr(settings, name))
    s.sync()


def session_password(settings: MailSettings) -> str | None:
    """The password from the keyring, else the one given this session, else None."""
    return mail.stored_password(settings) or _SESSION.get(settings.keyring_user)


def remember_for_session(settings: MailSettings, password: str) -> None:
    _SESSION[settings.keyring_user] = password


def forget_session() -> None:
    _SESSION.clear()


class MailSettingsDialog(QDialog):
    def __init__(self, parent: QWidget | None, settings: MailSettings) -> None:
        super().__init__(parent)
        self.setObjectName("mailSettingsDialog")
        self.setWindowTitle("Mail settings")
        self.host = QLineEdit(settings.host, self)
        self.host.setObjectName("mail.host")
        self.port = QSpinBox(self)
        self.port.setObjectName("mail.port")
        self.port.setRange(1, 65535)
        self.port.setValue(settings.port)
        self.user = QLineEdit(settings.user, self)
        self.user.setObjectName("mail.user")
        self.sender = QLineEdit(settings.sender, self)
        self.sender.setObjectName("mail.sender")
        self.password = QLineEdit(self)
        self.password.setObjectName("mail.password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("asked when sending if left empty")
        self.keep = QCheckBox("&Keep the password in the system keyring", self)
        self.keep.setObjectName("mail.keep")
        self.error = QLabel(self)
        self.error.setObjectName("mailSettingsError")
        self.error.setWordWrap(True)
        form = QFormLayout()
        for text, widget in (("Mail &server (host)", self.host), ("&Port", self.port),
                             ("&User name", self.user), ("S&ender address", self.sender),
                             ("Pass&word", self.password)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            form.addRow(label, widget)
        form.addRow("", self.keep)
        note = QLabel("The connection is always encrypted (STARTTLS). The password is never "
                      "saved in the settings file.", self)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def settings(self) -> MailSettings:
        return MailSettings(host=self.host.text().strip(), port=self.port.value(),
                            user=self.user.text().strip(), sender=self.sender.text().strip())

    def _accept(self) -> None:
        found = self.settings().problems()
        if found:
            self.error.setText(" ".join(found))
            return
        self.accept()

    def apply(self) -> str:
        """Save the settings and the password as chosen; a line saying where it went."""
        settings = self.settings()
        save_mail_settings(settings)
        password = self.password.text()
        if not password:
            return "Mail settings saved."
        if self.keep.isChecked() and mail.store_password(settings, password):
            return "Mail settings saved; the password is in the system keyring."
        remember_for_session(settings, password)
        return ("Mail settings saved; the password is kept until the app closes "
                "(no system keyring, or not asked to keep it).")


def edit_mail_settings(parent: QWidget | None) -> str | None:
    """Open the dialog (modal); a line saying what was saved, or None if cancelled."""
    dialog = MailSettingsDialog(parent, load_mail_settings())
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.apply()
    finally:
        dialog.deleteLater()
