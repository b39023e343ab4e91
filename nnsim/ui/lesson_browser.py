"""LessonBrowser: the lecture's lessons in order, with the chosen one's presenter notes.

Selecting a lesson only shows its notes; activating it (double-click, Enter or Load) asks the
app to load it. Notes are plain text: blank lines separate paragraphs, lines starting with
"- " are bullets; they are rendered as simple HTML so they read well on a projector.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from nnsim.core.lessons import Lesson
from nnsim.ui.palette import Theme, apply_font_scale

NAME_ROLE = Qt.ItemDataRole.UserRole


def notes_html(notes: str) -> str:
    """Plain-text notes as HTML: paragraphs joined from wrapped lines, "- " lines as bullets."""
    parts: list[str] = []
    paragraph: list[str] = []
    bullets: list[str] = []

    def flush() -> None:
        if paragraph:
            parts.append(f"<p>{html.escape(' '.join(paragraph))}</p>")
            paragraph.clear()
        if bullets:
            items = "".join(f"<li>{html.escape(b)}</li>" for b in bullets)
            parts.append(f"<ul>{items}</ul>")
            bullets.clear()

    for raw in notes.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("- "):
            if paragraph:
                flush()
            bullets.append(line[2:].strip())
        elif bullets and raw.startswith((" ", "\t")):
            bullets[-1] += " " + line  # an indented line continues the bullet above
        else:
            if bullets:
                flush()
            paragraph.append(line)
    flush()
    return "".join(parts)


def lesson_summary(lesson: Lesson) -> str:
    """One line on what the lesson trains: kind, dataset, layers, learning rate, epochs."""
    if lesson.kind == "activations":
        return "Activation functions (nothing to train)"
    if lesson.kind == "overview":
        return "An overview page (nothing to train)"
    parts = [lesson.kind, f"data: {lesson.dataset}"]
    if lesson.layers and not lesson.dense_only:
        parts.append("layers " + " → ".join(_layer_name(spec) for spec in lesson.layers))
    elif lesson.layers:
        units = "-".join(str(spec.units) for spec in lesson.layers)
        activations = "/".join(dict.fromkeys(spec.activation for spec in lesson.layers))
        parts.append(f"layers {units} ({activations})")
    parts.append(f"learning rate {lesson.learning_rate:g}")
    parts.append(f"{lesson.epochs} epochs")
    if lesson.batch_size > 1:
        parts.append(f"batch {lesson.batch_size}")
    return " · ".join(parts)


_KIND_NAMES = {"conv2d": "Conv2D", "max_pooling2d": "MaxPooling2D", "flatten": "Flatten",
               "rbf": "RBF", "experts": "experts", "dense": "Dense", "simple_rnn": "SimpleRNN",
               "time_distributed": "TimeDistributed(Dense)", "seq2seq": "encoder-decoder"}


def _layer_name(spec: object) -> str:
    """Keras's name for a layer, with its size where it has one: Conv2D(8), Flatten."""
    kind, units = getattr(spec, "kind", "dense"), getattr(spec, "units", 0)
    name = _KIND_NAMES.get(kind, kind)
    return f"{name}({units})" if units else name


#: Lessons the list shows without scrolling: all 17 of the lecture's (network types and 16
#: lessons), which still leaves the notes and the training controls room at 1280x800.
LISTED_ROWS = 17


