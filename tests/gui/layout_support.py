"""What a GP cannot read on screen: every visible piece of text that is cut off,
elided or hidden behind a scroll bar, measured with the widget's own font metrics.
(A read-only text box is a document to scroll through, such as the note preview: not
counted.)

    clipped(window)   # ["QLineEdit 'consultation.patient_location': text 640 px in 301 px", ...]

Looks at labels (one line: the text's advance against the width; word-wrapped: the
height the text needs at that width), line edits (the text, or the hint shown while
empty, against the room inside the frame), plain-text editors (a scroll bar with
somewhere to go; the hint while empty), combo boxes (the shown
choice against the room beside the arrow), buttons and check boxes (their size hint),
list widget items (each item's text against its rectangle) and table cells (the text
against the column). Only what is shown counts: hidden widgets, and items scrolled out
of a list, are skipped; a widget scrolled out of a scroll area still counts (scrolling
down shows it as it is).
"""

from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QStyle,
    QStyleOptionComboBox,
    QTableView,
    QWidget,
)

SLACK = 1   # pixels of rounding allowed


def _name(widget: QWidget) -> str:
    return f"{type(widget).__name__} {widget.objectName() or widget.accessibleName()!r}"


def _lines(text: str) -> list[str]:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").splitlines() or [""]


def _label(label: QLabel) -> str | None:
    text = label.text()
    if not text or (label.pixmap() is not None and not label.pixmap().isNull()):
        return None
    room = label.contentsRect()
    room.adjust(label.margin(), label.margin(), -label.margin(), -label.margin())
    if label.textFormat() == Qt.TextFormat.RichText or (QtGui.Qt.mightBeRichText(text)
                                                        and label.textFormat() != Qt.TextFormat.PlainText):
        return _rich_label(label, room)
    metrics = label.fontMetrics()
    shown = _lines(text) if label.buddy() is not None else text.splitlines() or [""]
    if label.wordWrap():
        flags = int(Qt.TextFlag.TextWordWrap)
        needed = metrics.boundingRect(QRect(0, 0, room.width(), 100_000), flags,
                                      "\n".join(shown)).height()
        if needed > room.height() + SLACK:
            return f"{_name(label)}: {needed} px of wrapped text in {room.height()} px"
        return None
    widest = max(metrics.horizontalAdvance(line) for line in shown)
    if widest > room.width() + SLACK:
        return f"{_name(label)}: text {widest} px in {room.width()} px: {text[:40]!r}"
    return None


def _rich_label(label: QLabel, room: QRect) -> str | None:
    """Rich text (bold words, colour): laid out as the label does, at its width."""
    document = QtGui.QTextDocument()
    document.setDefaultFont(label.font())
    document.setDocumentMargin(0)
    document.setHtml(label.text())
    if label.wordWrap():
        document.setTextWidth(room.width())
        needed = document.size().height()
        if needed > room.height() + SLACK:
            return f"{_name(label)}: {needed:.0f} px of wrapped text in {room.height()} px: " \
                   f"{document.toPlainText()[:40]!r}"
        return None
    needed = document.idealWidth()
    if needed > room.width() + SLACK:
        return f"{_name(label)}: text {needed:.0f} px in {room.width()} px: " \
               f"{document.toPlainText()[:40]!r}"
    return None


def _line_edit(edit: QLineEdit) -> str | None:
    text = edit.text() or edit.placeholderText()   # the hint shown while it is empty
    if not text or edit.echoMode() != QLineEdit.EchoMode.Normal:
        return None
    margins = edit.textMargins()
    # the frame and Qt's own horizontal margin inside a line edit (2 px each side)
    room = edit.contentsRect().width() - margins.left() - margins.right() - 4
    if edit.isClearButtonEnabled() and edit.text():
        room -= edit.height()   # the clear button (shown over text) takes about a square
    needed = edit.fontMetrics().horizontalAdvance(text)
    if needed > room + SLACK:
        return f"{_name(edit)}: text {needed} px in {room} px: {text[:40]!r}"
    return None


def _plain_text(editor: QPlainTextEdit) -> str | None:
    if editor.isReadOnly():
        return None   # a document to read through (the note preview): it scrolls by design
    hint = editor.placeholderText()
    if not editor.toPlainText() and hint:   # the hint shown while it is empty
        margin = int(editor.document().documentMargin())
        room = editor.viewport().rect().adjusted(margin, margin, -margin, -margin)
        needed = editor.fontMetrics().boundingRect(QRect(0, 0, room.width(), 100_000),
                                                   int(Qt.TextFlag.TextWordWrap), hint).height()
        if needed > room.height() + SLACK:
            return f"{_name(editor)}: hint {needed} px of wrapped text in {room.height()} px: " \
                   f"{hint[:40]!r}"
    for bar in (editor.verticalScrollBar(), editor.horizontalScrollBar()):
        if bar.maximum() > 0:
            return f"{_name(editor)}: its text scrolls ({bar.maximum()} lines hidden)"
    # the last line cut short without a scroll bar (the bar moves by whole lines)
    layout, block, needed = editor.document().documentLayout(), editor.document().begin(), 0.0
    while block.isValid():
        needed += layout.blockBoundingRect(block).height()
        block = block.next()
    needed += 2 * editor.document().documentMargin()
    if needed > editor.viewport().height() + SLACK:
        return f"{_name(editor)}: {needed:.0f} px of text in {editor.viewport().height()} px"
    return None


