"""Which answers count as red flags lives once, in consult.rules.screening; the form's
colours and the sections list read it. The expected set is derived here from the rules
themselves, so emptying the list or dropping an entry fails."""

from __future__ import annotations

from pydantic import BaseModel

from consult.record.answers import Answer, Trauma
from consult.record.model import Record, owner_of
from consult.rules import followups, screening
from consult.rules.engine import assess
from tests.support import negative_record


def _answer_paths(model: type[BaseModel] = Record, prefix: str = "") -> list[str]:
    paths = []
    for name, field in model.model_fields.items():
        if field.annotation is Answer:
            paths.append(f"{prefix}{name}")
        elif isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            paths += _answer_paths(field.annotation, f"{prefix}{name}.")
    return paths


def _contexts():
    """A complete record with every flag No and nothing else that combines with a Yes
    (no lifting: it turns a fracture risk into a finding); then the same with a
    question's parent asked, so that a follow-up applies."""
    base = negative_record()
    base.triggers.triggers = []
    yield base
    trauma = base.model_copy(deep=True)
    trauma.triggers.trauma = Trauma.MINOR
    yield trauma
    legs = base.model_copy(deep=True)
    legs.legs.symptoms = legs.legs.pain = Answer.YES
    yield legs


def _fires_alone(path: str) -> bool:
    """A Yes at `path` and nothing else fires a rule row that a No does not."""
    for record in _contexts():
        if followups.applies(record, path):
            break
    else:
        return False
    owner, leaf = owner_of(record, path)
    setattr(owner, leaf, Answer.NO)
    before = {row.id for row in assess(record).fired}
    setattr(owner, leaf, Answer.YES)
    return bool({row.id for row in assess(record).fired} - before)


SCREENED = [p for p in _answer_paths()
            if not p.startswith(("red_flags.", "plan.", "consultation.", "observation."))]


def test_the_answers_outside_the_red_flag_section_are_those_whose_yes_alone_fires():
    expected = {p for p in SCREENED if _fires_alone(p)}
    assert expected  # the derivation itself sees rows fire
    assert set(screening.RED_FLAG_ANSWERS) == expected
    assert "risk.known_aortic_aneurysm" in expected and "risk.anticoagulant" not in expected


def test_red_flag_paths_hold_every_answer_of_the_red_flag_section_and_those():
    section = [p for p in _answer_paths() if p.startswith("red_flags.")]
    paths = screening.red_flag_paths()
    assert len(paths) == len(set(paths))
    assert set(paths) == {*section, *screening.RED_FLAG_ANSWERS}
    assert all(screening.is_red_flag_answer(p) for p in paths)
    assert not any(screening.is_red_flag_answer(p) for p in _answer_paths() if p not in paths)


def test_every_red_flag_section_answer_recorded_yes_is_named_on_page_one():
    """The note's positive red flags name every red-flag section answer recorded Yes."""
    for path in screening.red_flag_paths():
        if not path.startswith("red_flags."):
            continue
        record = negative_record()
        owner, leaf = owner_of(record, path)
        setattr(owner, leaf, Answer.YES)
        assert screening.positive_red_flags(record), path
