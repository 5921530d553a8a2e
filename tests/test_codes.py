"""The clinical codes file (resources/codes/codes.toml) and its checks at load."""

from __future__ import annotations

from pathlib import Path

import pytest

from consult import codes, resources

# Clinical reference section 6, as printed there: the file must hold exactly these.
REFERENCE_CODES = {
    "low_back_pain": ("SNOMED CT", "279039007"),
    "acute_low_back_pain": ("SNOMED CT", "278862001"),
    "chronic_low_back_pain": ("SNOMED CT", "278860009"),
    "mechanical_low_back_pain": ("SNOMED CT", "279040009"),
    "sciatica": ("SNOMED CT", "23056005"),
    "cauda_equina_syndrome": ("SNOMED CT", "192970008"),
    "retention_of_urine": ("SNOMED CT", "267064002"),
    "incontinence_of_feces": ("SNOMED CT", "72042002"),
    "referral_to_physiotherapist": ("SNOMED CT", "308447003"),
    "startback_low_risk": ("SNOMED CT", "945621000000107"),
    "startback_panel": ("LOINC", "91349-1"),
    "startback_total": ("LOINC", "91351-7"),
    "startback_distress_subscore": ("LOINC", "91350-9"),
    "startback_risk_level": ("LOINC", "91352-5"),
}
REFERENCE_UNCODED = {"startback_medium_risk", "startback_high_risk", "saddle_anaesthesia",
                     "suspected_cauda_equina_syndrome", "inflammatory_back_pain",
                     "safety_netting_advice_given"}


@pytest.mark.hazard("H30")
def test_the_file_holds_every_code_of_the_reference_and_leaves_the_doubtful_uncoded():
    loaded = codes.load()
    assert set(loaded) == set(REFERENCE_CODES) | REFERENCE_UNCODED
    for concept, (system, code) in REFERENCE_CODES.items():
        found = codes.code_for(concept)
        assert found is not None and (found.system, found.code) == (system, code), concept
    for concept in REFERENCE_UNCODED:
        assert codes.code_for(concept) is None, concept
        assert codes.entry(concept).reason


@pytest.mark.hazard("H30")
def test_every_snomed_identifier_passes_its_verhoeff_check_and_none_is_marked_verified():
    snomed = [c for c in codes.load().values() if isinstance(c, codes.Code) and c.system == codes.SNOMED]
    assert len(snomed) == 10
    for code in snomed:
        assert codes.snomed_id_valid(code.code), code.code
        assert code.verified is False, f"{code.code} is marked verified but nobody checked it in a browser"


@pytest.mark.parametrize("sctid", ["279039007", "23056005", "945621000000107",
                                   "945641000000100", "945601000000103", "22298006"])
def test_known_valid_snomed_identifiers_pass(sctid):
    assert codes.snomed_id_valid(sctid)


@pytest.mark.parametrize("sctid", ["45641000000100", "45601000000103", "279039008", "279039070",
                                   "0279039007", "27903", "279039007 ", "SNOMED", ""])
def test_known_invalid_snomed_identifiers_fail(sctid):
    assert not codes.snomed_id_valid(sctid)


def test_keeles_medium_and_high_codes_are_uncoded_with_the_reason():
    for concept, printed in (("startback_medium_risk", "45641000000100"),
                             ("startback_high_risk", "45601000000103")):
        assert printed in codes.entry(concept).reason
        assert "check digit" in codes.entry(concept).reason


@pytest.mark.hazard("H30")
def test_unverified_codes_print_their_status_and_verified_ones_do_not():
    assert codes.label(codes.code_for("sciatica")) == "SNOMED CT 23056005 (unverified code)"
    assert codes.label(codes.code_for("startback_total")) == "LOINC 91351-7"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "codes.toml"
    path.write_text(text, encoding="utf-8")
    return path


ENTRY = '[[concept]]\nid = "x"\nsystem = "SNOMED CT"\ncode = "{code}"\ndisplay = "X"\nstatus = "{status}"\nverified = false\n'


@pytest.mark.hazard("H30")
@pytest.mark.parametrize("text, message", [
    ("", "holds no"),
    ("not toml [", "cannot be read"),
    (ENTRY.format(code="45641000000100", status="from Keele"), "fails its check digit"),
    (ENTRY.format(code="279039007", status=""), "has no status"),
    (ENTRY.format(code="", status="guess"), "no reason"),
    (ENTRY.format(code="279039007", status="s") * 2, "listed twice"),
    (ENTRY.format(code="279039007", status="s").replace("SNOMED CT", "ICD-10"), "unknown system"),
    (ENTRY.format(code="279039007", status="s").replace("verified = false\n", ""), "verified"),
    (ENTRY.format(code="279039007", status="s").replace('"SNOMED CT"', '"LOINC"'), "check digit"),
])
def test_a_bad_codes_file_is_refused_whole_at_load(tmp_path, text, message):
    with pytest.raises(codes.CodesError, match=message):
        codes.load(_write(tmp_path, text))


def test_a_missing_codes_file_is_refused(tmp_path):
    with pytest.raises(codes.CodesError, match="cannot be read"):
        codes.load(tmp_path / "codes.toml")


def test_the_shipped_file_is_found_through_the_resource_helper():
    assert resources.path("codes", "codes.toml").is_file()
