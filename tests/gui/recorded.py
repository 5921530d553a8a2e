"""Dialogs replaced for the store's GUI tests: each call is recorded, none blocks."""

from __future__ import annotations

from forms import dialogs
from forms.dialogs import restore_drafts as draft_dialogs


def record_dialogs(monkeypatch) -> list[tuple[str, tuple]]:
    """Discard, errors, information and confirmations answered and recorded; the restore
    dialog answers Later. Returns the list the calls are appended to."""
    seen: list[tuple[str, tuple]] = []
    monkeypatch.setattr(dialogs, "confirm_discard", lambda *a: seen.append(("discard", a)) or "discard")
    # leaving with a draft in the store: the same answer as the discard question's
    monkeypatch.setattr(dialogs, "confirm_leave", lambda parent, question, keep:
                        dialogs.confirm_discard(parent, question))
    monkeypatch.setattr(dialogs, "show_error", lambda *a: seen.append(("error", a)))
    monkeypatch.setattr(dialogs, "show_info", lambda *a: seen.append(("info", a)))
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: seen.append(("confirm", a)) or True)
    monkeypatch.setattr(draft_dialogs, "choose_draft",
                        lambda *a: seen.append(("choose", a)) or ("later", None))
    return seen
