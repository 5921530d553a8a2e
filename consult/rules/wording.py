"""The words the assessment panel and the note share: one function for each.

The disposition (the headline with the most urgent fired row's deadline, and the
unscreened warning), a fired row's label and kind, a plan item's category and
origin, and the STarT Back stratum. The panel (forms) and the note
(consult.note.compose) both read them from here, so the screen says what the note
says. Qt-free: the panel adds only markup and colour.
"""

from __future__ import annotations

from consult.record.answers import Band, Category
from consult.rules.assessment import NOT_FULLY_SCREENED, OUTSIDE_PATHWAY, Assessment, FiredRow
from consult.rules.ruleset import RuleSet, deadline_words

CATEGORY_WORDS = {Category.SELF_CARE: "Self-care", Category.MEDICINE: "Medicine",
                  Category.INVESTIGATION: "Investigation", Category.REFERRAL: "Referral",
                  Category.SAFETY_NETTING: "Safety-netting", Category.FOLLOW_UP: "Follow-up"}
STRATUM_WORDS = {"low": "Low risk", "medium": "Medium risk", "high": "High risk"}
ROW_KIND_WORDS = {"strong": "Red flag", "weak": "Weak red flag", "ng65": "NICE NG65",
                  "referral": "Referral", "outside": "Outside this pathway"}
OUTSIDE_WORDS = "Outside this pathway"
UNSCREENED_ROW_WORDS = "Red flags not fully screened"

# A plan item's origin: in the note (about the GP) and on the panel (to the GP).
OWN_ITEM = "GP's own item"  # also the reason recorded with the GP's own items
NOTE_EDITED = "Suggested, edited by the GP"
SUGGESTED = "Suggested"
PANEL_OWN = "Your own item"
PANEL_EDITED = "Suggested, edited by you"
PANEL_RETIRED = "No longer suggested by the current answers: untick it to take it out of the plan"


def category_words(category: Category | str) -> str:
    """'Self-care', 'Safety-netting': a plan item's category as both screens print it."""
    try:
        return CATEGORY_WORDS[Category(category)]
    except ValueError:
        return str(category)


def stratum_words(stratum: str) -> str:
    """'Low risk', 'Medium risk', 'High risk'."""
    return STRATUM_WORDS.get(stratum, stratum)


def row_kind_words(kind: str) -> str:
    return ROW_KIND_WORDS.get(kind, kind)


def disposition_words(assessment: Assessment) -> tuple[str, str]:
    """(level, words) for the disposition: the assessment's headline, with the deadline
    of the most urgent fired row ('URGENT - within 24 hours'); it never reads as plain
    routine while red flags are unscreened or an outside-this-pathway row fired."""
    level = {NOT_FULLY_SCREENED: "unscreened", OUTSIDE_PATHWAY: "outside"}.get(
        assessment.disposition, assessment.disposition)
    return level, assessment.headline


# The dispositions in the order a list puts them for action, most pressing first. Not
# fully screened comes straight after urgent: its band "may be more urgent than shown", so
# it is never sorted among the routine notes; outside this pathway comes before routine.
DISPOSITION_ORDER = (Band.EMERGENCY.value, Band.URGENT.value, NOT_FULLY_SCREENED, Band.SOON.value,
                     OUTSIDE_PATHWAY, Band.ROUTINE.value)


def disposition_priority(disposition: str) -> int:
    """Where a disposition sorts (0 first); an unknown one sorts first, never last."""
    return DISPOSITION_ORDER.index(disposition) if disposition in DISPOSITION_ORDER else -1


def disposition_title(rules: RuleSet, disposition: str) -> str:
    """The disposition in one or a few words, as the rule set titles it: 'EMERGENCY',
    'RED FLAGS NOT YET FULLY SCREENED', 'OUTSIDE THIS PATHWAY'."""
    if disposition == NOT_FULLY_SCREENED:
        return rules.unscreened.title
    if disposition == OUTSIDE_PATHWAY:
        return rules.outside.title
    return rules.bands[Band(disposition)].title


