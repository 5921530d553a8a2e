"""NHS numbers: Modulus 11, repeated digits, 3-3-4 display."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consult.record import nhs


@pytest.mark.hazard("H9")
@pytest.mark.parametrize("typed", ["9434765919", "943 476 5919", " 943-476-5919 ", "943  4765919"])
def test_valid_number_in_any_common_typing_is_stored_as_ten_digits(typed):
    assert nhs.normalise(typed) == "9434765919"
    assert nhs.display(nhs.normalise(typed)) == "943 476 5919"


@pytest.mark.hazard("H9")
@pytest.mark.parametrize(("typed", "says"), [
    ("9434765918", "fails its check digit"),
    ("943476591", "10 digits; this one has 9"),
    ("94347659190", "this one has 11"),
    ("943476591O", "digits only"),
    ("", "Enter the NHS number"),
    ("0000000000", "one digit repeated"),
    ("1111111111", "one digit repeated"),
    ("٩٤٣٤٧٦٥٩١٩", "digits only"),  # Arabic-Indic digits are not NHS digits
])
def test_invalid_numbers_are_refused_with_a_reason(typed, says):
    with pytest.raises(nhs.NhsNumberError, match=says):
        nhs.normalise(typed)


@pytest.mark.hazard("H9")
def test_a_check_digit_of_ten_makes_every_number_with_that_stem_invalid():
    stem = next(f"{n:09d}" for n in range(100000000, 100001000) if nhs.check_digit(f"{n:09d}") is None)
    assert not any(nhs.is_valid(stem + str(d)) for d in range(10))


@pytest.mark.hazard("H9")
@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_exactly_one_last_digit_completes_a_stem_unless_none_can(stem):
    valid = [d for d in range(10) if nhs.is_valid(stem + str(d))]
    expected = nhs.check_digit(stem)
    if expected is None or len(set(stem + str(expected))) == 1:
        assert valid == []
    else:
        assert valid == [expected]
