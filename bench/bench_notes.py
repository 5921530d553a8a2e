"""Benchmark: milliseconds per consultation note, beside a bare reportlab document.

    .venv/bin/python bench/bench_notes.py [--repeat 30]

For each example record (resources/examples/*.json; records built like
tests/support when none exist) it times, in one process:
  - note:  assess + completeness + compose + render_pdf (the real note_pdf path)
  - text:  the plain-text twin (note_text)
  - bare:  a bare reportlab document with the same paragraphs and tables
           (same text, plain Helvetica, default styles, no page furniture)
and prints the ratio note / bare. Targets: typical note <= 50 ms, <= 3x bare.
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

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import getSampleStyleSheet  # noqa: E402
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table  # noqa: E402

import consult  # noqa: E402
from consult import resources  # noqa: E402
from consult.note import compose, note_pdf, note_text  # noqa: E402
from consult.note import model as m  # noqa: E402
from consult.note.pdf import esc  # noqa: E402
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
    """The same paragraphs and tables with no composition: Helvetica, default styles."""
    normal = getSampleStyleSheet()["Normal"]
    width = A4[0] - 144
    story: list[Flowable] = [Paragraph(esc(note.practice.name), normal)]

    def table(rows: list[list[str]], n: int) -> Table:
        cells = [[Paragraph(esc(c), normal) for c in row] + [""] * (n - len(row))
                 for row in rows]
        return Table(cells, colWidths=[width / n] * n, repeatRows=1, splitInRow=1)

    for alert in note.alerts:
        rows = [[alert.title], [alert.summary]]
        rows += [[f"{e.label}: {e.suspected} {'; '.join(e.found)} {e.action} {e.when}"]
                 for e in alert.entries]
        rows += [[i] for i in alert.items]
        story.append(table(rows, 1))
    for section in note.sections:
        story.append(Paragraph(esc(section.heading), normal))
        for block in section.blocks:
            if isinstance(block, m.Para):
                story.append(Paragraph(esc(block.text), normal))
            elif isinstance(block, m.Fields):
                story.append(table([list(r) for r in block.rows], 2))
            elif isinstance(block, m.Table):
                rows = [list(block.columns)] + [list(r.cells) for r in block.rows]
                story.append(table(rows, len(block.columns)))
            elif isinstance(block, m.PlanEntry):
                story.append(Paragraph(esc(block.text), normal))
                story.append(Paragraph(esc(f"Why: {block.why} {block.category} {block.source}"),
                                       normal))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(story)
    return buffer.getvalue()


def per_call_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up (fonts, rule set)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    print(f"consult {consult.__version__}: median ms per note over {args.repeat} runs")
    print(f"{'record':<14}{'pages':>6}{'note':>9}{'text':>8}{'bare':>8}{'ratio':>7}")
    ratios, notes = [], []
    for name, record in records():
        draft = bool(problems(record))
        note = compose(record, assess(record), draft=draft, app_version=consult.__version__)
        pages = note_pdf(record, draft=draft).count(b"/Type /Page\n")
        t_note = per_call_ms(lambda r=record, d=draft: note_pdf(r, draft=d), args.repeat)
        t_text = per_call_ms(lambda r=record, d=draft: note_text(r, draft=d), args.repeat)
        t_bare = per_call_ms(lambda n=note: bare_pdf(n), args.repeat)
        ratios.append(t_note / t_bare)
        notes.append(t_note)
        print(f"{name + (' (draft)' if draft else ''):<14}{pages:>6}{t_note:>9.1f}"
              f"{t_text:>8.1f}{t_bare:>8.1f}{t_note / t_bare:>7.2f}")
    print(f"median note {statistics.median(notes):.1f} ms (target <= 50), "
          f"median ratio {statistics.median(ratios):.2f} (target <= 3)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
