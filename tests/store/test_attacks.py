"""Attacks on the store (issue 11), as someone with write access to the database would
try them, and as a confused administrator could do by accident: each is refused by the
database or reported by `audit verify`.

Every attack runs against SQLite (the attacker holds the file) and a real PostgreSQL
server as each role of docs/store.md: `consult_admin` (owns the tables, so may switch
off their triggers) and the app's role (`consult`: may only read and append). The
practice key that authenticates the trail is on the workstation, never in the
attacker's hands. The databases are copied from one prepared per engine (an SQLite
file, a PostgreSQL template database), so that each attack starts from the same
practice: a cauda-equina emergency note finalised before the key existed, the trail
then sealed with the key, and a second note finalised, printed and amended after.
The long variations (every guard, every column) are marked slow; one of each runs in
the default suite.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from consult.cli import main as cli
from consult.note import note_pdf
from consult.note.versioning import Finalisation
from consult.record.file import dumps, load, loads
from consult.store import NoteAltered, Store, Who
from consult.store import audit as trail
from consult.store.model import from_text
from tests.storesupport import GP, STAFF, Clock
from tests.support import accept_suggestions, negative_record

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.hazard("H27")

KINDS = ["sqlite", pytest.param("pg-admin", marks=pytest.mark.postgres),
         pytest.param("pg-app", marks=pytest.mark.postgres)]
MALLORY = Who("Dr Asha Patel", "surgery-1")  # the name the forger writes in


def grants() -> list[str]:
    """The app role's rights exactly as docs/store.md gives them."""
    doc = (ROOT / "docs" / "store.md").read_text(encoding="utf-8")
    found = re.findall(r"^\s+(GRANT [^\n]+ TO consult;)$", doc, flags=re.M)
    assert len(found) >= 4, found
    return found


# -- the practice, prepared once per engine -------------------------------------------------------


@dataclass
class Prepared:
    kind: str
    key_file: Path
    cauda: str = ""  # note id of the cauda-equina note (finalised before the key)
    other: str = ""  # note id of the note finalised, printed and amended after the seal
    sqlite_file: Path | None = None
    template: str = ""  # PostgreSQL template database
    roles: dict[str, str] = field(default_factory=dict)  # "admin"/"app" -> role name


def _finalise_and_amend(store: Store) -> tuple[str, str]:
    cauda = store.finalise(load(ROOT / "resources" / "examples" / "cauda-equina.json"), GP).note_id
    other = store.finalise(negative_record(), GP).note_id
    return cauda, other


def _fill(url: str, prepared: Prepared) -> None:
    """The practice's history: a note before the key, the seal, notes after it."""
    nokey = prepared.key_file.parent / "absent.key"
    before = Store.open(url, clock=Clock(), key_file=nokey)
    prepared.cauda = before.finalise(load(ROOT / "resources" / "examples" / "cauda-equina.json"),
                                     GP).note_id
    before.close()
    keyed = Store.open(url, clock=Clock(from_text("2026-11-26T10:00:00.000000Z")),
                       key_file=prepared.key_file)
    keyed.seal(Who("Practice Manager", "server"))
    r = negative_record()
    info = keyed.finalise(r, GP)
    keyed.mark_printed([info.key], STAFF, printer="Reception")
    r.history.notes = "Corrected after the call."
    keyed.amend(info.note_id, 1, r, "history corrected", GP)
    prepared.other = info.note_id
    assert keyed.verify_audit().ok, keyed.verify_audit().problems
    keyed.close()


def _superuser(postgres_server) -> sa.Engine:
    return sa.create_engine(postgres_server.url("postgres"), poolclass=NullPool,
                            isolation_level="AUTOCOMMIT")


