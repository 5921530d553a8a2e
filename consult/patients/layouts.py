"""The column headings of patient-list exports (resources/patients/layouts.toml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from consult import resources
from consult.record.answers import Sex

REQUIRED = ("nhs_number", "date_of_birth")
NAME_FIELDS = ("family_name", "given_name", "full_name")
FIELD_WORDS = {"nhs_number": "NHS number", "date_of_birth": "date of birth",
               "family_name": "surname", "given_name": "forename", "full_name": "name",
               "middle_name": "middle name", "title": "title", "sex": "sex",
               "appointment": "appointment time"}


def key(heading: str) -> str:
    """'NHS No.' -> 'nhsno': headings compared without case, spaces or punctuation."""
    return re.sub(r"[^a-z0-9]", "", heading.lower())


@dataclass(frozen=True)
class Layouts:
    fields: dict[str, list[str]]  # field -> the headings as the file spells them
    by_key: dict[str, str]  # heading key -> field
    sex: dict[str, Sex]  # key of what the column says -> the record's answer
    systems: list[tuple[str, frozenset[str]]]  # (name, heading keys only it uses)

    def field_of(self, heading: str) -> str | None:
        return self.by_key.get(key(heading))

    def system(self, headings: list[str]) -> str | None:
        present = {key(h) for h in headings}
        for name, needed in self.systems:
            if needed <= present:
                return name
        return None


@cache
def load() -> Layouts:
    data = resources.toml("patients", "layouts.toml")
    fields = {name: list(spellings) for name, spellings in data["fields"].items()}
    unknown = set(fields) - set(FIELD_WORDS)
    if unknown:
        raise ValueError(f"layouts.toml: unknown fields {sorted(unknown)}")
    by_key: dict[str, str] = {}
    for name, spellings in fields.items():
        for spelling in spellings:
            if by_key.setdefault(key(spelling), name) != name:
                raise ValueError(f"layouts.toml: heading {spelling!r} is given for two fields")
    sex = {key(word): Sex(answer) for answer, words in data["sex"].items() for word in words}
    systems = [(s["name"], frozenset(key(h) for h in s["headings"])) for s in data["systems"]]
    return Layouts(fields, by_key, sex, systems)
