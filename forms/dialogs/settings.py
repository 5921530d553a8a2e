"""The clinician's settings: who signs the note, who is working, the practice, the
export file name and where drafts and finalised notes are stored.

The values live in `QSettings` (organisation and application names are set by
the app), are validated by a pydantic model that reuses the record's own field
types, and are written owner-only because they identify the clinician.

    load_settings() -> AppSettings           bad stored values fall back to defaults
    save_settings(settings)                  QSettings, then chmod 0600
    export_file_name(settings, record)       the pattern filled in, safe as a file name
    fill_practice(record, settings)          the practice and its local routes into a record
    edit_settings(parent, settings)          the modal dialog (tests replace it)
    style_sheet()                            the app's style sheet
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import os
import re
import string
import unicodedata
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from consult import resources
from consult.record.model import GmcNumber, Practice, Record, ShortText, Text
from consult.store import location
from consult.store.model import user_name_problem

DEFAULT_PATTERN = "{date}_{FAMILY}_{given}_{nhs}_back-pain.pdf"

#: Every placeholder a file-name pattern may use, with what it stands for.
PLACEHOLDERS: dict[str, str] = {
    "date": "consultation date (YYYY-MM-DD)",
    "time": "consultation time (HHMM)",
    "FAMILY": "family name in capitals",
    "family": "family name",
    "given": "given name",
    "nhs": "NHS number (10 digits)",
}

UNKNOWN = "unknown"
MAX_FILE_NAME = 150          # characters, ".pdf" included
_MAX_FILE_NAME_BYTES = 240   # UTF-8; most file systems allow 255 bytes per name
_MAX_VALUE = 40              # characters taken from any one value (a name)
_GROUP = "settings"
# Characters no file name may hold on Windows, macOS or Linux (besides control characters).
_FORBIDDEN = set('<>:"/\\|?*')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                     *(f"LPT{i}" for i in range(1, 10))}


def _pattern_fields(pattern: str) -> list[tuple[str, str | None]]:
    """(literal text, placeholder or None) pairs; raises ValueError for a bad pattern."""
    parts = []
    for literal, name, spec, conversion in string.Formatter().parse(pattern):
        if name is not None and (spec or conversion or name not in PLACEHOLDERS):
            shown = "{" + name + ("!" + conversion if conversion else "") + (":" + spec if spec else "") + "}"
            raise ValueError(
                f"Unknown placeholder {shown}: use "
                + ", ".join("{" + p + "}" for p in PLACEHOLDERS) + "."
            )
        parts.append((literal, name))
    return parts


def _check_pattern(value: str) -> str:
    if not value:
        raise PydanticCustomError("file_pattern", "Enter a file name pattern, for example "
                                  + DEFAULT_PATTERN + ".")
    try:
        _pattern_fields(value)
    except ValueError as exc:
        text = str(exc)
        if not text.startswith("Unknown placeholder"):
            # string.Formatter's own wording ("Single '}' encountered ...")
            text = "Braces must surround a placeholder, as in {date}."
        raise PydanticCustomError("file_pattern", text) from None
    if any(_unsafe(ch) for ch in value):
        raise PydanticCustomError(
            "file_pattern",
            'A file name cannot contain / \\ : * ? " < > | or control characters.')
    return value


def _check_database_url(value: str) -> str:
    if not value:
        return value
    try:
        location.parse(value)
    except location.StoreLocationError as exc:
        text = str(exc)
        raise PydanticCustomError("database_url", text[:1].upper() + text[1:] + ".") from None
    return value


def database_shown(configured: str) -> str:
    """Where the store is (never a password), and what decided it."""
    env = os.environ.get(location.ENV, "").strip()
    if env:
        return f"{location.shown(env)} (set by {location.ENV}, which overrides this setting)"
    if configured.strip():
        shown = location.shown(configured.strip())
        try:
            password = bool(location.parse(configured.strip()).password)
        except location.StoreLocationError:
            password = False
        if password:
            shown += (" — this URL holds a password, kept in your settings file (readable "
                      "only by you); the PostgreSQL password file is safer.")
        return shown
    return f"{location.shown(location.default_url())} (the default file on this computer)"


class AppSettings(BaseModel):
    """What the clinician sets once and never types again."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, str_strip_whitespace=True)

    user_name: ShortText = Field("", title="Who is working",
                                 description="Recorded in the audit trail for every draft, "
                                             "finalised note, amendment, print and export.")
    clinician_name: ShortText = Field("", title="Clinician name")
    gmc_number: GmcNumber = Field(None, title="GMC number")
    practice_name: ShortText = Field("", title="Practice name")
    practice_address: Text = Field("", title="Practice address")
    # Local routes (clinical reference, section 5): printed in the suggestions and the
    # advice sheet where they apply; left empty, the generic route is printed.
    ces_route: Text = Field("", title=Practice.model_fields["ces_route"].title)
    mscc_contact: Text = Field("", title=Practice.model_fields["mscc_contact"].title)
    msk_interface: Text = Field("", title=Practice.model_fields["msk_interface"].title)
    physio_self_referral: Text = Field(
        "", title=Practice.model_fields["physio_self_referral"].title)
    file_pattern: str = Field(DEFAULT_PATTERN, max_length=200, title="File name pattern")
    export_folder: str = Field("", max_length=1000, title="Export folder",
                               description="Export writes the finalised PDF here without "
                                           "asking (Export as\u2026 still asks). Empty: Export "
                                           "asks where, every time.")
    database_url: str = Field("", max_length=1000, title="Database",
                              description="Empty: an SQLite file on this computer. A practice "
                                          "with several workstations gives every copy the same "
                                          "PostgreSQL URL, e.g. postgresql://consult@dbhost/"
                                          "consult (keep its password in the PostgreSQL "
                                          "password file, .pgpass, not here). Takes effect "
                                          "at once.")

    @field_validator("user_name")
    @classmethod
    def _user_name(cls, value: str) -> str:
        """The same limits as every store command (consult.store.model.user_name_problem):
        a newline or an escape would be printed into the audit trail and every footer."""
        problem = user_name_problem(value) if value else None
        if problem:
            raise PydanticCustomError("user_name", problem[:1].upper() + problem[1:] + ".")
        return value

    @field_validator("file_pattern")
    @classmethod
    def _pattern(cls, value: str) -> str:
        return _check_pattern(value)

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        return _check_database_url(value)


