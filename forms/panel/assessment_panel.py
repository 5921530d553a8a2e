"""The live assessment panel: disposition, fired rows, scores, plan checklist, note preview.

Shown beside the form and updated on every answer. It presents what `consult`
decided (`assess`, the rule set's words) and is a view of the plan model
(`consult.rules.plan.PlanEditor`): it draws the model's rows and forwards
the GP's actions (tick, untick, edit, add, accept, confirm) to it; the model
changes `record.plan`. Every change to the plan emits `planChanged`.

Words come from the core (`consult.rules.wording`: the headline with the most
urgent fired row's deadline, row labels, category and stratum words, the functions
the note uses too; `consult.rules.ruleset.deadline_words` for time limits), so the
panel says what the note says. State is shown by words and
icons as well as colour; colours are only accents (bars and band words) chosen for
the current palette, light or dark.

Every answer updates the disposition, the fired rows, the scores and the plan at
once (only the rows that changed are redrawn); the note preview, which need not
follow every keystroke, may be passed as a function and is then composed once the
answers pause for PREVIEW_DELAY_MS (marked "updating" until then, and composed at
once when read). Before a patient is chosen, and while no rule has fired, it says
what to do first instead of a plan.

The panel scrolls as a whole, as one page: a fired row's card is always shown whole,
wrapped to the panel's width (at 1366x768 too), never inside a small scroll box of its
own; the plan list is as tall as its items (every item whole, never a two-item
peephole); the note preview, a document to read through, fills the panel's height when
the GP reaches it. The page follows the keyboard: what takes the focus in the panel is
scrolled into view, the focus back in the form shows the panel's top (the disposition
and the cards) again, and a card that fires is scrolled into view (a GP's walk-through
at 1366x768: the plan list showed two items, the preview a few lines).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetrics,
    QPainter,
    QPalette,
    QPixmap,
    QPixmapCache,
    QShowEvent,
    QStaticText,
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
    QSpacerItem,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from consult.record.model import Record
from consult.rules import screening, wording
from consult.rules.assessment import Assessment, FiredRow
from consult.rules.plan import (
    CONFIRMED,
    NOT_CONFIRMED,
    STALE,
    STATUS_WORDS,
    PlanEditor,
    PlanRow,
)
from consult.rules.ruleset import RuleSet, deadline_words, load

OWN_REASON = wording.OWN_ITEM
STILL_TO_ASK_SHOWN = 3
PARKED_CARDS = 12  # cleared rows' cards kept for the same words again
#: the note preview is composed once the answers pause this long (never per keystroke)
PREVIEW_DELAY_MS = 150
#: what the panel says before a patient is chosen (and while no rule has fired)
CHOOSE_PATIENT_FIRST = "Choose the patient (Ctrl+K) or enter their details."

STATUS_CONFIRMED = STATUS_WORDS[CONFIRMED]
STATUS_NOT_CONFIRMED = STATUS_WORDS[NOT_CONFIRMED]
STATUS_STALE = STATUS_WORDS[STALE]

# Accent colours per level: (on a light window, on a dark window). Used for bars and
# the band's own words only; backgrounds stay the palette's.
_ACCENTS = {
    "emergency": ("#c62828", "#ff6b6b"),
    "urgent": ("#d84315", "#ff9e5e"),
    "soon": ("#9a6700", "#f2c14e"),
    "unscreened": ("#9a6700", "#f2c14e"),
    "routine": ("#2e7d32", "#7bc67e"),
    "outside": ("#616161", "#b0b0b0"),
    "pending": ("#616161", "#b0b0b0"),
}
# a routine row under a more urgent disposition: the neutral grey, never the routine
# green (wording.below_disposition; CSO review 2026-12-07c, decision A1)
_ACCENTS[wording.BELOW_LEVEL] = _ACCENTS["outside"]
_ICONS = {
    "emergency": QStyle.StandardPixmap.SP_MessageBoxCritical,
    "urgent": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "soon": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "unscreened": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "routine": QStyle.StandardPixmap.SP_MessageBoxInformation,
    "outside": QStyle.StandardPixmap.SP_MessageBoxInformation,
    "pending": QStyle.StandardPixmap.SP_MessageBoxInformation,
}

MarkerRole = Qt.ItemDataRole.UserRole + 1  # "edited", "your own item", "no longer suggested"


def patient_chosen(record: Record) -> bool:
    """Has the GP chosen or entered the patient (a name or an NHS number)?"""
    p = record.patient
    return bool(p.family_name or p.given_name or p.nhs_number)


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


def _detail(row: PlanRow) -> str:
    """The row's description (category and origin, why, source) as rich text."""
    return "<br>".join(f"<b>{_esc(label)}</b>{_esc(text)}" if label else _esc(text)
                       for label, text in row.lines)


