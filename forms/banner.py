"""The patient banner: always visible, so the GP always knows whose note this is."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from consult.record.dates import age_on, show_date
from consult.record.model import Record
from consult.record.nhs import display
from consult.words import name_line

NO_PATIENT = "No patient"


def banner_text(record: Record) -> tuple[str, str, str, str]:
    """(name, born, age, NHS number) as the banner shows them; 'No patient' before identity."""
    p, c = record.patient, record.consultation
    if not (p.family_name or p.given_name):
        return NO_PATIENT, "", "", ""
    name = name_line(p.family_name, p.given_name)
    born = f"Born {show_date(p.date_of_birth)}" if p.date_of_birth else "Born: not known"
    age = ""
    if p.date_of_birth and c.date and p.date_of_birth <= c.date:
        age = f"Age {age_on(p.date_of_birth, c.date)}"
    number = f"NHS No. {display(p.nhs_number)}" if p.nhs_number else "NHS No.: not known"
    return name, born, age, number


class PatientBanner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("patientBanner")
        self.setAccessibleName("Patient banner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        self.name = QLabel(NO_PATIENT, self)
        self.name.setObjectName("bannerName")
        self.born = QLabel(self)
        self.age = QLabel(self)
        self.nhs = QLabel(self)
        self.nhs.setObjectName("bannerNhs")
        layout.addWidget(self.name)
        layout.addSpacing(24)
        for label in (self.born, self.age, self.nhs):
            layout.addWidget(label)
            layout.addSpacing(16)
        layout.addStretch(1)

    def show_record(self, record: Record) -> None:
        name, born, age, number = banner_text(record)
        for label, text in ((self.name, name), (self.born, born), (self.age, age),
                            (self.nhs, number)):
            if label.text() != text:
                label.setText(text)
        self.setAccessibleDescription(" ".join(x for x in (name, born, age, number) if x))

    def text(self) -> str:
        return " | ".join(t for t in (self.name.text(), self.born.text(), self.age.text(),
                                      self.nhs.text()) if t)