def _combo(combo: QComboBox) -> str | None:
    text = combo.currentText()
    if not text or combo.isEditable():
        return None
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                         QStyle.SubControl.SC_ComboBoxEditField, combo)
    needed = combo.fontMetrics().horizontalAdvance(text)
    if needed > field.width() + SLACK:
        return f"{_name(combo)}: choice {needed} px in {field.width()} px: {text[:40]!r}"
    return None


def _button(button: QAbstractButton) -> str | None:
    if not button.text():
        return None
    hint = button.sizeHint()
    if hint.width() > button.width() + SLACK:
        return f"{_name(button)}: needs {hint.width()} px, has {button.width()} px: " \
               f"{button.text()[:40]!r}"
    return None


def _list(view: QListWidget) -> list[str]:
    found = []
    viewport = view.viewport().rect()
    for row in range(view.count()):
        item = view.item(row)
        if item.isHidden():
            continue
        rect = view.visualItemRect(item)
        if not rect.intersects(viewport):
            continue   # scrolled out of sight: scrolling shows it whole (checked as shown)
        metrics = QFontMetrics(item.font())
        icon = view.iconSize().width() + 4 if not item.icon().isNull() else 0
        room = QRect(rect.adjusted(icon + 3, 0, -3, 0))   # the item's own margins
        if view.wordWrap():
            needed = metrics.boundingRect(QRect(0, 0, room.width(), 100_000),
                                          int(Qt.TextFlag.TextWordWrap), item.text()).height()
            if needed > rect.height() + SLACK or rect.right() > viewport.right() + SLACK:
                found.append(f"{_name(view)} item {row}: {item.text()[:40]!r} wraps to "
                             f"{needed} px in {rect.height()} px")
            continue
        needed = max(metrics.horizontalAdvance(line) for line in item.text().splitlines() or [""])
        if needed > room.width() + SLACK or rect.right() > viewport.right() + SLACK:
            found.append(f"{_name(view)} item {row}: text {needed} px in {room.width()} px: "
                         f"{item.text()[:40]!r}")
    return found


def _table(view: QTableView) -> list[str]:
    found = []
    model, header = view.model(), view.horizontalHeader()
    for column in range(model.columnCount()):
        if view.isColumnHidden(column):
            continue
        width = header.sectionSize(column)
        for row in range(model.rowCount()):
            index = model.index(row, column)
            text = index.data()
            if not isinstance(text, str) or not text:
                continue
            font = index.data(Qt.ItemDataRole.FontRole)
            metrics = QFontMetrics(font if isinstance(font, QFont) else view.font())
            needed = metrics.horizontalAdvance(text) + 6   # the cell's margins
            if needed > width + SLACK:
                found.append(f"{_name(view)} row {row} column {column}: text {needed} px in "
                             f"{width} px: {text[:40]!r}")
    if view.horizontalScrollBar().maximum() > 0:
        found.append(f"{_name(view)}: scrolls sideways ({view.horizontalScrollBar().maximum()} px)")
    return found


def clipped(window: QWidget, *, skip: tuple[QWidget, ...] = ()) -> list[str]:
    """Every piece of text shown in `window` that a GP cannot read whole (see above);
    widgets inside `skip` are left out."""
    found: list[str] = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.width() <= 0:
            continue
        if any(widget is s or s.isAncestorOf(widget) for s in skip):
            continue
        problem: str | list[str] | None = None
        if isinstance(widget, QLabel):
            problem = _label(widget)
        elif isinstance(widget, QLineEdit):
            problem = _line_edit(widget)
        elif isinstance(widget, QPlainTextEdit):
            problem = _plain_text(widget)
        elif isinstance(widget, QComboBox):
            problem = _combo(widget)
        elif isinstance(widget, QAbstractButton):
            problem = _button(widget)
        elif isinstance(widget, QListWidget):
            problem = _list(widget)
        elif isinstance(widget, QTableView):
            problem = _table(widget)
        if isinstance(problem, list):
            found += problem
        elif problem:
            found.append(problem)
    return found