class _PlanDelegate(QStyledItemDelegate):
    """Wrapped item text measured and drawn with one rule, so no line is ever elided;
    the item's marker ("edited", "no longer suggested") follows its text without being
    part of the editable text.

    The list is painted whenever its rows change (most rule-firing answers), every item
    in view each time: each item is drawn once into a pixmap kept in Qt's pixmap cache
    (QPixmapCache), keyed by everything its picture depends on (text, check state, the
    style's state flags, size, palette, font, pixel ratio), and repainted from it; each
    text's wrapped layout (a QStaticText) and its place in an item are worked out once
    too (issue 14)."""

    MARGIN = 3
    CACHED = 2000  # layouts kept (each text at each width and font); then start afresh

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sizes: dict[tuple, QSize] = {}
        self._insets: dict[tuple, tuple[int, int, int, int]] = {}
        self._layouts: dict[tuple, QStaticText] = {}

    def initStyleOption(self, option: QStyleOptionViewItem,
                        index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        marker = index.data(MarkerRole)
        if marker:
            option.text = f"{option.text}  [{marker}]"  # type: ignore[attr-defined]

    def _text_rect(self, option: QStyleOptionViewItem) -> QRect:
        widget = option.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else QApplication.style()
        rect = option.rect  # type: ignore[attr-defined]
        # where the style puts the text depends on the item's size, features and state,
        # not on where the item is: asked once per kind of item
        key = (rect.width(), rect.height(), option.features,  # type: ignore[attr-defined]
               option.state, option.direction, id(style))  # type: ignore[attr-defined]
        inset = self._insets.get(key)
        if inset is None:
            text = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, widget)
            inset = (text.left() - rect.left(), text.top() - rect.top(),
                     text.right() - rect.right(), text.bottom() - rect.bottom())
            if len(self._insets) > self.CACHED:
                self._insets.clear()
            self._insets[key] = inset
        m = self.MARGIN
        return rect.adjusted(inset[0] + m, inset[1] + m, inset[2] - m, inset[3] - m)

    def _layout(self, text: str, width: int, font: QFont) -> QStaticText | None:
        """The text wrapped at `width` (None for text with line breaks, which QStaticText
        does not keep: measured and drawn by QPainter.drawText instead)."""
        if "\n" in text:
            return None
        key = (text, width, font.key())
        layout = self._layouts.get(key)
        if layout is None:
            layout = QStaticText(text)
            layout.setTextFormat(Qt.TextFormat.PlainText)  # the GP's own words, never markup
            layout.setTextWidth(width)
            layout.prepare(font=font)
            if len(self._layouts) > self.CACHED:
                self._layouts.clear()
            self._layouts[key] = layout
        return layout

    def _text_height(self, option: QStyleOptionViewItem, rect: QRect) -> int:
        text, font = option.text, option.font  # type: ignore[attr-defined]
        layout = self._layout(text, rect.width(), font)
        if layout is None:
            return option.fontMetrics.boundingRect(  # type: ignore[attr-defined]
                QRect(0, 0, rect.width(), 10_000), _WRAP, text).height()
        return math.ceil(layout.size().height())

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        view = option.widget  # type: ignore[attr-defined]
        width = 300
        if isinstance(view, QListWidget):  # items as wide as the view: wrap to its width
            width = max(view.viewport().width() - 2 * view.spacing(), 100)
        # the list lays out every item again when one changes: measure each text once
        key = (index.data(Qt.ItemDataRole.DisplayRole), index.data(MarkerRole), width,
               option.font.key())  # type: ignore[attr-defined]
        size = self._sizes.get(key)
        if size is None:
            opt = QStyleOptionViewItem(option)
            self.initStyleOption(opt, index)
            opt.rect = QRect(0, 0, width, 10_000)  # type: ignore[attr-defined]
            rect = self._text_rect(opt)
            base = super().sizeHint(option, index)
            size = QSize(width, max(base.height(),
                                    self._text_height(opt, rect) + 2 * self.MARGIN + 2))
            if len(self._sizes) > self.CACHED:
                self._sizes.clear()
            self._sizes[key] = size
        return QSize(size)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        # a copy: opt.rect is set to the pixmap's own below, and PySide may hand back the
        # option's rect itself (the CSO's second re-check saw rows drawn over each other)
        rect = QRect(opt.rect)  # type: ignore[attr-defined]
        ratio = painter.device().devicePixelRatioF()
        widget = opt.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else QApplication.style()
        key = "plan\x1f" + "\x1f".join(map(str, (
            opt.text, opt.checkState, int(opt.state.value),  # type: ignore[attr-defined]
            int(opt.features.value), opt.viewItemPosition,  # type: ignore[attr-defined]
            rect.width(), rect.height(), ratio, opt.palette.cacheKey(),  # type: ignore[attr-defined]
            opt.font.key(), opt.backgroundBrush.color().rgba(),  # type: ignore[attr-defined]
            opt.backgroundBrush.style(), id(style))))  # type: ignore[attr-defined]
        picture = QPixmap()
        if not QPixmapCache.find(key, picture):
            picture = QPixmap(QSize(math.ceil(rect.width() * ratio),
                                    math.ceil(rect.height() * ratio)))
            picture.setDevicePixelRatio(ratio)
            picture.fill(Qt.GlobalColor.transparent)
            drawn = QPainter(picture)
            opt.rect = QRect(0, 0, rect.width(), rect.height())  # type: ignore[attr-defined]
            self._draw(drawn, opt, style)
            drawn.end()
            QPixmapCache.insert(key, picture)
        painter.drawPixmap(rect.topLeft(), picture)

    def _draw(self, painter: QPainter, opt: QStyleOptionViewItem, style: QStyle) -> None:
        """The item as the style draws it (background, check box, focus) with its text
        wrapped by this delegate's one rule."""
        text = opt.text  # type: ignore[attr-defined]
        text_rect = self._text_rect(opt)  # measured with the text, as in sizeHint
        opt.text = ""  # type: ignore[attr-defined]
        widget = opt.widget  # type: ignore[attr-defined]
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        group = QPalette.ColorGroup.Normal if opt.state & QStyle.StateFlag.State_Active \
            else QPalette.ColorGroup.Inactive  # type: ignore[attr-defined]
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setPen(opt.palette.color(group, role))  # type: ignore[attr-defined]
        painter.setFont(opt.font)  # type: ignore[attr-defined]
        layout = self._layout(text, text_rect.width(), opt.font)  # type: ignore[attr-defined]
        if layout is None:
            painter.drawText(text_rect, _WRAP, text)
        else:  # as drawText would: left, centred in the item's height
            top = text_rect.top() + (text_rect.height() - layout.size().height()) / 2
            painter.drawStaticText(QPointF(text_rect.left(), top), layout)
        painter.restore()