#: The practice's local routes: the setting's name is the record's `practice` field name.
LOCAL_ROUTES = ("ces_route", "mscc_contact", "msk_interface", "physio_self_referral")

#: What each local route holds, shown as a placeholder in the dialog.
ROUTE_EXAMPLES = {
    "ces_route": "e.g. City Hospital ED; spinal on-call 01234 567890",
    "mscc_contact": "e.g. MSCC coordinator 01234 567891 (24 hours)",
    "msk_interface": "e.g. Community MSK service, via e-RS",
    "physio_self_referral": "e.g. physio.example.nhs.uk or 01234 567892",
}


def fill_practice(record: Record, settings: AppSettings) -> None:
    """Put the practice's name, address and local routes from the settings into a record."""
    practice = record.practice
    practice.name, practice.address = settings.practice_name, settings.practice_address
    for name in LOCAL_ROUTES:
        setattr(practice, name, getattr(settings, name))


# --- storage ------------------------------------------------------------------------------


def load_settings() -> AppSettings:
    """The stored settings; a missing or unusable value gives that field's default."""
    store = QSettings()
    store.beginGroup(_GROUP)
    settings = AppSettings()
    for name in AppSettings.model_fields:
        value = store.value(name)
        if not isinstance(value, str):   # missing, or a list from a hand-edited file
            continue
        try:
            setattr(settings, name, value)
        except ValidationError:
            continue
    store.endGroup()
    return settings