def _as(url: str, role: str, database: str | None = None) -> str:
    parsed = make_url(url).set(username=role)
    if database:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def prepared_sqlite(tmp_path_factory) -> Prepared:
    folder = tmp_path_factory.mktemp("attacks-sqlite")
    from consult.store import keys

    key_file = folder / "audit.key"
    keys.create(key_file)
    prepared = Prepared("sqlite", key_file, sqlite_file=folder / "practice.db")
    _fill(f"sqlite:///{prepared.sqlite_file}", prepared)
    return prepared


@pytest.fixture(scope="module")
def prepared_pg(tmp_path_factory, postgres_server) -> Iterator[Prepared]:
    from consult.store import keys

    folder = tmp_path_factory.mktemp("attacks-pg")
    key_file = folder / "audit.key"
    keys.create(key_file)
    tag = uuid.uuid4().hex[:8]
    roles = {"admin": f"consult_admin_{tag}", "app": f"consult_{tag}"}
    template = f"attacks_{tag}"
    su = _superuser(postgres_server)
    with su.connect() as conn:
        for role in roles.values():
            conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        conn.execute(text(f'CREATE DATABASE "{template}" OWNER "{roles["admin"]}"'))
    base = postgres_server.url(template)
    admin_url, app_url = _as(base, roles["admin"]), _as(base, roles["app"])
    Store.open(admin_url).close()  # the admin creates the tables (db upgrade)
    admin = sa.create_engine(admin_url, poolclass=NullPool)
    with admin.begin() as conn:
        for grant in grants():
            conn.execute(text(grant.replace(" TO consult;", f' TO "{roles["app"]}"')))
    admin.dispose()
    prepared = Prepared("pg", key_file, template=template, roles=roles)
    _fill(app_url, prepared)  # the workstations write as the app's role
    yield prepared
    with su.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
        for role in roles.values():
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    su.dispose()


class Practice:
    """One copy of the prepared practice: the attacker's connection, and the checks."""

    def __init__(self, kind: str, prepared: Prepared, url: str, attacker_url: str) -> None:
        self.kind, self.prepared, self.url = kind, prepared, url
        self.attacker = sa.create_engine(attacker_url, poolclass=NullPool)
        self.cauda, self.other = prepared.cauda, prepared.other

    @property
    def engine_name(self) -> str:
        return "sqlite" if self.kind == "sqlite" else "postgresql"

    def store(self, *, with_key: bool = True) -> Store:
        key = self.prepared.key_file if with_key else self.prepared.key_file.parent / "absent.key"
        return Store.open(self.url, migrate=False, create=False, key_file=key)

    def verify(self, *, with_key: bool = True, checkpoint=None) -> trail.Report:
        store = self.store(with_key=with_key)
        try:
            return store.verify_audit(checkpoint)
        finally:
            store.close()

    def run(self, *statements: str | tuple[str, dict]) -> None:
        """The attacker's statements, in one transaction."""
        with self.attacker.begin() as conn:
            for statement in statements:
                sql, params = (statement, {}) if isinstance(statement, str) else statement
                conn.execute(text(sql), params)

    def refused(self, statement: str | tuple[str, dict]) -> str:
        """The statement fails; returns the database's message (lower case)."""
        with pytest.raises(sa.exc.DBAPIError) as caught:
            self.run(statement)
        return str(caught.value.orig).lower()

    # what the owner of the database can do and the app's role cannot
    @property
    def owns(self) -> bool:
        return self.kind in ("sqlite", "pg-admin")

    def lift_guards(self) -> list[str]:
        if self.kind == "sqlite":
            return [f"DROP TRIGGER {name}" for name in trail.expected_sqlite_triggers()]
        return ["ALTER TABLE notes DISABLE TRIGGER USER", "ALTER TABLE audit DISABLE TRIGGER USER"]

    def restore_guards(self) -> list[str]:
        """Covering the tracks: the guards put back exactly as they were."""
        if self.kind == "sqlite":
            return list(trail.expected_sqlite_triggers().values())
        return ["ALTER TABLE notes ENABLE TRIGGER USER", "ALTER TABLE audit ENABLE TRIGGER USER"]

    def behind_the_guards(self, *statements: str | tuple[str, dict]) -> None:
        self.run(*self.lift_guards(), *statements, *self.restore_guards())

    def close(self) -> None:
        self.attacker.dispose()


