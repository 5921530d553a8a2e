"""Small things every screen, the note and the command line write the same way: a
count with its noun, the patient's name line, a note's short id.

Nothing here imports anything of the project, so every layer may use it.
"""

from __future__ import annotations

from collections.abc import Callable

NAME_NOT_KNOWN = "Name not known"


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 note', '3 notes', '2 entries' (with `many` for an irregular plural)."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def name_line(family: str, given: str, *, upper: Callable[[str], str] = str.upper,
              say_missing: bool = False) -> str:
    """The patient's name as the NHS banner writes it: 'TAYLOR, Sam'.

    Without `say_missing` a missing part is left out ('TAYLOR', 'Sam', or '' for no
    name); with it the note says what is missing ('TAYLOR, given name not known',
    'Family name not known, Sam', 'Name not known'). `upper` writes the family name
    in capitals (the PDF passes one that keeps letters its font cannot capitalise).
    """
    family = upper(family) if family else family
    if not say_missing:
        return ", ".join(x for x in (family, given) if x)
    if family and given:
        return f"{family}, {given}"
    if family:
        return f"{family}, given name not known"
    if given:
        return f"Family name not known, {given}"
    return NAME_NOT_KNOWN


def short_note_id(note_id: str) -> str:
    """A note's id as people read it: its first 8 characters, upper case ('3F2A91C0')."""
    return note_id[:8].upper()
