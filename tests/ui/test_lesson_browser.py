"""LessonBrowser: lessons in lecture order, notes rendered, the chosen name emitted."""

import pytest
from PySide6.QtCore import Qt

from nnsim.core.lessons import list_lessons
from nnsim.ui.lesson_browser import LessonBrowser, lesson_summary, notes_html
from nnsim.ui.palette import LIGHT, PROJECTOR

LESSONS = list_lessons()


@pytest.fixture
def browser(qtbot):
    widget = LessonBrowser()
    qtbot.addWidget(widget)
    widget.set_lessons(list(reversed(LESSONS)))  # given out of order on purpose
    widget.resize(320, 560)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def chosen(browser):
    names: list[str] = []
    browser.lesson_chosen.connect(names.append)
    return names


def test_lessons_are_listed_in_lecture_order_with_numbers(browser):
    ordered = sorted(LESSONS, key=lambda lesson: (lesson.order, lesson.name))
    texts = [browser.list.item(row).text() for row in range(browser.list.count())]
    assert texts == [f"{lesson.order}. {lesson.title}" for lesson in ordered]
    assert texts[0].startswith("0. Types of neural networks")


def test_selecting_shows_notes_but_does_not_load(browser, chosen):
    browser.set_current("activations")
    assert browser.current_name() == "activations"
    html = browser.notes.toHtml()
    assert "squashes net into (0, 1)" in html
    assert browser.notes.document().toPlainText().count("\n") >= 6  # bullets on own lines
    assert "Neurons and activation functions" in browser.summary.text()
    assert chosen == []


def test_double_click_loads_the_lesson(browser, chosen, qtbot):
    browser.set_current("backprop-xor")
    item = browser.list.currentItem()
    centre = browser.list.visualItemRect(item).center()
    # A real double-click: Qt 6 needs the first press before the double-click event.
    qtbot.mouseClick(browser.list.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert chosen == []  # a single click only selects
    qtbot.mouseDClick(browser.list.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert chosen == ["backprop-xor"]


def test_enter_and_load_button_load_the_selected_lesson(browser, chosen, qtbot):
    browser.set_current("perceptron-and")
    browser.list.setFocus()
    qtbot.keyClick(browser.list, Qt.Key.Key_Return)
    qtbot.mouseClick(browser.load_button, Qt.MouseButton.LeftButton)
    assert chosen == ["perceptron-and", "perceptron-and"]


def test_load_button_is_disabled_without_a_selection(browser, chosen, qtbot):
    browser.set_current("no-such-lesson")
    assert browser.current_name() is None
    assert not browser.load_button.isEnabled()
    qtbot.mouseClick(browser.load_button, Qt.MouseButton.LeftButton)
    assert chosen == []


def test_set_lessons_keeps_the_selection(browser):
    browser.set_current("digits")
    browser.set_lessons(LESSONS)
    assert browser.current_name() == "digits"
    assert "handwritten digits" in browser.notes.toPlainText()


def test_notes_html_makes_paragraphs_and_bullets():
    notes = "First line\ncontinues here.\n\n- one <b>\n- two\n  wraps on\n\nLast."
    assert notes_html(notes) == ("<p>First line continues here.</p>"
                                 "<ul><li>one &lt;b&gt;</li><li>two wraps on</li></ul>"
                                 "<p>Last.</p>")
    assert notes_html("") == ""


def test_summary_names_the_model():
    xor = next(lesson for lesson in LESSONS if lesson.name == "backprop-xor")
    assert lesson_summary(xor) == ("network · data: xor · layers 2-1 (sigmoid) · "
                                   "learning rate 0.5 · 1000 epochs")


def test_projector_theme_enlarges_the_notes(browser):
    browser.set_theme(LIGHT)
    light = browser.notes.font().pointSizeF()
    browser.set_theme(PROJECTOR)
    assert browser.notes.font().pointSizeF() == pytest.approx(light * PROJECTOR.font_scale)
    assert browser.list.font().pointSizeF() > light
