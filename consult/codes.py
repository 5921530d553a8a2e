"""Clinical codes (SNOMED CT, LOINC) as reviewed data: resources/codes/codes.toml.

Every code the product prints or exports comes from here, with its status. The
file is checked when it is loaded and refused whole if any entry is wrong: a
SNOMED CT identifier must pass its Verhoeff check digit (python-stdnum's
maintained implementation) and be a concept identifier; a LOINC code must pass
its mod-10 check digit; every entry needs a status, every uncoded entry a reason.

`code_for(concept)` gives None for a concept left uncoded, so a caller prints
words and never a guessed code. `label(code)` is the one printed form, which
says "(unverified code)" until the code has been checked in the code system's
own browser.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from stdnum import luhn, verhoeff

from consult import resources

SNOMED = "SNOMED CT"
LOINC = "LOINC"
SYSTEM_URI = {SNOMED: "http://snomed.info/sct", LOINC: "http://loinc.org"}
UNVERIFIED = "unverified code"
UNVERIFIED_SHORT = "unverified"  # the short form's status word, beside the code


class CodesError(ValueError):
    """The codes file is missing, unreadable or holds an entry that fails a check."""


@dataclass(frozen=True)
class Code:
    concept: str
    system: str
    code: str
    display: str
    status: str
    verified: bool

    @property
    def system_uri(self) -> str:
        return SYSTEM_URI[self.system]


@dataclass(frozen=True)
class Uncoded:
    concept: str
    system: str
    display: str
    status: str
    reason: str


def snomed_id_valid(sctid: str) -> bool:
    """A SNOMED CT concept identifier: 6-18 digits, no leading 0, partition 00 or 10, Verhoeff."""
    if not re.fullmatch(r"[1-9][0-9]{5,17}", sctid):
        return False
    return sctid[-3:-1] in ("00", "10") and verhoeff.is_valid(sctid)


def loinc_valid(code: str) -> bool:
    """A LOINC code: digits, hyphen, one mod-10 check digit."""
    return bool(re.fullmatch(r"[0-9]{1,7}-[0-9]", code)) and luhn.is_valid(code.replace("-", ""))


_CHECKS = {SNOMED: snomed_id_valid, LOINC: loinc_valid}


def _entry(raw: dict, where: str) -> Code | Uncoded:
    concept = str(raw.get("id", "")).strip()
    if not concept:
        raise CodesError(f"{where}: an entry has no id")
    status = str(raw.get("status", "")).strip()
    if not status:
        raise CodesError(f"{where}: {concept} has no status")
    system = raw.get("system", "")
    if system not in _CHECKS:
        raise CodesError(f"{where}: {concept} has unknown system {system!r}")
    display = str(raw.get("display", "")).strip()
    if not display:
        raise CodesError(f"{where}: {concept} has no display")
    if not isinstance(raw.get("verified"), bool):
        raise CodesError(f"{where}: {concept} needs verified = true or false")
    code = str(raw.get("code", "")).strip()
    if not code:
        reason = str(raw.get("uncoded", "")).strip()
        if not reason:
            raise CodesError(f"{where}: {concept} has no code and no reason for leaving it uncoded")
        return Uncoded(concept, system, display, status, reason)
    if raw.get("uncoded"):
        raise CodesError(f"{where}: {concept} has both a code and a reason for leaving it uncoded")
    if not _CHECKS[system](code):
        raise CodesError(f"{where}: {concept}: {system} {code} fails its check digit")
    return Code(concept, system, code, display, status, raw["verified"])


def load(path: Path | None = None) -> dict[str, Code | Uncoded]:
    """Every concept in the codes file by id; raises CodesError if the file fails a check."""
    if path is None:
        return _load_default()
    return _parse(path)


@cache
def _load_default() -> dict[str, Code | Uncoded]:
    try:
        path = resources.path("codes", "codes.toml")
    except FileNotFoundError as exc:
        raise CodesError(str(exc)) from None
    return _parse(path)


def _parse(path: Path) -> dict[str, Code | Uncoded]:
    where = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CodesError(f"{where}: cannot be read ({exc})") from None
    entries = data.get("concept")
    if not isinstance(entries, list) or not entries:
        raise CodesError(f"{where}: holds no [[concept]] entries")
    found: dict[str, Code | Uncoded] = {}
    for raw in entries:
        entry = _entry(raw, where)
        if entry.concept in found:
            raise CodesError(f"{where}: {entry.concept} is listed twice")
        found[entry.concept] = entry
    return found


def entry(concept: str) -> Code | Uncoded:
    """The entry for a concept id; KeyError for a concept the file does not list."""
    return load()[concept]


def code_for(concept: str) -> Code | None:
    """The code for a concept, or None when the concept is deliberately left uncoded."""
    found = entry(concept)
    return found if isinstance(found, Code) else None


def label(code: Code) -> str:
    """The printed form: 'SNOMED CT 279039007 (unverified code)' until the code is verified."""
    text = f"{code.system} {code.code}"
    return text if code.verified else f"{text} ({UNVERIFIED})"


def short_label(code: Code, system: bool = True) -> str:
    """The compact printed form for the record entry: 'SNOMED CT 279039007, unverified'
    until the code is verified; system=False leaves out the code system's name (the line
    names it once): '91351-7'."""
    text = f"{code.system} {code.code}" if system else code.code
    return text if code.verified else f"{text}, {UNVERIFIED_SHORT}"
