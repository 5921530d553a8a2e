"""Benchmark: the notes list's Urgency column (consult.store.urgency), worked out from
each stored note's answers.

    .venv/bin/python bench/bench_urgency.py [--notes 120] [--repeat 5]

Finalises --notes notes of the six examples (SQLite in a temporary folder), then times
in one process:
  - urgency: urgencies(store, keys) for every listed note (read the answers, check
             their SHA-256, load the record, run the rules), as the window does in
             background batches of 40
  - bare:    the same rows' stored answers read by plain SQL on the same connection,
             nothing parsed
and prints the median milliseconds, the milliseconds per note and the ratio. The window
keeps what it was told for the rest of the process (a note's answers never change), so
this is paid once per note; a batch of 40 is what a preview asked for meanwhile waits for.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from consult.record import file as recordfile  # noqa: E402
from consult.store import Store, Who  # noqa: E402
from consult.store.schema import notes  # noqa: E402
from consult.store.urgency import urgencies  # noqa: E402
from tests.storesupport import nhs_numbers  # noqa: E402

EXAMPLES = ("mechanical", "sciatica", "cauda-equina", "fracture", "inflammatory", "infection")


def median_ms(job, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        job()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(f"sqlite:///{Path(folder) / 'consult.db'}")
        try:
            gp, numbers = Who("Dr Bench", "bench"), nhs_numbers(960_000_000)
            start = time.perf_counter()
            for n in range(args.notes):
                record = recordfile.load(ROOT / "resources" / "examples"
                                         / f"{EXAMPLES[n % len(EXAMPLES)]}.json")
                record.patient.nhs_number = next(numbers)
                store.finalise(record, gp)
            print(f"finalised {args.notes} notes in {time.perf_counter() - start:.1f} s")
            keys = [info.key for info in store.notes()]
            found = urgencies(store, keys)
            assert len(found) == len(keys) and all(u.disposition for u in found.values())
            counts: dict[str, int] = {}
            for u in found.values():
                counts[u.disposition or ""] = counts.get(u.disposition or "", 0) + 1
            print("dispositions:", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))

            def bare() -> None:
                with store.engine.connect() as conn:
                    conn.execute(select(notes.c.note_id, notes.c.version,
                                        notes.c.record_json)).all()

            urgency = median_ms(lambda: urgencies(store, keys), args.repeat)
            plain = median_ms(bare, args.repeat)
            print(f"urgency {urgency:.0f} ms ({urgency / len(keys):.1f} ms a note, "
                  f"{urgency / len(keys) * 40:.0f} ms a batch of 40); bare {plain:.1f} ms; "
                  f"ratio {urgency / plain:.0f}x")
        finally:
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