@pytest.fixture(params=KINDS)
def practice(request, tmp_path) -> Iterator[Practice]:
    kind = request.param
    if kind == "sqlite":
        prepared = request.getfixturevalue("prepared_sqlite")
        copy = tmp_path / "practice.db"
        shutil.copyfile(prepared.sqlite_file, copy)
        url = f"sqlite:///{copy}"
        p = Practice(kind, prepared, url, url)
        yield p
        p.close()
        return
    prepared = request.getfixturevalue("prepared_pg")
    server = request.getfixturevalue("postgres_server")
    name = f"atk_{uuid.uuid4().hex[:12]}"
    su = _superuser(server)
    with su.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{prepared.template}" '
                          f'OWNER "{prepared.roles["admin"]}"'))
    base = server.url(name)
    role = prepared.roles["admin" if kind == "pg-admin" else "app"]
    p = Practice(kind, prepared, _as(base, prepared.roles["app"]), _as(base, role))
    yield p
    p.close()
    with su.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    su.dispose()


# -- what a forger computes ----------------------------------------------------------------------

AUDIT_INSERT = ("INSERT INTO audit (seq, at, user_name, workstation, action, note_id, version, detail, "
                "prev_hash, hash, mac) VALUES (:seq, :at, :user_name, :workstation, :action, :note_id, "
                ":version, :detail, :prev_hash, :hash, :mac)")


def forged_entry(p: Practice, *, action: str, note_id: str | None, version: int | None,
                 detail: dict, who: Who = MALLORY, at: str | None = None,
                 mac: str | None = None) -> tuple[str, dict]:
    """A correctly chained entry after the newest one (the chain has no secret)."""
    with p.attacker.connect() as conn:
        last = conn.execute(text("SELECT seq, at, hash FROM audit ORDER BY seq DESC LIMIT 1")).first()
    row = {"seq": last.seq + 1, "at": at or last.at, "user_name": who.user,
           "workstation": who.workstation, "action": action, "note_id": note_id, "version": version,
           "detail": trail.canonical(detail), "prev_hash": last.hash, "mac": mac}
    row["hash"] = trail.entry_hash(row)
    return AUDIT_INSERT, row


def note_row(p: Practice, note_id: str, version: int) -> dict:
    with p.attacker.connect() as conn:
        row = conn.execute(text(f"SELECT {', '.join(trail.NOTE_COLUMNS)} FROM notes "
                                "WHERE note_id = :n AND version = :v"), {"n": note_id, "v": version})
        return dict(row.mappings().one())


def cauda_equina_rewritten(p: Practice) -> dict:
    """The cauda-equina note re-rendered with every red flag answered No: the row a
    forger would write over the original (same id, note, version, author and time)."""
    row = note_row(p, p.cauda, 1)
    record = loads(dumps(loads(row["record_json"])).replace('"yes"', '"no"'))
    record.consultation.identity_confirmed = record.consultation.consent = "yes"
    accept_suggestions(record)
    pdf = note_pdf(record, finalisation=Finalisation(p.cauda, 1, from_text(row["finalised_at"]),
                                                     row["author"]))
    assert b"RED FLAG" not in pdf
    record_json = dumps(record)
    row.update(record_json=record_json, pdf=pdf, pdf_sha256=hashlib.sha256(pdf).hexdigest(),
               record_sha256=hashlib.sha256(record_json.encode()).hexdigest())
    return row


def entry_for(row: dict) -> dict:
    """Everything verify compares, computed right for the forged row."""
    return {"pdf_sha256": row["pdf_sha256"], "record_sha256": row["record_sha256"],
            "row_sha256": trail.row_digest(row), "columns": trail.column_digests(row)}


