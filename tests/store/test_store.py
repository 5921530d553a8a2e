"""The store on SQLite and on a real PostgreSQL server: drafts, finalising, amending,
listing and exporting notes. The audit trail has its own file (test_audit.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import stat
import threading

import pytest
from pypdf import PdfReader
from sqlalchemy import text

from consult.note import IncompleteRecord, note_pdf
from consult.note.versioning import Finalisation
from consult.record.file import dumps
from consult.rules.ruleset import load as load_rules
from consult.store import AlreadyFinalised, AmendConflict, NoteFilter, Store, StoreError, Who
from consult.store.schema import metadata
from tests.storesupport import GP, STAFF, Clock, new_id, nhs_numbers, patient_record
from tests.support import negative_record


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def finalise(store: Store, given="Sam", family="Taylor", nhs=None, day=None, who=GP):
    nhs = nhs or next(nhs_numbers())
    return store.finalise(patient_record(given, family, nhs, day=day), who)


# -- schema and files ----------------------------------------------------------------------


def test_a_new_database_is_migrated_to_the_latest_schema_matching_the_code(store):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    assert store.schema_revision() == store.head_revision() == "0004"
    with store.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []


def test_opening_again_keeps_what_was_stored(store_url):
    first = Store.open(store_url)
    info = finalise(first)
    first.close()
    again = Store.open(store_url)
    assert [n.note_id for n in again.notes()] == [info.note_id]
    again.close()


def test_the_head_revision_constant_is_the_newest_migration():
    from consult.store.store import HEAD_REVISION

    assert Store.head_revision() == HEAD_REVISION


def test_a_database_at_the_latest_schema_opens_without_alembic(store_url, monkeypatch):
    """Opening at the head revision reads it with plain SQL (issue 14: Alembic is about
    15 MB and 400 ms at every start); a database behind it still migrates."""
    Store.open(store_url).close()

    def no_migration(self):
        raise AssertionError("migrated a database already at the latest schema")

    monkeypatch.setattr(Store, "migrate", no_migration)
    monkeypatch.setattr(Store, "schema_revision", no_migration)
    again = Store.open(store_url)
    assert again.revision_when_opened == "0004"
    again.close()
    monkeypatch.undo()
    with again.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0003'"))
    again.close()
    with pytest.raises(StoreError, match="has schema 0003, not 0004"):
        Store.open(store_url, migrate=False)


@pytest.mark.hazard("H5")
def test_the_default_database_is_an_owner_only_file_in_the_users_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("CONSULT_DATABASE_URL", raising=False)
    store = Store.open()
    store.save_draft(new_id(), new_id(), negative_record(), GP)  # a write: the WAL file exists
    folder = tmp_path / "data" / "consult"
    files = sorted(p.name for p in folder.iterdir())
    assert "consult.db" in files
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in files:
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
    store.close()


def test_the_environment_variable_chooses_the_database(tmp_path, monkeypatch):
    monkeypatch.setenv("CONSULT_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    store = Store.open(configured=f"sqlite:///{tmp_path / 'settings.db'}")
    assert store.shown_url.endswith("env.db")
    store.close()


@pytest.mark.parametrize("url, words", [
    ("mysql://u@h/db", "not supported"),
    ("no such thing", "not understood"),
    ("sqlite://", "needs a file"),
])
def test_an_unusable_url_gives_one_clear_line(url, words):
    with pytest.raises(StoreError, match=words) as caught:
        Store.open(url)
    assert "\n" not in str(caught.value)


def test_a_file_that_is_not_a_database_is_refused_and_left_untouched(tmp_path):
    other = tmp_path / "letter.txt"
    other.write_text("Dear Dr Patel\n")
    other.chmod(0o644)
    with pytest.raises(StoreError, match="is not an SQLite database; nothing was changed"):
        Store.open(f"sqlite:///{other}")
    assert stat.S_IMODE(other.stat().st_mode) == 0o644 and other.read_text() == "Dear Dr Patel\n"


def test_a_mistyped_folder_is_never_created(tmp_path):
    with pytest.raises(StoreError, match=r"no folder .*typo for the database: create it first"):
        Store.open(f"sqlite:///{tmp_path / 'typo' / 'consult.db'}")
    assert not (tmp_path / "typo").exists()


def test_a_missing_database_is_refused_when_it_must_exist(tmp_path):
    with pytest.raises(StoreError, match="no database at"):
        Store.open(f"sqlite:///{tmp_path / 'consult.db'}", create=False)
    assert not (tmp_path / "consult.db").exists()


@pytest.mark.parametrize("url", [
    "postgresql://consult@127.0.0.1:9/consult?password=s3cret-word",
    "postgresql://consult:s3cret-word@127.0.0.1:9/consult?sslmode=require",
])
def test_a_password_never_shows_wherever_it_is_in_the_url(url):
    with pytest.raises(StoreError) as caught:
        Store.open(url)
    assert "s3cret-word" not in str(caught.value) and "***" in str(caught.value)


def test_an_unreachable_server_gives_one_line_without_the_password():
    with pytest.raises(StoreError) as caught:
        Store.open("postgresql://consult:s3cret-word@127.0.0.1:9/consult")
    message = str(caught.value)
    assert "s3cret-word" not in message and "\n" not in message
    assert message.startswith("cannot open the database postgresql+psycopg://consult:***@127.0.0.1:9")


# -- drafts --------------------------------------------------------------------------------


@pytest.mark.hazard("H4", "H5")
def test_a_draft_is_replaced_on_each_save_and_offered_only_to_its_owner(store):
    draft, note = new_id(), new_id()
    r = negative_record()
    store.save_draft(draft, note, r, GP)
    r.history.notes = "Pain began after moving house."
    store.save_draft(draft, note, r, GP)
    [found] = store.drafts(GP)
    assert found.patient.line() == "TAYLOR, Sam · NHS number 943 476 5919 · born 05-Apr-1985"
    info, back = store.load_draft(draft)
    assert back.history.notes == "Pain began after moving house." and info.note_id == note
    assert store.drafts(Who(GP.user, "another-pc")) == []
    assert store.drafts(Who("Dr Other", GP.workstation)) == []
    store.discard_draft(draft, GP)
    assert store.drafts(GP) == []


def test_a_draft_may_be_an_incomplete_record_and_is_stored_exactly(store):
    draft = new_id()
    r = negative_record()
    r.patient.family_name = ""
    r.history.notes = "Line one\nLine two — “quoted” ✓"
    store.save_draft(draft, new_id(), dumps(r), GP)
    assert dumps(store.load_draft(draft)[1]) == dumps(r)


# -- finalising ---------------------------------------------------------------------------


@pytest.mark.hazard("H13")
def test_finalising_locks_the_record_the_pdf_and_who_when_and_which_versions(store):
    draft, note = new_id(), new_id()
    r = negative_record()
    store.save_draft(draft, note, r, GP)
    info = store.finalise(r, GP, note_id=note, draft_id=draft)
    assert (info.note_id, info.version, info.latest_version) == (note, 1, 1)
    assert info.author == GP.user and info.clinician == "Dr Asha Patel"
    assert info.app_version and info.ruleset_version == load_rules().meta.version
    assert store.drafts(GP) == []  # the draft became the note
    pdf = store.stored_pdf(note, 1)
    assert hashlib.sha256(pdf).hexdigest() == info.pdf_sha256
    assert dumps(store.record(note, 1)) == dumps(r)
    for page in pages_text(pdf):
        assert f"Note {info.short_id}" in page and "version 1" in page
        assert "DRAFT" not in page
    # the stored PDF is what the record renders to, byte for byte
    again = note_pdf(r, finalisation=Finalisation(note, 1, info.finalised_at, GP.user))
    assert again == pdf


def test_an_incomplete_record_is_not_finalised_and_its_draft_stays(store):
    draft, note = new_id(), new_id()
    r = negative_record()
    r.consultation.consent = r.consultation.consent.__class__.NOT_ASKED
    store.save_draft(draft, note, r, GP)
    with pytest.raises(IncompleteRecord):
        store.finalise(r, GP, note_id=note, draft_id=draft)
    assert store.notes() == [] and len(store.drafts(GP)) == 1


def test_a_note_is_finalised_once(store):
    info = finalise(store)
    with pytest.raises(AlreadyFinalised, match="amend it"):
        store.finalise(negative_record(), GP, note_id=info.note_id)


def test_the_same_record_finalised_again_is_refused_naming_the_note(store):
    r = negative_record()
    info = store.finalise(r, GP)
    with pytest.raises(AlreadyFinalised, match=f"already finalised as note {info.short_id} version 1"):
        store.finalise(r, GP)
    assert len(store.notes()) == 1


@pytest.mark.hazard("H13")
def test_a_store_made_by_the_first_schema_is_upgraded_and_stays_append_only(store_url):
    from alembic import command

    from consult.store.engine import make_engine
    from consult.store.location import parse
    from consult.store.store import _alembic_config

    raw = make_engine(parse(store_url))
    with raw.begin() as conn:
        command.upgrade(_alembic_config(conn), "0001")
    raw.dispose()
    with pytest.raises(StoreError, match="has schema 0001, not 0004"):
        Store.open(store_url, migrate=False)
    store = Store.open(store_url)
    assert store.schema_revision() == "0004"
    finalise(store)
    for statement in ("UPDATE notes SET family_name = 'Other'", "DELETE FROM audit"):
        with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(statement))
    store.close()


def test_verify_names_odd_values_without_echoing_them(tmp_path, capsys):
    """Values written by hand (a line break in an action, a note id that is no id, text
    that is not UTF-8) are named by entry, note row and column, never printed."""
    from consult.cli import main as cli
    from consult.store.audit import expected_sqlite_triggers

    url = f"sqlite:///{tmp_path / 'c.db'}"
    store = Store.open(url, clock=Clock())
    info = finalise(store)
    store.mark_printed([info.key], STAFF)
    with store.engine.begin() as conn:
        for name in expected_sqlite_triggers():
            conn.execute(text(f"DROP TRIGGER {name}"))
        conn.execute(text("UPDATE audit SET action = 'printed' || char(10) || 'forged line' WHERE seq = 2"))
        conn.execute(text("UPDATE notes SET family_name = CAST(X'54FF' AS TEXT), "
                          "note_id = 'x' || char(10) || 'y'"))
        for sql in expected_sqlite_triggers().values():
            conn.execute(text(sql))
    problems = store.verify_audit().problems
    assert "note row 1: column family_name is not UTF-8 text" in problems
    assert "note row 1: column note_id is not a note id" in problems
    assert "audit entry 2: an action consult never writes" in problems
    assert not any("\n" in p or "forged" in p for p in problems), problems
    assert store.notes().unreadable == ["note row 1 cannot be read: column note_id is not a note id"]
    store.close()
    assert cli(["audit", "verify", "--database", url]) == 1
    out = capsys.readouterr().out
    assert "forged" not in out and "note row 1: column family_name is not UTF-8 text" in out


def test_a_database_from_a_newer_consult_is_refused_with_one_line(store):
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    url = store.engine.url.render_as_string(hide_password=False)
    with pytest.raises(StoreError, match="has schema 0099, made by a newer version of consult"):
        Store.open(url)


@pytest.mark.postgres
@pytest.mark.hazard("H13")
@pytest.mark.parametrize("table", ["notes", "audit"])
def test_postgresql_refuses_truncate_too(postgres_url, table):
    store = Store.open(postgres_url)
    finalise(store)
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {table} CASCADE"))
    assert len(store.notes()) == 1 and store.verify_audit().ok
    store.close()


@pytest.mark.hazard("H13")
@pytest.mark.parametrize("statement", [
    "UPDATE notes SET family_name = 'Other'",
    "DELETE FROM notes",
    "UPDATE audit SET user_name = 'someone else'",
    "DELETE FROM audit",
])
def test_the_database_refuses_to_change_finalised_notes_or_the_audit_trail(store, statement):
    finalise(store)
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
        conn.execute(text(statement))
    assert len(store.notes()) == 1 and store.verify_audit().ok


# -- amending ----------------------------------------------------------------------------


@pytest.mark.hazard("H13")
def test_an_amendment_is_a_new_version_and_the_old_one_stays_marked_superseded(store):
    v1 = finalise(store)
    original = store.stored_pdf(v1.note_id, 1)
    r = store.record(v1.note_id, 1)
    r.history.notes = "Corrected: the pain began after lifting a wardrobe."
    v2 = store.amend(v1.note_id, 1, r, "History dictated wrongly", STAFF)
    assert (v2.version, v2.amend_reason, v2.author) == (2, "History dictated wrongly", STAFF.user)
    assert store.note(v1.note_id).version == 2 and store.note(v1.note_id, 1).superseded
    assert [n.version for n in store.notes()] == [2]
    assert [n.version for n in store.notes(all_versions=True)] == [2, 1]
    assert store.stored_pdf(v1.note_id, 1) == original  # never changes
    for page in pages_text(store.pdf(v1.note_id, 2)):
        assert "supersedes version 1" in page and "History dictated wrongly" in page
    old_pages = pages_text(store.pdf(v1.note_id, 1))
    assert len(old_pages) == len(pages_text(original))
    for page in old_pages:
        assert "SUPERSEDED by version 2" in page and "History dictated wrongly" in page


def test_an_amendment_needs_a_reason(store):
    v1 = finalise(store)
    with pytest.raises(StoreError, match="reason"):
        store.amend(v1.note_id, 1, store.record(v1.note_id, 1), "   ", GP)
    assert store.note(v1.note_id).version == 1


def test_amending_an_old_version_is_a_conflict_naming_who_amended_it(store):
    v1 = finalise(store)
    store.amend(v1.note_id, 1, store.record(v1.note_id, 1), "first fix", STAFF)
    with pytest.raises(AmendConflict, match=r"Jo Reception amended this note first \(version 2"):
        store.amend(v1.note_id, 1, store.record(v1.note_id, 1), "second fix", GP)
    assert [n.version for n in store.versions(v1.note_id)] == [2, 1]


@pytest.mark.hazard("H13")
def test_two_workstations_amending_at_once_one_wins_and_the_other_loses_nothing(store_url):
    """Two separately opened stores (as two workstations) amend version 1 at the same moment."""
    first = Store.open(store_url)
    v1 = finalise(first)
    stores = [first, Store.open(store_url)]
    people = [Who("Dr One", "pc-1"), Who("Dr Two", "pc-2")]
    drafts = [new_id(), new_id()]
    records = []
    for i, (s, who) in enumerate(zip(stores, people, strict=True)):
        r = s.record(v1.note_id, 1)
        r.history.notes = f"Amendment by {who.user}"
        s.save_draft(drafts[i], v1.note_id, r, who, base_version=1, amend_reason="fix")
        records.append(r)
    start = threading.Barrier(2)
    outcome: list[object] = [None, None]

    def amend(i: int) -> None:
        start.wait()
        try:
            outcome[i] = stores[i].amend(v1.note_id, 1, records[i], f"fix {i}", people[i],
                                         draft_id=drafts[i])
        except AmendConflict as exc:
            outcome[i] = exc

    threads = [threading.Thread(target=amend, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    conflicts = [i for i in range(2) if isinstance(outcome[i], AmendConflict)]
    assert len(conflicts) == 1, outcome
    loser = conflicts[0]
    winner = 1 - loser
    assert str(outcome[loser]).startswith(f"{people[winner].user} amended this note first (version 2")
    assert [n.version for n in first.versions(v1.note_id)] == [2, 1]
    assert first.record(v1.note_id, 2).history.notes == f"Amendment by {people[winner].user}"
    # the loser's amendment is still there, as their draft
    [kept] = stores[loser].drafts(people[loser])
    assert stores[loser].load_draft(kept.draft_id)[1].history.notes == f"Amendment by {people[loser].user}"
    assert stores[winner].drafts(people[winner]) == []
    assert first.verify_audit().ok
    for s in stores:
        s.close()


# -- listing and exporting ----------------------------------------------------------------------


@pytest.fixture
def listed(store):
    numbers = nhs_numbers(940_000_000)
    made = {
        "taylor": finalise(store, "Sam", "Taylor", next(numbers), dt.date(2026, 11, 2)),
        "okafor": finalise(store, "Ngozi", "Okafor", next(numbers), dt.date(2026, 11, 10)),
        "taylor2": finalise(store, "Alex", "Taylor-Smith", next(numbers), dt.date(2026, 11, 20)),
        "ng": finalise(store, "Wei", "Ng", next(numbers), dt.date(2026, 11, 25)),
        "zoe": finalise(store, "Zoë", "O'Brien-Kennedy", next(numbers), dt.date(2026, 11, 1)),
    }
    return store, made


def keys(found):
    return [n.note_id for n in found]


def test_notes_are_listed_newest_first(listed):
    store, made = listed
    assert keys(store.notes()) == [made[k].note_id for k in ("zoe", "ng", "taylor2", "okafor", "taylor")]


@pytest.mark.parametrize("where, expected", [
    (NoteFilter(name="taylor"), ["taylor2", "taylor"]),
    (NoteFilter(name="TAYLOR alex"), ["taylor2"]),
    (NoteFilter(name="gozi"), ["okafor"]),
    (NoteFilter(name="%"), ["zoe", "ng", "taylor2", "okafor", "taylor"]),  # no words: no filter
    (NoteFilter(name="TAYLOR, Sam"), ["taylor"]),  # the name as the list shows it
    (NoteFilter(name="taylorsmith"), ["taylor2"]),
    (NoteFilter(name="zoe"), ["zoe"]),
    (NoteFilter(name="obrien"), ["zoe"]),
    (NoteFilter(name="o'brien-kennedy"), ["zoe"]),
    (NoteFilter(date_from=dt.date(2026, 11, 10), date_to=dt.date(2026, 11, 20)), ["taylor2", "okafor"]),
    (NoteFilter(date_to=dt.date(2026, 11, 2)), ["zoe", "taylor"]),
    (NoteFilter(name="taylor", limit=1), ["taylor2"]),
])
def test_the_list_filters_by_name_and_consultation_date(listed, where, expected):
    store, made = listed
    assert keys(store.notes(where)) == [made[k].note_id for k in expected]


def test_the_list_filters_by_nhs_number_typed_any_way(listed):
    store, made = listed
    digits = made["okafor"].patient.nhs_number
    for typed in (digits, f"{digits[:3]} {digits[3:6]} {digits[6:]}", f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"):
        assert keys(store.notes(NoteFilter(nhs_number=typed))) == [made["okafor"].note_id]
    assert keys(store.notes(NoteFilter(nhs_number=digits[:9]))) == [made["okafor"].note_id]
    assert store.notes(NoteFilter(nhs_number="foo")) == []  # no digits: not a match for all


def test_the_list_filters_printed_and_not_printed(listed):
    store, made = listed
    store.mark_printed([made["okafor"].key, made["ng"].key], STAFF, printer="Reception")
    assert keys(store.notes(NoteFilter(printed=True))) == [made["ng"].note_id, made["okafor"].note_id]
    assert keys(store.notes(NoteFilter(printed=False))) == [made[k].note_id for k in ("zoe", "taylor2", "taylor")]
    assert store.note(made["ng"].note_id).printed


def test_a_new_version_is_not_printed_until_it_is(listed):
    store, made = listed
    store.mark_printed([made["ng"].key], STAFF)
    store.amend(made["ng"].note_id, 1, store.record(made["ng"].note_id, 1), "wrong leg", GP)
    assert not store.note(made["ng"].note_id).printed
    assert store.note(made["ng"].note_id, 1).printed


def test_export_writes_owner_only_files_with_distinct_names_and_audits_them(listed, tmp_path):
    store, made = listed
    folder = tmp_path / "out"
    folder.mkdir()
    chosen = [made["taylor"].key, made["taylor2"].key, made["taylor"].key]
    written = store.export(chosen, folder, STAFF)
    assert len({p.name for p in written}) == 3
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.read_bytes().startswith(b"%PDF")
    assert not [p for p in os.listdir(folder) if p.endswith(".part")]
    with store.engine.connect() as conn:
        exported = conn.execute(text("SELECT count(*) FROM audit WHERE action = 'exported'")).scalar()
    assert exported == 3


def test_the_change_mark_grows_with_each_finalise_and_print(store):
    before = store.change_mark()
    info = finalise(store)
    after_finalise = store.change_mark()
    store.mark_printed([info.key], STAFF)
    assert before < after_finalise < store.change_mark()


def test_times_come_from_the_stores_clock(store_url):
    clock = Clock(dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC))  # the night the clocks go forward
    store = Store.open(store_url, clock=clock)
    info = finalise(store)
    assert info.finalised_at == dt.datetime(2026, 3, 29, 0, 31, tzinfo=dt.UTC)
    assert "finalised 29-Mar-2026 00:31" in pages_text(store.stored_pdf(info.note_id, 1))[0]
    store.close()


def test_a_workstation_whose_clock_is_behind_never_writes_an_entry_earlier_than_the_last(store_url):
    ahead = Store.open(store_url, clock=Clock(dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)))
    info = finalise(ahead)
    behind = Store.open(store_url, clock=Clock(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)))
    behind.mark_printed([info.key], STAFF)
    with behind.engine.connect() as conn:
        times = conn.execute(text("SELECT at FROM audit ORDER BY seq")).scalars().all()
    assert times[0] > "2026-11-26T09:30" and times[1] == times[0]  # the last entry's time, not 09:01
    assert behind.verify_audit().ok
    ahead.close()
    behind.close()


def test_workstations_starting_together_on_a_new_database_all_open_it(store_url):
    """The first start on a new database migrates it; others starting at that moment wait."""
    start = threading.Barrier(3)
    opened: list[object] = []

    def open_store() -> None:
        start.wait()
        try:
            opened.append(Store.open(store_url))
        except Exception as exc:  # the assertion below shows it
            opened.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(isinstance(s, Store) for s in opened), opened
    assert {s.schema_revision() for s in opened} == {Store.head_revision()}
    for s in opened:
        s.close()


@pytest.mark.hazard("H13")
def test_two_processes_amending_at_once_one_wins_and_the_other_keeps_its_draft(store_url):
    import multiprocessing

    from tests.storesupport import amend_in_another_process

    first = Store.open(store_url)
    v1 = finalise(first)
    spawn = multiprocessing.get_context("spawn")
    start, results = spawn.Barrier(2), spawn.Queue()
    workers = [spawn.Process(target=amend_in_another_process,
                             args=(store_url, v1.note_id, user, start, results))
               for user in ("Dr One", "Dr Two")]
    for w in workers:
        w.start()
    outcome = sorted(results.get(timeout=120) for _ in workers)
    for w in workers:
        w.join(60)
    assert sorted(kind for _, kind, _ in outcome) == ["conflict", "stored"]
    winner = next(user for user, kind, _ in outcome if kind == "stored")
    loser, _, message = next(o for o in outcome if o[1] == "conflict")
    assert message.startswith(f"{winner} amended this note first (version 2")
    assert first.record(v1.note_id, 2).history.notes == f"Amendment by {winner}"
    [kept] = first.drafts(Who(loser, f"pc-{loser}"))
    assert first.load_draft(kept.draft_id)[1].history.notes == f"Amendment by {loser}"
    assert first.verify_audit().ok
    first.close()
