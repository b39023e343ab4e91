"""File > Export model from the real window: the network on screen as a script that runs."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog

from tests.app.conftest import warnings_shown
from tests.app.tour import train_a_little


def _choose_in_file_menu(window, qtbot, key):
    file_menu = next(a for a in window.menuBar().actions() if a.text() == "&File")
    window.menuBar().setActiveAction(file_menu)
    qtbot.waitUntil(file_menu.menu().isVisible)
    QTest.keyClick(file_menu.menu(), key)


def test_export_model_writes_a_script_that_predicts_what_the_window_shows(
        nnsim_app, qtbot, tmp_path, monkeypatch):
    app, window = nnsim_app, nnsim_app.window
    train_a_little(app, qtbot, steps=5)
    app.controller.stop_training()
    target = tmp_path / "xor_export.py"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), "NumPy script (*.py)"))
    _choose_in_file_menu(window, qtbot, Qt.Key.Key_M)  # "Export &model…"
    qtbot.waitUntil(target.exists, timeout=5000)
    assert "xor_export.py" in window.statusBar().currentMessage()
    network = app.controller.network()
    with np.load(target.with_suffix(".npz"), allow_pickle=False) as saved:
        for index, (W, b) in enumerate(network.get_weights()):
            np.testing.assert_array_equal(saved[f"W{index}"], W)
            np.testing.assert_array_equal(saved[f"b{index}"], b)
    run = subprocess.run([sys.executable, str(target)], capture_output=True, text=True,
                         timeout=60, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    printed = [float(line.split("->")[1]) for line in run.stdout.splitlines()
               if line.startswith("x =")]
    X = app.controller.workspace.state.data.X_train[:4]
    np.testing.assert_allclose(printed, network.predict(X).ravel(), atol=1e-8)


def test_a_perceptron_cannot_be_exported_and_says_why(nnsim_app, qtbot, tmp_path, monkeypatch):
    app, window = nnsim_app, nnsim_app.window
    assert app.controller.load_lesson_safely("perceptron-and")
    target = tmp_path / "and.py"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), "Keras 3 script (*.py)"))
    _choose_in_file_menu(window, qtbot, Qt.Key.Key_M)
    qtbot.waitUntil(lambda: any("delta rule" in text for text in warnings_shown(window)),
                    timeout=5000)
    assert not target.exists()
    assert app.controller.lesson.name == "perceptron-and"
