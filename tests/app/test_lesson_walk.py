"""The walk that crashed the app (issue: "The app never dies"), driven with the keyboard.

Down the lesson list from the first lesson to the last with Down and Return, training each a
moment with Space; one stroke on the digit pad; then back up with Up and Return, training each
again. Every step must leave the window alive, error-free and showing the open lesson.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from nnsim.ui import guard
from tests.app.tour import LESSONS, check_views_show, draw_on_pad

TRAIN_SECONDS_MS = 400


def choose_with_keys(app, qtbot, key: Qt.Key) -> str:
    """Move the list's selection with ``key`` and open it with Return, as a lecturer would."""
    browser = app.window.lessons
    app.window.activateWindow()  # shortcuts (Space) reach an active window only
    qtbot.waitUntil(app.window.isActiveWindow, timeout=5000)
    browser.list.setFocus()
    QTest.keyClick(browser.list, key)
    QTest.keyClick(browser.list, Qt.Key.Key_Return)
    name = browser.current_name()
    qtbot.waitUntil(lambda: app.controller.lesson.name == name, timeout=10_000)
    return name


def train_with_space(app, qtbot) -> None:
    controller = app.controller
    if not controller.workspace.state.trainable:
        return
    QTest.keyClick(app.window.lessons.list, Qt.Key.Key_Space)  # the focus is on the list
    # Small lessons may finish before the first check: wait for the run's first frame.
    qtbot.waitUntil(lambda: controller.workspace.status.value != "ready"
                    and controller.last_snapshot.step > 0, timeout=10_000)
    qtbot.wait(TRAIN_SECONDS_MS)
    if controller.is_training and controller.workspace.status.value == "running":
        QTest.keyClick(app.window.lessons.list, Qt.Key.Key_Space)  # pause; the next lesson stops it
    # The run stands still: its paused (or final) frame is the one on screen.
    qtbot.waitUntil(lambda: controller.last_snapshot.status != "running", timeout=10_000)


def test_down_the_list_and_back_up_with_the_keyboard(make_app, qtbot):
    guard.forget_reported_errors()
    app = make_app()
    browser = app.window.lessons
    browser.list.setFocus()
    QTest.keyClick(browser.list, Qt.Key.Key_Home)
    QTest.keyClick(browser.list, Qt.Key.Key_Return)
    assert app.controller.lesson.name == LESSONS[0]
    visited = [LESSONS[0]]
    for _ in LESSONS[1:]:
        name = choose_with_keys(app, qtbot, Qt.Key.Key_Down)
        train_with_space(app, qtbot)
        if app.window.docks["digits"].isVisible() and name == "digits":
            draw_on_pad(app, qtbot)
        check_views_show(app, name)
        visited.append(name)
    assert visited == LESSONS
    for _ in LESSONS[1:]:
        name = choose_with_keys(app, qtbot, Qt.Key.Key_Up)
        train_with_space(app, qtbot)
        check_views_show(app, name)
    assert app.controller.lesson.name == LESSONS[0]
    assert guard.reported_errors() == []
