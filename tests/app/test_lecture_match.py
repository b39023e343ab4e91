"""Train > Train as long as the lecture: the lecture's 41,100 weight updates on the open rows."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest


def _train_menu(window):
    for action in window.menuBar().actions():
        if action.text() == "&Train":
            return action
    raise AssertionError("no Train menu")


def test_train_as_long_as_the_lecture_from_the_menu(nnsim_app, qtbot):
    app, window = nnsim_app, nnsim_app.window
    controller = app.controller
    assert not window.action_match_lecture.isEnabled()  # backprop-xor has no lecture run
    assert controller.load_lesson_safely("mnist-keras")
    assert window.action_match_lecture.isEnabled()
    assert window.controls.epochs.value() == 100
    train = _train_menu(window)
    window.menuBar().setActiveAction(train)
    qtbot.waitUntil(train.menu().isVisible)
    QTest.keyClick(train.menu(), Qt.Key.Key_L)  # "Train as long as the &lecture"
    # 3,750 training images in batches of 128: 30 updates an epoch; 41,100 / 30 = 1,370.
    qtbot.waitUntil(lambda: window.controls.epochs.value() == 1370)
    settings = controller.workspace.state.settings
    assert settings.epochs == 1370 and settings.speed is None
    assert "41,100 weight updates" in window.statusBar().currentMessage()
    assert controller.load_lesson_safely("spiral")
    assert not window.action_match_lecture.isEnabled()
    assert controller.load_lesson_safely("mnist-keras")
    assert window.controls.epochs.value() == 100  # a fresh lesson: its own epochs again
