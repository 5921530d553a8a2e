"""The note's own words as data: resources/note/note.toml (loaded once, checked).

Clinicians review the words there, not in Python. `note_words()` gives the parsed
table; a missing file or section fails at load with a one-line message.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from consult import resources

SECTIONS = ("headings", "labels", "words", "remote", "negatives", "groups", "diagnosis",
            "plan_short", "entry")


class NoteWordsError(ValueError):
    pass


@dataclass(frozen=True)
class GroupWords:
    id: str
    title: str  # the appendix table's group heading
    short: str  # page 1's pertinent-negatives label


@dataclass(frozen=True)
class NoteWords:
    headings: dict[str, str]
    labels: dict[str, str]
    words: dict[str, str]
    remote: dict[str, str]
    negatives: dict[str, str]
    groups: dict[str, GroupWords]
    diagnosis: dict[str, Any]
    plan_short: dict[str, str]
    entry: dict[str, Any]


@cache
def note_words() -> NoteWords:
    try:
        data = resources.toml("note", "note.toml")
    except resources.ResourceError as exc:
        raise NoteWordsError(str(exc)) from None
    missing = [s for s in SECTIONS if s not in data]
    if missing:
        raise NoteWordsError(f"note.toml: missing section(s) {', '.join(missing)}")
    groups = {g["id"]: GroupWords(g["id"], g["title"], g["short"]) for g in data["groups"]}
    return NoteWords(data["headings"], data["labels"], data["words"], data["remote"],
                     data["negatives"], groups, data["diagnosis"], data["plan_short"],
                     data["entry"])
