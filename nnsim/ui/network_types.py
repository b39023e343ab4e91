"""NetworkTypesPage: the lecture's "Types of Neural Networks", each with a way into its lesson.

The page opens with the lecture's first slide (a biological neuron mapped onto the artificial
one), then shows the eight types A-H as cards: a code-drawn diagram, the letter and name, one
sentence, and an "Open lesson" button. The page only asks for a lesson (``lesson_chosen``);
the app decides which lessons exist (``set_available``) and loads them.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from nnsim.ui.guard import guarded
from nnsim.ui.neuron_diagram import NeuronDiagram
from nnsim.ui.palette import LIGHT, Theme, apply_font_scale
from nnsim.ui.type_diagrams import (
    AXON,
    DENDRITE,
    DRAWERS,
    SOMA,
    SYNAPSE,
    TypeDiagram,
)


@dataclass(frozen=True)
class NetworkType:
    """One type of the lecture's outline and the lesson that teaches it."""

    letter: str            # "A"
    name: str              # "Perceptron"
    summary: str           # one sentence
    lesson: str | None     # lesson name to open, e.g. "perceptron-and"; None = not yet
    coming: str = ""       # shown when the lesson is missing, e.g. "comes in a later lesson"
    diagram: str = "feedforward"  # a key of type_diagrams.DRAWERS


LECTURE_TYPES: tuple[NetworkType, ...] = (
    NetworkType("A", "Perceptron", "A single neuron: a weighted sum of the inputs through a step "
                "function, which splits two classes with a straight line.", "perceptron-and",
                diagram="perceptron"),
    NetworkType("B", "Feed Forward", "Signals flow one way, layer by layer from the inputs to the "
                "outputs, with no loops; backpropagation trains the weights.", "backprop-xor",
                diagram="feedforward"),
    NetworkType("C", "Multilayer Perceptron", "Several fully connected hidden layers of nonlinear "
                "neurons, enough to learn curved boundaries and recognise digits.", "mnist-keras",
                diagram="mlp"),
    NetworkType("D", "Convolutional", "Small kernels slide over an image to make feature maps of "
                "local patterns, which are pooled and passed to dense layers.", "cnn-mnist",
                diagram="cnn"),
    NetworkType("E", "Radial Basis Function", "Hidden units answer with a bell curve of the "
                "input's distance to their centre, and the output is a weighted sum of them.",
                "rbf-xor", diagram="rbf"),
    NetworkType("F", "Recurrent", "A hidden state is fed back at every time step, so the network "
                "remembers the earlier inputs of a sequence.", "rnn-parity",
                "comes in a later lesson (rnn-parity)", diagram="recurrent"),
    NetworkType("G", "Sequence to sequence", "An encoder reads the input sequence into a state, "
                "and a decoder writes the output sequence from that state.", "seq2seq-reverse",
                "comes in a later lesson (seq2seq-reverse)", diagram="seq2seq"),
    NetworkType("H", "Modular", "Several expert networks each learn part of the problem, and a "
                "gate decides how much each expert's answer counts.", "modular-experts",
                diagram="modular"),
)

#: (biological part, artificial counterpart, what it does, colour) for the first slide.
CORRESPONDENCES = (
    ("dendrites", "inputs x1, x2, x3", "receive the signals of other neurons", DENDRITE),
    ("synapses", "weights w1, w2, w3", "make each incoming signal stronger or weaker", SYNAPSE),
    ("cell body (soma)", "weighted sum \u03a3 + activation f",
     "adds up the inputs and fires past a threshold", SOMA),
    ("axon", "output y", "carries the result on to the next neurons", AXON),
)
#: At least this many pixels wide the cards sit in four columns, else in two.
WIDE = 1200
OPEN = "Open lesson"


