"""What the store hands out: plain frozen dataclasses, no database rows."""

from __future__ import annotations

import datetime as dt
import hashlib
import socket
import unicodedata
from dataclasses import dataclass, field

from consult.record.dates import show_date
from consult.record.nhs import display as show_nhs_number
from consult.words import short_note_id

TIMES = "%Y-%m-%dT%H:%M:%S.%fZ"


def record_digest(record_json: str) -> str:
    """The SHA-256 a note's stored record JSON is kept with (notes.record_sha256): the
    store writes it at finalising; the urgency column checks the answers against it."""
    return hashlib.sha256(record_json.encode("utf-8")).hexdigest()


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def to_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime(TIMES)


def from_text(value: str) -> dt.datetime:
    return dt.datetime.strptime(value, TIMES).replace(tzinfo=dt.UTC)


USER_NAME_MAX = 200  # characters: the app's limit (Settings, the who-is-working box), and the column's
# Line breaks, terminal escapes and the other controls, and the bidirectional controls that
# make a line read in another order ("Trojan Source"): none belongs in an audit trail's name.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def user_name_problem(name: str) -> str | None:
    """Why `name` cannot be recorded as who is working, or None when it can.

    The same limits on every database: SQLite would store any length (PostgreSQL refused
    over 200 characters only after the note was rendered), and a newline or an escape
    would be printed into the audit trail and every page's footer."""
    if not name.strip():
        return "give the name of who is working"
    if len(name) > USER_NAME_MAX:
        return f"at most {USER_NAME_MAX} characters (this name has {len(name)})"
    for place, char in enumerate(name, start=1):
        if unicodedata.category(char) in ("Cc", "Zl", "Zp", "Cs") or char in _BIDI_CONTROLS:
            return (f"no line breaks, tabs or other control characters (character {place} "
                    f"is U+{ord(char):04X})")
    return None


@dataclass(frozen=True)
class Who:
    """Who is working, and where: what the audit trail records."""

    user: str
    workstation: str = field(default_factory=socket.gethostname)

    def __post_init__(self) -> None:
        if not self.user.strip():
            raise ValueError("who is working has not been set")


@dataclass(frozen=True)
class Patient:
    name: str  # "TAYLOR, Sam"
    nhs_number: str | None  # 10 digits
    date_of_birth: dt.date | None

    def line(self) -> str:
        nhs = show_nhs_number(self.nhs_number) if self.nhs_number else "not recorded"
        born = show_date(self.date_of_birth) if self.date_of_birth else "not recorded"
        return f"{self.name or 'Name not recorded'} · NHS number {nhs} · born {born}"


@dataclass(frozen=True)
class DraftInfo:
    draft_id: str
    note_id: str
    base_version: int | None  # the finalised version this draft amends, if any
    amend_reason: str | None
    user: str
    workstation: str
    patient: Patient
    saved_at: dt.datetime


@dataclass(frozen=True)
class NoteInfo:
    id: int
    note_id: str
    version: int
    latest_version: int
    patient: Patient
    consultation_date: dt.date | None
    finalised_at: dt.datetime
    author: str
    clinician: str
    amend_reason: str | None
    app_version: str
    ruleset_version: str
    pdf_sha256: str
    printed: bool

    @property
    def key(self) -> tuple[str, int]:
        return (self.note_id, self.version)

    @property
    def superseded(self) -> bool:
        return self.version < self.latest_version

    @property
    def short_id(self) -> str:
        return short_note_id(self.note_id)


@dataclass(frozen=True)
class NoteFilter:
    """The staff's filter. Dates are consultation dates, both ends included."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    name: str = ""  # any part of the given or family name, any case
    nhs_number: str = ""  # digits; spaces and dashes ignored
    printed: bool | None = None  # None: both
    limit: int | None = None
