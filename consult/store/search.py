"""How a patient's name is searched: "zoe" finds Zoë, "O'Brien" finds "obrien" and
"o brien", and "TAYLOR, Sam" (the name as the list shows it) finds Sam Taylor."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^\w]+|_")


def fold(text: str) -> str:
    """Lower case, accents and punctuation dropped, words separated by one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", plain.casefold()).split())


def search_name(given: str, family: str) -> str:
    """What is stored for searching: both orders' words, and the family name written
    without its spaces, hyphens and apostrophes ("o brien" and "obrien")."""
    words = fold(f"{given} {family}")
    joined = fold(family).replace(" ", "")
    return f"{words} {joined}" if joined and joined not in words.split() else words


def words(typed: str) -> list[str]:
    return fold(typed).split()