class TypeCard(QFrame):
    """One network type: heading, diagram, sentence, and the button to its lesson."""

    def __init__(self, network_type: NetworkType, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.network_type = network_type
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.heading = QLabel(f"<b>{html.escape(network_type.letter)}. "
                              f"{html.escape(network_type.name)}</b>")
        self.heading.setWordWrap(True)
        self.diagram = TypeDiagram(network_type.diagram)
        self.summary = QLabel(network_type.summary)
        self.summary.setWordWrap(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.button = QPushButton(OPEN)
        layout = QVBoxLayout(self)
        for widget in (self.heading, self.diagram, self.summary, self.note):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)
        self.set_available(network_type.lesson is not None)

    def set_available(self, available: bool) -> None:
        """Enable the button, or disable it and say which lesson will come."""
        lesson = self.network_type.lesson
        available = available and lesson is not None
        self.button.setEnabled(available)
        missing = self.network_type.coming or (
            f"the {lesson} lesson is not available yet" if lesson else "no lesson yet")
        self.note.setText("" if available else missing)
        self.note.setVisible(not available)
        self.button.setToolTip(f"open the {lesson} lesson" if available else missing)


class NetworkTypesPage(QWidget):
    """The lecture's types of neural networks, after the biological-to-artificial neuron slide."""

    lesson_chosen = Signal(str)
    """Emitted with the lesson name when a type's "Open lesson" button is clicked."""

    def __init__(self, types: Sequence[NetworkType] = LECTURE_TYPES,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        unknown = [t.diagram for t in types if t.diagram not in DRAWERS]
        if unknown:
            raise ValueError(f"unknown diagrams {unknown}; expected keys of {sorted(DRAWERS)}")
        self._base_point_size = self.font().pointSizeF()
        self._columns = 0

        content = QWidget()
        layout = QVBoxLayout(content)
        self.title = QLabel("<h2>Types of neural networks</h2>")
        layout.addWidget(self.title)
        layout.addWidget(self._analogy_panel())
        self.grid = QGridLayout()
        layout.addLayout(self.grid)
        layout.addStretch(1)

        self.cards: list[TypeCard] = []
        for network_type in types:
            card = TypeCard(network_type)
            card.button.clicked.connect(self._on_clicked)
            self.cards.append(card)
        self._arrange(2)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)

    def _analogy_panel(self) -> QFrame:
        panel = QFrame()
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        self.neuron = NeuronDiagram()
        self.analogy_labels: list[QLabel] = []
        legend = QVBoxLayout()
        heading = QLabel("<b>From the biological to the artificial neuron</b>")
        heading.setWordWrap(True)
        legend.addWidget(heading)
        for biological, artificial, role, colour in CORRESPONDENCES:
            hex_colour = "#{:02x}{:02x}{:02x}".format(*colour)
            label = QLabel(f"<b style='color:{hex_colour}'>{html.escape(biological)}</b> "
                           f"\u2192 <b>{html.escape(artificial)}</b>: {html.escape(role)}")
            label.setWordWrap(True)
            legend.addWidget(label)
            self.analogy_labels.append(label)
        legend.addStretch(1)
        row = QHBoxLayout(panel)
        row.addWidget(self.neuron, 3)
        row.addLayout(legend, 2)
        return panel

    def _on_clicked(self) -> None:
        for card in self.cards:
            if card.button is self.sender() and card.button.isEnabled():
                self.lesson_chosen.emit(card.network_type.lesson)

    def set_available(self, lessons: Collection[str]) -> None:
        """Enable only the buttons whose lesson is in ``lessons`` (those the app can load)."""
        for card in self.cards:
            card.set_available(card.network_type.lesson in lessons)

    def columns(self) -> int:
        """How many columns of cards the page shows now."""
        return self._columns

    def _arrange(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for card in self.cards:
            self.grid.removeWidget(card)
        for index, card in enumerate(self.cards):
            self.grid.addWidget(card, index // columns, index % columns)
        for column in range(4):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)

    @guarded()
    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        self._arrange(4 if event.size().width() >= WIDE else 2)
        super().resizeEvent(event)

    def set_theme(self, theme: Theme) -> None:
        """Colours of the drawings and font sizes of ``theme``."""
        apply_font_scale(self, self._base_point_size, theme)
        self.neuron.set_theme(theme)
        for card in self.cards:
            card.diagram.set_theme(theme)


def main() -> None:
    """The page alone; a chosen lesson is printed."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    page = NetworkTypesPage()
    page.set_theme(LIGHT)
    page.lesson_chosen.connect(print)
    page.resize(1280, 800)
    page.show()
    app.exec()


if __name__ == "__main__":
    main()
