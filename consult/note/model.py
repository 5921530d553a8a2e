"""The renderer-neutral note: frozen dataclasses holding plain text only.

`compose` builds one `Note`; the text and PDF renderers both draw that same
object, so a preview and the printed note cannot say different things. No
string here carries markup: each renderer escapes what it prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from consult.codes import Code

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
class Summary:
    """The decision and findings of page 1, as plain parts: the PDF's page 1 and the
    short record entry for the clinical system (consult.note.entry) both print these."""

    consultation: str  # "Telephone consultation, 09-Nov-2026 08:50, Dr Asha Patel"
    diagnosis: str  # "Acute mechanical low back pain"
    problem_code: str  # "SNOMED CT 279040009 (unverified code)", or "" when uncoded
    disposition: str  # "URGENT - within 24 hours" (the band with its deadline)
    disposition_level: str  # a level from LEVELS
    actions: tuple[str, ...]  # "Same-day assessment (within 24 hours)"
    action_parts: tuple[tuple[str, str], ...]  # the same as (action, deadline words)
    plan: tuple[str, ...]  # the GP's plan, one item each, no reasons
    plan_ids: tuple[str, ...]  # each item's suggestion id ("" for the GP's own or edited)
    safety_netting: str
    review: str
    fit_note: str  # "" when not recorded
    remote: str  # the remote-consultation statement
    observed: tuple[tuple[str, str], ...]  # video observations (title, what was seen)
    history: tuple[tuple[str, str], ...]  # (label, sentences)
    positives: tuple[str, ...]
    negatives: tuple[tuple[str, str], ...]  # (group, "all 7 asked, all denied")
    startback: str  # "Low risk (total 2 of 9, distress 1 of 5)" or ""
    startback_codes: str  # "LOINC 91349-1 panel; ..." or ""
    warnings: tuple[str, ...] = ()  # outside the pathway, not yet fully screened
    # the same codes as parts, for the record entry's compact forms (consult.note.entry):
    problem_coded: Code | None = None  # the code beside the diagnosis (None when uncoded)
    startback_panel: Code | None = None  # the questionnaire's own code (LOINC panel)
    # each result with its codes: ("Low risk", (LOINC risk level, SNOMED CT low risk)),
    # ("total 2 of 9", (LOINC total,)), ("distress 1 of 5", (LOINC distress,))
    startback_parts: tuple[tuple[str, tuple[Code, ...]], ...] = ()


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
    # Page 1's decision and findings as parts (None: a note composed before issue 15)
    summary: Summary | None = None
    # The appendix: starts on a new page under `appendix_title` (issue 15 part 2)
    appendix_title: str = ""
    appendix: tuple[Section, ...] = ()
