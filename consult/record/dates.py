"""Dates and times as UK clinical documents show them."""

from __future__ import annotations

from datetime import date, time

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def show_date(value: date | None) -> str:
    """`05-Apr-2008`, independent of the machine's locale; 'Not known' if None."""
    if value is None:
        return "Not known"
    return f"{value.day:02d}-{_MONTHS[value.month - 1]}-{value.year:04d}"


def show_time(value: time | None) -> str:
    """24-hour `14:05`; 'Not known' if None."""
    if value is None:
        return "Not known"
    return f"{value.hour:02d}:{value.minute:02d}"


def age_on(born: date, on: date) -> int:
    """Whole years of age on a date."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