def disposition_lines(rules: RuleSet, assessment: Assessment) -> list[tuple[str, str]]:
    """The disposition as separate lines of (level, words), most important first: the
    headline ('URGENT - within 24 hours'); while red flags are unscreened, the warning
    is a line of its own below the band's headline (or alone, for a routine band)."""
    a = assessment
    outside = any(r.kind == "outside" for r in a.fired)
    level = "outside" if outside and a.band is Band.ROUTINE else a.band.value
    if a.red_flags_screened:
        return [(level, a.headline)]
    lines = []
    if a.band is not Band.ROUTINE or outside:
        lines.append((level, rules.headline(a.band, a.within, outside=outside)))
    lines.append(("unscreened",
                  f"{rules.unscreened.title} - {rules.unscreened_meaning(a.band)}"))
    return lines


def row_label(rules: RuleSet, row: FiredRow) -> str:
    """A fired row's own band and deadline ('URGENT - within 24 hours'), never the
    band's general range where the row gives a deadline."""
    if row.band is None:
        return OUTSIDE_WORDS
    return rules.headline(row.band, row.within)


#: the level of a row below the disposition: drawn neutral (the panel's grey accent, no
#: fill in the note's table), never in the routine (reassurance) colour
BELOW_LEVEL = "below"


def below_disposition(assessment: Assessment, row: FiredRow) -> bool:
    """Is this a ROUTINE row shown under a more urgent disposition (soon, urgent,
    emergency; or not fully screened with a row above routine) or under OUTSIDE THIS
    PATHWAY? Such a row keeps its own
    band, deadline and action, is headed with the rule set's 'Also:' and is never drawn
    in the routine colour: green under an emergency would reassure by colour where the
    reference withholds reassurance in words (CSO review 2026-12-07c, decision A1). The
    panel and the note both ask this; rows above routine keep their own colour.
    Under OUTSIDE THIS PATHWAY too (the band stays routine, but the reference withholds
    reassurance when the pain may not come from the spine: CSO re-check of 07c, N1), for
    every routine row but the outside row itself."""
    if row.band is not Band.ROUTINE:
        return False
    if assessment.band is not Band.ROUTINE:
        return True
    return row.kind != "outside" and any(r.kind == "outside" for r in assessment.fired)


def _also(rules: RuleSet, assessment: Assessment, row: FiredRow, label: str) -> str:
    if below_disposition(assessment, row):
        return f"{rules.wording.below_disposition} {label}"
    return label


def fired_row_label(rules: RuleSet, assessment: Assessment, row: FiredRow) -> tuple[str, str]:
    """(level, label) of a fired row as the panel heads it: never a bare ROUTINE while
    red flags are unscreened; an outside-this-pathway row says so before its band; a
    routine row under a more urgent disposition is 'Also: ROUTINE - ...' at BELOW_LEVEL."""
    unscreened = row.band is Band.ROUTINE and not assessment.red_flags_screened
    label = UNSCREENED_ROW_WORDS if unscreened else row_label(rules, row)
    if row.kind == "outside" and row.band is not None:
        label = f"{OUTSIDE_WORDS} \u00b7 {label}"
    return row_level(assessment, row), _also(rules, assessment, row, label)


def row_level(assessment: Assessment, row: FiredRow) -> str:
    """The level a fired row is drawn at, on the panel and in the note's table alike:
    BELOW_LEVEL under a more urgent disposition (never green: decision A1); a routine
    row while red flags are unscreened is 'unscreened' (never green either: it does not
    read as routine in colour where its words say not fully screened); else its band
    ('outside' for a row with none)."""
    if below_disposition(assessment, row):
        return BELOW_LEVEL
    if row.band is Band.ROUTINE and not assessment.red_flags_screened:
        return "unscreened"
    return row.band.value if row.band else "outside"


def row_band_label(rules: RuleSet, assessment: Assessment, row: FiredRow) -> str:
    """A row's band with its own deadline for the note's impression table; never a bare
    ROUTINE while unscreened; 'Also: ...' for a routine row under a more urgent
    disposition."""
    if row.band is Band.ROUTINE and not assessment.red_flags_screened:
        label = f"{UNSCREENED_ROW_WORDS}: {deadline_words(row.within)}"
    elif row.band is None:
        return deadline_words(row.within)
    else:
        label = row_label(rules, row)
    return _also(rules, assessment, row, label)


def note_origin(suggestion_id: str | None, edited: bool) -> str:
    """Where a plan item came from, as the note prints it."""
    if suggestion_id is None:
        return OWN_ITEM
    return NOTE_EDITED if edited else SUGGESTED
