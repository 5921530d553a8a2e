"""The record file: one JSON format with a format version, round-tripping exactly.

Loading never raises anything but RecordFileError, whose message is one line
naming the field and the problem, fit for a GP or a command line.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from pydantic import ValidationError

from consult import atomic
from consult.record import FORMAT_NAME, FORMAT_VERSION, Record
from consult.upgrade import UPGRADES

MAX_BYTES = 5_000_000


def one_line(text: str) -> str:
    """`text` with every unprintable character (newline, other controls, bidi overrides,
    undecodable file-name bytes) written as an escape: it stays one line and cannot
    drive a terminal, whatever file or field name it quotes."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class RecordFileError(Exception):
    """A file that is not a readable consultation record (message: one line)."""

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


def dumps(record: Record) -> str:
    return record.model_dump_json(indent=2) + "\n"


def loads(text: str | bytes, origin: str = "record") -> Record:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise RecordFileError(f"{origin}: not UTF-8 text, so not a record file") from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise RecordFileError(f"{origin}: not a record: JSON nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise RecordFileError(f"{origin}: not valid JSON{where}") from None
    if not isinstance(data, dict):
        raise RecordFileError(f"{origin}: not a consultation record (expected a JSON object)")
    if data.get("format") != FORMAT_NAME:
        raise RecordFileError(f"{origin}: not a consultation record (format is not '{FORMAT_NAME}')")
    version = data.get("format_version")
    if type(version) is not int or not (version == FORMAT_VERSION or version in UPGRADES):
        raise RecordFileError(
            f"{origin}: format_version {version!r} is not supported "
            f"(this version reads 1 to {FORMAT_VERSION})"
        )
    while version != FORMAT_VERSION:  # an earlier format: upgraded, nothing invented
        data = UPGRADES[version](data)
        version = data["format_version"]
    try:
        return Record.model_validate(data)
    except ValidationError as exc:
        raise RecordFileError(f"{origin}: {describe(exc)}") from None
    except RecursionError:
        raise RecordFileError(f"{origin}: not a record: nested too deeply") from None


def describe(exc: ValidationError) -> str:
    """The first error as 'field.path: message', plus how many more there are."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    field = ".".join(str(p) for p in first["loc"]) or "record"
    kind = first["type"]
    if kind == "extra_forbidden":
        message = "unknown field"
    elif kind in ("nhs_number", "gmc_number", "year", "date_range"):
        message = first["msg"]
    else:
        message = first["msg"].removeprefix("Value error, ")
        value = first.get("input")
        if isinstance(value, str | int | float | bool) and len(repr(value)) <= 40:
            message += f" (got {value!r})"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{field}: {message}{more}"


def load(path: str | os.PathLike[str]) -> Record:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise RecordFileError(f"{p}: too large for a consultation record ({size} bytes)")
        raw = p.read_bytes()
    except RecordFileError:
        raise
    except IsADirectoryError:
        raise RecordFileError(f"{p}: is a folder, not a record file") from None
    except FileNotFoundError:
        raise RecordFileError(f"{p}: no such file") from None
    except PermissionError:
        raise RecordFileError(f"{p}: permission denied") from None
    except OSError as exc:
        raise RecordFileError(f"{p}: cannot read ({exc.strerror})") from None
    return loads(raw, origin=str(p))


def save(record: Record, path: str | os.PathLike[str]) -> Path:
    return atomic.write_text(path, dumps(record))