def insert_row(row: dict, verb: str = "INSERT OR REPLACE INTO") -> tuple[str, dict]:
    columns = ", ".join(trail.NOTE_COLUMNS)
    values = ", ".join(f":{c}" for c in trail.NOTE_COLUMNS)
    return f"{verb} notes ({columns}) VALUES ({values})", row


def problems_with(report: trail.Report, *words: str) -> list[str]:
    return [p for p in report.problems if all(w in p for w in words)]


# -- the practice as prepared is intact ------------------------------------------------------------


def test_the_prepared_practice_verifies_with_and_without_the_key(practice):
    report = practice.verify()
    assert report.ok, report.problems
    assert report.key_id is not None and report.sealed_from == 2  # the cauda-equina note, then the seal
    plain = practice.verify(with_key=False)
    assert plain.ok and plain.key_id is None and plain.sealed_from == 2


# -- 1. the attack: a finalised note rewritten, one chained entry appended ------------------


def test_a_rewritten_note_with_an_appended_finalised_entry_is_reported(practice):
    p = practice
    forged = cauda_equina_rewritten(p)
    if p.kind == "sqlite":
        # the replace that passed the triggers before schema 0003 is refused now
        assert "append-only" in p.refused(insert_row(forged))
        p.behind_the_guards(insert_row(forged))
    elif p.kind == "pg-admin":
        sets = ", ".join(f"{c} = :{c}" for c in ("pdf", "pdf_sha256", "record_json", "record_sha256"))
        p.behind_the_guards((f"UPDATE notes SET {sets} WHERE id = :id", forged))
    else:  # the app's role may not change a note at all
        assert "permission denied" in p.refused(
            ("UPDATE notes SET pdf = :pdf WHERE id = :id", forged))
    p.run(forged_entry(p, action="finalised", note_id=p.cauda, version=1, detail=entry_for(forged)))
    for with_key in (True, False):
        report = p.verify(with_key=with_key)
        name = f"note {p.cauda[:8].upper()} version 1"
        assert problems_with(report, f"a second finalised entry for {name}"), report.problems
        if p.owns:
            assert problems_with(report, name, "PDF hash differs"), report.problems
            assert problems_with(report, name, "columns record_json, pdf, pdf_sha256, record_sha256 changed")
        if with_key:  # and the appended entry carries no authentication
            assert problems_with(report, "not authenticated"), report.problems


# -- 2. no REPLACE past the triggers ---------------------------------------------------------------

REPLACING = {
    "insert or replace": "INSERT OR REPLACE INTO",
    "replace into": "REPLACE INTO",
}


def _audit_copy(verb: str, tail: str = "") -> str:
    cols = "seq, at, user_name, workstation, action, note_id, version, detail, prev_hash, hash, mac"
    return (f"{verb} audit ({cols}) SELECT seq, at, 'Someone Else', workstation, action, note_id, "
            f"version, detail, prev_hash, hash, mac FROM audit WHERE seq = 1{tail}")


def test_replace_and_upsert_are_refused_on_notes_and_the_audit_trail(practice):
    p = practice
    row = note_row(p, p.cauda, 1)
    row["family_name"] = "Someone Else"
    attempts = [insert_row(row, verb) for verb in REPLACING.values()]
    attempts.append((insert_row(row, "INSERT INTO")[0] + " ON CONFLICT (id) DO UPDATE SET "
                     "family_name = excluded.family_name", row))
    attempts += [_audit_copy(verb) for verb in REPLACING.values()]
    attempts.append(_audit_copy("INSERT INTO", " ON CONFLICT (seq) DO UPDATE SET user_name = "
                                               "excluded.user_name"))
    for attempt in attempts:
        message = p.refused(attempt)
        if p.kind == "sqlite" or "on conflict" in str(attempt).lower():
            assert ("append-only" in message or "permission denied" in message), (attempt, message)
        else:  # PostgreSQL has no REPLACE at all
            assert "syntax error" in message
    assert p.verify().ok
    with p.attacker.connect() as conn:
        assert conn.execute(text("SELECT user_name FROM audit WHERE seq = 1")).scalar() == GP.user


