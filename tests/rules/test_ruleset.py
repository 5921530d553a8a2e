"""The rule file guards itself: a suggestion on the never-suggest list cannot load."""

from __future__ import annotations

import datetime as dt
import re
import tomllib

import pytest
from pydantic import ValidationError

from consult import resources
from consult.record.answers import Answer
from consult.rules.engine import assess
from consult.rules.ruleset import RuleSet
from tests.support import negative_record


def _data() -> dict:
    with resources.path("rules", "ruleset.toml").open("rb") as fh:
        return tomllib.load(fh)


@pytest.mark.hazard("H8")
@pytest.mark.parametrize(("where", "words"), [
    (("suggestions", "keep-active", "text"), "Keep active; gabapentin at night if needed."),
    (("suggestions", "heat-stretch", "reason"), "TENS helps many people."),
    (("rows", "trauma-severe-pain", "action"), "Consider a lumbar corset."),
])
def test_a_rule_file_naming_a_never_suggest_item_is_refused_at_load(where, words):
    data = _data()
    table, key, field = where
    data[table][key][field] = words
    with pytest.raises(ValidationError, match="names never-suggest item"):
        RuleSet.model_validate(data)


@pytest.mark.hazard("H22")
@pytest.mark.parametrize(("row", "within", "words"), [
    ("ces-emergency", "weeks", "too long for its band emergency"),  # an emergency "within weeks"
    ("infection-risk", "weeks", "too long for its band urgent"),
    ("weakness-one-leg-mild", "days", "is not one of [deadlines] order"),  # the old vague limit
])
def test_a_rule_file_whose_row_deadline_is_unknown_or_too_long_for_its_band_is_refused_at_load(
        row, within, words):
    data = _data()
    data["rows"][row]["within"] = within
    with pytest.raises(ValidationError, match=re.escape(words)):
        RuleSet.model_validate(data)
    assert RuleSet.model_validate(_data()).rows[row].within != within  # the shipped file loads


@pytest.mark.hazard("H22")
def test_the_shipped_rule_file_loads_and_cites_only_known_sources():
    rules = RuleSet.model_validate(_data())
    assert rules.version and rules.sources
    data = _data()
    data["rows"]["major-trauma"]["sources"] = ["no-such-source"]
    with pytest.raises(ValidationError, match="unknown source ids"):
        RuleSet.model_validate(data)


@pytest.mark.hazard("H8")
def test_an_nsaid_caution_or_age_over_65_turns_the_nsaid_into_a_caution():
    record = negative_record()
    ids = [s.id for s in assess(record).suggestions]
    assert "nsaid" in ids and "nsaid-caution" not in ids
    record.medicines.kidney_disease = Answer.YES
    suggestions = {s.id: s for s in assess(record).suggestions}
    assert "nsaid" not in suggestions
    assert "kidney disease" in suggestions["nsaid-caution"].text
    record.medicines.kidney_disease = Answer.NO
    record.patient.date_of_birth = dt.date(1955, 1, 1)  # 71 at the consultation
    suggestions = {s.id: s for s in assess(record).suggestions}
    # Revision 3 (section 5): with age 65 or over the NSAID comes with a proton pump
    # inhibitor that is OFFERED (not "considered"), and the caution found is named.
    assert "nsaid" not in suggestions and "nsaid-caution" not in suggestions
    ppi = suggestions["nsaid-ppi"]
    assert "offer a proton pump inhibitor" in ppi.text.lower()
    assert "consider" not in ppi.text.lower()
    assert "age 71" in ppi.reason
