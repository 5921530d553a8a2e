"""Benchmark: the staff's notes list with 10,000 stored notes, on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_store.py [--notes 10000] [--repeat 30] [--sqlite-only]

Seeds a fresh store with real finalised notes (rendered through Store.finalise),
then copies them under other patients' names, NHS numbers and dates up to --notes,
each copy with its own audit entry, so the audit trail verifies. Then it times, in
one process, for each database:
  - list:  Store.notes(NoteFilter(name=...)) and (nhs_number=...): the query the
           staff's list runs, building the rows it shows
  - bare:  the same rows' ids by the simplest SQL on the same driver
           (`... WHERE search_name LIKE '%okafor%'`), no ORM, no latest-version or
           printed sub-queries
and prints median and 95th centile milliseconds and the ratio list / bare.
Target: filtered by patient in 100 ms or less with 10,000 notes.
PostgreSQL is the tests' throwaway server (tests/pgserver.py): needs the Debian package.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402

from consult.store import NoteFilter, Store, Who  # noqa: E402
from consult.store import audit as trail  # noqa: E402
from consult.store.model import to_text  # noqa: E402
from consult.store.schema import notes  # noqa: E402
from tests.storesupport import nhs_numbers, patient_record  # noqa: E402

FAMILY = ["Taylor", "Okafor", "Smith", "Jones", "Patel", "Khan", "Williams", "Brown", "Ng", "Evans",
          "Wilson", "Thomas", "Roberts", "Johnson", "Lewis", "Walker", "Robinson", "Wood", "Hughes",
          "Green", "Hall", "Edwards", "Clarke", "Jackson", "Turner", "Hill", "Cooper", "Ward",
          "Morris", "King", "Harris", "Martin", "Baker", "Davies", "Wright", "Mitchell", "Kaur",
          "Begum", "Ahmed", "Murphy", "Kelly", "Price", "Bennett", "Gray", "Cox", "Shaw", "Ali",
          "Hussain", "Lee", "Young"]
GIVEN = ["Sam", "Alex", "Ngozi", "Wei", "Priya", "Tom", "Sarah", "Mohammed", "Emma", "Jack",
         "Olivia", "Harry", "Amelia", "Oscar", "Isla", "George", "Ava", "Noah", "Mia", "Leo"]
WHO = Who("Bench GP", "bench")


def seed(store: Store, total: int, real: int) -> None:
    numbers = nhs_numbers(910_000_000)
    start = dt.date(2025, 1, 1)
    for i in range(real):
        store.finalise(patient_record(GIVEN[i % len(GIVEN)], FAMILY[i % len(FAMILY)], next(numbers),
                                      day=start + dt.timedelta(days=i)), WHO)
    with store.engine.connect() as conn:
        sources = [dict(r) for r in conn.execute(select(notes)).mappings()]
    moment = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with store.engine.connect().execution_options(consult_write=True) as conn, conn.begin():
        for i in range(real, total):
            row = dict(sources[i % len(sources)])
            row.pop("id")
            family, given = FAMILY[(i * 7) % len(FAMILY)], GIVEN[(i * 3) % len(GIVEN)]
            moment += dt.timedelta(minutes=3)
            row.update(note_id=str(uuid.uuid4()), given_name=given, family_name=family,
                       search_name=f"{given} {family}".lower(), nhs_number=next(numbers),
                       consultation_date=start + dt.timedelta(days=i % 700),
                       finalised_at=to_text(moment))
            conn.execute(notes.insert().values(**row))
            trail.append(conn, at=row["finalised_at"], user=WHO.user, workstation=WHO.workstation,
                         action="finalised", note_id=row["note_id"], version=1,
                         detail={"pdf_sha256": row["pdf_sha256"]})


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    result = fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], result


def measure(label: str, store: Store, repeat: int) -> list[tuple[str, float, float, float]]:
    sample = store.notes(NoteFilter(name="okafor", limit=1))[0]
    rows = []
    raw = store.engine.raw_connection()
    cur = raw.cursor()
    mark = "?" if store.engine.dialect.name == "sqlite" else "%s"

    def bare(sql: str, arg: str) -> Callable[[], object]:
        def run() -> object:
            cur.execute(sql.replace("?", mark), (arg,))
            return cur.fetchall()
        return run

    cases = [
        ("name 'okafor'", lambda: store.notes(NoteFilter(name="okafor")),
         bare("SELECT id FROM notes WHERE search_name LIKE ? ORDER BY finalised_at DESC", "%okafor%")),
        ("NHS number", lambda: store.notes(NoteFilter(nhs_number=sample.patient.nhs_number)),
         bare("SELECT id FROM notes WHERE nhs_number = ? ORDER BY finalised_at DESC",
              sample.patient.nhs_number)),
        ("name + not printed", lambda: store.notes(NoteFilter(name="okafor", printed=False)),
         bare("SELECT id FROM notes WHERE search_name LIKE ? ORDER BY finalised_at DESC", "%okafor%")),
    ]
    for name, fn, baseline in cases:
        p50, p95, found = timed(fn, repeat)
        b50, _, bare_found = timed(baseline, repeat)
        assert len(bare_found) == len(found), (name, len(bare_found), len(found))  # same rows
        rows.append((f"{label}: {name} ({len(found)} rows)", p50, p95, b50))
    raw.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--real", type=int, default=20, help="notes rendered for real")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        stores = [("SQLite", f"sqlite:///{folder}/bench.db")]
        server = None
        if not args.sqlite_only:
            from tests.pgserver import PostgresServer

            server = PostgresServer().__enter__()
            stores.append(("PostgreSQL", server.create_database("bench")))
        try:
            for label, url in stores:
                store = Store.open(url)
                t0 = time.perf_counter()
                seed(store, args.notes, args.real)
                with store.engine.connect() as conn:
                    count = conn.execute(text("SELECT count(*) FROM notes")).scalar()
                print(f"{label}: seeded {count} notes in {time.perf_counter() - t0:.1f} s; "
                      f"audit verifies: {store.verify_audit().ok}")
                results += measure(label, store, args.repeat)
                store.close()
        finally:
            if server:
                server.__exit__(None, None, None)
    print(f"\n{'query':<52}{'p50 ms':>8}{'p95 ms':>8}{'bare ms':>9}{'ratio':>7}")
    for name, p50, p95, b50 in results:
        print(f"{name:<52}{p50:>8.1f}{p95:>8.1f}{b50:>9.2f}{p50 / b50:>7.1f}")
    worst = max(p95 for _, _, p95, _ in results)
    print(f"worst p95 {worst:.1f} ms (target <= 100 ms with {args.notes} notes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