# -- 3. guards dropped or disabled -------------------------------------------------------------


def _lift_one(p: Practice, name: str) -> str:
    if p.kind == "sqlite":
        return f"DROP TRIGGER {name}"
    table = name.split("_")[0]
    return f"ALTER TABLE {table} DISABLE TRIGGER {name}"


def _check_guard(p: Practice, name: str) -> None:
    if not p.owns:
        assert "must be owner" in p.refused(_lift_one(p, name))
        assert p.verify().ok
        return
    p.run(_lift_one(p, name))
    report = p.verify()
    state = "missing" if p.kind == "sqlite" else "disabled"
    assert report.problems == [f"the database's append-only trigger {name} is {state}: finalised "
                               "notes or audit entries can then be changed or removed"]


def test_a_dropped_or_disabled_trigger_is_reported(practice):
    _check_guard(practice, "notes_no_update" if practice.kind == "sqlite" else "notes_append_only")


@pytest.mark.slow
def test_every_trigger_dropped_or_disabled_is_reported(practice):
    p = practice
    names = trail.expected_sqlite_triggers() if p.kind == "sqlite" else trail.PG_TRIGGERS
    for name in names:
        _check_guard(p, name)
        if p.owns:  # put it back before the next one
            p.run(trail.expected_sqlite_triggers()[name] if p.kind == "sqlite"
                  else f"ALTER TABLE {name.split('_')[0]} ENABLE TRIGGER {name}")


def test_a_guard_replaced_by_one_that_lets_everything_through_is_reported(practice):
    p = practice
    if p.kind == "sqlite":
        p.run("DROP TRIGGER audit_no_delete",
              "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit WHEN 0 "
              "BEGIN SELECT RAISE(ABORT, 'append-only'); END")
        assert problems_with(p.verify(), "audit_no_delete was changed")
    elif p.kind == "pg-admin":
        p.run("CREATE OR REPLACE FUNCTION consult_append_only() RETURNS trigger AS $$ "
              "BEGIN RETURN OLD; END; $$ LANGUAGE plpgsql")
        report = p.verify()
        assert len(problems_with(report, "was changed")) == 4, report.problems
    else:
        message = p.refused("CREATE OR REPLACE FUNCTION consult_append_only() RETURNS trigger AS $$ "
                            "BEGIN RETURN OLD; END; $$ LANGUAGE plpgsql")
        assert "must be owner" in message or "permission denied" in message


# -- 4. workstation, app and rule-set versions ---------------------------------------------------

COLUMNS_CHANGED = {"workstation": "'another-pc'", "app_version": "'9.9.9'",
                   "ruleset_version": "'2020-01-01'", "author": "'Dr Someone Else'",
                   "clinician": "'Dr Someone Else'", "amend_reason": "'none'",
                   "consultation_date": "date_of_birth", "finalised_at": "'2026-11-26T08:00:00.000000Z'"}


def _check_column(p: Practice, column: str) -> None:
    statement = (f"UPDATE notes SET {column} = {COLUMNS_CHANGED[column]} "
                 f"WHERE note_id = '{p.other}' AND version = 2")
    if not p.owns:
        assert "permission denied" in p.refused(statement)
        return
    p.behind_the_guards(statement)
    report = p.verify()
    assert report.problems == [f"note {p.other[:8].upper()} version 2: column {column} changed after "
                               "it was finalised (audit entry 5)"], report.problems


@pytest.mark.parametrize("column", ["workstation", "app_version", "ruleset_version"])
def test_a_changed_workstation_app_or_ruleset_version_is_reported(practice, column):
    _check_column(practice, column)


