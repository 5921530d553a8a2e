"""consult.resources.toml: every reviewed data file (rules, advice, note words, patient
list layouts) is read one way, and a missing, unreadable or broken one is one line
naming the file, never a traceback from deep inside a loader."""

from __future__ import annotations

import pytest

from consult import resources
from consult.advice import compose as advice
from consult.note import words as note
from consult.patients import layouts
from consult.rules import ruleset

LOADERS = [  # (folder, file, its loader)
    ("rules", "ruleset.toml", ruleset.load),
    ("advice", "advice.toml", advice.words),
    ("note", "note.toml", note.note_words),
    ("patients", "layouts.toml", layouts.load),
]


@pytest.fixture
def data_folder(tmp_path, monkeypatch):
    """A resources folder holding a copy of every reviewed file, for one test to break."""
    for folder, name, _ in LOADERS:
        (tmp_path / folder).mkdir()
        (tmp_path / folder / name).write_bytes(resources.path(folder, name).read_bytes())
    monkeypatch.setattr(resources, "root", lambda: tmp_path)
    for *_, loader in LOADERS:
        loader.cache_clear()
    yield tmp_path
    for *_, loader in LOADERS:
        loader.cache_clear()


@pytest.mark.parametrize(("folder", "name", "loader"), LOADERS, ids=[n for _, n, _ in LOADERS])
@pytest.mark.parametrize(("damage", "says"), [
    (lambda p: p.write_text("[broken\n", encoding="utf-8"), "Expected ']'"),
    (lambda p: p.write_bytes(b"\xff\xfe not text"), "can't decode"),
    (lambda p: p.unlink(), "missing"),
])
def test_a_damaged_data_file_is_one_line_naming_it(data_folder, folder, name, loader,
                                                   damage, says):
    assert loader()  # the copy loads as the real file does
    loader.cache_clear()
    damage(data_folder / folder / name)
    with pytest.raises(ValueError) as caught:
        loader()
    message = str(caught.value)
    assert "\n" not in message and says in message
    assert f"{folder}/{name}" in message


def test_toml_reads_the_file_it_names():
    rules = resources.toml("rules", "ruleset.toml")
    assert rules["meta"]["version"] == ruleset.load().version
