"""render_text(note) -> str: the note as plain text, for pasting into the clinical system.

Same content and order as the PDF (both draw the same `Note`). Lines are not
hard-wrapped: the clinical system wraps them to its own width. A finalised
note's version line opens and closes the text (the PDF prints it on every
page); an amendment follows the draft marking at the top.
"""

from __future__ import annotations

from consult.note.model import Alert, Fields, Note, Para, PlanEntry, Section, Table

# rules no wider than a narrow view: the app's preview column (at 200% scaling on
# 1920x1080 too) and a clinical system's text box show them on one line, not wrapped
# into a stray "==" line
RULE = "=" * 36
THIN = "-" * 36


def _banner(note: Note) -> str:
    b = note.banner
    born = f"Born {b.born}" + (f" (age {b.age})" if b.age else "")
    return f"{b.name} | {born} | Sex {b.sex} | NHS No. {b.nhs_number}"


def _alert(alert: Alert) -> list[str]:
    lines = [f"*** {alert.title} ***", alert.summary]
    for entry in alert.entries:
        lines.append(f"- {entry.label}: {entry.suspected}")
        lines.append(f"    Action: {entry.action}")
        lines.append(f"    How soon: {entry.when}")
        if entry.found:
            lines.append("    Found: " + "; ".join(entry.found))
    lines += [f"- {item}" for item in alert.items]
    return [*lines, ""]


def _fields(block: Fields) -> list[str]:
    return [f"{label}: {value}" for label, value in block.rows]


def _table(block: Table) -> list[str]:
    lines = []
    for row in block.rows:
        if row.group:
            lines.append(f"[{row.cells[0]}]")
            continue
        head, *rest = row.cells
        if len(block.columns) == 3 and block.columns[1] == "Answer":
            answer, details = rest
            if not answer:  # a note beside the questions, not a question
                lines.append(f"  ({head}" + (f": {details}" if details else "") + ")")
                continue
            lines.append(f"  {head}: {answer}" + (f" ({details})" if details else ""))
        else:
            lines.append("  " + " | ".join(c for c in row.cells if c))
    return lines


def _plan(entry: PlanEntry) -> list[str]:
    lines = [f"{entry.number}. {entry.text}"]
    if entry.why:
        lines.append(f"   Why: {entry.why}")
    lines.append("   " + " \u00b7 ".join(filter(None, (entry.category, entry.origin,
                                                       f"Source: {entry.source}"
                                                       if entry.source else ""))))
    return lines


def _section(section: Section) -> list[str]:
    lines = [section.heading, "-" * max(len(section.heading), 12)]
    for block in section.blocks:
        if isinstance(block, Para):
            lines.append(block.text)
        elif isinstance(block, Fields):
            lines += _fields(block)
        elif isinstance(block, Table):
            lines += _table(block)
        elif isinstance(block, PlanEntry):
            lines += _plan(block)
    return [*lines, ""]


def render_text(note: Note) -> str:
    lines: list[str] = []
    if note.draft:
        lines += [f"*** {note.draft} ***", ""]
    if note.amendment:
        lines += [f"*** {note.amendment} ***", ""]
    if note.version:
        lines += [note.version, ""]
    lines.append(note.practice.name)
    if note.practice.address:
        lines.append(note.practice.address)
    lines += ["", f"{note.title} - {note.subtitle}", RULE, _banner(note), RULE, ""]
    for alert in note.alerts:
        lines += _alert(alert)
    for section in note.sections:
        lines += _section(section)
    if note.appendix:
        lines += [RULE, note.appendix_title, RULE, ""]
        for section in note.appendix:
            lines += _section(section)
    lines += [THIN, note.footer]
    if note.version:
        lines.append(note.version)
    if note.draft:
        lines.append(f"*** {note.draft} ***")
    return "\n".join(lines) + "\n"
