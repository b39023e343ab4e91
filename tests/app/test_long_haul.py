"""What the trust issue found good and must stay so: toggling Train hundreds of times,
switching lessons while training, and a killed window leaving no trainer process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from nnsim.ui import guard
from tests.app.tour import LESSONS


def _focus_list(app, qtbot):
    window = app.window
    window.activateWindow()  # shortcuts (Space) reach the active window only
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    window.lessons.list.setFocus()
    return window.lessons.list


def test_200_train_toggles_then_50_lesson_switches_while_training(make_app, qtbot):
    guard.forget_reported_errors()
    app = make_app()  # the default trainer: a child process
    controller, window = app.controller, app.window
    assert controller.load_lesson_safely("spiral")
    controller.settings.epochs = 0  # until stopped: every toggle meets a live run
    keys = _focus_list(app, qtbot)
    for toggle in range(200):
        QTest.keyClick(keys, Qt.Key.Key_Space)
        if toggle % 20 == 0:
            qtbot.wait(30)  # now and then let frames arrive between presses
    qtbot.waitUntil(lambda: controller.runs.running_unpaused() == window.action_train.isChecked(),
                    timeout=10_000)
    assert not window.action_train.isChecked()  # an even number of presses: paused
    assert controller.last_snapshot.step > 0
    for switch in range(50):
        name = LESSONS[(switch * 3 + 1) % len(LESSONS)]  # a walk that visits every lesson
        keys.setCurrentRow(LESSONS.index(name))
        QTest.keyClick(keys, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda name=name: controller.lesson.name == name, timeout=10_000)
        if controller.workspace.state.trainable:
            QTest.keyClick(keys, Qt.Key.Key_Space)  # train; the next switch stops it
            qtbot.wait(20)
    assert guard.reported_errors() == []
    assert window.isVisible() and controller.lesson.name == name
    assert controller.stop_training(5000)


_GUI_WITH_A_TRAINER = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["NNSIM_NO_DIALOGS"] = "1"
from PySide6.QtCore import QSettings
from nnsim.app.application import NnsimApp
from nnsim.app.main import make_application
qt = make_application()
app = NnsimApp(QSettings(sys.argv[1], QSettings.Format.IniFormat))
app.start("spiral")
app.window.show()
app.controller.settings.epochs = 0
app.controller.start_training()
while app.controller.last_snapshot is None or app.controller.last_snapshot.step < 10:
    qt.processEvents()
print(app.controller.trainer.child_process.pid, flush=True)
os.kill(os.getpid(), 9)  # the window is killed mid-run, as by kill -9
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is dead, only not yet reaped
        return stat.read().split(")")[-1].split()[0] != "Z"


def test_a_killed_window_leaves_no_trainer_behind(tmp_path):
    gui = subprocess.run([sys.executable, "-c", _GUI_WITH_A_TRAINER,
                          str(tmp_path / "settings.ini")],
                         capture_output=True, text=True, timeout=120)
    assert gui.returncode == -signal.SIGKILL, gui.stderr[-2000:]
    trainer = int(gui.stdout.split()[-1])
    deadline = time.monotonic() + 10
    while _alive(trainer) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(trainer), f"trainer {trainer} outlived its window"
