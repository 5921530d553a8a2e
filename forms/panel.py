"""The live assessment panel: disposition, fired rows, scores, plan checklist, note preview.

Shown beside the form and updated on every answer. It presents what `consult`
decided (`assess`, the rule set's words, `consult.rules.plan`) and edits only
`record.plan`: ticking, unticking, editing and adding plan items, accepting the
suggested plan and confirming it. Every change to the plan emits `planChanged`.

Words come from the rule set (the headline with the most urgent fired row's
deadline, band titles, the unscreened warning, `consult.rules.ruleset.deadline_words` for
time limits), so the panel says what the note says. State is shown by words and
icons as well as colour; colours are only accents (bars and band words) chosen for
the current palette, light or dark.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from pydantic import ValidationError
from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFontDatabase,
    QPainter,
    QPalette,
    QResizeEvent,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from consult.record.answers import Band, Category
from consult.record.model import PlanItem, Record
from consult.rules import plan as core_plan
from consult.rules import screening
from consult.rules.assessment import Assessment, FiredRow, Suggestion
from consult.rules.ruleset import RuleSet, deadline_words, load

OWN_REASON = "GP's own item"
STILL_TO_ASK_SHOWN = 3

STATUS_CONFIRMED = "Plan confirmed"
STATUS_NOT_CONFIRMED = "Not confirmed"
STATUS_STALE = "Answers changed since the plan was confirmed: confirm again"

# Accent colours per level: (on a light window, on a dark window). Used for bars and
# the band's own words only; backgrounds stay the palette's.
_ACCENTS = {
    "emergency": ("#c62828", "#ff6b6b"),
    "urgent": ("#d84315", "#ff9e5e"),
    "soon": ("#9a6700", "#f2c14e"),
    "unscreened": ("#9a6700", "#f2c14e"),
    "routine": ("#2e7d32", "#7bc67e"),
    "outside": ("#616161", "#b0b0b0"),
}
_ICONS = {
    "emergency": QStyle.StandardPixmap.SP_MessageBoxCritical,
    "urgent": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "soon": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "unscreened": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "routine": QStyle.StandardPixmap.SP_MessageBoxInformation,
    "outside": QStyle.StandardPixmap.SP_MessageBoxInformation,
}
_CATEGORY_WORDS = {Category.SELF_CARE: "Self-care", Category.MEDICINE: "Medicine",
                   Category.INVESTIGATION: "Investigation", Category.REFERRAL: "Referral",
                   Category.SAFETY_NETTING: "Safety-netting", Category.FOLLOW_UP: "Follow-up"}
_STRATUM_WORDS = {"low": "Low risk", "medium": "Medium risk", "high": "High risk"}

MarkerRole = Qt.ItemDataRole.UserRole + 1  # "edited", "your own item", "no longer suggested"


def _is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _set_bar_colour(bar: QFrame, colour: str) -> None:
    pal = bar.palette()
    pal.setColor(QPalette.ColorRole.Window, QColor(colour))
    bar.setPalette(pal)


def _accent_bar() -> QFrame:
    bar = QFrame()
    bar.setObjectName("accentBar")
    bar.setFixedWidth(5)
    bar.setAutoFillBackground(True)
    bar.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
    return bar


# ---------------------------------------------------------------------------
# Plan rows


@dataclass(frozen=True)
class _Row:
    """One line of the checklist: a current suggestion and/or a plan item."""

    key: str
    text: str
    ticked: bool
    marker: str  # "", "edited", "your own item", "no longer suggested"
    detail: str  # rich text for the detail label
    tooltip: str  # plain text
    suggestion: Suggestion | None
    item: PlanItem | None  # the plan item (ticked) or the GP's version put aside (unticked)


def _key(item: PlanItem) -> str:
    return f"s:{item.suggestion_id}" if item.suggestion_id is not None else f"o:{id(item)}"


def _describe(category: Category, reason: str, source: str, marker: str,
              own: bool) -> tuple[str, str]:
    """(rich detail, plain tooltip) for one plan row."""
    origin = "Your own item" if own else "Suggested"
    if marker == "edited":
        origin = "Suggested, edited by you"
    elif marker == "no longer suggested":
        origin = "No longer suggested by the current answers: untick it to take it out of the plan"
    head = f"{_CATEGORY_WORDS.get(category, str(category))} \u00b7 {origin}"
    lines = [("", head)]
    if reason and not own:
        lines.append(("Why: ", reason))
    if source:
        lines.append(("Source: ", source))
    rich = "<br>".join(f"<b>{_esc(label)}</b>{_esc(text)}" if label else _esc(text)
                       for label, text in lines)
    return rich, "\n".join(label + text for label, text in lines)


class _PlanDelegate(QStyledItemDelegate):
    """Wrapped item text measured and drawn with one rule, so no line is ever elided;
    the item's marker ("edited", "no longer suggested") follows its text without being
    part of the editable text."""

    MARGIN = 3

    def initStyleOption(self, option: QStyleOptionViewItem,
                        index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        marker = index.data(MarkerRole)
        if marker:
            option.text = f"{option.text}  [{marker}]"  # type: ignore[attr-defined]

    def _text_rect(self, option: QStyleOptionViewItem) -> QRect:
        widget = option.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else QApplication.style()
        return style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, widget) \
            .adjusted(self.MARGIN, self.MARGIN, -self.MARGIN, -self.MARGIN)

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        view = opt.widget  # type: ignore[attr-defined]
        width = 300
        if isinstance(view, QListWidget):  # items as wide as the view: wrap to its width
            width = max(view.viewport().width() - 2 * view.spacing(), 100)
        opt.rect = QRect(0, 0, width, 10_000)  # type: ignore[attr-defined]
        rect = self._text_rect(opt)
        text = opt.fontMetrics.boundingRect(  # type: ignore[attr-defined]
            QRect(0, 0, rect.width(), 10_000), _WRAP, opt.text)  # type: ignore[attr-defined]
        base = super().sizeHint(option, index)
        return QSize(width, max(base.height(), text.height() + 2 * self.MARGIN + 2))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text  # type: ignore[attr-defined]
        text_rect = self._text_rect(opt)  # measured with the text, as in sizeHint
        opt.text = ""  # type: ignore[attr-defined]
        widget = opt.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        group = QPalette.ColorGroup.Normal if opt.state & QStyle.StateFlag.State_Active \
            else QPalette.ColorGroup.Inactive  # type: ignore[attr-defined]
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setPen(opt.palette.color(group, role))  # type: ignore[attr-defined]
        painter.setFont(opt.font)  # type: ignore[attr-defined]
        painter.drawText(text_rect, _WRAP, text)
        painter.restore()


_WRAP = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter) | int(Qt.TextFlag.TextWordWrap)


class _FitScroll(QScrollArea):
    """A scroll area as tall as its contents, up to a share of the panel's height."""

    SHARE = 0.45

    def sizeHint(self) -> QSize:
        inner = self.widget()
        height = 0
        if inner is not None:
            # Measured as if the scroll bar were showing, so that it need not show.
            width = self.width() - 2 * self.frameWidth() - self.verticalScrollBar().sizeHint().width()
            height = inner.heightForWidth(width) if inner.hasHeightForWidth() and width > 50 \
                else inner.sizeHint().height()
        parent = self.parentWidget()
        if parent is not None and parent.height() > 0:
            height = min(height, int(parent.height() * self.SHARE))
        return QSize(super().sizeHint().width(), height + 2 * self.frameWidth())

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), min(self.sizeHint().height(), 60))

    def setWidget(self, widget: QWidget) -> None:
        super().setWidget(widget)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the contents changed height: ask for room again
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()