@pytest.mark.slow
@pytest.mark.parametrize("column", sorted(set(COLUMNS_CHANGED) - {"workstation", "app_version",
                                                                 "ruleset_version"}))
def test_every_other_changed_column_is_reported(practice, column):
    _check_column(practice, column)


# -- 5. time running backwards --------------------------------------------------------------------


def test_an_entry_earlier_than_the_one_before_is_reported(practice):
    p = practice
    p.run(forged_entry(p, action="printed", note_id=p.other, version=2, detail={"printer": "x"},
                       at="2026-11-26T09:00:00.000000Z"))
    report = p.verify(with_key=False)  # found without the key
    assert [x for x in report.problems if "its time is earlier than the entry before it" in x] == [
        f"audit entry 6 (printed, 2026-11-26T09:00:00.000000Z): its time is earlier than the entry "
        f"before it ({_newest_time(p, 5)}): entries are written in time order, so it was inserted "
        "or altered"]


def _newest_time(p: Practice, seq: int) -> str:
    with p.attacker.connect() as conn:
        return conn.execute(text("SELECT at FROM audit WHERE seq = :s"), {"s": seq}).scalar()


def test_an_amended_entry_for_version_1_and_a_finalised_one_for_version_2_are_reported(practice):
    p = practice
    p.run(forged_entry(p, action="amended", note_id=p.cauda, version=1, detail={}))
    p.run(forged_entry(p, action="finalised", note_id=p.other, version=2, detail={}))
    report = p.verify(with_key=False)
    assert problems_with(report, "audit entry 6: an amended entry for note", "never amended")
    assert problems_with(report, "audit entry 7: a finalised entry for note", "only version 1")
    assert len(problems_with(report, "a second")) == 2


# -- 6. an entry appended in anyone's name -------------------------------------------------------


def test_an_entry_appended_in_someone_elses_name_is_reported_with_the_key(practice):
    p = practice
    p.run(forged_entry(p, action="printed", note_id=p.cauda, version=1, detail={"printer": "x"},
                       who=STAFF))
    assert problems_with(p.verify(with_key=False), "audit entry 6", "not authenticated")
    p.run(forged_entry(p, action="exported", note_id=p.cauda, version=1, detail={"file": "x.pdf"},
                       who=STAFF, mac="ab" * 32))  # a made-up authentication
    report = p.verify()
    assert problems_with(report, "audit entry 6", "not authenticated")
    assert problems_with(report, "audit entry 7: its authentication does not match the practice key")
    # without the key, the made-up authentication cannot be told from a real one: said so
    plain = p.verify(with_key=False)
    assert plain.key_id is None and not problems_with(plain, "audit entry 7")


def test_a_trail_rewritten_without_its_authentication_is_reported_with_the_key(practice):
    """The whole trail re-chained by someone without the key, every MAC left out."""
    p = practice
    if not p.owns:
        assert "permission denied" in p.refused("UPDATE audit SET mac = NULL")
        return
    with p.attacker.connect() as conn:
        rows = [dict(r) for r in conn.execute(text("SELECT * FROM audit ORDER BY seq")).mappings()]
    prev, statements = trail.GENESIS, []
    for row in rows:
        row.update(mac=None, prev_hash=prev)
        row["hash"] = prev = trail.entry_hash(row)
        statements.append(("UPDATE audit SET mac = NULL, prev_hash = :prev_hash, hash = :hash "
                           "WHERE seq = :seq", row))
    p.behind_the_guards(*statements)
    assert p.verify(with_key=False).ok  # a plain chain, as a store without a key would have
    report = p.verify()
    assert problems_with(report, "no entry of the audit trail is authenticated, yet there is a "
                                 "practice key"), report.problems


