"""Hypothesis strategies for whole consultation records filled with hostile text.

`records()` starts from a valid base (a blank record, the complete negative
record of `tests.support` or one of the bundled examples), fills every
free-text field of the model with hostile text, answers every screening item at
random, varies the other fields now and then, and validates the result with
`Record.model_validate`: every record it gives is a valid draft.

The free-text fields are found by walking the pydantic model (`text_fields()`),
so a text field added to the record later is fuzzed without touching this file;
each string respects its field's `max_length` (ShortText 200, Text 20,000).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import types
import typing
import unicodedata
from enum import Enum
from typing import Any

import annotated_types
from hypothesis import strategies as st
from pydantic import BaseModel, StringConstraints

from consult.record.answers import Answer
from consult.record.model import CesItem, PlanItem, Record
from consult.rules.screening import GROUPS
from tests.support import EXAMPLES, load_example, negative_record

# ---------------------------------------------------------------------------
# Hostile pieces of text

MARKUP = (
    "<b>", "</b>", "<b>bold", "<i>x</i>", '<img src="/etc/passwd">', '<img src="/etc/passwd"/>',
    "&", "&amp;", "&lt;b&gt;", "&#0;", "&#x41;", "&nbsp;", "&bogus;", "J&C", "R&D <br/>",
    "<link href=x>", '<a href="javascript:alert(1)">x</a>', "<para>", "</para>", "</font>",
    '<font size=40 color="red">', "<br/>", "<br>", "<![CDATA[x]]>", "<!-- c -->",
    '<?xml version="1.0"?>', "<onDraw name=x label=y/>", '<seq id="x"/>', "<greek>a</greek>",
    "<super>2</super>", '<span style="x">', "<u>", "<strike>", "<bullet>", '<unichar name="x"/>',
    '"', "'", "<", ">", "%s", "%(name)s", "{0}", "{mode}", "\\", "\\n", "$(rm -rf /)",
    "Robert'); DROP TABLE patients;--",
)
NAMES = (
    "Łukasz Żółć", "Zoë", "Ægir", "Σοφία Παπαδοπούλου", "Жанна Иванова", "Dvořák", "Ødegård",
    "İlkay Gündoğan", "Straße", "Nguyễn Thị Minh Khai", "O'Brien-Smith", "ǅemal", "Ἀθηνᾶ",
    "Ґалина", "Ђорђе", "Ӕлдар", "Ĳsselmeer", "Åse Ærø", "Þórunn", "Ŵyn ap Siôn",
)
RTL = (
    "שלום", "مرحبا بالعالم", "\u202e", "\u202b", "\u202a", "\u202c", "\u200f", "\u200e",
    "\u2066", "\u2067", "\u2068", "\u2069", "\u202eevil.exe\u202c", "ABC\u202eDEF",
)
EMOJI = ("😀", "🧑\u200d⚕\ufe0f", "👍🏽", "🇬🇧", "❤\ufe0f", "🏴\U000e0067\U000e0062\U000e0065"
         "\U000e006e\U000e0067\U000e007f", "💊", "🦴", "☺")
COMBINING = ("e\u0301", "a\u0308\u0323", "n\u0303", "\u0301", "o\u0338", "Z" + "\u0301\u0302\u0300" * 20,
             "\u0363\u0364")
CJK = ("中文", "日本語のテキスト", "한국어", "\U0002000b", "\u3000")
CONTROL = ("\x00", "\x07", "\x1b[31m", "\t", "\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f",
           "\x7f", "\x85", "\x9b", "\u2028", "\u2029", "\u00ad", "\u200b", "\ufeff", "\ufffe",
           "\uffff", "\U0010ffff", "\ue000")
SPACES = (" ", "  ", "\n\n", "\u00a0", "\u2003", " \t ")
WORDS = ("pain", "back", "lifting", "Home", "daughter", "paracetamol 1 g", "12.5", "-",
         "ibuprofen", "left leg", "walks 100 m", ".", "...", ";")

# Latin, Greek and Cyrillic letters and the combining marks of European writing:
# the scripts the note promises to print with real glyphs.
EUROPEAN_RANGES = ((0x20, 0x7E), (0xA0, 0x24F), (0x250, 0x2AF), (0x300, 0x34F), (0x370, 0x3FF),
                   (0x400, 0x525), (0x1E00, 0x1EFB), (0x1F00, 0x1FFF))


def european(char: str) -> bool:
    """An assigned character of the ranges the note promises to print with real glyphs."""
    return unicodedata.category(char) not in ("Cn", "Cc", "Cs") and any(
        lo <= ord(char) <= hi for lo, hi in EUROPEAN_RANGES)


@functools.cache
def european_text(max_size: int = 40) -> st.SearchStrategy[str]:
    chars = st.one_of(*(st.characters(min_codepoint=lo, max_codepoint=hi,
                                      exclude_categories=("Cs", "Cn"))
                        for lo, hi in EUROPEAN_RANGES))
    return st.text(chars, max_size=max_size)


CONSTANT_PIECES = (*WORDS, *MARKUP, *NAMES, *RTL, *EMOJI, *COMBINING, *CJK, *CONTROL, *SPACES)


@functools.cache
def pieces() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(CONSTANT_PIECES),
        european_text(16),
        st.text(st.characters(exclude_categories=("Cs",)), max_size=8),
    )


@functools.cache
def hostile_text(max_length: int, max_pieces: int = 10) -> st.SearchStrategy[str]:
    """A short string made of hostile pieces, cut to `max_length`."""
    return st.lists(pieces(), max_size=max_pieces).map(lambda ps: "".join(ps)[:max_length])


@functools.cache
def long_text(max_length: int) -> st.SearchStrategy[str]:
    """A string near a field's limit: a hostile unit repeated (one long word, or words)."""
    unit = st.one_of(st.lists(pieces(), min_size=1, max_size=4).map("".join),
                     st.sampled_from(("x", "abcdefghij ", "Zoë Σοφία Жанна ", "e\u0301")))
    size = st.integers(min(1_000, max_length), max_length)
    return st.tuples(unit, size).map(
        lambda t: (t[0] * (t[1] // max(len(t[0]), 1) + 1))[:t[1]] if t[0] else "x" * t[1])


LONG_ONE_IN = 60  # about one field in 60 is near its limit


@st.composite
def _free_text(draw: st.DrawFn, max_length: int) -> str:
    k = draw(st.integers(0, LONG_ONE_IN - 1))  # shrinks towards 0: the short form
    if k == LONG_ONE_IN - 1:
        return draw(long_text(max_length))
    if k == LONG_ONE_IN - 2:
        return ""
    return draw(hostile_text(max_length))


@functools.cache
def free_text(max_length: int) -> st.SearchStrategy[str]:
    """Hostile text for one field: mostly short, sometimes empty, now and then near the limit."""
    return _free_text(max_length)


# ---------------------------------------------------------------------------
# Walking the model


def _max_length(metadata: list[Any]) -> int | None:
    for item in metadata:
        if isinstance(item, StringConstraints | annotated_types.MaxLen) and item.max_length:
            return int(item.max_length)
    return None


def _optional_text(annotation: Any) -> int | None:
    """max_length of `Annotated[str, StringConstraints] | None`, else None."""
    if typing.get_origin(annotation) not in (typing.Union, types.UnionType):
        return None
    for arg in typing.get_args(annotation):
        if typing.get_origin(arg) is typing.Annotated and typing.get_args(arg)[0] is str:
            return _max_length(list(typing.get_args(arg)[1:]))
    return None


def _text_length(field: Any) -> tuple[int, bool] | None:
    """(max_length, may be None) for a free-text field, None for any other field."""
    if field.annotation is str:
        length = _max_length(field.metadata)
        if length is None:
            raise AssertionError("a free-text field without max_length")
        return length, False
    length = _optional_text(field.annotation)
    return (length, True) if length is not None else None


SPECIAL = {"nhs_number", "gmc_number"}  # validated identifiers, not free text


def text_fields(model: type[BaseModel] = Record, prefix: str = "") -> dict[str, int]:
    """Every free-text field of the record ('plan.items.text' for list items) and its limit."""
    found: dict[str, int] = {}
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        if name in SPECIAL:
            continue
        text = _text_length(field)
        if text is not None:
            found[path] = text[0]
            continue
        for sub in _models(field.annotation):
            found.update(text_fields(sub, f"{path}."))
    return found


def _models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [a for a in typing.get_args(annotation) if isinstance(a, type) and issubclass(a, BaseModel)]


def _enum_of(annotation: Any) -> type[Enum] | None:
    for arg in (annotation, *typing.get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, Enum):
            return arg
    return None


def _bounds(metadata: list[Any]) -> tuple[int, int]:
    lo, hi = 0, 10_000
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            lo = int(item.ge)  # type: ignore[call-overload]
        if isinstance(item, annotated_types.Le):
            hi = int(item.le)  # type: ignore[call-overload]
    return lo, hi


def _other_value(name: str, field: Any) -> st.SearchStrategy[Any] | None:
    """A random valid value for a field that is neither text nor a screening answer."""
    annotation = field.annotation
    if name == "nhs_number":
        return st.sampled_from([None, "9434765919", "943 476 5919"])
    if name == "gmc_number":
        return st.sampled_from([None, "7654321"])
    if name == "cancer_year":
        return st.none() | st.integers(1900, 2100)
    if annotation is bool:
        return st.booleans()
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation)
        if isinstance(item, type) and issubclass(item, Enum):  # triggers, how CES information was given
            return st.lists(st.sampled_from(item), unique=True, max_size=3)
        if name == "asked_as_group":  # answers recorded No with their group's one answer
            return st.lists(st.sampled_from([p for g in GROUPS for p in g.paths]),
                            unique=True, max_size=6)
        if name == "upgrade_notes":
            return st.lists(st.builds(lambda f, t: {"field": f, "still": ["not_asked"], "text": t},
                                      st.sampled_from(["medicines.pregnant",
                                                       "medicines.nsaid_sensitive_asthma"]),
                                      free_text(200)), max_size=2)
    enum = _enum_of(annotation)
    if enum is not None:
        return st.none() | st.sampled_from(enum) if type(None) in typing.get_args(annotation) \
            else st.sampled_from(enum)
    args = set(typing.get_args(annotation))
    if int in args:
        return st.none() | st.integers(*_bounds(field.metadata))
    if dt.date in args:
        return st.none() | st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))
    if dt.time in args:
        return st.none() | st.times()
    return None