# ---------------------------------------------------------------------------


class AssessmentPanel(QWidget):
    """Beside the form: what the rules say now, the plan the GP makes of it, the note."""

    planChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("assessmentPanel")
        self._rules: RuleSet = load()
        self._record: Record | None = None
        self._assessment: Assessment | None = None
        self._preview_text = ""
        self._level = ""
        self._fired: list[FiredRow] | None = None
        self._rows: list[_Row] = []
        self._aside: dict[str, tuple[PlanItem, int]] = {}  # unticked GP versions, former index
        self._order: dict[str, int] = {}  # first-seen order of rows beyond the suggestions
        self._in_list_signal = False
        self._resync_pending = False
        self._locked = False
        self._build()

    # -- construction --------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(6)

        # 1. Disposition: always visible, outside the splitter.
        box = QFrame()
        box.setObjectName("dispositionBox")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 8, 0)
        self._disposition_bar = _accent_bar()
        row.addWidget(self._disposition_bar)
        self._disposition_icon = QLabel()
        self._disposition_icon.setObjectName("dispositionIcon")
        self._disposition_icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self._disposition_icon.setContentsMargins(4, 8, 0, 0)
        row.addWidget(self._disposition_icon)
        text_col = QVBoxLayout()
        text_col.setContentsMargins(4, 6, 0, 6)
        self._disposition = QLabel()
        self._disposition.setObjectName("disposition")
        self._disposition.setTextFormat(Qt.TextFormat.RichText)
        self._disposition.setWordWrap(True)
        self._disposition.setAccessibleName("Disposition")
        self._disposition.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text_col.addWidget(self._disposition)
        self._still_to_ask = QLabel()
        self._still_to_ask.setObjectName("stillToAsk")
        self._still_to_ask.setWordWrap(True)
        self._still_to_ask.setAccessibleName("Red-flag questions still to ask")
        text_col.addWidget(self._still_to_ask)
        row.addLayout(text_col, 1)
        outer.addWidget(box)

        # 2-3. Fired rows and scores, scrolling.
        findings = QWidget()
        fcol = QVBoxLayout(findings)
        fcol.setContentsMargins(0, 0, 4, 0)
        fcol.setSpacing(6)
        self._fired_rows = QWidget()
        self._fired_rows.setObjectName("firedRows")
        self._fired_rows.setAccessibleName("Rules fired, most urgent first")
        self._fired_layout = QVBoxLayout(self._fired_rows)
        self._fired_layout.setContentsMargins(0, 0, 0, 0)
        self._fired_layout.setSpacing(6)
        fcol.addWidget(self._fired_rows)
        self._startback = QLabel()
        self._startback.setObjectName("startbackResult")
        self._startback.setWordWrap(True)
        self._startback.setTextFormat(Qt.TextFormat.RichText)
        self._startback.setAccessibleName("STarT Back result")
        self._startback.hide()
        fcol.addWidget(self._startback)
        self._ng65 = QLabel()
        self._ng65.setObjectName("ng65Result")
        self._ng65.setWordWrap(True)
        self._ng65.setTextFormat(Qt.TextFormat.RichText)
        self._ng65.setAccessibleName("NG65 result")
        self._ng65.hide()
        fcol.addWidget(self._ng65)
        fcol.addStretch(1)
        scroll = _FitScroll()
        scroll.setObjectName("findingsScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(findings)
        scroll.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._findings_scroll = scroll
        outer.addWidget(scroll)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("panelSplitter")
        splitter.setChildrenCollapsible(False)
        outer.addWidget(splitter, 1)

        # 4. The plan checklist.
        plan_box = QWidget()
        pcol = QVBoxLayout(plan_box)
        pcol.setContentsMargins(0, 0, 0, 0)
        pcol.setSpacing(4)
        head = QHBoxLayout()
        plan_label = QLabel("Pla&n")
        _bold(plan_label)
        self._plan_count = QLabel()
        self._plan_count.setObjectName("planCount")
        head.addWidget(plan_label)
        head.addWidget(self._plan_count)
        head.addStretch(1)
        self._accept = QPushButton("&Accept suggested plan")
        self._accept.setObjectName("acceptPlan")
        self._accept.setAccessibleName("Accept suggested plan")
        self._accept.setToolTip("Tick every current suggestion (your own items are kept)")
        self._accept.clicked.connect(self._accept_plan)
        head.addWidget(self._accept)
        pcol.addLayout(head)

        self._list = QListWidget()
        self._list.setObjectName("planList")
        self._list.setAccessibleName("Suggested plan")
        self._list.setAccessibleDescription(
            "Ticked items are in the plan. Space ticks or unticks the current item; "
            "F2 edits its text.")
        self._list.setWordWrap(True)
        self._list.setUniformItemSizes(False)
        self._list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self._list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self._list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # A constant width keeps wrapped items measured right (no elided last line).
        self._list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self._list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._list.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self._list.setItemDelegate(_PlanDelegate(self._list))
        self._list.setMinimumHeight(120)
        self._list.setAlternatingRowColors(True)
        self._list.setSpacing(1)
        plan_label.setBuddy(self._list)
        self._list.itemChanged.connect(self._item_changed)
        self._list.currentRowChanged.connect(self._show_detail)
        pcol.addWidget(self._list, 1)

        self._detail = QLabel()
        self._detail.setObjectName("planDetail")
        self._detail.setWordWrap(True)
        self._detail.setTextFormat(Qt.TextFormat.RichText)
        self._detail.setAccessibleName("Why and source of the selected plan item")
        self._detail.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        pcol.addWidget(self._detail)

        own = QHBoxLayout()
        own_label = QLabel("Own &item:")
        self._own = QLineEdit()
        self._own.setObjectName("ownItem")
        self._own.setAccessibleName("Own plan item")
        self._own.setPlaceholderText("Add your own plan item")
        self._own.setMaxLength(2000)
        own_label.setBuddy(self._own)
        self._own.returnPressed.connect(self._add_own)
        self._add = QPushButton("A&dd")
        self._add.setObjectName("addOwnItem")
        self._add.setAccessibleName("Add own plan item")
        self._add.clicked.connect(self._add_own)
        own.addWidget(own_label)
        own.addWidget(self._own, 1)
        own.addWidget(self._add)
        pcol.addLayout(own)

        confirm = QHBoxLayout()
        self._confirm = QPushButton("&Confirm plan")
        self._confirm.setObjectName("confirmPlan")
        self._confirm.setAccessibleName("Confirm plan")
        self._confirm.setToolTip("Record that you have reviewed this plan against the "
                                 "current answers")
        self._confirm.clicked.connect(self._confirm_plan)
        self._status = QLabel(STATUS_NOT_CONFIRMED)
        self._status.setObjectName("planStatus")
        self._status.setWordWrap(True)
        self._status.setAccessibleName("Plan status")
        confirm.addWidget(self._confirm)
        confirm.addWidget(self._status, 1)
        pcol.addLayout(confirm)
        splitter.addWidget(plan_box)

        # 5. Note preview.
        preview_box = QWidget()
        vcol = QVBoxLayout(preview_box)
        vcol.setContentsMargins(0, 0, 0, 0)
        vcol.setSpacing(2)
        preview_label = QLabel("Note preview")
        _bold(preview_label)
        vcol.addWidget(preview_label)
        self._preview = QPlainTextEdit()
        self._preview.setObjectName("preview")
        self._preview.setReadOnly(True)
        self._preview.setUndoRedoEnabled(False)
        self._preview.setTabChangesFocus(True)
        # the text as it pastes into a clinical system: fixed width, lines as written
        self._preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self._preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self._preview.setAccessibleName("Note preview")
        self._preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                              | Qt.TextInteractionFlag.TextSelectableByMouse)
        vcol.addWidget(self._preview, 1)
        splitter.addWidget(preview_box)

        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([600, 400])

        for first, second in zip(self.tab_widgets(), self.tab_widgets()[1:], strict=False):
            QWidget.setTabOrder(first, second)

        self._set_plan_enabled(False)
        self._restyle()

    # -- public interface ----------------------------------------------------

    def set_record(self, record: Record) -> None:
        """The live record; the panel edits `record.plan` in place."""
        self._record = record
        self._aside.clear()
        self._order.clear()
        self._set_plan_enabled(True)
        self._sync_plan()

    def show_assessment(self, assessment: Assessment, preview_text: str) -> None:
        """Show a new assessment and note preview. Only what changed is redrawn."""
        self._assessment = assessment
        self._show_disposition(assessment)
        resized = False
        if assessment.fired != self._fired:
            self._fired = list(assessment.fired)
            self._show_fired(assessment)
            resized = True
        resized = self._show_scores(assessment) or resized
        if resized:
            self._findings_scroll.widget().layout().activate()
            self._findings_scroll.updateGeometry()
        self._sync_plan()
        self._show_preview(preview_text)

    def set_locked(self, locked: bool) -> None:
        """A finalised note: the plan can be read but not changed (the preview stays
        selectable, so the note can still be copied)."""
        self._locked = locked
        self._set_plan_enabled(self._record is not None)
        self._sync_plan()

    def tab_widgets(self) -> list[QWidget]:
        """The panel's inputs in visual order (Accept sits above the list it fills)."""
        return [self._accept, self._list, self._own, self._add, self._confirm, self._preview]

    def preview_text(self) -> str:
        return self._preview_text

    # -- disposition ---------------------------------------------------------

    def _show_disposition(self, a: Assessment) -> None:
        rules = self._rules
        unscreened = f"{rules.unscreened.title} - {rules.unscreened.meaning}"
        outside = any(r.kind == "outside" for r in a.fired)
        lines: list[tuple[str, str]] = []  # (level, words)
        # the headline: 'URGENT - within 24 hours', the most urgent fired row's deadline,
        # never only the band's general range; while unscreened the warning is a line
        # of its own below it
        level = "outside" if outside and a.band is Band.ROUTINE else a.band.value
        if a.red_flags_screened:
            lines.append((level, a.headline))
        else:
            if a.band is not Band.ROUTINE or outside:
                lines.append((level, rules.headline(a.band, a.within, outside=outside)))
            lines.append(("unscreened", unscreened))
        level = lines[0][0]
        dark = _is_dark(self.palette())
        parts = []
        for n, (lvl, words) in enumerate(lines):
            size = "font-size:large; " if n == 0 else ""
            parts.append(f'<span style="{size}font-weight:600; color:{_ACCENTS[lvl][dark]}">'
                         f"{_esc(words)}</span>")
        rich = "<br>".join(parts)
        if rich != self._disposition.text():
            self._disposition.setText(rich)
            plain = ". ".join(w for _, w in lines)
            self._disposition.setAccessibleDescription(plain)
        if level != self._level:
            self._level = level
            self._disposition_icon.setPixmap(self.style().standardIcon(_ICONS[level]).pixmap(32, 32))
            self._disposition_icon.setAccessibleName(level)
            _set_bar_colour(self._disposition_bar, _ACCENTS[level][dark])
        if a.red_flags_screened:
            still = ""
        else:
            labels = [screening.question(p) for p in a.unscreened]
            shown = "; ".join(labels[:STILL_TO_ASK_SHOWN])
            more = len(labels) - STILL_TO_ASK_SHOWN
            still = f"Still to ask ({len(labels)}): {shown}" + (f"; and {more} more" if more > 0 else "")
        if still != self._still_to_ask.text():
            self._still_to_ask.setText(still)
            self._still_to_ask.setVisible(bool(still))

    # -- fired rows ----------------------------------------------------------

    def _show_fired(self, a: Assessment) -> None:
        while self._fired_layout.count():
            child = self._fired_layout.takeAt(0).widget()
            if child is not None:
                child.hide()
                child.setParent(None)  # gone from findChildren now, not at the next event loop
                child.deleteLater()
        if not a.fired:
            none = QLabel("No rule has fired on the answers so far.")
            none.setObjectName("noFiredRows")
            none.setWordWrap(True)
            self._fired_layout.addWidget(none)
            none.show()
            return
        dark = _is_dark(self.palette())
        for row in a.fired:
            frame = self._fired_row(a, row, dark)
            self._fired_layout.addWidget(frame)
            frame.show()  # now, not at the next event loop: the area sizes to it at once

    def fired_text(self) -> str:
        """The fired rows as plain text, as shown (for tests and screen readers)."""
        labels = self._fired_rows.findChildren(QLabel)
        return "\n".join(_strip_tags(label.text()) for label in labels)

    def _fired_row(self, a: Assessment, row: FiredRow, dark: bool) -> QFrame:
        level = row.band.value if row.band else "outside"
        if row.band is Band.ROUTINE and not a.red_flags_screened:
            level = "unscreened"
        colour = _ACCENTS[level][dark]
        if row.band is None:
            label = "Outside this pathway"
        elif row.band is Band.ROUTINE and not a.red_flags_screened:
            label = "Red flags not fully screened"
        else:
            # the row's own band and deadline, as the note's box labels it
            label = self._rules.headline(row.band, row.within)
        if row.kind == "outside" and row.band is not None:
            label = f"Outside this pathway \u00b7 {label}"
        when = deadline_words(row.within)
        kind = {"strong": "Red flag", "weak": "Weak red flag", "ng65": "NICE NG65",
                "referral": "Referral", "outside": "Outside this pathway"}.get(row.kind, row.kind)
        lines = [
            f'<span style="color:{colour}; font-weight:600">{_esc(label)}</span>'
            f" \u00b7 <b>{_esc(row.suspected)}</b>",
            f"<b>Action:</b> {_esc(row.action)}",
            f"<b>How soon:</b> {_esc(when)}",
        ]
        if row.findings:
            lines.append(f"<b>Found:</b> {_esc('; '.join(row.findings))}")
        frame = QFrame()
        frame.setObjectName("firedRow")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        frame.setProperty("level", level)
        lay = QHBoxLayout(frame)
        lay.setContentsMargins(0, 0, 6, 0)
        lay.setSpacing(6)
        bar = _accent_bar()
        _set_bar_colour(bar, colour)
        lay.addWidget(bar)
        text = QLabel("<br>".join(lines))
        text.setObjectName(f"firedRow-{row.id}")
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setWordWrap(True)
        text.setContentsMargins(0, 4, 0, 4)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.setToolTip(f"{kind}. Source: {row.source}")
        text.setAccessibleName(f"{label}: {row.suspected}")
        text.setAccessibleDescription(
            f"Action: {row.action} How soon: {when}."
            + (f" Found: {'; '.join(row.findings)}." if row.findings else ""))
        lay.addWidget(text, 1)
        return frame

    # -- scores --------------------------------------------------------------

    def _show_scores(self, a: Assessment) -> bool:
        """Show STarT Back and NG65 results when they apply; True if anything changed."""
        changed = False
        sb = a.startback
        text = ""
        if sb is not None:
            text = (f"<b>STarT Back:</b> {_esc(_STRATUM_WORDS.get(sb.stratum, sb.stratum))} "
                    f"(total {sb.total} of 9, distress {sb.distress} of 5)<br>"
                    f"Matched care: {_esc(sb.matched_care)}")
        if text != self._startback.text():
            self._startback.setText(text)
            self._startback.setAccessibleDescription(_strip_tags(text.replace("<br>", " ")))
            self._startback.setVisible(bool(text))
            changed = True
        ng = a.ng65
        text = ""
        if ng is not None:
            text = (f"<b>NG65 criteria:</b> {ng.count} of 9 met"
                    + (f", {len(ng.not_asked)} not asked" if ng.not_asked else "")
                    + f"<br>{_esc(ng.outcome)}")
        if text != self._ng65.text():
            self._ng65.setText(text)
            self._ng65.setAccessibleDescription(_strip_tags(text.replace("<br>", " ")))
            self._ng65.setVisible(bool(text))
            changed = True
        return changed

    # -- preview -------------------------------------------------------------

    def _show_preview(self, text: str) -> None:
        """Replace only the part of the text that changed: the view keeps its place,
        and a long note is not laid out again on every answer."""
        old = self._preview_text
        if text == old:
            return
        self._preview_text = text
        if not old:
            self._preview.setPlainText(text)
            return
        start = _common(old, text, min(len(old), len(text)), suffix=False)
        end = _common(old, text, min(len(old), len(text)) - start, suffix=True)
        cursor = QTextCursor(self._preview.document())
        cursor.setPosition(_units(old[:start]))
        cursor.setPosition(_units(old[:len(old) - end]), QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(text[start:len(text) - end])

    # -- plan rows -----------------------------------------------------------

    def _set_plan_enabled(self, on: bool) -> None:
        for w in (self._list, self._accept, self._own, self._add, self._confirm):
            w.setEnabled(on and not self._locked)

    def _compute_rows(self) -> list[_Row]:
        record = self._record
        if record is None:
            return []
        items = record.plan.items
        suggestions = self._assessment.suggestions if self._assessment else []
        by_key = {}
        for item in items:
            by_key.setdefault(_key(item), item)
        rows = []
        suggested = set()
        for s in suggestions:
            key = f"s:{s.id}"
            suggested.add(key)
            item = by_key.get(key)
            ticked = item is not None
            shown = item if item is not None else self._aside.get(key, (None, 0))[0]
            edited = shown is not None and shown.edited
            marker = "edited" if edited else ""
            text = shown.text if shown is not None else s.text
            reason = shown.reason if shown is not None else s.reason
            source = shown.source if shown is not None else s.source
            category = shown.category if shown is not None else s.category
            detail, tip = _describe(category, reason, source, marker, own=False)
            rows.append(_Row(key, text, ticked, marker, detail, tip, s, shown))
        extra: list[tuple[str, PlanItem, bool]] = []
        for item in items:
            key = _key(item)
            if key not in suggested and by_key.get(key) is item:
                extra.append((key, item, True))
        for key, (item, _at) in self._aside.items():
            if key not in suggested and key not in by_key:
                extra.append((key, item, False))
        for key, _item, _t in extra:
            self._order.setdefault(key, len(self._order))
        extra.sort(key=lambda e: self._order[e[0]])
        for key, item, ticked in extra:
            own = item.suggestion_id is None
            marker = "your own item" if own else "no longer suggested"
            detail, tip = _describe(item.category, item.reason, item.source, marker, own)
            rows.append(_Row(key, item.text, ticked, marker, detail, tip, None, item))
        return rows

    def _sync_plan(self) -> None:
        """Bring the checklist and status in line with the record; touch only what changed."""
        rows = self._compute_rows()
        old_keys = [r.key for r in self._rows]
        new_keys = [r.key for r in rows]
        if old_keys != new_keys and self._in_list_signal:
            # Never remove or reorder items while the list is emitting a signal for one.
            if not self._resync_pending:
                self._resync_pending = True
                QTimer.singleShot(0, self._deferred_sync)
        elif rows != self._rows:
            self._apply_rows(rows, old_keys)
        self._show_status()
        ticked = sum(r.ticked for r in self._rows)
        count = f"({ticked} of {len(self._rows)} ticked)" if self._rows else ""
        if count != self._plan_count.text():
            self._plan_count.setText(count)
        can_accept = self._record is not None and not self._locked and bool(
            self._assessment and self._assessment.suggestions)
        if can_accept != self._accept.isEnabled():
            self._accept.setEnabled(can_accept)

    def _deferred_sync(self) -> None:
        self._resync_pending = False
        self._sync_plan()

    def _apply_rows(self, rows: list[_Row], old_keys: list[str], force: bool = False) -> None:
        lst = self._list
        current = lst.currentRow()
        current_key = old_keys[current] if 0 <= current < len(old_keys) else None
        lst.blockSignals(True)
        try:
            while lst.count() > len(rows):
                lst.takeItem(lst.count() - 1)
            flags = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                     | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEditable)
            for n, row in enumerate(rows):
                if n < lst.count():
                    it = lst.item(n)
                else:
                    it = QListWidgetItem()
                    it.setFlags(flags)
                    it.setCheckState(Qt.CheckState.Unchecked)  # shows the box from the start
                    lst.addItem(it)
                if not force and n < len(self._rows) and self._rows[n] == row:
                    continue
                if it.text() != row.text:
                    it.setText(row.text)
                state = Qt.CheckState.Checked if row.ticked else Qt.CheckState.Unchecked
                if it.checkState() != state:
                    it.setCheckState(state)
                it.setData(MarkerRole, row.marker)
                it.setToolTip(row.tooltip)
                it.setData(Qt.ItemDataRole.AccessibleTextRole,
                           row.text + (f" ({row.marker})" if row.marker else ""))
                it.setData(Qt.ItemDataRole.AccessibleDescriptionRole, row.tooltip)
            self._rows = rows
            if current_key is not None:
                keys = [r.key for r in rows]
                target = keys.index(current_key) if current_key in keys else min(current,
                                                                                  len(rows) - 1)
                if target != lst.currentRow():
                    lst.setCurrentRow(target)
        finally:
            lst.blockSignals(False)
        self._show_detail(lst.currentRow())

    def _show_detail(self, n: int) -> None:
        text = self._rows[n].detail if 0 <= n < len(self._rows) else (
            "Select an item to see why it is suggested and its source." if self._rows else "")
        if text != self._detail.text():
            self._detail.setText(text)

    def _show_status(self) -> None:
        record, a = self._record, self._assessment
        if record is None or not record.plan.confirmed:
            text = STATUS_NOT_CONFIRMED
        elif a is not None and core_plan.is_stale(record, a):
            text = STATUS_STALE
        else:
            text = STATUS_CONFIRMED
        if text != self._status.text():
            self._status.setText(text)
            self._status.setAccessibleDescription(text)
            self._restyle_status()

    # -- plan edits ----------------------------------------------------------

    def _changed(self) -> None:
        self._sync_plan()
        self.planChanged.emit()

    def _item_changed(self, widget_item: QListWidgetItem) -> None:
        n = self._list.row(widget_item)
        if self._record is None or not 0 <= n < len(self._rows):
            return
        row = self._rows[n]
        ticked = widget_item.checkState() == Qt.CheckState.Checked
        text = widget_item.text()
        self._in_list_signal = True
        try:
            changed = False
            if text != row.text:
                changed = self._edit(row, text) or changed
            if ticked != row.ticked:
                self._rows[n] = row = self._compute_row_after_edit(row)
                changed = self._tick(row, ticked) or changed
            if changed:
                self._changed()
            else:  # refused (empty text) or kept aside: show the record's state again
                self._apply_rows(self._compute_rows(), [r.key for r in self._rows], force=True)
        finally:
            self._in_list_signal = False

    def _compute_row_after_edit(self, row: _Row) -> _Row:
        for r in self._compute_rows():
            if r.key == row.key:
                return r
        return row

    def _edit(self, row: _Row, text: str) -> bool:
        assert self._record is not None
        text = text.strip()
        if not text:
            return False
        item = row.item
        try:
            if item is None:  # an unticked suggestion never touched: keep the GP's version aside
                s = row.suggestion
                assert s is not None
                item = PlanItem(suggestion_id=s.id, text=text, reason=s.reason, source=s.source,
                                category=s.category, edited=text != s.text)
                self._aside[row.key] = (item, len(self._record.plan.items))
                return False
            item.text = text
            if item.suggestion_id is not None:
                original = row.suggestion.text if row.suggestion else None
                item.edited = True if original is None else text != original
        except ValidationError:
            return False
        # Reassign so the change goes through the plan's validation too.
        self._record.plan.items = list(self._record.plan.items)
        return row.ticked

    def _tick(self, row: _Row, on: bool) -> bool:
        assert self._record is not None
        items = list(self._record.plan.items)
        if not on:
            at = next((i for i, it in enumerate(items) if _key(it) == row.key), None)
            if at is None:
                return False
            self._aside[row.key] = (items.pop(at), at)
        else:
            aside = self._aside.pop(row.key, None)
            if aside is not None:
                item, at = aside
            else:
                s = row.suggestion
                assert s is not None
                item = PlanItem(suggestion_id=s.id, text=s.text, reason=s.reason,
                                source=s.source, category=s.category)
                at = len(items)
            items.insert(self._insert_at(items, item, at), item)
        self._record.plan.items = items
        return True

    def _insert_at(self, items: list[PlanItem], item: PlanItem, former: int) -> int:
        """Where a ticked item goes: in suggestion order before the GP's own items."""
        order = {s.id: n for n, s in enumerate(self._assessment.suggestions)} \
            if self._assessment else {}
        if item.suggestion_id is None or item.suggestion_id not in order:
            return min(former, len(items))
        mine = order[item.suggestion_id]
        for n, other in enumerate(items):
            theirs = order.get(other.suggestion_id) if other.suggestion_id else None
            if other.suggestion_id is None or (theirs is not None and theirs > mine):
                return n
        return len(items)

    def _accept_plan(self) -> None:
        if self._record is None or self._assessment is None:
            return
        core_plan.accept_suggestions(self._record, self._assessment)
        self._aside = {k: v for k, v in self._aside.items() if k.startswith("o:")}
        self._changed()

    def _add_own(self) -> None:
        if self._record is None:
            return
        text = self._own.text().strip()
        if not text:
            return
        try:
            item = PlanItem(suggestion_id=None, text=text, reason=OWN_REASON,
                            category=Category.FOLLOW_UP)
        except ValidationError:
            return
        self._record.plan.items = [*self._record.plan.items, item]
        self._own.clear()
        self._changed()
        self._list.blockSignals(True)
        self._list.setCurrentRow(len(self._rows) - 1)
        self._list.blockSignals(False)
        self._show_detail(self._list.currentRow())

    def _confirm_plan(self) -> None:
        if self._record is None or self._assessment is None:
            return
        core_plan.confirm(self._record, self._assessment)
        self._changed()

    # -- look ----------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._restyle()

    def _restyle(self) -> None:
        """Colours follow the palette: redraw the accents for light or dark."""
        self._restyle_status()
        if self._assessment is not None:
            self._level = ""
            self._disposition.setText("")
            self._show_disposition(self._assessment)
            self._show_fired(self._assessment)

    def _restyle_status(self) -> None:
        stale = self._status.text() == STATUS_STALE
        font = self._status.font()
        font.setBold(stale or self._status.text() == STATUS_CONFIRMED)
        self._status.setFont(font)
        role = QPalette.ColorRole.WindowText
        pal = self.palette()
        if stale:
            pal.setColor(role, QColor(_ACCENTS["unscreened"][_is_dark(pal)]))
        self._status.setPalette(pal)


def _common(a: str, b: str, limit: int, *, suffix: bool) -> int:
    """Length of the common prefix (or suffix) of a and b, at most limit; by bisection,
    so that comparing two long notes costs a few slice comparisons, not a Python loop."""
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        same = a[len(a) - mid:] == b[len(b) - mid:] if suffix else a[:mid] == b[:mid]
        if same:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _units(text: str) -> int:
    """Length in UTF-16 code units, as QTextDocument counts positions."""
    return len(text.encode("utf-16-le")) // 2


def _bold(label: QLabel) -> None:
    font = label.font()
    font.setBold(True)
    label.setFont(font)


def _strip_tags(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


