"""Email through a real SMTP server on 127.0.0.1 (aiosmtpd), with STARTTLS on a
self-signed certificate made here (issue 16, part 1). Never a mock."""

from __future__ import annotations

from email import message_from_bytes, policy

import keyring
import pytest
from keyring.backend import KeyringBackend

from consult.advice import email_text
from consult.advice.compose import compose
from consult.advice.pdf import render_pdf
from consult.exchange import mail
from consult.exchange.mail import MailError, MailSettings, address_problem, send
from tests.exchange.smtpserver import PASSWORD, USER, free_port, smtp_server_for
from tests.support import load_example


@pytest.fixture
def smtp_server(certificate):
    controller, inbox = smtp_server_for(certificate[0])
    yield controller, inbox
    controller.stop()


@pytest.fixture(scope="module")
def sheet_and_pdf():
    sheet = compose(load_example("sciatica"))
    return sheet, render_pdf(sheet)


def settings_for(controller) -> MailSettings:
    return MailSettings(host="127.0.0.1", port=controller.port, user=USER,
                        sender="surgery@example.nhs.uk")


@pytest.mark.hazard("H29")
def test_the_sheet_is_sent_over_starttls_with_the_pdf_and_no_identifier_in_the_subject(
        smtp_server, certificate, sheet_and_pdf):
    controller, inbox = smtp_server
    sheet, pdf = sheet_and_pdf
    msg = email_text.message(sheet, pdf, to="zoe@example.org", sender="surgery@example.nhs.uk")
    send(msg, settings_for(controller), PASSWORD, context=certificate[1])
    ((recipients, raw, encrypted),) = inbox.messages
    assert recipients == ["zoe@example.org"] and encrypted
    received = message_from_bytes(raw, policy=policy.default)
    record = load_example("sciatica")
    for part in (record.patient.given_name, record.patient.family_name, record.patient.nhs_number):
        assert part not in received["Subject"]
    (attachment,) = list(received.iter_attachments())
    assert attachment.get_content() == pdf


@pytest.mark.hazard("H29")
def test_a_refused_connection_is_one_line_and_nothing_is_lost(certificate, sheet_and_pdf):
    sheet, pdf = sheet_and_pdf
    msg = email_text.message(sheet, pdf, to="zoe@example.org", sender="surgery@example.nhs.uk")
    before = msg.as_bytes()
    closed = MailSettings(host="127.0.0.1", port=free_port(), user=USER,
                          sender="surgery@example.nhs.uk")
    with pytest.raises(MailError) as caught:
        send(msg, closed, PASSWORD, context=certificate[1], timeout=5)
    text = str(caught.value)
    assert "refused the connection: nothing was sent" in text and "\n" not in text
    assert msg.as_bytes() == before  # the message is kept to send again


@pytest.mark.hazard("H29")
def test_a_server_without_starttls_gets_nothing(certificate, sheet_and_pdf):
    controller, inbox = smtp_server_for(None)
    try:
        sheet, pdf = sheet_and_pdf
        msg = email_text.message(sheet, pdf, to="zoe@example.org", sender="surgery@example.nhs.uk")
        with pytest.raises(MailError, match="does not offer an encrypted connection"):
            send(msg, settings_for(controller), PASSWORD, context=certificate[1])
        assert inbox.messages == []
    finally:
        controller.stop()


def test_an_untrusted_certificate_sends_nothing(smtp_server, sheet_and_pdf):
    controller, inbox = smtp_server
    sheet, pdf = sheet_and_pdf
    msg = email_text.message(sheet, pdf, to="zoe@example.org", sender="surgery@example.nhs.uk")
    with pytest.raises(MailError, match="certificate could not be verified"):
        send(msg, settings_for(controller), PASSWORD)  # the system's trust store
    assert inbox.messages == []


def test_a_wrong_password_sends_nothing(smtp_server, certificate, sheet_and_pdf):
    controller, inbox = smtp_server
    sheet, pdf = sheet_and_pdf
    msg = email_text.message(sheet, pdf, to="zoe@example.org", sender="surgery@example.nhs.uk")
    with pytest.raises(MailError, match="refused the user name or password"):
        send(msg, settings_for(controller), "wrong", context=certificate[1])
    assert inbox.messages == []


@pytest.mark.hazard("H29")
@pytest.mark.parametrize("text", ["", "zoe", "zoe@", "zoe@example", "a@b.org, c@d.org",
                                  "Zoe <zoe@example.org>", "zoe@exa mple.org"])
def test_only_one_plain_address_is_accepted(text):
    assert address_problem(text)


def test_a_plain_address_is_accepted():
    assert address_problem("zoe.hughes@example.org") == ""
    assert MailSettings(host="smtp.example.nhs.uk", sender="surgery@example.nhs.uk").problems() == []
    assert len(MailSettings().problems()) == 2


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.kept.get((service, username))

    def set_password(self, service, username, password):
        self.kept[(service, username)] = password

    def delete_password(self, service, username):
        self.kept.pop((service, username), None)


def test_the_password_lives_in_the_keyring_or_nowhere(tmp_path):
    settings = MailSettings(host="smtp.example.nhs.uk", user=USER, sender="s@example.nhs.uk")
    previous = keyring.get_keyring()
    try:
        from keyring.backends import fail

        keyring.set_keyring(fail.Keyring())
        assert mail.store_password(settings, PASSWORD) is False  # asked each session instead
        assert mail.stored_password(settings) is None
        memory = MemoryKeyring()
        keyring.set_keyring(memory)
        assert mail.store_password(settings, PASSWORD) is True
        assert mail.stored_password(settings) == PASSWORD
        assert memory.kept == {(mail.KEYRING_SERVICE, settings.keyring_user): PASSWORD}
        mail.forget_password(settings)
        assert mail.stored_password(settings) is None
    finally:
        keyring.set_keyring(previous)


@pytest.mark.hazard("H29")
def test_an_emailed_sheet_is_recorded_in_the_audit_trail_with_its_address(tmp_path, sheet_and_pdf):
    import hashlib
    import json

    from sqlalchemy import text

    from consult.store import Store
    from consult.store.model import Who
    from tests.storesupport import Clock

    store = Store.open(f"sqlite:///{tmp_path / 'consult.db'}", clock=Clock())
    try:
        digest = hashlib.sha256(sheet_and_pdf[1]).hexdigest()
        store.mark_advice_emailed("note-1", Who(user="dr.patel", workstation="ws1"),
                                  to="zoe@example.org", pdf_sha256=digest)
        with store.engine.connect() as conn:
            row = conn.execute(text("SELECT action, note_id, detail FROM audit "
                                    "ORDER BY seq DESC LIMIT 1")).one()
        assert (row.action, row.note_id) == ("advice_emailed", "note-1")
        assert json.loads(row.detail) == {"to": "zoe@example.org", "pdf_sha256": digest}
        assert store.verify_audit().ok
    finally:
        store.close()
