"""The advice sheet as an email: a subject with no identifier, a short body (the first
name, the sheet attached, the emergency lines), and the PDF attached.

The message is built here with the standard library's email.message.EmailMessage;
sending it is consult.exchange.mail's job.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

from consult.advice.compose import AdviceSheet, words

ATTACHMENT_NAME = "back-pain-advice.pdf"  # no name, no date of birth, no NHS number


def subject(sheet: AdviceSheet) -> str:
    return words()["email"]["subject"].format(practice=sheet.practice or "your practice")


def body(sheet: AdviceSheet) -> str:
    w = words()["email"]
    practice = sheet.practice or "your practice"
    help_lines = [*sheet.go_now, *sheet.help]
    return w["body"].format(
        greeting=w["greeting"].format(name=sheet.name) if sheet.name else "Hello,",
        practice=practice, help="\n\n".join(help_lines))


def message(sheet: AdviceSheet, pdf: bytes, *, to: str, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject(sheet)
    msg["From"] = sender
    msg["To"] = to
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg.set_content(body(sheet))
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=ATTACHMENT_NAME)
    return msg