def test_a_stripped_authentication_shows_without_the_key(practice):
    p = practice
    if not p.owns:
        return
    p.behind_the_guards("UPDATE audit SET mac = NULL WHERE seq = 5")
    report = p.verify(with_key=False)
    assert problems_with(report, "audit entry 5", "altered after it was written")
    assert problems_with(report, "audit entry 5", "not authenticated")


def test_a_workstation_without_the_key_or_with_another_one_writes_nothing(practice, tmp_path):
    from consult.store import StoreError, keys

    p = practice
    keys.create(tmp_path / "other.key")
    for key_file in (tmp_path / "absent.key", tmp_path / "other.key"):
        store = Store.open(p.url, key_file=key_file)
        with pytest.raises(StoreError, match="practice key"):
            store.mark_printed([(p.cauda, 1)], STAFF)
        store.close()
    assert p.verify().ok


# -- 7. malformed rows ------------------------------------------------------------------------


def test_malformed_rows_are_named_and_checking_goes_on(practice, capsys):
    p = practice
    bad_date = f"UPDATE notes SET date_of_birth = 'not a date' WHERE note_id = '{p.cauda}'"
    pdf_as_text = (f"UPDATE notes SET pdf = CAST(pdf AS TEXT) WHERE note_id = '{p.other}' "
                   "AND version = 1")
    if p.kind != "sqlite":  # the column types refuse both, whoever tries
        for statement in (bad_date, "UPDATE notes SET pdf = 'text'::text WHERE version = 1"):
            with pytest.raises(sa.exc.DBAPIError) as caught:
                p.run(*p.lift_guards(), statement) if p.owns else p.run(statement)
            message = str(caught.value.orig).lower()
            assert ("invalid input syntax for type date" in message or "is of type bytea" in message
                    or "permission denied" in message), message
        return
    p.behind_the_guards(bad_date, pdf_as_text,
                        "UPDATE audit SET user_name = 'Someone' WHERE seq = 4")
    report = p.verify()
    cauda, other = p.cauda[:8].upper(), p.other[:8].upper()
    assert problems_with(report, f"note {cauda} version 1: column date_of_birth is not a date")
    assert problems_with(report, f"note {other} version 1: column pdf is not binary data (stored as text)")
    assert problems_with(report, "audit entry 4 (printed")  # and it went on to the rest
    assert "1985" not in " ".join(report.problems)  # no date of birth in any message
    # the command line lists what it can, names what it cannot
    assert cli(["notes", "list", "--database", p.url, "--key-file", str(p.prepared.key_file)]) == 1
    out, err = capsys.readouterr()
    assert other in out and cauda not in out
    assert f"consult: note {cauda} version 1 cannot be read: column date_of_birth is not a date" in err
    assert cli(["audit", "verify", "--database", p.url, "--key-file", str(p.prepared.key_file)]) == 1
    out, _ = capsys.readouterr()
    assert "column date_of_birth is not a date" in out and "Traceback" not in out
    store = p.store()
    with pytest.raises(NoteAltered, match="do not use it"):
        store.stored_pdf(p.other, 1)
    with pytest.raises(NoteAltered, match="column date_of_birth"):
        store.note(p.cauda, 1)
    store.close()


