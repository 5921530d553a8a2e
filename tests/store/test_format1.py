"""Finalised notes made before record format 2 stay as they were, and still open,
verify and print.

tests/data/store-2026.11.2.sqlite was written by the landed app (commit 9234943, rule
set 2026.11.2, record format 1, store schema 0002): the mechanical and cauda equina
examples finalised, the second amended once. The current code opens a copy (and
migrates its schema), and must neither rewrite a stored record or PDF nor refuse one.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from consult.record.model import FORMAT_VERSION
from consult.store import Store

OLD = Path(__file__).parents[1] / "data" / "store-2026.11.2.sqlite"


def _stored(path: Path) -> dict[tuple[str, int], tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT note_id, version, record_json, pdf FROM notes").fetchall()
    return {(n, v): (hashlib.sha256(r.encode()).hexdigest(), hashlib.sha256(p).hexdigest())
            for n, v, r, p in rows}


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    folder = tmp_path / "store"
    folder.mkdir(mode=0o700)
    copy = folder / "consult.db"
    shutil.copyfile(OLD, copy)
    copy.chmod(0o600)
    return copy


def test_notes_finalised_in_format_1_open_verify_and_print_unchanged(old_store: Path):
    before = _stored(old_store)
    assert len(before) == 3
    store = Store.open(f"sqlite:///{old_store}")
    try:
        found = store.notes(all_versions=True)
        assert len(found) == 3 and not found.unreadable
        report = store.verify_audit()
        assert report.problems == []
        for (note_id, version), (_, pdf_sha) in before.items():
            record = store.record(note_id, version)  # upgraded on load, in memory only
            assert record.format_version == FORMAT_VERSION
            assert record.patient.family_name
            assert hashlib.sha256(store.stored_pdf(note_id, version)).hexdigest() == pdf_sha
            assert store.pdf(note_id, version).startswith(b"%PDF")  # what printing sends
    finally:
        store.close()
    assert _stored(old_store) == before  # nothing stored was rewritten