def save_settings(settings: AppSettings) -> None:
    """Store the settings and make the file readable by its owner only.

    Raises OSError when the settings cannot be written.
    """
    store = QSettings()
    store.beginGroup(_GROUP)
    for name in AppSettings.model_fields:
        value = getattr(settings, name)
        store.setValue(name, "" if value is None else value)
    store.endGroup()
    store.sync()
    if store.status() != QSettings.Status.NoError:
        raise OSError(f"The settings could not be saved to {store.fileName()}.")
    _restrict(Path(store.fileName()))


def _restrict(path: Path) -> None:
    """chmod 0600 the settings file (and 0700 its folder when the folder is the app's own)."""
    if not path.is_file():   # the Windows registry, for one, is no file
        return
    os.chmod(path, 0o600)
    folder = path.parent
    if folder.name == QCoreApplication.organizationName() and folder != Path.home():
        os.chmod(folder, 0o700)


# --- export file name ---------------------------------------------------------------------


def _unsafe(ch: str) -> bool:
    """A path separator, a character Windows refuses, a control or an unusual space."""
    return ch in _FORBIDDEN or (unicodedata.category(ch)[0] in "CZ" and ch != " ")


def _clean(text: str) -> str:
    """One value made safe inside a file name: letters kept, separators and controls replaced."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch.isspace():
            out.append("-")
        elif _unsafe(ch):
            out.append("_")
        else:
            out.append(ch)
    return re.sub(r"([_-])[_-]+", r"\1", "".join(out)).strip(" .-_")


def _values(record: Record) -> dict[str, str]:
    c, p = record.consultation, record.patient
    family, given = p.family_name.strip(), p.given_name.strip()
    return {
        "date": c.date.isoformat() if c.date else UNKNOWN,
        "time": f"{c.time.hour:02d}{c.time.minute:02d}" if c.time else UNKNOWN,
        "FAMILY": family.upper() if family else UNKNOWN,
        "family": family or UNKNOWN,
        "given": given or UNKNOWN,
        "nhs": p.nhs_number or UNKNOWN,
    }


def export_file_name(settings: AppSettings, record: Record) -> str:
    """The settings' pattern filled from the record, as one safe file name ending in .pdf.

    A missing value reads "unknown"; the result holds no path separator or control
    character and is at most 150 characters long.
    """
    try:
        parts = _pattern_fields(settings.file_pattern)
    except ValueError:   # only a model built without validation can hold a bad pattern
        parts = _pattern_fields(DEFAULT_PATTERN)
    # each value capped so that a long name cannot push the date or NHS number off the end
    values = {name: (_clean(v)[:_MAX_VALUE].rstrip(" .-_") or UNKNOWN)
              for name, v in _values(record).items()}
    name = "".join(literal + (values[field] if field else "") for literal, field in parts)
    name = "".join("_" if _unsafe(ch) else ch for ch in unicodedata.normalize("NFC", name))
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    stem = stem.strip(" .-_") or "consultation"
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    limit = MAX_FILE_NAME - 4
    while len(stem) > limit or len(stem.encode("utf-8")) > _MAX_FILE_NAME_BYTES - 4:
        stem = stem[:-1]
    return stem.rstrip(" .-_") + ".pdf"


# --- the dialog ---------------------------------------------------------------------------


def _example_record() -> Record:
    record = Record()
    record.consultation.date = dt.date.today()
    record.consultation.time = dt.time(9, 40)
    record.patient.given_name, record.patient.family_name = "Sam", "Taylor"
    record.patient.nhs_number = "9434765919"
    return record


class SettingsDialog(QDialog):
    """Edit the settings; OK stays disabled, with the reason beside the field, while any is invalid."""

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setObjectName("settingsDialog")
        self._example = _example_record()

        self.user_name = self._line("user_name", "Who is working", settings.user_name)
        self.user_name.setPlaceholderText("Your name as the audit trail should show it")
        self.user_name.setToolTip(AppSettings.model_fields["user_name"].description or "")
        self.clinician_name = self._line("clinician_name", "Clinician name", settings.clinician_name)
        self.gmc_number = self._line("gmc_number", "GMC number", settings.gmc_number or "")
        self.gmc_number.setPlaceholderText("7 digits")
        self.gmc_number.setMaxLength(20)
        self.practice_name = self._line("practice_name", "Practice name", settings.practice_name)
        self.practice_address = QPlainTextEdit(settings.practice_address)
        self.practice_address.setObjectName("practice_address")
        self.practice_address.setAccessibleName("Practice address")
        self.practice_address.setTabChangesFocus(True)
        self.practice_address.setFixedHeight(self.fontMetrics().lineSpacing() * 5)
        # one line each, like the practice name: the dialog must fit a 768-pixel-high screen
        self.routes: dict[str, QLineEdit] = {}
        for name in LOCAL_ROUTES:
            edit = self._line(name, AppSettings.model_fields[name].title or name,
                              " ".join(getattr(settings, name).split()))
            edit.setPlaceholderText(ROUTE_EXAMPLES[name])
            edit.setToolTip(ROUTE_EXAMPLES[name])
            edit.setCursorPosition(0)
            setattr(self, name, edit)
            self.routes[name] = edit
        self.file_pattern = self._line("file_pattern", "File name pattern", settings.file_pattern)
        self.default_pattern = QPushButton("Use &default")
        self.default_pattern.setAccessibleName("Use the default file name pattern")
        self.default_pattern.setAutoDefault(False)
        self.default_pattern.clicked.connect(lambda: self.file_pattern.setText(DEFAULT_PATTERN))

        self.export_folder = self._line("export_folder", "Export folder", settings.export_folder)
        self.export_folder.setPlaceholderText("Empty: ask where on every export")
        self.choose_folder = QPushButton("C&hoose\u2026")
        self.choose_folder.setAccessibleName("Choose the export folder")
        self.choose_folder.setAutoDefault(False)
        self.choose_folder.clicked.connect(self._choose_folder)
        export_help = QLabel(AppSettings.model_fields["export_folder"].description or "")
        export_help.setObjectName("export_folder_help")
        export_help.setWordWrap(True)
        export_help.setProperty("role", "hint")

        self.database_url = self._line("database_url", "Database URL", settings.database_url)
        self.database_url.setPlaceholderText("Empty: the default file on this computer")
        self.database_where = QLabel()
        self.database_where.setObjectName("database_where")
        self.database_where.setAccessibleName("Where drafts and notes are stored")
        self.database_where.setWordWrap(True)
        self.database_where.setTextFormat(Qt.TextFormat.PlainText)
        self.database_where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        database_help = QLabel(AppSettings.model_fields["database_url"].description or "")
        database_help.setObjectName("database_help")
        database_help.setWordWrap(True)
        database_help.setProperty("role", "hint")

        self.errors: dict[str, QLabel] = {}
        for name in AppSettings.model_fields:
            label = QLabel()
            label.setObjectName(f"{name}_error")
            label.setProperty("role", "error")
            label.setWordWrap(True)
            label.setVisible(False)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.errors[name] = label

        self.example = QLabel()
        self.example.setObjectName("file_pattern_example")
        self.example.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.example.setWordWrap(True)
        placeholders = QLabel("Placeholders:\n" + "\n".join(
            "{" + name + "}  " + meaning for name, meaning in PLACEHOLDERS.items()))
        placeholders.setObjectName("file_pattern_help")
        placeholders.setWordWrap(True)
        placeholders.setTextFormat(Qt.TextFormat.PlainText)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        who_help = QLabel(AppSettings.model_fields["user_name"].description or "")
        who_help.setObjectName("user_name_help")
        who_help.setWordWrap(True)
        who_help.setProperty("role", "hint")
        self._row(form, "&Who is working:", self.user_name, "user_name", below=(who_help,))
        self._row(form, "Clinician &name:", self.clinician_name, "clinician_name")
        self._row(form, "&GMC number:", self.gmc_number, "gmc_number")
        self._row(form, "&Practice name:", self.practice_name, "practice_name")
        self._row(form, "Practice &address:", self.practice_address, "practice_address")
        routes_box = QGroupBox("Local routes")
        routes_box.setObjectName("localRoutes")
        routes_form = QFormLayout(routes_box)
        routes_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        routes_help = QLabel("Printed in the suggestions and on the advice sheet where they "
                             "apply. Leave one empty to print the generic route.")
        routes_help.setObjectName("local_routes_help")
        routes_help.setWordWrap(True)
        routes_help.setProperty("role", "hint")
        routes_form.addRow(routes_help)
        for name, text in zip(LOCAL_ROUTES, ("Cauda &equina route:",
                                             "&MSCC coordinator or acute oncology:",
                                             "MS&K interface service:",
                                             "P&hysiotherapy self-referral:"), strict=True):
            self._row(routes_form, text, self.routes[name], name)
        form.addRow(routes_box)
        pattern_row = QHBoxLayout()
        pattern_row.setContentsMargins(0, 0, 0, 0)
        pattern_row.addWidget(self.file_pattern, 1)
        pattern_row.addWidget(self.default_pattern)
        self.example.setAccessibleName("Example file name")
        example_row = QWidget()
        example_layout = QHBoxLayout(example_row)
        example_layout.setContentsMargins(0, 0, 0, 0)
        example_layout.addWidget(QLabel("Example:"))
        example_layout.addWidget(self.example, 1)
        self._row(form, "&File name pattern:", self.file_pattern, "file_pattern",
                  row=pattern_row, below=(example_row, placeholders))
        folder_row = QHBoxLayout()
        folder_row.setContentsMargins(0, 0, 0, 0)
        folder_row.addWidget(self.export_folder, 1)
        folder_row.addWidget(self.choose_folder)
        self._row(form, "E&xport folder:", self.export_folder, "export_folder", row=folder_row,
                  below=(export_help,))
        self._row(form, "Data&base:", self.database_url, "database_url",
                  below=(self.database_where, database_help))

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)

        # the fields scroll, OK and Cancel never do: at 200% scaling on a 1920x1080 screen
        # (960x540) the fields are taller than the screen
        body = QWidget()
        body.setLayout(form)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.buttons)

        order = [self.user_name, self.clinician_name, self.gmc_number, self.practice_name,
                 self.practice_address, *self.routes.values(), self.file_pattern,
                 self.default_pattern, self.export_folder, self.choose_folder,
                 self.database_url, self.ok_button,
                 self.buttons.button(QDialogButtonBox.StandardButton.Cancel)]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

        for edit in (self.user_name, self.clinician_name, self.gmc_number, self.practice_name,
                     self.file_pattern, self.export_folder, self.database_url,
                     *self.routes.values()):
            edit.textChanged.connect(self._validate)
        self.practice_address.textChanged.connect(self._validate)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 90)
        self._validate()

    def _choose_folder(self) -> None:
        from forms import dialogs

        folder = dialogs.ask_folder(self, "Export folder", self.export_folder.text().strip())
        if folder:
            self.export_folder.setText(folder)

    def _line(self, name: str, accessible: str, text: str) -> QLineEdit:
        edit = QLineEdit(text)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        return edit

    def _row(self, form: QFormLayout, text: str, field: QWidget, name: str, *,
             row: QHBoxLayout | None = None, below: tuple[QWidget, ...] = ()) -> None:
        """Label (mnemonic, buddy) | field, its error message under it, then any help."""
        label = QLabel(text)
        label.setBuddy(field)
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if row is None:
            column.addWidget(field)
        else:
            column.addLayout(row)
        column.addWidget(self.errors[name])
        for widget in below:
            column.addWidget(widget)
        form.addRow(label, column)

    def _values(self) -> dict[str, str]:
        return {
            "user_name": self.user_name.text(),
            "clinician_name": self.clinician_name.text(),
            "gmc_number": self.gmc_number.text(),
            "practice_name": self.practice_name.text(),
            "practice_address": self.practice_address.toPlainText(),
            "file_pattern": self.file_pattern.text(),
            "export_folder": self.export_folder.text(),
            "database_url": self.database_url.text(),
            **{name: edit.text() for name, edit in self.routes.items()},
        }

    def _validate(self) -> bool:
        messages: dict[str, str] = {}
        settings = None
        try:
            settings = AppSettings.model_validate(self._values())
        except ValidationError as exc:
            for error in exc.errors():
                field = str(error["loc"][0]) if error["loc"] else "file_pattern"
                messages.setdefault(field, error["msg"])
        folder = self.export_folder.text().strip()
        if folder and not Path(folder).expanduser().is_dir():
            messages.setdefault("export_folder", f"There is no folder {folder}: create it, or "
                                "choose one with Choose\u2026 (empty: Export asks where).")
            settings = None
        for name, label in self.errors.items():
            label.setText(messages.get(name, ""))
            label.setVisible(name in messages)
            widget = getattr(self, name)
            widget.setAccessibleDescription(messages.get(name, ""))
        self.ok_button.setEnabled(settings is not None)
        if "file_pattern" in messages:
            self.example.setText("(no example while the pattern is not valid)")
        else:
            pattern = AppSettings.model_construct(file_pattern=self.file_pattern.text().strip())
            self.example.setText(export_file_name(pattern, self._example))
        if "database_url" in messages:
            self.database_where.setText("Stored in: (not known while the database URL is not valid)")
        else:
            self.database_where.setText("Stored in: " + database_shown(self.database_url.text()))
        self._fit()
        return settings is not None

    def _fit(self) -> None:
        """Grow (never shrink) so that wrapped messages are not squeezed over each other, up
        to the screen's height; beyond it the fields scroll and OK and Cancel stay in view."""
        layout = self.layout()
        if layout is None:
            return
        body = self.scroll.widget()
        body.layout().activate()
        width = max(self.width(), self.minimumWidth(), body.sizeHint().width() + 40)
        inner = body.layout()
        fields = inner.totalHeightForWidth(width) if inner.hasHeightForWidth() else \
            inner.totalSizeHint().height()
        margins = layout.contentsMargins()
        needed = (fields + self.buttons.sizeHint().height() + layout.spacing()
                  + margins.top() + margins.bottom())
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            needed = min(needed, screen.availableGeometry().height() - 40)
        if needed > self.height() or not self.isVisible():
            self.resize(width, max(needed, self.height() if self.isVisible() else 0))

    def accept(self) -> None:
        if self._validate():
            super().accept()

    def result_settings(self) -> AppSettings:
        """The settings as entered; raises pydantic's ValidationError if any is invalid."""
        return AppSettings.model_validate(self._values())


