"""Benchmark: notes per second rendered for printing, 200 stored notes in one job.

    .venv/bin/python bench/bench_print.py [--notes 200] [--repeat 5] [--raster 10]

Seeds a temporary SQLite store with real finalised notes (--real of them rendered
through Store.finalise, every fifth one amended, so its first version is superseded and
prints stamped), then copies the notes' rows under other names and NHS numbers up to
--notes printable versions, as bench/bench_store.py does. Then it times, in one process:
  - print:   the notes window's job printed to a file (QPrinter PdfFormat, "Print to
             file"): Store.pdf for each version (SHA-256 checked, superseded ones
             stamped) + forms.printing.print_many (consult.printjob combines the notes'
             own pages, written atomically, owner-only); also its parts: Store.pdf
             alone, combine alone, the atomic write alone
  - bare:    the same versions' stored PDF bytes by one plain SELECT, concatenated with
             pypdf (PdfWriter.add_page for every page, written to memory): no checks,
             no stamps, no metadata
  - raster:  for reference, the old route (forms.printing.print_many_raster: each page
             drawn by pdfium at up to 300 dpi into the QPrinter) for --raster notes
and prints median milliseconds of --repeat runs (raster: one run), notes per second,
and the ratio print / bare. Target (issue 14): 200 notes rendered for printing at
>= 50 notes per second per core, counted in CPU time (the process's, every thread),
so that a busy or a many-core machine reads the same.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import io  # noqa: E402

from pypdf import PdfReader, PdfWriter  # noqa: E402
from PySide6.QtGui import QGuiApplication, QPageSize  # noqa: E402
from PySide6.QtPrintSupport import QPrinter  # noqa: E402
from sqlalchemy import select  # noqa: E402

from consult import atomic, printjob  # noqa: E402
from consult.store import Store, Who  # noqa: E402
from consult.store.model import to_text  # noqa: E402
from consult.store.schema import notes  # noqa: E402
from forms import printing  # noqa: E402
from tests.storesupport import nhs_numbers, patient_record  # noqa: E402

FAMILY = ["Taylor", "Okafor", "Smith", "Jones", "Patel", "Khan", "Williams", "Brown", "Ng", "Evans",
          "Wilson", "Thomas", "Roberts", "Johnson", "Lewis", "Walker", "Robinson", "Wood", "Hughes",
          "Green"]
GIVEN = ["Sam", "Alex", "Ngozi", "Wei", "Priya", "Tom", "Sarah", "Mohammed", "Emma", "Jack"]
WHO = Who("Bench GP", "bench")
TARGET = 50.0   # notes per second of CPU time (per core)


def seed(store: Store, total: int, real: int) -> list[tuple[str, int]]:
    """`real` notes finalised (every fifth amended once), then whole notes (all their
    versions) copied under new ids until there are `total` versions; returns them all."""
    numbers = nhs_numbers(920_000_000)
    start = dt.date(2025, 1, 1)
    for i in range(real):
        record = patient_record(GIVEN[i % len(GIVEN)], FAMILY[i % len(FAMILY)], next(numbers),
                                day=start + dt.timedelta(days=i))
        info = store.finalise(record, WHO)
        if i % 5 == 0:
            record.plan.follow_up = "Review by telephone in two weeks."
            store.amend(info.note_id, 1, record, "Follow-up brought forward", WHO)
    with store.engine.connect() as conn:
        sources = [dict(r) for r in conn.execute(select(notes).order_by(notes.c.id)).mappings()]
    groups: dict[str, list[dict]] = {}
    for row in sources:
        groups.setdefault(row["note_id"], []).append(row)
    originals = list(groups.values())
    rows = len(sources)
    moment = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with store.engine.connect().execution_options(consult_write=True) as conn, conn.begin():
        i = 0
        while rows < total:
            group = originals[i % len(originals)][: total - rows]
            note_id, nhs = str(uuid.uuid4()), next(numbers)
            family, given = FAMILY[(i * 7) % len(FAMILY)], GIVEN[(i * 3) % len(GIVEN)]
            for source in group:
                row = dict(source)
                row.pop("id")
                moment += dt.timedelta(minutes=3)
                row.update(note_id=note_id, given_name=given, family_name=family,
                           search_name=f"{given} {family}".lower(), nhs_number=nhs,
                           finalised_at=to_text(moment))
                conn.execute(notes.insert().values(**row))
                rows += 1
            i += 1
    with store.engine.connect() as conn:
        return [(r.note_id, r.version) for r in conn.execute(
            select(notes.c.note_id, notes.c.version).order_by(notes.c.id))][:total]


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median milliseconds of `repeat` runs after one warm-up, and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    return printer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=200)
    parser.add_argument("--real", type=int, default=20, help="notes rendered for real")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--raster", type=int, default=10, help="notes for the raster reference")
    args = parser.parse_args()
    _app = QGuiApplication.instance() or QGuiApplication([])   # fonts and the print engine
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(f"sqlite:///{folder}/b.db")
        t0 = time.perf_counter()
        targets = seed(store, args.notes, args.real)
        n = len(targets)
        stale = sum(store.note(note_id, version).superseded for note_id, version in targets)
        print(f"seeded {n} printable versions ({stale} superseded, printed stamped) in "
              f"{time.perf_counter() - t0:.1f} s")

        job_file = Path(folder) / "job.pdf"
        printer = pdf_printer(job_file)

        def print_job() -> int:
            return printing.print_many([store.pdf(i, v) for i, v in targets], printer)

        ms, pages = timed(print_job, args.repeat)
        rows.append((f"print: Store.pdf x{n} + print_many to a file", n, ms))
        cpu = []
        for _ in range(args.repeat):
            start = time.process_time()
            print_job()
            cpu.append((time.process_time() - start) * 1000)
        cpu_ms = statistics.median(cpu)
        pdfs = [store.pdf(i, v) for i, v in targets]
        ms_pdf, _ = timed(lambda: [store.pdf(i, v) for i, v in targets], args.repeat)
        ms_combine, job = timed(lambda: printjob.combine(pdfs), args.repeat)
        ms_write, _ = timed(lambda: atomic.write_bytes(Path(folder) / "part.pdf", job), args.repeat)
        parts = [("  of which Store.pdf (checked, stamped)", n, ms_pdf),
                 ("  of which printjob.combine", n, ms_combine),
                 ("  of which atomic write", n, ms_write)]

        raw = store.engine.raw_connection()
        cur = raw.cursor()

        def bare() -> bytes:
            cur.execute("SELECT note_id, version, pdf FROM notes")
            found = {(r[0], r[1]): r[2] for r in cur.fetchall()}
            writer = PdfWriter()
            for key in targets:
                for page in PdfReader(io.BytesIO(found[key])).pages:
                    writer.add_page(page)
            out = io.BytesIO()
            writer.write(out)
            return out.getvalue()

        ms_bare, bare_job = timed(bare, args.repeat)
        raw.close()
        rows.append(("bare: SELECT + pypdf concatenation", n, ms_bare))
        assert len(PdfReader(io.BytesIO(bare_job)).pages) == pages   # the same pages
        rows += parts

        few = pdfs[: args.raster]
        raster_printer = pdf_printer(Path(folder) / "raster.pdf")
        start = time.perf_counter()
        raster_pages = printing.print_many_raster(few, raster_printer)
        ms_raster = (time.perf_counter() - start) * 1000
        rows.append((f"raster (reference): print_many_raster, {len(few)} notes", len(few), ms_raster))
        size = job_file.stat().st_size
        store.close()
    print(f"\njob: {n} notes, {pages} pages, {size / 1e6:.1f} MB; raster reference: "
          f"{raster_pages} pages\n")
    print(f"{'run (median of ' + str(args.repeat) + ')':<56}{'notes':>6}{'ms':>9}{'notes/s':>9}")
    for name, count, ms in rows:
        print(f"{name:<56}{count:>6}{ms:>9.0f}{count / (ms / 1000):>9.1f}")
    print(f"ratio print / bare: {rows[0][2] / ms_bare:.2f}")
    rate = n / (rows[0][2] / 1000)
    per_core = n / (cpu_ms / 1000)
    print(f"rendered for printing: {rate:.1f} notes/s wall; {per_core:.1f} notes per CPU-second "
          f"(per core; {cpu_ms:.0f} ms of CPU, median of {args.repeat}) (target >= {TARGET:g} "
          f"per core): {'met' if per_core >= TARGET else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