def test_audit_verify_as_its_own_process_names_a_malformed_row(practice):
    p = practice
    if p.kind != "sqlite":
        return
    p.behind_the_guards(f"UPDATE notes SET consultation_date = 'yesterday' WHERE note_id = '{p.cauda}'")
    result = subprocess.run([sys.executable, "main.py", "audit", "verify", "--database", p.url,
                             "--key-file", str(p.prepared.key_file)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        f"note {p.cauda[:8].upper()} version 1: column consultation_date is not a date",
        f"note {p.cauda[:8].upper()} version 1: column consultation_date changed after it was "
        "finalised (audit entry 1)"]
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


# -- an existing store: schema 0002 upgraded, its entries sealed by the first authenticated one -------


def _legacy_finalise(conn, note_id: str, at: str, seq: int, prev: str) -> str:
    """What consult wrote before schema 0003: the note row, and its entry with the PDF,
    record and listed-details hashes, chained, without authentication."""
    import consult
    from consult.rules.ruleset import load as load_rules
    from consult.store import search
    from consult.store.schema import audit, notes

    record = negative_record()
    pdf = note_pdf(record, finalisation=Finalisation(note_id, 1, from_text(at), GP.user))
    record_json = dumps(record)
    p, c = record.patient, record.consultation
    row = dict(note_id=note_id, version=1, given_name=p.given_name, family_name=p.family_name,
               search_name=search.search_name(p.given_name, p.family_name), nhs_number=p.nhs_number,
               date_of_birth=p.date_of_birth, consultation_date=c.date, finalised_at=at,
               author=GP.user, workstation=GP.workstation, clinician=c.clinician_name,
               amend_reason=None, app_version=consult.__version__,
               ruleset_version=load_rules().meta.version, record_json=record_json, pdf=pdf,
               pdf_sha256=hashlib.sha256(pdf).hexdigest(),
               record_sha256=hashlib.sha256(record_json.encode()).hexdigest())
    conn.execute(notes.insert().values(**row))
    entry = {"seq": seq, "at": at, "user_name": GP.user, "workstation": GP.workstation,
             "action": "finalised", "note_id": note_id, "version": 1, "prev_hash": prev,
             "detail": trail.canonical({"pdf_sha256": row["pdf_sha256"],
                                        "record_sha256": row["record_sha256"],
                                        "listed_sha256": trail.listed_digest(row)})}
    entry["hash"] = trail.entry_hash(entry)
    conn.execute(audit.insert().values(**entry))
    return entry["hash"]


def test_a_store_from_schema_0002_upgrades_and_its_first_authenticated_entry_seals_the_old_ones(
        store_url, tmp_path):
    from alembic import command

    from consult.store import keys
    from consult.store.engine import make_engine
    from consult.store.location import parse
    from consult.store.store import _alembic_config

    raw = make_engine(parse(store_url))
    with raw.begin() as conn:
        command.upgrade(_alembic_config(conn), "0002")
        old = str(uuid.uuid4())
        head = _legacy_finalise(conn, old, "2026-11-20T09:00:00.000000Z", 1, trail.GENESIS)
        _legacy_finalise(conn, str(uuid.uuid4()), "2026-11-20T09:05:00.000000Z", 2, head)
    raw.dispose()
    key_file = tmp_path / "audit.key"
    keys.create(key_file)
    store = Store.open(store_url, key_file=key_file, clock=Clock())  # migrates to the head
    assert store.schema_revision() == Store.head_revision()
    report = store.verify_audit()
    assert report.problems == [
        "no entry of the audit trail is authenticated, yet there is a practice key (key id "
        f"{store.key.key_id}): the trail was rewritten without the key, or the key belongs to "
        "another database (`main.py db key init` seals a trail not yet authenticated)"]
    store.mark_printed([(old, 1)], STAFF)  # the first entry written with the key seals 1 and 2
    report = store.verify_audit()
    assert report.ok and report.sealed_from == 3 and (report.entries, report.notes) == (3, 2)
    # the old entries are checked as they were written: the listed details of a legacy note
    with store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE notes DISABLE TRIGGER USER"))
            conn.execute(text(f"UPDATE notes SET family_name = 'Else' WHERE note_id = '{old}'"))
            conn.execute(text("ALTER TABLE notes ENABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER notes_no_update"))
            conn.execute(text(f"UPDATE notes SET family_name = 'Else' WHERE note_id = '{old}'"))
            conn.execute(text(trail.expected_sqlite_triggers()["notes_no_update"]))
    assert store.verify_audit().problems == [
        f"note {old[:8].upper()} version 1: the patient details or dates the notes list shows were "
        "altered after it was finalised"]
    store.close()
