"""NHS numbers: Modulus 11 check, normalising and 3-3-4 display."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s-]+")


class NhsNumberError(ValueError):
    """An NHS number that cannot be valid; the message is for a GP."""


def normalise(text: str) -> str:
    """Return the 10 digits of `text`, or raise NhsNumberError saying why."""
    digits = _SEPARATORS.sub("", text)
    if not digits:
        raise NhsNumberError("Enter the NHS number (10 digits).")
    if not digits.isascii() or not digits.isdigit():
        raise NhsNumberError("An NHS number has digits only (spaces allowed).")
    if len(digits) != 10:
        raise NhsNumberError(
            f"An NHS number has 10 digits; this one has {len(digits)}."
        )
    if len(set(digits)) == 1:
        raise NhsNumberError("An NHS number cannot be one digit repeated.")
    if check_digit(digits[:9]) != int(digits[9]):
        raise NhsNumberError(
            f"NHS number {display(digits)} fails its check digit: "
            "check it with the patient."
        )
    return digits


def check_digit(first_nine: str) -> int | None:
    """The Modulus 11 check digit for nine digits, or None when none exists."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    remainder = 11 - (total % 11)
    if remainder == 11:
        return 0
    if remainder == 10:
        return None
    return remainder


def is_valid(text: str) -> bool:
    try:
        normalise(text)
    except NhsNumberError:
        return False
    return True


def display(digits: str) -> str:
    """'9434765919' -> '943 476 5919'."""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
