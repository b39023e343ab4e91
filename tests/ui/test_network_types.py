"""The types page shows the lecture's eight types in order, draws each, and opens their lessons."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from nnsim.ui.network_types import LECTURE_TYPES, NetworkType, NetworkTypesPage
from nnsim.ui.neuron_diagram import NeuronDiagram
from nnsim.ui.palette import DARK, LIGHT
from nnsim.ui.type_diagrams import DRAWERS, TypeDiagram

AVAILABLE = {"perceptron-and", "backprop-xor", "mnist-keras", "cnn-mnist", "rbf-xor",
             "modular-experts"}
OUTLINE = [("A", "Perceptron"), ("B", "Feed Forward"), ("C", "Multilayer Perceptron"),
           ("D", "Convolutional"), ("E", "Radial Basis Function"), ("F", "Recurrent"),
           ("G", "Sequence to sequence"), ("H", "Modular")]


@pytest.fixture
def page(qtbot):
    widget = NetworkTypesPage()
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def card_of(page, letter):
    (card,) = [c for c in page.cards if c.network_type.letter == letter]
    return card


def drawn_fraction(widget, background) -> float:
    """The share of the widget's pixels (every second one) that differ from the background."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    ground = QColor(*background).rgb()
    samples = [image.pixel(x, y) for y in range(0, image.height(), 2)
               for x in range(0, image.width(), 2)]
    assert samples, "the widget has no pixels"
    return sum(pixel != ground for pixel in samples) / len(samples)


def test_lecture_types_name_the_lessons():
    assert [(t.letter, t.name) for t in LECTURE_TYPES] == OUTLINE
    assert [t.lesson for t in LECTURE_TYPES] == [
        "perceptron-and", "backprop-xor", "mnist-keras", "cnn-mnist", "rbf-xor", "rnn-parity",
        "seq2seq-reverse", "modular-experts"]
    assert LECTURE_TYPES[5].coming == "comes in a later lesson (rnn-parity)"
    assert LECTURE_TYPES[6].coming == "comes in a later lesson (seq2seq-reverse)"
    assert len({t.diagram for t in LECTURE_TYPES}) == 8


def test_clicking_open_lesson_emits_the_lesson_name(page, qtbot):
    page.set_available(AVAILABLE)
    for network_type in LECTURE_TYPES:
        if network_type.lesson not in AVAILABLE:
            continue
        button = card_of(page, network_type.letter).button
        assert button.isVisible() and button.isEnabled()
        with qtbot.waitSignal(page.lesson_chosen, timeout=1000) as blocker:
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert blocker.args == [network_type.lesson]


def test_missing_lessons_are_disabled_say_what_comes_and_do_not_emit(page, qtbot):
    page.set_available(AVAILABLE)
    chosen = []
    page.lesson_chosen.connect(chosen.append)
    for letter, coming in (("F", "rnn-parity"), ("G", "seq2seq-reverse")):
        card = card_of(page, letter)
        assert not card.button.isEnabled()
        assert card.note.isVisible() and coming in card.note.text()
        qtbot.mouseClick(card.button, Qt.MouseButton.LeftButton)
    assert chosen == []
    assert not card_of(page, "A").note.isVisible()
    # a lesson that disappears is disabled too; one that arrives is enabled
    page.set_available(AVAILABLE - {"cnn-mnist"} | {"rnn-parity"})
    assert not card_of(page, "D").button.isEnabled()
    assert "cnn-mnist" in card_of(page, "D").note.text()
    qtbot.mouseClick(card_of(page, "D").button, Qt.MouseButton.LeftButton)
    assert chosen == []
    with qtbot.waitSignal(page.lesson_chosen, timeout=1000) as blocker:
        qtbot.mouseClick(card_of(page, "F").button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["rnn-parity"]


def test_a_type_without_a_lesson_has_a_disabled_button(qtbot):
    page = NetworkTypesPage([NetworkType("Z", "Future", "Not written.", None, "comes later")])
    qtbot.addWidget(page)
    page.set_available({"perceptron-and"})
    (card,) = page.cards
    assert not card.button.isEnabled()
    assert card.note.text() == "comes later"


def test_the_eight_types_are_shown_in_order_row_by_row(page):
    assert [c.heading.text() for c in page.cards] == [
        f"<b>{letter}. {name}</b>" for letter, name in OUTLINE]
    assert all(c.heading.isVisible() and c.summary.text() for c in page.cards)
    assert page.columns() == 4
    reading_order = sorted(page.cards, key=lambda c: (c.y(), c.x()))
    assert [c.network_type.letter for c in reading_order] == list("ABCDEFGH")
    assert reading_order[3].y() == reading_order[0].y() < reading_order[4].y()


@pytest.mark.parametrize("kind", sorted(DRAWERS))
def test_each_diagram_paints_on_its_background(qtbot, kind):
    for theme in (LIGHT, DARK):
        diagram = TypeDiagram(kind)
        qtbot.addWidget(diagram)
        diagram.set_theme(theme)
        diagram.resize(220, 140)
        assert drawn_fraction(diagram, theme.background) > 0.04


def test_different_types_paint_different_images(qtbot):
    images = {}
    for kind in DRAWERS:
        diagram = TypeDiagram(kind)
        qtbot.addWidget(diagram)
        diagram.resize(220, 140)
        images[kind] = diagram.grab().toImage()
    kinds = list(images)
    for i, first in enumerate(kinds):
        for second in kinds[i + 1:]:
            assert images[first] != images[second], (first, second)


def test_an_unknown_diagram_is_refused():
    with pytest.raises(ValueError, match="unknown diagram"):
        TypeDiagram("hopfield")


def test_the_neuron_slide_maps_biological_parts_onto_the_artificial_neuron(page, qtbot):
    texts = [label.text() for label in page.analogy_labels]
    pairs = [("dendrites", "inputs x1"), ("synapses", "weights w1"),
             ("cell body", "weighted sum"), ("axon", "output y")]
    assert len(texts) == len(pairs)
    for text, (biological, artificial) in zip(texts, pairs, strict=True):
        assert biological in text and artificial in text
        assert text.index(biological) < text.index("\u2192") < text.index(artificial)
    assert "activation" in texts[2]
    assert all(label.isVisible() for label in page.analogy_labels)
    diagram = NeuronDiagram()
    qtbot.addWidget(diagram)
    diagram.resize(600, 230)
    assert drawn_fraction(diagram, LIGHT.background) > 0.04


@pytest.mark.parametrize(("width", "columns"), [(1280, 4), (900, 2)])
def test_the_page_fits_without_horizontal_scrolling(qtbot, width, columns):
    page = NetworkTypesPage()
    qtbot.addWidget(page)
    page.resize(width, 800)
    page.show()
    qtbot.waitExposed(page)
    qtbot.wait(10)
    assert page.columns() == columns
    assert not page.scroll.horizontalScrollBar().isVisible()
    content = page.scroll.widget()
    assert content.width() <= page.scroll.viewport().width()
    assert all(card.geometry().right() < content.width() for card in page.cards)
