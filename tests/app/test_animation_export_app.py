"""File > Export animation from the real window: the run trained there, as a video read back,
with a working Cancel and one clear message for what cannot be exported."""

from __future__ import annotations

import imageio.v3 as iio
import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from nnsim.ui.animation_dialog import AnimationDialog
from tests.app.conftest import run_over, warnings_shown


def _train(app, qtbot, epochs: int) -> list[int]:
    controller = app.controller
    controller.settings.epochs = epochs
    assert controller.start_training()
    qtbot.waitUntil(lambda: run_over(controller), timeout=30_000)
    recorded = controller.workspace.require().timeline.epochs
    assert len(recorded) >= 2, recorded
    return recorded


def _when_dialog(qtbot, fill) -> list[str]:
    """Fill in and accept the export dialog once it is open; the errors it showed."""
    errors: list[str] = []

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, AnimationDialog):
            QTimer.singleShot(20, act)
            return
        fill(dialog)
        dialog.accept()
        if dialog.isVisible():  # refused: note why and give up
            errors.append(dialog.error.text())
            dialog.reject()

    QTimer.singleShot(0, act)
    return errors


def test_export_animation_writes_the_trained_run(nnsim_app, qtbot, tmp_path):
    app, window = nnsim_app, nnsim_app.window
    recorded = _train(app, qtbot, epochs=25)
    out = tmp_path / "xor.gif"

    def fill(dialog: AnimationDialog) -> None:
        dialog.path_edit.setText(str(out))
        dialog.size_box.setCurrentText("320x240")
        dialog.fps_box.setValue(12)

    errors = _when_dialog(qtbot, fill)
    window.action_export_animation.trigger()
    assert errors == [] and warnings_shown(window) == []
    frames = list(iio.imiter(out))
    assert len(frames) == len(recorded)  # every recorded epoch, fewer than 300
    assert frames[0].shape[:2] == (240, 320)
    first, last = (frame[40:, 160:, :3].astype(int) for frame in (frames[0], frames[-1]))
    assert np.abs(first - last).sum(axis=2).astype(bool).mean() > 0.02  # the boundary moved
    assert out.name in window.statusBar().currentMessage()


def test_cancel_stops_and_leaves_no_file(nnsim_app, qtbot, tmp_path):
    app, window = nnsim_app, nnsim_app.window
    _train(app, qtbot, epochs=40)
    (tmp_path / "videos").mkdir()
    out = tmp_path / "videos" / "xor.mp4"

    def fill(dialog: AnimationDialog) -> None:
        dialog.path_edit.setText(str(out))
        dialog.size_box.setCurrentText("640x360")

        def cancel() -> None:
            progress = window.findChild(QProgressDialog, "nnsim-animation-progress")
            if progress is None or progress.value() < 3:
                QTimer.singleShot(5, cancel)
                return
            progress.cancel()

        QTimer.singleShot(0, cancel)

    _when_dialog(qtbot, fill)
    window.action_export_animation.trigger()
    assert list(out.parent.iterdir()) == []  # neither the video nor a partial file
    assert "cancelled" in window.statusBar().currentMessage()


def test_a_bad_size_is_said_in_the_dialog_and_nothing_is_written(nnsim_app, qtbot, tmp_path):
    app, window = nnsim_app, nnsim_app.window
    _train(app, qtbot, epochs=5)

    def fill(dialog: AnimationDialog) -> None:
        dialog.path_edit.setText(str(tmp_path / "x.mp4"))
        dialog.fps_box.setValue(24)
        dialog.size_box.setCurrentText("2560x1440")

    errors = _when_dialog(qtbot, fill)
    window.action_export_animation.trigger()
    assert errors == ["a size of 2560x1440 is outside 16x16 to 1920x1080"]
    assert not [path for path in tmp_path.iterdir() if path.suffix == ".mp4"]


def test_an_untrained_run_asks_to_train_first(nnsim_app, tmp_path):
    window = nnsim_app.window
    window.action_export_animation.trigger()
    assert any("train first" in text for text in warnings_shown(window))


def test_a_run_under_way_is_exported_once_it_ends(nnsim_app, qtbot):
    """While training, the run is not recorded yet: the warning says so, not "train first"."""
    window, controller = nnsim_app.window, nnsim_app.controller
    window.controls.epochs.setValue(100_000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: controller.workspace.status.is_active, timeout=10_000)
    window.action_export_animation.trigger()
    shown = warnings_shown(window)
    assert any("is training: its run is recorded when it ends" in text for text in shown)
    assert not any("train first" in text for text in shown)
    controller.stop_training(2000)


def test_the_suggested_folder_exists(tmp_path, monkeypatch):
    """No ~/Videos on a fresh account: the dialog suggests a folder that is there."""
    from nnsim.app.animation_export import default_folder

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert default_folder().is_dir()
    (tmp_path / "Videos").mkdir()
    assert default_folder().is_dir()