class LessonBrowser(QWidget):
    """The lessons in lecture order (number and title), and the selected lesson's notes."""

    lesson_chosen = Signal(str)
    """The user asked to load the lesson of this name (double-click, Enter or Load)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base_point_size = self.font().pointSizeF()
        self._lessons: dict[str, Lesson] = {}

        self.list = QListWidget()
        self.list.setMinimumHeight(80)
        # One line per lesson (a long title is elided, its tooltip has it whole), so the whole
        # lecture fits the list: wrapped titles left room for about five of ten.
        self.list.setWordWrap(False)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setUniformItemSizes(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setToolTip("Double-click or press Enter to load a lesson")
        self.list.currentItemChanged.connect(self._selection_changed)
        self.list.itemActivated.connect(self._activated)
        self.load_button = QPushButton("Load lesson")
        self.load_button.setToolTip("Load the selected lesson (resets the model)")
        self.load_button.clicked.connect(self._load_clicked)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.notes = QTextBrowser()
        self.notes.setOpenExternalLinks(False)
        self.notes.setMinimumHeight(64)
        self.notes.setPlaceholderText("Select a lesson to read its notes.")

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.load_button)
        top_layout.addLayout(buttons)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.summary)
        bottom_layout.addWidget(self.notes, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)
        self.setMinimumSize(200, 220)
        self._update_buttons()

    def names(self) -> list[str]:
        """The lessons listed, in order."""
        return list(self._lessons)

    def set_lessons(self, lessons: Sequence[Lesson]) -> None:
        """List ``lessons`` in lecture order (by ``order``, then name); keeps the selection."""
        current = self.current_name()
        ordered = sorted(lessons, key=lambda lesson: (lesson.order, lesson.name))
        self._lessons = {lesson.name: lesson for lesson in ordered}
        self.list.blockSignals(True)
        self.list.clear()
        for lesson in ordered:
            item = QListWidgetItem(f"{lesson.order}. {lesson.title}")
            item.setData(NAME_ROLE, lesson.name)
            item.setToolTip(f"{lesson.order}. {lesson.title}\n{lesson.name}.toml: "
                            f"{lesson_summary(lesson)}")
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._fit_list()
        if current in self._lessons:
            self.set_current(current)
        else:
            self._show_notes(None)

    def _fit_list(self) -> None:
        """Tall enough for every lesson (up to LISTED_ROWS rows), at any font size."""
        rows = min(max(self.list.count(), 1), LISTED_ROWS)
        if self.list.count():
            self.list.item(0).setSizeHint(QSize())  # measure the text at the current font
        height = self.list.sizeHintForRow(0) if self.list.count() else self.fontMetrics().height()
        # Items as wide as the list, not as their text: a long title elides instead of
        # widening every row past the viewport.
        for row in range(self.list.count()):
            self.list.item(row).setSizeHint(QSize(1, height))
        self.list.setMinimumHeight(rows * height + 2 * self.list.frameWidth() + 2)

    def set_current(self, name: str) -> None:
        """Select the lesson called ``name`` and show its notes (emits nothing)."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(NAME_ROLE) == name:
                self.list.setCurrentItem(item)
                self.list.scrollToItem(item)
                return
        self.list.setCurrentItem(None)

    def current_name(self) -> str | None:
        """The selected lesson's name, or None."""
        item = self.list.currentItem()
        return None if item is None else item.data(NAME_ROLE)

    def set_theme(self, theme: Theme) -> None:
        """Scale the fonts: the notes are read from the back of the room in projector mode."""
        apply_font_scale(self, self._base_point_size, theme)
        notes_font = QFont(self.font())
        notes_font.setPointSizeF(self._base_point_size * theme.font_scale * 1.1)
        self.notes.setFont(notes_font)
        self.notes.document().setDefaultFont(notes_font)
        self.notes.document().setIndentWidth(round(18 * theme.font_scale))  # bullets, not 40 px
        self._fit_list()

    # -- user actions ------------------------------------------------------------------------

    def _selection_changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        self._show_notes(None if current is None else self._lessons.get(current.data(NAME_ROLE)))
        self._update_buttons()

    def _show_notes(self, lesson: Lesson | None) -> None:
        if lesson is None:
            self.summary.setText("")
            self.notes.clear()
            return
        self.summary.setText(f"<b>{html.escape(lesson.title)}</b><br>"
                             f"<i>{html.escape(lesson_summary(lesson))}</i>")
        self.notes.setHtml(notes_html(lesson.notes) or "<p><i>No notes for this lesson.</i></p>")

    def _activated(self, item: QListWidgetItem) -> None:
        self.lesson_chosen.emit(item.data(NAME_ROLE))

    def _load_clicked(self) -> None:
        name = self.current_name()
        if name is not None:
            self.lesson_chosen.emit(name)

    def _update_buttons(self) -> None:
        self.load_button.setEnabled(self.list.currentItem() is not None)


if __name__ == "__main__":
    import sys

    from PySide6.QtWidgets import QApplication

    from nnsim.core.lessons import list_lessons

    app = QApplication(sys.argv)
    browser = LessonBrowser()
    browser.set_lessons(list_lessons())
    browser.set_current("backprop-xor")
    browser.lesson_chosen.connect(lambda name: print("lesson_chosen", name))
    browser.resize(360, 560)
    browser.show()
    sys.exit(app.exec())
