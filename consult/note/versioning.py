"""Which version of a finalised note this is, and which one it replaces.

A finalised note is stored and never changes; an amendment is a new version
(n + 1) that names the version it supersedes, with when, by whom and why.

    Finalisation(note_id, version, finalised_at, author, supersedes=None)
    Superseded(version, finalised_at, author, reason)

    version_line(f)        "Note 3F2A91C0 · version 2 · finalised 26-Nov-2026 10:42 by Dr A Shah"
    amendment_line(f)      "AMENDED NOTE, version 2: supersedes version 1 (...)" or ""
    superseded_text(by)    the words stamped on an older version (see consult.note.stamp)

Every sentence comes from the rule set's [wording] table, so a clinician
reviews it; times are shown in UK local time (Europe/London), 24-hour clock.
Nothing here imports reportlab.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from consult.record.dates import show_date, show_time
from consult.rules.ruleset import RuleSet, load
from consult.words import short_note_id

UK = ZoneInfo("Europe/London")


def show_datetime(value: dt.datetime) -> str:
    """An aware datetime as UK local time: `26-Nov-2026 10:42` (GMT or BST as it was then)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("a finalisation time must be timezone-aware (UTC in storage)")
    local = value.astimezone(UK)
    return f"{show_date(local.date())} {show_time(local.time())}"


def short_id(note_id: str) -> str:
    """The first 8 hex digits of a note's UUID, upper case: `3F2A91C0`."""
    return short_note_id(str(uuid.UUID(note_id)))  # a valid UUID only


def _aware(value: dt.datetime, what: str) -> None:
    if not isinstance(value, dt.datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime")


def _named(text: str, what: str) -> None:
    if not isinstance(text, str) or not any(c.isprintable() and not c.isspace() for c in text):
        raise ValueError(f"{what} must not be empty")


@dataclass(frozen=True)
class Superseded:
    """The version a note replaces."""

    version: int
    finalised_at: dt.datetime  # timezone-aware (UTC in storage)
    author: str
    reason: str  # why the note was amended

    def __post_init__(self) -> None:
        if not isinstance(self.version, int) or isinstance(self.version, bool) or self.version < 1:
            raise ValueError("a superseded version number starts at 1")
        _aware(self.finalised_at, "the superseded version's finalisation time")
        _named(self.author, "the superseded version's author")
        _named(self.reason, "the reason for an amendment")


@dataclass(frozen=True)
class Finalisation:
    """Who finalised which version of which note, and when."""

    note_id: str  # a UUID string
    version: int  # 1, 2, ...
    finalised_at: dt.datetime  # timezone-aware
    author: str  # who finalised it, e.g. "Dr Amira Shah"
    supersedes: Superseded | None = None

    def __post_init__(self) -> None:
        try:
            short_id(self.note_id)
        except (ValueError, TypeError, AttributeError):
            raise ValueError(f"note id {self.note_id!r} is not a UUID") from None
        if not isinstance(self.version, int) or isinstance(self.version, bool) or self.version < 1:
            raise ValueError("a note version number starts at 1")
        _aware(self.finalised_at, "the finalisation time")
        _named(self.author, "the author of a finalised note")
        if self.supersedes is None:
            return
        if self.supersedes.version != self.version - 1:
            raise ValueError(f"version {self.version} can only supersede version "
                             f"{self.version - 1}, not {self.supersedes.version}")
        if self.supersedes.finalised_at > self.finalised_at:
            raise ValueError("an amendment cannot be finalised before the version it supersedes")


def version_line(finalisation: Finalisation, rules: RuleSet | None = None) -> str:
    """The line printed in the footer of every page: which note, which version, who, when."""
    f = finalisation
    return (rules or load()).wording.version_line.format(
        note=short_id(f.note_id), version=f.version, when=show_datetime(f.finalised_at),
        author=f.author)


def amendment_line(finalisation: Finalisation, rules: RuleSet | None = None) -> str:
    """The line boxed at the top of every page of an amended note; "" for a first version."""
    f, old = finalisation, finalisation.supersedes
    if old is None:
        return ""
    return (rules or load()).wording.amendment.format(
        version=f.version, previous=old.version, previous_when=show_datetime(old.finalised_at),
        previous_author=old.author, reason=old.reason)


def superseded_text(newer: Finalisation, rules: RuleSet | None = None) -> str:
    """The words stamped on every page of the version `newer` replaces:
    `SUPERSEDED by version 3, finalised 26-Nov-2026 11:02 by Dr B Jones. Reason: ...`."""
    if newer.supersedes is None:
        raise ValueError(f"version {newer.version} supersedes nothing")
    return (rules or load()).wording.superseded.format(
        version=newer.version, when=show_datetime(newer.finalised_at), author=newer.author,
        reason=newer.supersedes.reason)


__all__ = ["Finalisation", "Superseded", "amendment_line", "short_id", "show_datetime",
           "superseded_text", "version_line"]
