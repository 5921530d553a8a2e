"""The record file: one JSON format with a format version, round-tripping exactly.

Loading never raises anything but RecordFileError, whose message is one line
naming the field and the problem, fit for a GP or a command line.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

from pydantic import ValidationError

from consult import atomic
from consult.record.model import FORMAT_NAME, FORMAT_VERSION, Record
from consult.record.upgrade import UPGRADES

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


# A field name as the record spells them. The key of an unknown field that is not
# spelt like one (a name, an NHS number, a date typed where a field name goes) is not
# repeated.
_FIELD_NAME = re.compile(r"[a-z_][a-z0-9_]{0,39}")


def describe(exc: ValidationError) -> str:
    """The first error as 'field.path: rule', plus how many more there are.

    Never the value itself, nor any part of it: the line goes to stderr, cron mail and
    the logs of calling tools, and the value may be a name, a date of birth, an NHS
    number or free text in the wrong field."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    loc = [str(p) for p in first["loc"]]
    kind = first["type"]
    if kind == "extra_forbidden":
        message = "unknown field"
        if loc and not _FIELD_NAME.fullmatch(loc[-1]):
            loc, message = loc[:-1], "a field with a name the record does not have"
    elif kind == "nhs_number":
        message = _nhs_rule(first["msg"])
    else:
        message = _without_value(first["msg"].removeprefix("Value error, "), first.get("input"),
                                 kind)
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{'.'.join(loc) or 'record'}: {message}{more}"


def _nhs_rule(message: str) -> str:
    """The NHS number rule broken, without the number (its check-digit message quotes it)."""
    if "check digit" in message:
        return "the NHS number fails its check digit (Modulus 11): check it with the patient"
    return message


def _without_value(message: str, value: object, kind: str) -> str:
    """`message`, unless it quotes `value` (pydantic's own messages name the rule, not the
    input; a validator's message might quote it): then the kind of rule alone."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        shown = str(value).strip()
        if len(shown) >= 3 and shown.casefold() in message.casefold():
            return f"not an accepted value ({kind.replace('_', ' ')})"
    return message


_NOT_FILES = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
              (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))


def _kind(mode: int) -> str | None:
    """What a file of this mode is when it is not a regular file or a folder."""
    return next((words for test, words in _NOT_FILES if test(mode)),
                None if stat.S_ISREG(mode) or stat.S_ISDIR(mode) else "a special file")


def load(path: str | os.PathLike[str]) -> Record:
    """Read and check the record file at `path`.

    A FIFO, socket or device is refused before it is opened (opening a FIFO waits for a
    writer; a device may never end), and at most MAX_BYTES + 1 bytes are read whatever
    the file's size says (a file may grow while it is read)."""
    p = Path(path)
    try:
        mode = p.stat().st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError
        if kind := _kind(mode):
            raise RecordFileError(f"{p}: is {kind}, not a record file")
        # Not blocking, not a controlling terminal: if it was swapped for something else
        # since stat, opening still returns at once and fstat below refuses it.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) \
            | getattr(os, "O_BINARY", 0)
        with open(os.open(p, flags), "rb", closefd=True) as f:
            mode = os.fstat(f.fileno()).st_mode
            if stat.S_ISDIR(mode):
                raise IsADirectoryError
            if kind := _kind(mode):
                raise RecordFileError(f"{p}: is {kind}, not a record file")
            raw = f.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise RecordFileError(f"{p}: too large for a consultation record "
                                  f"(over {MAX_BYTES:,} bytes)")
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