#: the plan list is as tall as its items, and never shorter than this many lines
PLAN_MIN_LINES = 6
#: the preview fills the panel's height when scrolled to, and never has fewer lines
PREVIEW_MIN_LINES = 8
#: once the answers pause this long, room held above the plan for a taller state (a card
#: that cleared, the screening lines that went) goes back to the plan (_give_back_room)
ROOM_BACK_MS = 1000

_WRAP = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter) | int(Qt.TextFlag.TextWordWrap)


# ---------------------------------------------------------------------------


class AssessmentPanel(QWidget):
    """Beside the form: what the rules say now, the plan the GP makes of it, the note."""

    planChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("assessmentPanel")
        self._rules: RuleSet | None = None  # loaded with the first assessment, not before
        self._record: Record | None = None
        self._assessment: Assessment | None = None
        self._preview_text = ""
        self._level = ""
        self._plan = PlanEditor()  # the plan's state: this panel only shows it
        self._rows: list[PlanRow] = []  # the rows as shown
        self._plan_fitted: tuple | None = None  # what _fit_plan last measured
        self._in_list_signal = False
        self._resync_pending = False
        self._locked = False
        self._intro = False  # before a patient: what to do first, no plan
        self._cards: dict[str, tuple[tuple, QFrame]] = {}  # fired row id: (what it shows, card)
        # cards of rows that cleared, hidden where they are (a hidden card takes no room,
        # and is neither shown nor read out) for when the same row fires again with the
        # same words: an answer toggled back shows its card without building, moving and
        # styling it again (issue 14: taking a card out of the panel and putting it back
        # had Qt style it afresh, about 1.5 ms of an answer)
        self._parked: list[tuple[tuple, QWidget]] = []
        self._none: QLabel | None = None  # "No rule has fired", built when first needed
        self._icons: dict[str, QPixmap] = {}  # the disposition's icon for each level
        self._preview_job: Callable[[], str] | None = None
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._compose_preview)
        self._room_timer = QTimer(self)
        self._room_timer.setSingleShot(True)
        self._room_timer.setInterval(ROOM_BACK_MS)
        self._room_timer.timeout.connect(self._give_back_room)
        self._build()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._follow_focus)  # a bound slot: gone with the panel

    def _ruleset(self) -> RuleSet:
        if self._rules is None:
            self._rules = load()
        return self._rules

    # -- construction --------------------------------------------------------

    def _build(self) -> None:
        # one scroll area for the whole panel: a long fired row makes the panel scroll,
        # it is never squeezed into a small box of its own
        page = QScrollArea(self)
        page.setObjectName("panelScroll")
        page.setWidgetResizable(True)
        page.setFrameShape(QFrame.Shape.NoFrame)
        page.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        page.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._page = page
        frame = QVBoxLayout(self)
        frame.setContentsMargins(0, 0, 0, 0)
        frame.addWidget(page)
        body = QWidget()
        body.setObjectName("panelBody")
        outer = QVBoxLayout(body)
        outer.setContentsMargins(0, 0, 4, 0)
        outer.setSpacing(6)
        # what the rules say (disposition, fired rows, scores) in one box above the plan,
        # placed by the panel over room the body's layout keeps for it (see _fit_top)
        top = QWidget(body)
        top.setObjectName("panelTop")
        top_col = QVBoxLayout(top)
        top_col.setContentsMargins(0, 0, 0, 0)
        top_col.setSpacing(6)
        self._top = top
        self._top_held = (0, 0)  # (width, height) the box is held at (_fit_top)
        self._fresh = True  # a record whose first assessment is still to come
        self._top_room = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum,
                                     QSizePolicy.Policy.Fixed)
        self._body = body
        body.installEventFilter(self)  # a new width: the box is fitted to it (eventFilter)
        top.installEventFilter(self)  # its contents need more room: it grows (eventFilter)
        outer.addItem(self._top_room)

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
        # every red flag that fired, named in the box that is always in view: at 1366x768
        # or 200% the second card can start below the panel's fold (a GP's walk-through)
        self._fired_names = QLabel()
        self._fired_names.setObjectName("firedNames")
        self._fired_names.setWordWrap(True)
        self._fired_names.setAccessibleName("Red flags that fired")
        self._fired_names.setVisible(False)
        text_col.addWidget(self._fired_names)
        row.addLayout(text_col, 1)
        top_col.addWidget(box)

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
        self._fired_layout.addStretch()  # below the cards: room kept from more cards before
        fcol.addWidget(self._fired_rows, 1)
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
        self._findings = findings
        # room kept from a taller state goes to the fired rows: to "No rule has fired",
        # framed as a card is, when no row has fired (never a blank band: CSO review
        # 2026-12-07b, finding 6), else below the cards
        top_col.addWidget(findings, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("panelSplitter")
        splitter.setChildrenCollapsible(False)  # its least height: the plan's and the preview's
        outer.addWidget(splitter, 1)

        # 4. The plan checklist.
        plan_box = QWidget()
        self._plan_box = plan_box
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
        # as tall as its items (_fit_plan): the panel scrolls, never the list; and a
        # constant width keeps wrapped items measured right (no elided last line)
        self._list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._list.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self._list.setItemDelegate(_PlanDelegate(self._list))
        self._list.setAlternatingRowColors(True)
        self._list.setSpacing(1)
        plan_label.setBuddy(self._list)
        self._list.itemChanged.connect(self._item_changed)
        self._list.currentRowChanged.connect(self._show_detail)
        self._list.currentRowChanged.connect(self._show_current)
        # a new width: its items' heights again (_fit_plan)
        self._list.viewport().installEventFilter(self)
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
        self._status_width = 0  # the width its height is held at (_hold_heights)
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
        preview_label.setObjectName("previewLabel")
        _bold(preview_label)
        self._preview_label = preview_label
        self._preview_box = preview_box
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
        page.viewport().installEventFilter(self)  # another height: the preview's (_fit_preview)

        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([600, 400])
        page.setWidget(body)

        for first, second in zip(self.tab_widgets(), self.tab_widgets()[1:], strict=False):
            QWidget.setTabOrder(first, second)

        self._set_plan_enabled(False)
        self._restyle()
        self._fit_plan()

    # -- public interface ----------------------------------------------------

    def set_record(self, record: Record) -> None:
        """The live record; the plan model edits `record.plan` in place."""
        self._record = record
        self._fresh = True  # held heights start afresh with its first assessment
        self._plan.set_record(record)
        self._set_plan_enabled(True)
        self._sync_plan()

    def show_assessment(self, assessment: Assessment,
                        preview_text: str | Callable[[], str]) -> None:
        """Show a new assessment and note preview. Only what changed is redrawn.

        The disposition, fired rows, scores and plan are shown now. The preview is
        shown now when given as text; given as a function it is composed once the
        answers pause (PREVIEW_DELAY_MS), and marked as updating until then."""
        self._assessment = assessment
        self._plan.set_assessment(assessment)
        intro = self._record is not None and not patient_chosen(self._record) \
            and not assessment.fired  # anything fired is always shown
        if intro != self._intro:
            self._intro = intro
            self._plan_box.setVisible(not intro)
            # no draft note before there is a patient: it would read as a diagnosis and
            # an unscreened red-flag list of nobody (issue 13, "what a GP saw")
            self._preview_box.setVisible(not intro)
            self._set_plan_enabled(self._record is not None)
        self._show_disposition(assessment)
        # every time: a card's label follows the screening as well as its row (CSO review
        # 2026-12-07b, finding 4); unchanged cards are kept as they are
        self._show_fired(assessment)
        self._show_scores(assessment)
        if self._fresh:  # another record: nothing held from the last one's rows
            self._fresh = False
            self._release_heights()
        self._sync_plan()
        self._room_timer.start()  # again: the room goes back once the answers pause
        if callable(preview_text):
            self._preview_job = preview_text
            self._preview_label.setText("Note preview (updating\u2026)")
            if self.isVisible():  # else from showEvent: the first preview after the first paint
                self._preview_timer.start()  # again: a burst of answers composes once
        else:
            self._cancel_preview()
            self._show_preview(preview_text)

    def plan_list(self) -> QListWidget:
        """The plan checklist (the window lays it out with the rest of the window)."""
        return self._list

    def _fit_top(self, hold: bool = False) -> None:
        """The box above the plan (disposition, fired rows, scores) as wide as the body and
        as tall as it needs, or as the tallest it has needed for this record at this width
        (`hold`: remember this height as needed). An answer that fires a row and the answer
        that clears it again move nothing below the box, so the plan list and the preview
        are neither laid out nor painted again for it (issue 14: about 4 ms of a 20 ms
        answer). Room kept from a taller state goes to "No rule has fired", framed as a
        card is, or stays below the cards: never a blank band (CSO review 2026-12-07b).

        The box is not in the body's layout: the layout keeps room of its height, and the
        box has a fixed size, so a change inside it (a card shown, new words) is laid out
        inside it only (Qt takes a fixed-size widget's changes no further up) and the
        panel's scroll area never measures wrapped text to find its own size. A box that
        needs more room gets it at once; a new record, style or width starts afresh.

        Its height is held when it lays its contents out (eventFilter): then the boxes
        inside it have been laid out and report their new heights, not the last ones."""
        body, top = self._body, self._top
        margins = body.layout().contentsMargins()
        width = body.width() - margins.left() - margins.right()
        if width <= 0:
            return  # not laid out yet: the body's first resize fits it
        if width != self._top_held[0]:
            self._top_held = (width, 0)  # another width: what was held no longer fits
        top.ensurePolished()  # measured in the style sheet's fonts and paddings
        layout = top.layout()
        need = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() \
            else layout.totalSizeHint().height()
        size = QSize(width, max(need, self._top_held[1]))
        if hold and not self._fresh:
            self._top_held = (width, size.height())
        if top.minimumSize() != size or top.maximumSize() != size:
            top.setFixedSize(size)
        top.move(margins.left(), margins.top())
        room = size.height() + body.layout().spacing()  # with the gap a widget would get
        if self._top_room.sizeHint().height() != room:
            self._top_room.changeSize(0, room, QSizePolicy.Policy.Minimum,
                                      QSizePolicy.Policy.Fixed)
            body.layout().invalidate()

    def _hold_heights(self) -> None:
        """After every change: the plan's status line keeps the tallest height it has
        needed at its width, so that 'changed since confirmed' and 'confirmed' do not move
        the plan list either (the box above the plan holds its own: see _fit_top)."""
        status = self._status
        width = status.width()
        if width > 0 and status.isVisibleTo(self):
            if self._status_width != width:  # another width: start afresh
                self._status_width = width
                status.setMinimumHeight(0)
            need = status.heightForWidth(width)
            if need > status.minimumHeight():
                status.setMinimumHeight(need)

    def _release_heights(self) -> None:
        """Another record or style: the held heights start afresh."""
        self._top_held = (0, 0)
        self._fit_top()
        if hasattr(self, "_list"):
            self._fit_plan(shrink=True)
        self._status_width = 0
        self._status.setMinimumHeight(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The panel's body got another width: the box above the plan is fitted to it.
        Something in the box changed size (words, a card, a font): the box is fitted again
        before it lays its contents out (it grows at once when they need more room)."""
        kind = event.type()
        if watched is self._top and kind == QEvent.Type.LayoutRequest:
            self._fit_top(hold=True)
        elif watched is self._body and kind == QEvent.Type.Resize \
                and event.size().width() != event.oldSize().width():  # type: ignore[attr-defined]
            self._fit_top()
        elif kind == QEvent.Type.Resize and hasattr(self, "_list") \
                and watched is self._list.viewport() \
                and event.size().width() != event.oldSize().width():  # type: ignore[attr-defined]
            self._fit_plan(shrink=True)
        elif watched is self._page.viewport() and kind == QEvent.Type.Resize \
                and event.size().height() != event.oldSize().height():  # type: ignore[attr-defined]
            self._fit_preview()
        return super().eventFilter(watched, event)

    # -- room: the plan list, the preview, the page following the keyboard -------------

    def _fit_plan(self, shrink: bool = False) -> None:
        """The plan list as tall as its items (never fewer than PLAN_MIN_LINES lines): each
        item whole without scrolling the list; the panel scrolls as one page instead. It
        grows at once; it gets shorter only when `shrink` (a new width, record or style,
        or once the answers pause: _give_back_room), so an answer that adds a suggestion
        and the one that takes it away again move nothing below the list (issue 14)."""
        lst = self._list
        if lst.viewport().width() <= 0:
            return
        # measured again only when what it measures changed (it ran on every answer)
        key = (lst.viewport().width(), lst.font().key(), lst.spacing(),
               tuple((r.text, r.marker) for r in self._rows), lst.count())
        if key == self._plan_fitted and not shrink:
            return
        self._plan_fitted = key
        rows = sum(lst.sizeHintForRow(r) + 2 * lst.spacing() for r in range(lst.count()))
        frame = 2 * lst.frameWidth()
        need = max(rows, PLAN_MIN_LINES * lst.fontMetrics().lineSpacing()) + frame
        if need > lst.minimumHeight() or (shrink and need != lst.minimumHeight()):
            lst.setMinimumHeight(need)

    def _fit_preview(self) -> None:
        """The preview as tall as the panel's view when scrolled to (a document to read
        through, never a few lines), and never fewer than PREVIEW_MIN_LINES lines."""
        preview = self._preview
        chrome = 2 * preview.frameWidth() + 2 * math.ceil(preview.document().documentMargin())
        least = PREVIEW_MIN_LINES * QFontMetrics(preview.font()).lineSpacing() + chrome
        box = self._preview_box.layout()
        label = self._preview_label.sizeHint().height() + box.spacing()
        need = max(least, self._page.viewport().height() - label)
        if preview.minimumHeight() != need:
            preview.setMinimumHeight(need)

    def _follow_focus(self, old: QWidget | None, new: QWidget | None) -> None:
        """What takes the focus in the panel is scrolled into view (the plan after the
        last question, Confirm, the preview after finalising); the focus back in the
        window's form shows the panel's top again: the disposition and the cards. A click
        into the panel scrolls nothing (the page stays under the mouse)."""
        if new is not None and self._body.isAncestorOf(new):
            if QApplication.mouseButtons() != Qt.MouseButton.NoButton:
                return
            # the plan list and the preview whole with their headings (ensureWidgetVisible
            # shows only the current item of a list, the text cursor of a text box)
            above = {id(self._list): self._plan_box, id(self._preview): self._preview_box}
            self._scroll_to(new, above.get(id(new), new))
            if new is self._list:
                self._show_current(self._list.currentRow())
        elif old is not None and self._body.isAncestorOf(old) and new is not None \
                and new.window() is self.window():
            self._page.verticalScrollBar().setValue(0)

    def _scroll_to(self, widget: QWidget, above: QWidget | None = None) -> None:
        """The panel scrolled as little as shows `widget` whole (from the top of `above`,
        its heading's box), or from that top when it is taller than the panel's view."""
        bar, view = self._page.verticalScrollBar(), self._page.viewport().height()
        top = (above or widget).mapTo(self._body, QPoint(0, 0)).y()
        bottom = widget.mapTo(self._body, QPoint(0, widget.height())).y()
        value = bar.value()
        if top < value or bottom - top > view:
            value = top
        elif bottom > value + view:
            value = bottom - view
        bar.setValue(value)

    def _show_current(self, row: int) -> None:
        """Up and Down in the plan list: the current item in view (the list itself does not
        scroll: it is as tall as its items)."""
        if row < 0 or not self._list.hasFocus():
            return
        rect = self._list.visualItemRect(self._list.item(row))
        centre = self._list.viewport().mapTo(self._body, rect.center())
        self._page.ensureVisible(centre.x(), centre.y(), 0, rect.height() // 2 + 2)

    def _reveal(self, card: QWidget) -> None:
        """A red flag that fired comes into view (after it is laid out): with the panel's
        top, the headline and the not-fully-screened line, when the box and its card fit
        together, or when the box names every red flag that fired (two or more: the new
        one is named there); else its card, scrolled to (the CSO's fourth re-check of
        07c, N8: at 200% scrolling to the card took the headline out of view)."""
        if not any(c is card for _shows, c in self._cards.values()) or not card.isVisible():
            return
        bottom = card.mapTo(self._body, QPoint(0, card.height())).y()
        if bottom <= self._page.viewport().height() or self._fired_names.isVisible():
            self._page.verticalScrollBar().setValue(0)
        else:
            self._scroll_to(card)

    def _give_back_room(self) -> None:
        """The answers paused: room held above the plan for a taller state (a card that
        cleared, the screening lines that went) goes back to the plan. Held while the GP
        answers, so an answer that fires a row and the one that clears it move nothing
        below the box (issue 14); never for the rest of the consultation (a GP's
        walk-through: a blank band of about 120 px above the plan)."""
        if self._top_held[1]:
            self._top_held = (self._top_held[0], 0)
            self._fit_top(hold=True)
        self._fit_plan(shrink=True)

    def preview_pending(self) -> bool:
        """Is a preview waiting for the answers to pause?"""
        return self._preview_job is not None

    def _cancel_preview(self) -> None:
        self._preview_timer.stop()
        if self._preview_job is not None:
            self._preview_job = None
            self._preview_label.setText("Note preview")

    def _compose_preview(self) -> None:
        job, self._preview_job = self._preview_job, None
        if job is None:
            return
        self._preview_timer.stop()
        self._preview_label.setText("Note preview")
        self._show_preview(job())

    def set_locked(self, locked: bool) -> None:
        """A finalised note: the plan can be read but not changed (the preview stays
        selectable, so the note can still be copied)."""
        self._locked = locked
        self._set_plan_enabled(self._record is not None)
        self._sync_plan()

    def focus_preview(self) -> None:
        """The keyboard on the note preview (it can be read and copied while locked)."""
        self._preview.setFocus(Qt.FocusReason.OtherFocusReason)

    def tab_widgets(self) -> list[QWidget]:
        """The panel's inputs in visual order (Accept sits above the list it fills)."""
        return [self._accept, self._list, self._own, self._add, self._confirm, self._preview]

    def preview_text(self) -> str:
        """The note preview as of the latest answer (composed now if it was waiting)."""
        self._compose_preview()
        return self._preview_text

    # -- disposition ---------------------------------------------------------

    def _show_line(self, level: str, words: str) -> None:
        """One neutral line in place of the disposition (choose the patient first)."""
        self._show_lines([(level, words)])

    def _show_disposition(self, a: Assessment) -> None:
        # the headline: 'URGENT - within 24 hours', the most urgent fired row's deadline,
        # never only the band's general range; while unscreened the warning is a line
        # of its own below it
        if self._intro:  # no patient yet and nothing fired: what to do first
            self._show_line("pending", CHOOSE_PATIENT_FIRST)
            self._still_to_ask.setText("")
            self._still_to_ask.setVisible(False)
            self._fired_names.setText("")
            self._fired_names.setVisible(False)
            return
        self._show_lines(wording.disposition_lines(self._ruleset(), a))  # (level, words)
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
        names = [r.suspected for r in a.red_flag_rows]
        fired = (f"Red flags that fired ({len(names)}): {'; '.join(names)}. Each has its "
                 "card below.") if len(names) > 1 else ""
        if fired != self._fired_names.text():
            self._fired_names.setText(fired)
            self._fired_names.setVisible(bool(fired))

    def _show_lines(self, lines: list[tuple[str, str]]) -> None:
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
            icon = self._icons.get(level)
            if icon is None:  # drawn once per level and style, not on every change of level
                icon = self._icons[level] = self.style().standardIcon(_ICONS[level]).pixmap(32, 32)
            self._disposition_icon.setPixmap(icon)
            self._disposition_icon.setAccessibleName(level)
            _set_bar_colour(self._disposition_bar, _ACCENTS[level][dark])

    # -- fired rows ----------------------------------------------------------

    def _drop(self, child: QWidget) -> None:
        self._fired_layout.removeWidget(child)
        child.hide()
        child.setParent(None)  # gone from findChildren now, not at the next event loop
        child.deleteLater()

    def _park(self, shows: tuple, card: QWidget) -> None:
        """Hidden where it is, kept for the same words again."""
        card.hide()
        self._parked.append((shows, card))
        if len(self._parked) > PARKED_CARDS:
            self._drop(self._parked.pop(0)[1])

    def _unpark(self, shows: tuple) -> QWidget | None:
        for n, (parked, card) in enumerate(self._parked):
            if parked == shows:
                del self._parked[n]
                return card
        return None

    def _place(self, n: int, card: QWidget) -> None:
        """The card shown n-th (the cards before it are in place already)."""
        if self._fired_layout.indexOf(card) != n:
            self._fired_layout.removeWidget(card)
            # "no rule has fired" takes the room kept from cards shown before
            self._fired_layout.insertWidget(n, card, 1 if card is self._none else 0)
        if card.isHidden():
            card.show()  # now, not at the next event loop: the area sizes to it at once

    def _clear_cards(self) -> None:
        for shows, card in self._cards.values():
            self._park(shows, card)
        self._cards.clear()
        if self._none is not None:
            self._none.hide()

    def _show_fired(self, a: Assessment) -> None:
        """One card per fired row, most urgent first; a card whose row, band and words
        are unchanged is kept as it is (not built again)."""
        if not a.fired or self._intro:
            self._clear_cards()
            if not a.fired:
                if self._none is None:
                    self._none = QLabel("No rule has fired on the answers so far.")
                    self._none.setObjectName("noFiredRows")
                    self._none.setWordWrap(True)
                    self._none.setFrameShape(QFrame.Shape.StyledPanel)
                    self._none.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                    self._none.setContentsMargins(6, 4, 6, 4)
                    self._none.setSizePolicy(QSizePolicy.Policy.Preferred,
                                             QSizePolicy.Policy.Expanding)
                self._place(0, self._none)
            return
        if self._none is not None:  # "no rule has fired" goes
            self._none.hide()
        dark = _is_dark(self.palette())
        rules = self._ruleset()
        wanted: dict[str, tuple[tuple, QFrame | None]] = {}
        for row in a.fired:
            shows = (row, wording.fired_row_label(rules, a, row), dark)
            old = self._cards.get(row.id)
            wanted[row.id] = (shows, old[1] if old is not None and old[0] == shows else None)
        for row_id, (shows, card) in self._cards.items():
            if wanted.get(row_id, (None, None))[1] is not card:
                self._park(shows, card)
        shown_before = set(self._cards)
        revealed = self._fresh or self._page.verticalScrollBar().maximum() == 0
        self._cards = {}
        for n, row in enumerate(a.fired):
            shows, card = wanted[row.id]
            if card is None:
                card = self._unpark(shows) or self._fired_row(a, row, dark)
            self._place(n, card)
            self._cards[row.id] = (shows, card)
            if row.id not in shown_before and not revealed:
                # a red flag that fires is never left out of view: the first (most urgent)
                # new card, once laid out, is scrolled to (not for a record just opened:
                # that shows the panel's top)
                revealed = True
                QTimer.singleShot(0, self, lambda c=card: self._reveal(c))

    def fired_text(self) -> str:
        """The fired rows as plain text, as shown (for tests and screen readers)."""
        labels = self._fired_rows.findChildren(QLabel)
        return "\n".join(_strip_tags(label.text()) for label in labels
                         if label.isVisibleTo(self._fired_rows))

    def _fired_row(self, a: Assessment, row: FiredRow, dark: bool) -> QFrame:
        # the row's own band and deadline, as the note's box labels it
        level, label = wording.fired_row_label(self._ruleset(), a, row)
        colour = _ACCENTS[level][dark]
        when = deadline_words(row.within)
        kind = wording.row_kind_words(row.kind)
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
            text = (f"<b>STarT Back:</b> {_esc(wording.stratum_words(sb.stratum))} "
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
            w.setEnabled(on and not self._locked and not self._intro)

    def _sync_plan(self) -> None:
        """Bring the checklist and status in line with the record; touch only what changed."""
        rows = self._plan.rows()
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
        can_accept = self._plan.can_accept and not self._locked and not self._intro
        if can_accept != self._accept.isEnabled():
            self._accept.setEnabled(can_accept)
        self._hold_heights()

    def _deferred_sync(self) -> None:
        self._resync_pending = False
        self._sync_plan()

    def _apply_rows(self, rows: list[PlanRow], old_keys: list[str], force: bool = False) -> None:
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
                it.setToolTip(row.description)
                it.setData(Qt.ItemDataRole.AccessibleTextRole,
                           row.text + (f" ({row.marker})" if row.marker else ""))
                it.setData(Qt.ItemDataRole.AccessibleDescriptionRole, row.description)
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
        self._fit_plan()

    def _show_detail(self, n: int) -> None:
        text = _detail(self._rows[n]) if 0 <= n < len(self._rows) else (
            "Select an item to see why it is suggested and its source." if self._rows else "")
        if text != self._detail.text():
            self._detail.setText(text)

    def _show_status(self) -> None:
        text = STATUS_WORDS[self._plan.status]
        if text != self._status.text():
            self._status.setText(text)
            self._status.setAccessibleDescription(text)
            self._restyle_status()

    # -- plan edits ----------------------------------------------------------

    def _changed(self) -> None:
        self._sync_plan()
        self.planChanged.emit()

    def _item_changed(self, widget_item: QListWidgetItem) -> None:
        """The GP ticked, unticked or edited an item in the list: tell the model."""
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
                changed = self._plan.edit(row.key, text) or changed
            if ticked != row.ticked:
                changed = self._plan.tick(row.key, ticked) or changed
            if changed:
                self._changed()
            else:  # refused (empty text) or kept aside: show the record's state again
                self._apply_rows(self._plan.rows(), [r.key for r in self._rows], force=True)
        finally:
            self._in_list_signal = False

    def _accept_plan(self) -> None:
        if self._plan.accept():
            self._changed()

    def _add_own(self) -> None:
        if self._record is None or self._plan.add(self._own.text()) is None:
            return
        self._own.clear()
        self._changed()
        self._list.blockSignals(True)
        self._list.setCurrentRow(len(self._rows) - 1)
        self._list.blockSignals(False)
        self._show_detail(self._list.currentRow())

    def _confirm_plan(self) -> None:
        if self._plan.confirm():
            self._changed()

    # -- what the window asks of the plan (its shortcuts, the To finish list) -------

    def accept_plan(self) -> None:
        """Accept the suggested plan, as the Accept button does (nothing while it is
        disabled: nothing new to accept, no record, or locked)."""
        if self._accept.isEnabled():
            self._accept_plan()

    def confirm_plan(self) -> None:
        """Confirm the plan, as the Confirm button does (nothing while it is disabled)."""
        if self._confirm.isEnabled():
            self._confirm_plan()

    def focus_plan(self, confirm: bool) -> bool:
        """Focus what finishes the plan: the Confirm button (confirm) or Accept, else the
        checklist; False when none of them can take the focus now."""
        for target in ((self._confirm if confirm else self._accept), self._list):
            if target.isEnabled():
                target.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return False

    # -- look ----------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._preview_job is not None:
            self._preview_timer.start()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._restyle()

    def _restyle(self) -> None:
        """Colours follow the palette: redraw the accents for light or dark."""
        self._icons.clear()
        self._release_heights()
        self._fit_preview()
        self._fit_plan(shrink=True)
        self._restyle_status()
        if self._assessment is not None:
            self._level = ""
            self._disposition.setText("")
            self._show_disposition(self._assessment)
            self._clear_cards()
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


