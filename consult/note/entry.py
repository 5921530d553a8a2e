"""render_entry(note) -> str: the short record entry for the clinical system (issue 15 part 4).

About 20 lines for an uncomplicated case (at most 30 for any case whose free text
does not run long): the consultation with the remote statement, the problem with its
code where resources/codes/codes.toml lists one (compact: 'SNOMED CT 279040009,
unverified', naming the code's own concept when it differs from the diagnosis), the
history, positive findings (always starting their own line), pertinent negatives by
group, STarT Back with each code beside the result it codes, disposition and
deadline, actions, plan, safety-netting, review and fit note, and the note's id and
version so the PDF can be found. Short parts run on in one paragraph only when that
saves a line (no positives with the negatives; the fit note after the review); no
word is left out to save one.

Plain text that pastes cleanly into EMIS Web or SystmOne: every line under 100
characters, no tabs, no box-drawing or control characters, no banners or rules.
It prints the same composed `Note` as the PDF's page 1 (`Note.summary`), so the
two cannot say different things. The long twin of the PDF is `render_text`.
"""

from __future__ import annotations

import re
import textwrap

from consult import codes
from consult.note.compose import problem_words
from consult.note.model import Note, Summary
from consult.note.words import note_words

WIDTH = 99  # every line shorter than 100 characters
INDENT = "  "  # a wrapped line goes on indented
_NBSP = "\u00a0"  # textwrap breaks only at ASCII whitespace
# tabs, other control characters, box drawing and block elements: they paste badly
_BAD = re.compile(r"[\x00-\x1f\x7f-\x9f\u2500-\u259f]")


def clean(text: str) -> str:
    """One line of plain text: whitespace runs (newlines, tabs) to one space, characters
    that paste badly into a clinical system dropped."""
    return re.sub(r"\s+", " ", _BAD.sub(" ", text)).strip()


def _wrap(label: str, text: str, labels: tuple[str, ...] = ()) -> list[str]:
    """A paragraph wrapped to WIDTH; no label ('Fit note:') is split over two lines."""
    line = clean(f"{label}: {text}" if label else text)
    for name in {label, *labels} - {""}:  # a no-break space holds a label together
        name = clean(name)
        line = line.replace(f"{name}:", f"{name.replace(' ', _NBSP)}:")
    wrapped = textwrap.wrap(line, WIDTH, subsequent_indent=INDENT, break_long_words=True,
                            break_on_hyphens=False) or [""]
    return [w.replace(_NBSP, " ") for w in wrapped]


def _sentence(text: str) -> str:
    text = clean(text)
    return text if not text or text[-1] in ".!?:" else f"{text}."


def _fitted(*parts: tuple[str, str]) -> list[str]:
    """Labelled parts each on its own line, or run on as sentences of one paragraph when
    that takes fewer lines (short parts share a line; every word is kept)."""
    parts = tuple((label, text) for label, text in parts if text)
    apart = [line for label, text in parts for line in _wrap(label, text)]
    together = _wrap("", " ".join(_sentence(f"{label}: {text}" if label else text)
                                  for label, text in parts),
                     labels=tuple(label for label, _ in parts))
    return together if len(together) < len(apart) else apart


def _consultation(s: Summary) -> str:
    """The consultation line and the remote statement as one sentence when the statement
    starts with the consultation's own words: 'Telephone consultation, 09-Nov-2026 08:50,
    Dr Asha Patel: no examination was possible.'"""
    if not s.remote:
        return s.consultation
    observed = "; ".join(f"{title}: {seen}" for title, seen in s.observed)
    remote = f"{s.remote} {observed}" if observed else s.remote
    head, sep, rest = remote.partition(": ")
    if sep and s.consultation.startswith(head):
        return f"{s.consultation}: {rest}"
    return f"{_sentence(s.consultation)} {remote}"


def _startback(s: Summary, label: str) -> tuple[str, str]:
    """STarT Back with each code beside the result it codes: 'STarT Back, LOINC 91349-1:
    Medium risk [91352-5], total 5 of 9 [91351-7], distress 2 of 5 [91350-9]'. A code of
    the panel's own system prints without the system's name."""
    panel = s.startback_panel
    if not s.startback_parts:
        return label, s.startback
    if panel is not None:
        label = f"{label}, {codes.short_label(panel)}"

    def bracket(found: tuple[codes.Code, ...]) -> str:
        named = "; ".join(codes.short_label(c, system=panel is None or c.system != panel.system)
                          for c in found)
        return f" [{named}]" if found else ""

    return label, ", ".join(f"{words}{bracket(found)}" for words, found in s.startback_parts)


def entry_lines(note: Note) -> list[str]:
    s = note.summary
    if s is None:
        raise ValueError("this note has no page-1 summary to make a record entry from")
    nw = note_words()
    lab, e = nw.labels, nw.entry
    lines: list[str] = []
    if note.draft:
        lines += _wrap("", note.draft)
    if note.amendment:
        lines += _wrap("", note.amendment)
    lines += _wrap("", _consultation(s))
    lines += _wrap(lab["problem"], problem_words(s))
    for warning in s.warnings:
        lines += _wrap("", warning)
    parts = dict(s.history)
    history = " ".join(parts[name] for name in e["history_parts"] if name in parts)
    if history:
        lines += _wrap(lab["history"], history)
    denied = [group for group, words in s.negatives if words.startswith(
        (nw.negatives["all_denied"].split("{")[0], nw.negatives["both_denied"],
         nw.negatives["one_denied"])) and "(" not in words and ";" not in words]
    rest = [f"{group} {words}" for group, words in s.negatives if group not in denied]
    negatives = [e["all_denied"].format(groups=", ".join(g.lower() for g in denied))] \
        if denied else []
    negatives = (lab["negatives"], "; ".join(negatives + rest))
    if s.positives:  # a positive finding is never run on: the negatives start their own line
        lines += _wrap(lab["positives"], "; ".join(s.positives))
        lines += _wrap(*negatives)
    else:
        lines += _fitted((lab["positives"], e["no_positives"]), negatives)
    if s.startback:
        lines += _wrap(*_startback(s, lab["startback"]))
    lines += _wrap(lab["disposition"], s.disposition)
    # An action the plan carries is said once: in the plan, with its deadline beside it.
    reported = set(e["plan_in_safety_netting"])  # the safety-netting line says these
    items = [item for item, sid in zip(s.plan, s.plan_ids, strict=True) if sid not in reported]
    left = []
    for action, when in s.action_parts:
        n = next((i for i, item in enumerate(items) if item.startswith(action)), None)
        if n is None:
            left.append(nw.words["action"].format(action=action, when=when))
        else:
            items[n] = f"{items[n].rstrip('.')} ({when})"
    if left:
        lines += _wrap(lab["actions"], "; ".join(left))
    plan = " ".join(f"{n}. {item.rstrip('.')}." for n, item in enumerate(items, start=1))
    lines += _wrap(lab["plan"], plan or nw.words["no_plan"])
    lines += _wrap(lab["safety_netting"], s.safety_netting)
    lines += _fitted((lab["review"], s.review), (lab["fit_note"], s.fit_note))
    version = note.version.replace(" \u00b7 ", ", ") if note.version else nw.words["not_finalised"]
    lines += _wrap(e["pdf"], version)
    return lines


def render_entry(note: Note) -> str:
    return "\n".join(entry_lines(note)) + "\n"


__all__ = ["WIDTH", "clean", "entry_lines", "render_entry"]
