"""The consultation note: one composed document, rendered as PDF or plain text.

    note_pdf(record, draft=False) -> bytes     A4 PDF
    note_text(record, draft=False) -> str      plain text for the clinical system
    write_note_pdf(record, path, draft=False)  atomic, owner-only (0600) file
    write_pdf(note, path)                      the same for an already composed note

Each takes an optional `finalisation=Finalisation(...)` (see
`consult.note.versioning`): the note then names its id, version, author and
time in the footer of every page, and an amendment says on every page which
version it supersedes and why. Without it the output is unchanged. An older
version's stored PDF is marked superseded at view/print time by
`consult.note.stamp.stamp_superseded`.

Characters the note's font cannot print are listed in `Note.missing_glyphs`
and named in a box after the note's alerts (see `consult.note.glyphs`), never
silently boxed.

A final note (draft=False) is refused with `IncompleteRecord` while the
completeness check lists problems; a draft always renders and says so on
every page. reportlab is imported only when a PDF is asked for.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import consult
from consult import atomic
from consult.note.compose import compose
from consult.note.model import Note
from consult.note.text import render_text
from consult.note.versioning import Finalisation, Superseded
from consult.record.model import Record
from consult.rules.completeness import Problem, problems
from consult.rules.engine import assess
from consult.words import plural

__all__ = ["Finalisation", "IncompleteRecord", "Note", "Superseded", "compose", "note_pdf",
           "note_text", "prepare", "render_text", "write_note_pdf", "write_pdf"]


class IncompleteRecord(Exception):
    """A final note was asked for while the record still has problems."""

    def __init__(self, found: list[Problem]) -> None:
        self.problems = list(found)
        first = "; ".join(p.message for p in self.problems[:3])
        more = f" (and {len(self.problems) - 3} more)" if len(self.problems) > 3 else ""
        super().__init__(f"The record is not complete: "
                         f"{plural(len(self.problems), 'problem')}: {first}{more}")


def prepare(record: Record, *, draft: bool = False, today: dt.date | None = None,
            finalisation: Finalisation | None = None) -> Note:
    """Assess the record, check it is complete (unless a draft) and compose the note."""
    assessment = assess(record)
    if not draft:
        found = problems(record, today, assessment=assessment)
        if found:
            raise IncompleteRecord(found)
    return compose(record, assessment, draft=draft, app_version=consult.__version__,
                   finalisation=finalisation)


def note_text(record: Record, *, draft: bool = False, today: dt.date | None = None,
              finalisation: Finalisation | None = None) -> str:
    return render_text(prepare(record, draft=draft, today=today, finalisation=finalisation))


def note_pdf(record: Record, *, draft: bool = False, today: dt.date | None = None,
             finalisation: Finalisation | None = None) -> bytes:
    from consult.note.pdf import render_pdf

    return render_pdf(prepare(record, draft=draft, today=today, finalisation=finalisation))


def write_pdf(note: Note, path: str | os.PathLike[str]) -> Path:
    from consult.note.pdf import render_pdf

    return atomic.write_bytes(path, render_pdf(note))


def write_note_pdf(record: Record, path: str | os.PathLike[str], *, draft: bool = False,
                   today: dt.date | None = None,
                   finalisation: Finalisation | None = None) -> Path:
    return write_pdf(prepare(record, draft=draft, today=today, finalisation=finalisation), path)
