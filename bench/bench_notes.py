"""Benchmark: CPU milliseconds per consultation note, beside a bare reportlab document.

    .venv/bin/python bench/bench_notes.py [--repeat 30] [--batch 200]

For each example record (resources/examples/*.json; records built like
tests/support when none exist) it times, in one process, in CPU time
(time.process_time: the machine may be shared, wall time is printed beside):
  - note:  assess + completeness + compose + render_pdf (the real note_pdf path)
  - text:  the plain-text twin (note_text); entry: the record entry (render_entry)
  - bare:  a bare reportlab document of the same flowables (consult.note.pdf's
           paragraphs and tables, page 1 and appendix), built by SimpleDocTemplate:
           no page furniture, no "Page n of N" second pass, no assessment or composing.
           The note's cheaper flowables (plain text past reportlab's markup parser,
           lines broken once per width, one-line cells as plain strings) are in both,
           and so is its font (consult.note.pdf._Font: text whose characters already
           have codes is encoded in one call). Streams are not: the note deflates every
           stream once at zlib level 3 without ASCII85 (consult.note.pdf._Deflate), the
           bare document as reportlab does by default (level 6, ASCII85 page streams),
           about 1 ms of the difference.
and prints the ratio note / bare. Then a batch: --batch notes (the examples in turn)
rendered one after another from their records, each from nothing (assess, compose,
render), as notes per CPU-second (per core). The product has no batch rendering path
of its own to model (the `note` command renders one record per process, finalising and
exporting one note each, and printing joins stored PDFs), so the batch runs note_pdf
as any caller does, with no batch-only setting: it is the examples' mean note cost.
Little is remembered from one note to the next: fixed templates and styles, and
whether a short cell text fits one line (pdf._fits: clearing it before every note made
no measurable difference). The six examples repeat, so a cache of their words or widths
would flatter the batch (a memo of word widths: 0.8 ms a note here, nothing within one).
Targets (issue 14): typical note <= 40 ms and <= 1.3x bare; batch >= 50 notes/s per core.
The batch here is rendering, not printing: the app never renders notes to print them.
Staff print stored notes, rendered once when finalised, whose PDFs are joined page by
page into one job; bench/bench_print.py measures that (200 stored notes, same target).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import reportlab  # noqa: E402
from reportlab.lib import rl_accel  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.platypus import SimpleDocTemplate  # noqa: E402

import consult  # noqa: E402
from consult import resources  # noqa: E402
from consult.note import (  # noqa: E402
    compose,
    note_pdf,
    note_text,
    pdf,
)
from consult.note import model as m  # noqa: E402
from consult.note.entry import render_entry  # noqa: E402
from consult.record import file as recordfile  # noqa: E402
from consult.record.model import Record  # noqa: E402
from consult.rules.completeness import problems  # noqa: E402
from consult.rules.engine import assess  # noqa: E402


def records() -> list[tuple[str, Record]]:
    folder = resources.root() / "examples"
    found = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if found:
        return [(p.stem, recordfile.load(p)) for p in found]
    from tests.support import negative_record

    return [("negative", negative_record())]


def bare_pdf(note: m.Note) -> bytes:
    """The same flowables as the note (page 1 and appendix) in a bare SimpleDocTemplate."""
    st = pdf.styles()
    furniture = pdf._Furniture.build(note, st)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1).build(pdf.flowables(note, furniture, st))
    return buffer.getvalue()


def per_call_ms(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median CPU and wall milliseconds per call."""
    fn()  # warm-up (fonts, rule set)
    cpu, wall = [], []
    for _ in range(repeat):
        c, w = time.process_time(), time.perf_counter()
        fn()
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)
    return statistics.median(cpu), statistics.median(wall)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()
    accel = "with" if rl_accel._c_funcs else "WITHOUT"
    print(f"consult {consult.__version__}, reportlab {reportlab.Version} {accel} rl_accel: "
          f"median CPU ms per note over {args.repeat} runs (wall ms in brackets)")
    print(f"{'record':<14}{'pages':>6}{'note':>16}{'text':>7}{'entry':>7}{'bare':>8}{'ratio':>7}")
    ratios, notes, made = [], [], []
    for name, record in records():
        draft = bool(problems(record))
        note = compose(record, assess(record), draft=draft, app_version=consult.__version__)
        made.append((record, draft))
        pages = note_pdf(record, draft=draft).count(b"/Type /Page\n")
        t_note, w_note = per_call_ms(lambda r=record, d=draft: note_pdf(r, draft=d), args.repeat)
        t_text, _ = per_call_ms(lambda r=record, d=draft: note_text(r, draft=d), args.repeat)
        t_entry, _ = per_call_ms(lambda n=note: render_entry(n), args.repeat)
        t_bare, _ = per_call_ms(lambda n=note: bare_pdf(n), args.repeat)
        ratios.append(t_note / t_bare)
        notes.append(t_note)
        print(f"{name + (' (draft)' if draft else ''):<14}{pages:>6}{t_note:>8.1f} ({w_note:>5.1f})"
              f"{t_text:>7.1f}{t_entry:>7.2f}{t_bare:>8.1f}{t_note / t_bare:>7.2f}")
    print(f"median note {statistics.median(notes):.1f} ms (target <= 40), "
          f"median ratio {statistics.median(ratios):.2f} (target <= 1.3)")
    start_cpu, start_wall = time.process_time(), time.perf_counter()
    for i in range(args.batch):
        record, draft = made[i % len(made)]
        note_pdf(record, draft=draft)
    cpu, wall = time.process_time() - start_cpu, time.perf_counter() - start_wall
    print(f"batch of {args.batch} notes: {args.batch / cpu:.1f} notes per CPU-second "
          f"({args.batch / wall:.1f} per wall second) (target >= 50 per core)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
