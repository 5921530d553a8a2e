"""render_entry(note) -> str: the short record entry for the clinical system (issue 15 part 4).

About 20 lines for an uncomplicated case (at most 30 for any case whose free text
does not run long): the consultation, the remote statement, the problem with its
code where resources/codes/codes.toml lists one (its status printed while it is
unverified), the history, positive findings, pertinent negatives by group, STarT
Back with its LOINC codes, disposition and deadline, actions, plan, safety-netting,
review, and the note's id and version so the PDF can be found.

Plain text that pastes cleanly into EMIS Web or SystmOne: every line under 100
characters, no tabs, no box-drawing or control characters, no banners or rules.
It prints the same composed `Note` as the PDF's page 1 (`Note.summary`), so the
two cannot say different things. The long twin of the PDF is `render_text`.
"""

from __future__ import annotations

import re
import textwrap

from consult.note.model import Note
from consult.note.words import note_words

WIDTH = 99  # every line shorter than 100 characters
INDENT = "  "  # a wrapped line goes on indented
# tabs, other control characters, box drawing and block elements: they paste badly
_BAD = re.compile(r"[\x00-\x1f\x7f-\x9f\u2500-\u259f]")


def clean(text: str) -> str:
    """One line of plain text: whitespace runs (newlines, tabs) to one space, characters
    that paste badly into a clinical system dropped."""
    return re.sub(r"\s+", " ", _BAD.sub(" ", text)).strip()


def _wrap(label: str, text: str) -> list[str]:
    line = clean(f"{label}: {text}" if label else text)
    return textwrap.wrap(line, WIDTH, subsequent_indent=INDENT, break_long_words=True,
                         break_on_hyphens=False) or [""]


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
    lines += _wrap("", s.consultation)
    if s.remote:
        observed = "; ".join(f"{title}: {seen}" for title, seen in s.observed)
        lines += _wrap("", f"{s.remote} {observed}" if observed else s.remote)
    problem = f"{s.diagnosis} [{s.problem_code}]" if s.problem_code else s.diagnosis
    lines += _wrap(lab["problem"], problem)
    for warning in s.warnings:
        lines += _wrap("", warning)
    parts = dict(s.history)
    history = " ".join(parts[name] for name in e["history_parts"] if name in parts)
    if history:
        lines += _wrap(lab["history"], history)
    lines += _wrap(lab["positives"], "; ".join(s.positives) if s.positives
                   else e["no_positives"])
    denied = [group for group, words in s.negatives if words.startswith(
        (nw.negatives["all_denied"].split("{")[0], nw.negatives["both_denied"],
         nw.negatives["one_denied"])) and "(" not in words and ";" not in words]
    rest = [f"{group} {words}" for group, words in s.negatives if group not in denied]
    negatives = [e["all_denied"].format(groups=", ".join(g.lower() for g in denied))] \
        if denied else []
    lines += _wrap(lab["negatives"], "; ".join(negatives + rest))
    if s.startback:
        lines += _wrap(lab["startback"], f"{s.startback} [{s.startback_codes}]"
                       if s.startback_codes else s.startback)
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
    lines += _wrap(lab["review"], s.review)
    if s.fit_note:
        lines += _wrap(lab["fit_note"], s.fit_note)
    version = note.version.replace(" \u00b7 ", ", ") if note.version else nw.words["not_finalised"]
    lines += _wrap(e["pdf"], version)
    return lines


def render_entry(note: Note) -> str:
    return "\n".join(entry_lines(note)) + "\n"


__all__ = ["WIDTH", "clean", "entry_lines", "render_entry"]