def _section(model: type[BaseModel], base: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    parts: dict[str, st.SearchStrategy[Any]] = {}
    for name, field in model.model_fields.items():
        keep = st.just(base.get(name, field.get_default(call_default_factory=True)))
        text = None if name in SPECIAL else _text_length(field)
        if text is not None:
            length, optional = text
            parts[name] = (st.none() | free_text(length)) if optional else free_text(length)
        elif field.annotation is Answer:
            parts[name] = st.sampled_from(Answer)
        elif field.annotation is CesItem:
            parts[name] = _section(CesItem, base.get(name) or {})
        elif name == "items" and model.model_fields[name].annotation == list[PlanItem]:
            parts[name] = _plan_items(base.get(name) or [])
        elif isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            parts[name] = _section(field.annotation, base.get(name) or {})
        elif name in ("format", "format_version"):
            parts[name] = keep
        else:
            other = _other_value(name, field)
            if other is None:
                raise AssertionError(f"no strategy for {model.__name__}.{name}")
            parts[name] = st.one_of(keep, other)
    return st.fixed_dictionaries(parts)


def _plan_items(base: list[dict[str, Any]]) -> st.SearchStrategy[list[dict[str, Any]]]:
    kept = st.tuples(*(_section(PlanItem, item) for item in base)).map(list)
    extra = st.lists(_section(PlanItem, {"text": ""}), max_size=3)
    return st.tuples(kept, extra).map(lambda t: t[0] + t[1])


# ---------------------------------------------------------------------------
# Whole records


@functools.cache
def bases() -> list[tuple[str, dict[str, Any]]]:
    """The valid records the strategies start from, as python-mode dumps."""
    named = [("blank", Record()), ("negative", negative_record())]
    named += [(name, load_example(name)) for name in EXAMPLES]
    return [(name, record.model_dump()) for name, record in named]


@functools.cache
def _record_data(base: str) -> st.SearchStrategy[dict[str, Any]]:
    return _section(Record, dict(bases())[base])


@st.composite
def _any_record_data(draw: st.DrawFn) -> dict[str, Any]:
    base = draw(st.sampled_from([name for name, _ in bases()]))
    return draw(_record_data(base))


def record_data() -> st.SearchStrategy[dict[str, Any]]:
    """The raw dict of a hostile record (before validation)."""
    return _any_record_data()


def records() -> st.SearchStrategy[Record]:
    """Valid records with every free-text field hostile and random screening answers."""
    return record_data().map(Record.model_validate)


__all__ = ["CJK", "COMBINING", "CONTROL", "EMOJI", "MARKUP", "NAMES", "RTL", "european",
           "european_text", "free_text", "hostile_text", "long_text", "record_data", "records",
           "text_fields"]


# ---------------------------------------------------------------------------
# Broken record files


@dataclasses.dataclass(frozen=True)
class BrokenFile:
    """A file's bytes, how they were broken, and whether no reader may accept them."""

    kind: str
    data: bytes
    must_fail: bool

    def __repr__(self) -> str:  # short, for hypothesis reports
        return f"BrokenFile({self.kind!r}, {self.data[:300]!r}{'...' if len(self.data) > 300 else ''}, " \
               f"must_fail={self.must_fail})"


@functools.cache
def valid_files() -> tuple[str, ...]:
    """Valid record files (as written by the app) to break."""
    from consult.record import file as recordfile

    return tuple(recordfile.dumps(Record.model_validate(data)) for _, data in bases())


def _paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside parsed JSON, containers included (not the root)."""
    found = [here] if here else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*here, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*here, i))
    return found


def _replace(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    doc = json.loads(json.dumps(doc))
    owner = doc
    for step in path[:-1]:
        owner = owner[step]
    owner[path[-1]] = value
    return doc


_SLOT = "\u0000slot\u0000"  # replaced by a raw JSON literal after dumping


def _with_literal(doc: Any, path: tuple[Any, ...], literal: str) -> bytes:
    text = json.dumps(_replace(doc, path, _SLOT), indent=2, ensure_ascii=False)
    return text.replace(json.dumps(_SLOT), literal, 1).encode("utf-8")


WRONG_VALUES = (None, True, False, 0, -1, 1.5, "", "x", "yes", "not_asked", "9999-12-31",
                "05/04/1985", "25:61", "\ud800", "\udfff\ud800", "\x00", [], [1, 2], ["x"], {},
                {"a": 1}, {"answer": "yes"}, "x" * 20_001, "y" * 201, 10**20)
HUGE_LITERALS = ("1e308", "-1e308", "1e309", "-1e309", "1e-400", "10" + "0" * 100, "-1", "-0",
                 "0.0", "1.0", "NaN", "Infinity", "-Infinity", "9" * 5_000, "1" + "0" * 4_299,
                 "123456789012345678901234567890", "4.9e-324", "2E3", "0x10", "01", "+1", ".5")
UNKNOWN_KEYS = ("middle_name", "__proto__", "", " ", "format ", "Format", "nhs", "answer2",
                "\u0000", "ñame", "x" * 500)
BAD_VERSIONS = (0, 3, -1, "1", 1.0, True, None, [1], {}, 10**100, 1e308, "one")


def _deep(depth: int, kind: str) -> str:
    if kind == "list":
        return "[" * depth + "]" * depth
    if kind == "object":
        return '{"a": ' * depth + "1" + "}" * depth
    return "[" * depth  # unclosed


@st.composite
def _doc_and_path(draw: st.DrawFn) -> tuple[Any, tuple[Any, ...]]:
    doc = json.loads(draw(st.sampled_from(valid_files())))
    return doc, draw(st.sampled_from(_paths(doc)))


@st.composite
def truncated_files(draw: st.DrawFn) -> BrokenFile:
    """A proper prefix of a valid file (short of its final newline, which is optional)."""
    text = draw(st.sampled_from(valid_files()))
    end = len(text.rstrip())
    return BrokenFile("truncated", text[:draw(st.integers(0, end - 1))].encode("utf-8"), True)


@st.composite
def wrong_type_files(draw: st.DrawFn) -> BrokenFile:
    doc, path = draw(_doc_and_path())
    value = draw(st.sampled_from(WRONG_VALUES) | st.integers() | st.floats(allow_nan=False)
                 | st.text(max_size=30))
    data = json.dumps(_replace(doc, path, value), indent=2).encode("utf-8", "surrogatepass")
    return BrokenFile("wrong type", data, False)


@st.composite
def huge_number_files(draw: st.DrawFn) -> BrokenFile:
    doc, path = draw(_doc_and_path())
    return BrokenFile("huge number", _with_literal(doc, path, draw(st.sampled_from(HUGE_LITERALS))),
                      False)


@st.composite
def deep_files(draw: st.DrawFn) -> BrokenFile:
    depth = draw(st.sampled_from((2, 10, 100, 1_000, 10_000, 100_000)))
    kind = draw(st.sampled_from(("list", "object", "unclosed")))
    if draw(st.booleans()):
        return BrokenFile("deep document", _deep(depth, kind).encode(), True)
    doc, path = draw(_doc_and_path())
    return BrokenFile("deep value", _with_literal(doc, path, _deep(depth, kind)), True)


@st.composite
def unknown_field_files(draw: st.DrawFn) -> BrokenFile:
    doc = json.loads(draw(st.sampled_from(valid_files())))
    objects = [p for p in [(), *_paths(doc)] if isinstance(_get(doc, p), dict)]
    where = draw(st.sampled_from(objects))
    key = draw(st.sampled_from(UNKNOWN_KEYS) | st.text(min_size=1, max_size=20))
    owner = _get(doc, where)
    if key in owner:
        key += "_unknown"
    owner[key] = draw(st.sampled_from(WRONG_VALUES[:12]))
    return BrokenFile("unknown field", json.dumps(doc, indent=2).encode("utf-8", "surrogatepass"),
                      True)


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


@st.composite
def bad_version_files(draw: st.DrawFn) -> BrokenFile:
    doc = json.loads(draw(st.sampled_from(valid_files())))
    key = draw(st.sampled_from(("format_version", "format")))
    if draw(st.booleans()):
        del doc[key]
    else:
        doc[key] = draw(st.sampled_from(BAD_VERSIONS) if key == "format_version" else
                        st.sampled_from(("consult-record-2", "", "Consult-Record", None, 1)))
    return BrokenFile(f"bad {key}", json.dumps(doc, indent=2).encode(), True)


@st.composite
def junk_files(draw: st.DrawFn) -> BrokenFile:
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return BrokenFile("binary junk", draw(st.binary(max_size=2_000)), True)
    if choice == 1:
        return BrokenFile("empty", draw(st.sampled_from((b"", b" ", b"\n", b"\r\n\t ", b"\x00"))),
                          True)
    text = draw(st.sampled_from(valid_files())).encode("utf-8")
    at = draw(st.integers(0, len(text)))
    junk = draw(st.binary(min_size=1, max_size=64))
    if choice == 2:
        return BrokenFile("junk inserted", text[:at] + junk + text[at:], False)
    return BrokenFile("junk overwritten", text[:at] + junk + text[at + len(junk):], False)


@st.composite
def encoded_files(draw: st.DrawFn) -> BrokenFile:
    text = draw(st.sampled_from(valid_files()))
    codec = draw(st.sampled_from(("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig",
                                  "latin-1")))
    if codec == "latin-1":  # non-ASCII text saved in a legacy encoding: not UTF-8
        doc = json.loads(text)
        doc["practice"]["name"] = "Zoë Ærø Surgery"
        return BrokenFile(codec, json.dumps(doc, ensure_ascii=False).encode(codec, "replace"), True)
    return BrokenFile(codec, text.encode(codec), codec != "utf-8-sig")


def broken_files() -> st.SearchStrategy[BrokenFile]:
    """Record files broken in every way the issue names, and some more."""
    return st.one_of(truncated_files(), wrong_type_files(), huge_number_files(), deep_files(),
                     unknown_field_files(), bad_version_files(), junk_files(), encoded_files())
