"""The reading-age check of the advice sheet: textstat's Flesch-Kincaid grade and
Flesch reading ease.

textstat counts English syllables with NLTK's CMU dictionary, which it downloads on
first use; the app (and CI) work offline, so syllables are counted by textstat's own
fallback for words the dictionary lacks, pyphen's British English hyphenation
dictionary, for every word. Figures are therefore comparable with one another (the
tests' thresholds and the report) rather than with a figure computed online.

Thresholds (tests/advice/test_readability.py): a reading age of about 11 is the end of
UK primary school, US grade 6; Flesch-Kincaid grade at most 6 and reading ease at
least 70 ("fairly easy": read by most 12-year-olds) for the words written for the sheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from unittest import mock

from textstat.backend import metrics
from textstat.backend.counts import _count_syllables

LANG = "en_GB"
MAX_GRADE = 6.0
MIN_EASE = 70.0


@dataclass(frozen=True)
class Readability:
    grade: float  # Flesch-Kincaid grade (US school grade; reading age about grade + 5)
    ease: float  # Flesch reading ease (0-100, higher is easier)

    def __str__(self) -> str:
        return f"grade {self.grade:.1f}, ease {self.ease:.0f}"


def measure(text: str) -> Readability:
    with mock.patch.object(_count_syllables, "get_cmudict", lambda lang: None):
        return Readability(grade=metrics.flesch_kincaid_grade(text, LANG),
                           ease=metrics.flesch_reading_ease(text, LANG))
