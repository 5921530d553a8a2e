"""The renderer-neutral note: frozen dataclasses holding plain text only.

`compose` builds one `Note`; the text and PDF renderers both draw that same
object, so a preview and the printed note cannot say different things. No
string here carries markup: each renderer escapes what it prints.
"""

from __future__ import annotations

from dataclasses import dataclass

# Levels name how an alert, a table row or a plan entry is coloured; every
# level is also spelt out in words wherever it is shown.
LEVELS = ("emergency", "urgent", "soon", "routine", "unscreened", "outside", "info")


@dataclass(frozen=True)
class Banner:
    """The patient banner printed on every page."""

    name: str  # "TAYLOR, Sam"
    born: str  # "05-Apr-1985" or "Not known"
    age: str  # "41" or ""
    sex: str  # "Male" or "Not known"
    nhs_number: str  # "943 476 5919" or "Not known"


@dataclass(frozen=True)
class PracticeHeader:
    name: str
    address: str


@dataclass(frozen=True)
class Para:
    text: str
    tone: str = "body"  # body | muted | strong | warning, or a level from LEVELS


@dataclass(frozen=True)
class Fields:
    """Key/value rows: small grey label, value beside it."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class TableRow:
    cells: tuple[str, ...]
    group: bool = False  # a sub-heading row spanning every column
    level: str = ""  # "" or one of LEVELS: the row is highlighted


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    widths: tuple[float, ...]  # fractions of the text width, summing to 1
    rows: tuple[TableRow, ...]


@dataclass(frozen=True)
class PlanEntry:
    number: int
    text: str
    why: str
    source: str
    category: str
    origin: str  # "Suggested", "Suggested, edited by the GP" or "GP's own item"


Block = Para | Fields | Table | PlanEntry


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class AlertEntry:
    level: str
    label: str  # the row's own band and deadline: "URGENT - within 24 hours", "EMERGENCY - act now"
    suspected: str
    found: tuple[str, ...]
    action: str
    when: str  # "now", "within 48 hours"


@dataclass(frozen=True)
class Alert:
    """A box at the top of page 1: red flags, other actions, unscreened flags, outside the
    pathway, the disposition when nothing else on page 1 gives it."""

    kind: str  # red_flag | action | unscreened | outside | disposition | glyphs
    level: str
    title: str  # "RED FLAG", "RED FLAGS NOT YET FULLY SCREENED"
    summary: str
    entries: tuple[AlertEntry, ...] = ()
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Metadata:
    title: str
    subject: str
    author: str
    creator: str


@dataclass(frozen=True)
class Note:
    title: str
    subtitle: str
    practice: PracticeHeader
    banner: Banner
    draft: str  # the draft words, or "" for a final note
    alerts: tuple[Alert, ...]
    sections: tuple[Section, ...]
    footer: str
    metadata: Metadata
    app_version: str
    rules_version: str
    # Characters of the note that its font cannot print (they would show as empty
    # boxes); when any, the last alert names them by code and name.
    missing_glyphs: tuple[str, ...] = ()
    # A finalised note says which version it is, in the footer of every page:
    # "Note 3F2A91C0 · version 2 · finalised 26-Nov-2026 10:42 by Dr Amira Shah";
    # "" for a note rendered without a finalisation (a draft or a preview).
    version: str = ""
    # An amended note says, boxed at the top of every page, which version it
    # supersedes, when, by whom and why; "" for a first version.
    amendment: str = ""