def edit_settings(parent: QWidget | None, settings: AppSettings) -> AppSettings | None:
    """Run the settings dialog; the new settings, or None if cancelled. Tests replace this."""
    dialog = SettingsDialog(settings, parent)
    try:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.result_settings()
        return None
    finally:
        dialog.deleteLater()


# --- style ----------------------------------------------------------------------------------


@functools.cache
def _style_text() -> str:
    return resources.path("style", "consult.qss").read_text(encoding="utf-8")


def _palette_is_dark() -> bool:
    app = QGuiApplication.instance()
    if app is None:
        return False
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def style_sheet(dark: bool | None = None) -> str:
    """The app's style sheet (resources/style/consult.qss) for a light or dark palette.

    With `dark` None the application's current palette decides. The accents swap to
    the partners the file lists as `@dark #light #dark`; apply the sheet again when
    the colour scheme changes (QStyleHints.colorSchemeChanged).
    """
    text = _style_text()
    if dark is None:
        dark = _palette_is_dark()
    if not dark:
        return text
    pairs = dict(re.findall(r"@dark\s+(#[0-9A-Fa-f]{6})\s+(#[0-9A-Fa-f]{6})", text))
    swaps = {light.upper(): shade for light, shade in pairs.items()}
    body = text[text.index("*/") + 2:] if pairs else text   # leave the legend as written
    return text[: len(text) - len(body)] + re.sub(
        r"#[0-9A-Fa-f]{6}\b", lambda m: swaps.get(m.group(0).upper(), m.group(0)), body)
