"""The record commands of the command line (see consult.cli): check, note, plan, schema.

Each reads a record file; none opens the store.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from consult.cli.common import EXIT_OK, UsageError, report_incomplete
from consult.record.file import load, one_line
from consult.record.model import Record
from consult.rules.completeness import problems
from consult.rules.engine import assess
from consult.words import plural


def add_commands(commands: Any) -> None:
    check = commands.add_parser("check", help="assess a record and print the result as JSON")
    check.add_argument("file", metavar="FILE")
    note = commands.add_parser("note", help="write the PDF consultation note")
    note.add_argument("file", metavar="FILE")
    note.add_argument("-o", "--output", metavar="OUT.pdf", required=True)
    note.add_argument("--draft", action="store_true",
                      help="render an incomplete record, marked DRAFT on every page")
    plan = commands.add_parser(
        "plan", help="accept the suggested plan and/or confirm it, and save the record",
        description="Accept the current suggestions into the plan (keeping the GP's edited "
                    "and own items) and/or confirm the plan, then save the record atomically "
                    "and owner-only (0600): in place, or to OUT. Prints one line of JSON "
                    "saying what was done, so a shell loop over a folder gives JSON Lines.")
    plan.add_argument("file", metavar="FILE")
    plan.add_argument("--accept", action="store_true",
                      help="put every current suggestion in the plan")
    plan.add_argument("--confirm", action="store_true",
                      help="confirm the plan against the current assessment")
    plan.add_argument("-o", "--output", metavar="OUT", default=None,
                      help="write the record here instead of over FILE (the folder must exist)")
    commands.add_parser("schema", help="print the JSON Schema of a record")


def run(args: argparse.Namespace) -> int:
    return {"check": _check, "note": _note, "plan": _plan, "schema": _schema}[args.command](args)


def check_result(record: Record) -> dict[str, object]:
    """The `check` command's JSON object for a record."""
    a = assess(record)
    return {
        "complete": not (found := problems(record, assessment=a)),
        "problems": [{"field": p.field, "message": p.message} for p in found],
        "disposition": a.disposition,
        "within": a.within,
        "headline": a.headline,
        "red_flags_screened": a.red_flags_screened,
        "fired": [{"id": r.id, "suspected": r.suspected, "findings": r.findings,
                   "action": r.action, "within": r.within} for r in a.fired],
        "outside_pathway": a.outside_pathway,
        "suggestions": [{"id": s.id, "text": s.text, "reason": s.reason, "source": s.source,
                         "category": s.category.value} for s in a.suggestions],
        "startback": a.startback.model_dump() if a.startback else None,
        "ng65": a.ng65.model_dump() if a.ng65 else None,
        "rules_version": a.rules_version,
    }


def _check(args: argparse.Namespace) -> int:
    record = load(args.file)
    print(json.dumps(check_result(record), indent=2, ensure_ascii=False))
    return EXIT_OK


def _note(args: argparse.Namespace) -> int:
    record = load(args.file)
    if not args.output.strip():
        raise UsageError("give the output PDF a file name (-o OUT.pdf)")
    if os.path.exists(args.output) and os.path.samefile(args.output, args.file):
        raise UsageError(f"{args.output}: that is the record itself; choose another output file")
    from consult.note import IncompleteRecord, prepare, write_pdf  # reportlab loads only here
    try:
        note = prepare(record, draft=args.draft)
        write_pdf(note, args.output)
    except IncompleteRecord as exc:
        return report_incomplete(args.file, exc.problems)
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    if note.missing_glyphs:
        print(f"consult: warning: {one_line(args.output)}: "
              f"{missing_glyphs_words(note.missing_glyphs)}",
              file=sys.stderr)
    return EXIT_OK


GLYPHS_NAMED = 10


def missing_glyphs_words(missing: Sequence[str]) -> str:
    """One line naming characters the note's font cannot print, by code point."""
    codes = ", ".join(f"U+{ord(c):04X}" for c in missing[:GLYPHS_NAMED])
    more = f" and {len(missing) - GLYPHS_NAMED} more" if len(missing) > GLYPHS_NAMED else ""
    one = len(missing) == 1
    return (f"{plural(len(missing), 'character')} cannot be printed in the note's "
            f"font and show{'s' if one else ''} as {'an empty box' if one else 'empty boxes'} "
            f"({codes}{more}); the note lists {'it' if one else 'them'} after its alerts")


def _plan(args: argparse.Namespace) -> int:
    """Accept and/or confirm, write the record, then print one line of JSON.

    Nothing is written unless FILE is a readable record and every step worked;
    the write is atomic, so OUT (or FILE) is the old file or the new one, never half.
    """
    if not (args.accept or args.confirm):
        raise UsageError("plan: give --accept, --confirm or both (nothing was done)")
    if args.output is not None and not args.output.strip():
        raise UsageError("plan: give the output a file name (-o OUT), or leave -o out "
                         "to write FILE in place")
    record = load(args.file)
    from consult.record.file import save
    from consult.rules import plan as core_plan

    accepted: dict[str, object] | None = None
    dropped: list[str] = []  # items the GP edited whose suggestion no longer applies
    if args.accept:
        before = list(record.plan.items)
        core_plan.accept_suggestions(record)
        had = {i.suggestion_id for i in before if i.suggestion_id}
        now = {i.suggestion_id for i in record.plan.items if i.suggestion_id}
        dropped = [i.suggestion_id for i in before
                   if i.edited and i.suggestion_id and i.suggestion_id not in now]
        accepted = {
            "added": [i.suggestion_id for i in record.plan.items
                      if i.suggestion_id and i.suggestion_id not in had],
            "removed": [i.suggestion_id for i in before
                        if i.suggestion_id and i.suggestion_id not in now],
            "kept_edited": [i.suggestion_id for i in record.plan.items
                            if i.edited and i.suggestion_id],
            "kept_own": sum(1 for i in record.plan.items if i.suggestion_id is None),
            "dropped_edited": dropped,
        }
    if args.confirm:
        core_plan.confirm(record)
    # Everything is worked out before the write: a failure after it must not claim
    # (as an internal error does) that nothing was written.
    result = check_result(record)
    summary = {
        "file": one_line(args.file),
        "written": one_line(args.output if args.output is not None else args.file),
        "accepted": accepted,
        "confirmed": record.plan.confirmed and not core_plan.is_stale(record, assess(record)),
        "complete": result["complete"],
        "problems": result["problems"],
        "disposition": result["disposition"],
        "within": result["within"],
        "headline": result["headline"],
        "rules_version": result["rules_version"],
    }
    # In place means the file FILE names: a symbolic link stays a link to the new record.
    output = args.output if args.output is not None else os.path.realpath(args.file)
    if os.path.isdir(output):
        raise UsageError(f"{args.output}: is a folder; give the output a file name "
                         f"(-o {os.path.join(args.output, os.path.basename(args.file))}); "
                         "nothing written")
    try:
        save(record, output)
    except OSError as exc:
        raise UsageError(f"cannot write {args.output or args.file}: "
                         f"{exc.strerror or exc}; nothing written") from None
    if dropped:
        one = len(dropped) == 1
        print(f"consult: warning: {one_line(args.file)}: {len(dropped)} item"
              f"{'' if one else 's'} the GP edited left the plan: "
              f"{'its suggestion no longer applies' if one else 'their suggestions no longer apply'}"
              f" ({one_line(', '.join(dropped))})", file=sys.stderr)
    print(json.dumps(summary, ensure_ascii=False))
    return EXIT_OK


def _schema(_: argparse.Namespace) -> int:
    print(json.dumps(Record.model_json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK
