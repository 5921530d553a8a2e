"""Sending the advice sheet by email through the practice's own mail server.

SMTP with STARTTLS (smtplib), never in clear: a server that does not offer STARTTLS
gets nothing. The settings (host, port, user, sender) are plain settings; the
password lives in the platform keyring (`keyring`), or is asked for each session and
kept only in memory: never in a settings file.

Every failure is one MailError with one line a GP can act on ("the mail server
smtp.example.nhs.uk:587 refused the connection: nothing was sent"); the caller keeps
the sheet and the message, so nothing is lost and the GP can try again.
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage

KEYRING_SERVICE = "consult-mail"
DEFAULT_PORT = 587  # SMTP submission with STARTTLS
TIMEOUT = 20.0


class MailError(Exception):
    """One line for the GP: what failed, and that nothing was sent."""


@dataclass(frozen=True)
class MailSettings:
    host: str = ""
    port: int = DEFAULT_PORT
    user: str = ""
    sender: str = ""

    def problems(self) -> list[str]:
        found = []
        if not self.host.strip():
            found.append("Set the practice's mail server (host).")
        if not 1 <= self.port <= 65535:
            found.append("The mail server's port is a number from 1 to 65535 (usually 587).")
        if address_problem(self.sender):
            found.append("Set the sender: the practice's email address.")
        return found

    @property
    def keyring_user(self) -> str:
        return f"{self.user}@{self.host}:{self.port}"


_SIMPLE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def address_problem(text: str) -> str:
    """'' for one plain address (name@example.org), else what is wrong with it."""
    text = text.strip()
    if not text:
        return "Enter an email address."
    if not _SIMPLE.fullmatch(text) or any(c in text for c in ",;<>\"'()[]\\"):
        return "Enter one email address, like name@example.org."
    try:
        Address(addr_spec=text)
    except (ValueError, HeaderParseError, IndexError):
        return "Enter one email address, like name@example.org."
    return ""


def stored_password(settings: MailSettings) -> str | None:
    """The password from the platform keyring, or None (none stored, or no keyring)."""
    try:
        import keyring
        from keyring.errors import KeyringError

        return keyring.get_password(KEYRING_SERVICE, settings.keyring_user)
    except (KeyringError, RuntimeError, OSError):
        return None


def store_password(settings: MailSettings, password: str) -> bool:
    """Keep the password in the platform keyring; False when there is no usable keyring
    (the caller then asks for it each session)."""
    try:
        import keyring
        from keyring.errors import KeyringError

        keyring.set_password(KEYRING_SERVICE, settings.keyring_user, password)
        return True
    except (KeyringError, RuntimeError, OSError):
        return False


def forget_password(settings: MailSettings) -> None:
    try:
        import keyring
        from keyring.errors import KeyringError, PasswordDeleteError

        keyring.delete_password(KEYRING_SERVICE, settings.keyring_user)
    except (PasswordDeleteError, KeyringError, RuntimeError, OSError):
        pass


def send(message: EmailMessage, settings: MailSettings, password: str | None, *,
         context: ssl.SSLContext | None = None, timeout: float = TIMEOUT) -> None:
    """Send one message over STARTTLS; MailError (one line, nothing sent) on any failure."""
    where = f"{settings.host}:{settings.port}"
    nothing = "nothing was sent"
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=timeout) as smtp:
            smtp.ehlo()
            if not smtp.has_extn("starttls"):
                raise MailError(f"the mail server {where} does not offer an encrypted "
                                f"connection (STARTTLS): {nothing}")
            smtp.starttls(context=context or ssl.create_default_context())
            smtp.ehlo()
            if settings.user:
                smtp.login(settings.user, password or "")
            smtp.send_message(message)
    except MailError:
        raise
    except ssl.SSLCertVerificationError:
        raise MailError(f"the mail server {where}'s certificate could not be verified: "
                        f"{nothing}") from None
    except ConnectionRefusedError:
        raise MailError(f"the mail server {where} refused the connection: {nothing}") from None
    except socket.gaierror:
        raise MailError(f"cannot find the mail server {settings.host}: check the host in "
                        f"Mail settings; {nothing}") from None
    except TimeoutError:
        raise MailError(f"no answer from the mail server {where}: {nothing}") from None
    except smtplib.SMTPAuthenticationError:
        raise MailError(f"the mail server {where} refused the user name or password: "
                        f"{nothing}") from None
    except smtplib.SMTPRecipientsRefused:
        raise MailError(f"the mail server refused the address {message['To']}: {nothing}") from None
    except smtplib.SMTPSenderRefused:
        raise MailError(f"the mail server refused the sender {message['From']}: {nothing}") from None
    except smtplib.SMTPNotSupportedError:
        raise MailError(f"the mail server {where} does not offer what is needed "
                        f"(encryption or log-in): {nothing}") from None
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise MailError(f"sending through {where} failed ({reason}): {nothing}") from None
