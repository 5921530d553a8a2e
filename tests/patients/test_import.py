"""Reading the day's patient list: EMIS Web and SystmOne CSV exports, FHIR Patient and
Bundle; what cannot be used is named by line, never echoed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from consult.patients import PatientListError, read_bytes, read_file
from consult.patients.csvlist import parse_date, split_full_name
from consult.record.answers import Sex

DATA = Path(__file__).resolve().parent.parent / "data" / "patients"


def _values(found) -> str:
    return " ".join(f"{e.family_name} {e.given_name} {e.nhs_number}" for e in found.entries)


def test_an_emis_appointment_list_with_a_bom_title_lines_and_full_names():
    found = read_file(DATA / "emis_appointments.csv")
    assert found.system == "EMIS Web" and found.format == "csv"
    smith = found.entries[0]
    assert (smith.family_name, smith.given_name, smith.title, smith.date_of_birth, smith.sex,
            smith.nhs_number, smith.appointment, smith.line) == \
        ("SMITH", "John", "Mr", dt.date(1980, 4, 5), Sex.MALE, "9990000018", "09:00", 5)
    oneill = found.entries[-1]
    assert (oneill.family_name, oneill.nhs_number) == ("O'NEILL", "9990000050")  # 999-000-0050
    assert [e.given_name for e in found.entries] == ["John", "Mary", "Anna", "Siobhan"]


@pytest.mark.hazard("H31")
def test_rows_that_fail_are_named_by_line_and_reason_never_by_value():
    found = read_file(DATA / "emis_appointments.csv")
    assert found.problems == [
        "line 8: NHS number fails the NHS number check (10 digits, Modulus 11)",
        "line 9: date of birth is not a date (dd/mm/yyyy, dd-Mon-yyyy or yyyy-mm-dd)",
    ]
    text = " ".join(found.problems)
    for value in ("BROWN", "Peter", "9990000019", "999 000 0019", "GREEN", "31-Feb-1988"):
        assert value not in text


def test_an_emis_search_export_with_separate_names_and_mixed_date_forms():
    found = read_file(DATA / "emis_search.csv")
    assert [(e.family_name, e.given_name, e.date_of_birth, e.sex) for e in found.entries] == [
        ("Taylor", "Sam", dt.date(1990, 3, 2), Sex.MALE),
        ("Patel", "Priya", dt.date(1985, 7, 23), Sex.FEMALE),
        ("Evans", "Gareth", dt.date(1948, 8, 15), Sex.MALE),
        ("Khan", "", dt.date(1990, 3, 2), Sex.FEMALE),
    ]
    assert found.problems == []


@pytest.mark.hazard("H31")
def test_a_systmone_report_in_cp1252_with_tabs_times_and_a_conflicting_nhs_number():
    found = read_file(DATA / "systmone_report.csv")
    assert found.system == "SystmOne"
    assert [(e.family_name, e.given_name, e.date_of_birth, e.sex) for e in found.entries] == [
        ("Williams", "Zo\u00eb", dt.date(1979, 9, 9), Sex.FEMALE),
        ("Davies", "Rhys", dt.date(1963, 5, 4), Sex.MALE),
        ("Lewis", "Owen", dt.date(2004, 6, 21), Sex.OTHER),
    ]
    # one NHS number, two forenames: neither row is trusted
    assert found.problems == ["line 5: the same NHS number as line 4 with another name or date "
                              "of birth; neither was imported: check both in the clinical system"]


@pytest.mark.hazard("H31")
def test_an_unknown_layout_is_one_line_naming_what_it_lacked_and_no_cell():
    with pytest.raises(PatientListError) as caught:
        read_file(DATA / "unknown_layout.csv")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("unknown layout: no column for the NHS number ('NHS Number'")
    assert "the date of birth ('Date of Birth'" in message and "the name ('Full Name'" in message
    for cell in ("Patient ID", "Initials", "1001", "AB1 2CD"):
        assert cell not in message


def test_a_layout_lacking_only_the_forename_column_says_so():
    data = b"NHS Number,Surname,Date of Birth\n9990000018,Smith,05/04/1980\n"
    with pytest.raises(PatientListError, match=r"no column for the forename \('Forename'"):
        read_bytes(data)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_any_delimiter_and_encoding_the_systems_or_excel_write(delimiter, encoding):
    rows = [["NHS No.", "Family Name", "Given Name", "DOB", "Gender"],
            ["943 476 5919", "Ni Bhriain", "Si\u00f4n", "5-Apr-2008", "Female"]]
    data = "\r\n".join(delimiter.join(r) for r in rows).encode(encoding)
    found = read_bytes(data)
    (entry,) = found.entries
    assert (entry.nhs_number, entry.given_name, entry.date_of_birth) == \
        ("9434765919", "Si\u00f4n", dt.date(2008, 4, 5))


@pytest.mark.parametrize(("text", "expected"), [
    ("05/04/2008", dt.date(2008, 4, 5)), ("5/4/2008", dt.date(2008, 4, 5)),
    ("05-Apr-2008", dt.date(2008, 4, 5)), ("05 April 2008", dt.date(2008, 4, 5)),
    ("2008-04-05", dt.date(2008, 4, 5)), ("2008-04-05T00:00:00Z", dt.date(2008, 4, 5)),
    ("05/04/2008 00:00", dt.date(2008, 4, 5)), ("05/04/2008 00:00:00", dt.date(2008, 4, 5)),
    ("05.04.2008", dt.date(2008, 4, 5)), ("05/04/2008 12:00 AM", dt.date(2008, 4, 5)),
    ("05/04/08", None), ("04/31/2008", None), ("2008", None), ("yesterday", None),
])
def test_dates_are_read_day_first_or_iso_and_never_guessed(text, expected):
    assert parse_date(text) == expected


def test_full_names_as_the_systems_write_them():
    assert split_full_name("SMITH, John (Mr)") == ("SMITH", "John", "Mr")
    assert split_full_name("DE LA CRUZ, Maria Jose") == ("DE LA CRUZ", "Maria Jose", "")
    assert split_full_name("John Smith") is None


def test_a_full_name_not_written_surname_comma_forename_is_refused_by_line():
    data = b"Name,NHS Number,DOB\nJohn Smith,9990000018,05/04/1980\n"
    found = read_bytes(data)
    assert found.entries == [] and found.problems == [
        "line 2: name is not written 'SURNAME, Forename'"]


@pytest.mark.hazard("H31")
def test_nhs_numbers_excel_has_mangled_or_repeated_digits_are_refused():
    data = (b"NHS Number,Surname,Forename,DOB\n9.99E+09,Smith,John,05/04/1980\n"
            b"0000000000,Jones,Mary,05/04/1980\n,Brown,Pat,05/04/1980\n"
            b"9990000018,Green,Sam,05/04/2999\n")
    found = read_bytes(data)
    assert found.entries == []
    assert [p.split(":")[0] for p in found.problems] == ["line 2", "line 3", "line 4", "line 5"]
    assert "no NHS number" in found.problems[2]
    assert "date of birth" in found.problems[3]


def test_the_same_patient_twice_in_a_day_is_listed_once():
    data = (b"Appointment Time,Full Name,NHS Number,Date of Birth\n"
            b"09:00,\"SMITH, John\",9990000018,05/04/1980\n"
            b"15:00,\"SMITH, John\",999 000 0018,05-Apr-1980\n")
    found = read_bytes(data)
    assert len(found.entries) == 1 and found.problems == []


def test_what_is_not_a_list_is_one_line():
    for data, words in ((b"", "empty"), (b"\x00\x01garbage" * 10, "unknown layout"),
                        (b'{"resourceType": "Observation"}', "not a FHIR Patient or Bundle"),
                        (b"{not json", "not a readable JSON file")):
        with pytest.raises(PatientListError, match=words):
            read_bytes(data)


def test_a_folder_a_missing_file_and_a_huge_file_are_one_line(tmp_path):
    with pytest.raises(PatientListError, match="a folder, not a file"):
        read_file(tmp_path)
    with pytest.raises(PatientListError, match="no such file"):
        read_file(tmp_path / "absent.csv")
    big = tmp_path / "big.csv"
    with big.open("wb") as f:
        f.truncate(21 * 1024 * 1024)
    with pytest.raises(PatientListError, match="larger than 20 MB"):
        read_file(big)


# -- FHIR -------------------------------------------------------------------------------------

def test_a_fhir_bundle_gives_its_patients_and_names_what_it_left_aside():
    found = read_file(DATA / "fhir_bundle.json")
    assert found.format == "fhir" and found.system == "FHIR patient list"
    robinson, jones = found.entries
    assert (robinson.family_name, robinson.given_name, robinson.title, robinson.nhs_number,
            robinson.date_of_birth, robinson.sex, robinson.line) == \
        ("Robinson", "Helen Mary", "Dr", "9990000158", dt.date(1969, 2, 14), Sex.FEMALE, 1)
    assert jones.nhs_number == "9990000026"
    assert found.problems == ["entry 3: no NHS number",
                              "1 Bundle entry not a Patient: left aside"]


def test_a_single_fhir_patient_with_a_spaced_nhs_number():
    (entry,) = read_file(DATA / "fhir_patient.json").entries
    assert (entry.family_name, entry.given_name, entry.nhs_number, entry.sex) == \
        ("Smith", "John", "9990000018", Sex.MALE)


def _patient(**changes):
    p = json.loads((DATA / "fhir_patient.json").read_text())
    p.update(changes)
    return json.dumps(p).encode()


@pytest.mark.hazard("H31")
def test_only_the_nhs_number_system_gives_the_nhs_number():
    other = [{"system": "https://example.org/mrn", "value": "9990000018"}]
    found = read_bytes(_patient(identifier=other))
    assert found.entries == [] and found.problems == ["entry 1: no NHS number"]
    two = [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990000018"},
           {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990000026"}]
    assert read_bytes(_patient(identifier=two)).problems == ["entry 1: more than one NHS number"]


def test_the_official_name_is_used_before_an_old_or_usual_one():
    names = [{"use": "old", "family": "Maiden", "given": ["Jo"]},
             {"use": "usual", "family": "Usual", "given": ["Jo"]},
             {"use": "official", "family": "Official", "given": ["Joanna"]}]
    (entry,) = read_bytes(_patient(name=names)).entries
    assert (entry.family_name, entry.given_name) == ("Official", "Joanna")


def test_an_invalid_fhir_patient_is_named_by_entry_and_field_not_value():
    found = read_bytes(_patient(birthDate="05/04/1980"))
    assert found.entries == []
    assert found.problems == ["entry 1: not a valid FHIR R4 Patient (birthDate)"]


@pytest.mark.hazard("H31")
def test_a_third_row_with_a_refused_nhs_number_is_refused_too():
    data = (b"NHS Number,Surname,Forename,DOB\n9990000018,Smith,John,05/04/1980\n"
            b"9990000018,Smyth,John,05/04/1980\n9990000018,Smith,John,05/04/1980\n")
    found = read_bytes(data)
    assert found.entries == []
    assert [p.split(":")[0] for p in found.problems] == ["line 3", "line 4"]
    assert found.problems[1] == "line 4: the same NHS number as line 2, refused; not imported"


def test_cells_excel_kept_as_text_are_read():
    data = b'NHS Number,Surname,Forename,DOB\n"=""9990000018""",Smith,John,"=""05/04/1980"""\n'
    (entry,) = read_bytes(data).entries
    assert (entry.nhs_number, entry.date_of_birth) == ("9990000018", dt.date(1980, 4, 5))
