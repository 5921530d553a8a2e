"""consult.words: the one way to write a count, the patient's name line, a short note id."""

from __future__ import annotations

import uuid

import pytest

from consult.note import versioning
from consult.words import NAME_NOT_KNOWN, name_line, plural, short_note_id


@pytest.mark.parametrize(("count", "word", "many", "words"), [
    (0, "note", None, "0 notes"), (1, "note", None, "1 note"), (2, "page", None, "2 pages"),
    (1, "entry", "entries", "1 entry"), (5, "entry", "entries", "5 entries"),
    (3, "red-flag finding", None, "3 red-flag findings"),
])
def test_plural(count, word, many, words):
    assert plural(count, word, many) == words


@pytest.mark.parametrize(("family", "given", "short", "said"), [
    ("Taylor", "Sam", "TAYLOR, Sam", "TAYLOR, Sam"),
    ("Taylor", "", "TAYLOR", "TAYLOR, given name not known"),
    ("", "Sam", "Sam", "Family name not known, Sam"),
    ("", "", "", NAME_NOT_KNOWN),
    ("Łódź", "Zoë", "ŁÓDŹ, Zoë", "ŁÓDŹ, Zoë"),
])
def test_name_line(family, given, short, said):
    assert name_line(family, given) == short
    assert name_line(family, given, say_missing=True) == said


def test_name_line_capitals_go_through_the_given_function():
    assert name_line("ab", "c", upper=lambda s: f"<{s}>") == "<ab>, c"


def test_short_note_id_is_the_same_everywhere():
    note_id = str(uuid.uuid4())
    assert short_note_id(note_id) == note_id[:8].upper() == versioning.short_id(note_id)
    assert len(short_note_id(note_id)) == 8
    with pytest.raises(ValueError):
        versioning.short_id("not a uuid")  # the note's own line accepts only a real id
