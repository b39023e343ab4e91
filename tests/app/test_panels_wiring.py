"""The panels wired to the controller: stepper and canvas, undo, digits, datasets, export."""

from __future__ import annotations

import gzip
import subprocess
import sys

import numpy as np

from nnsim.core.optimizers import SGD
from tests.app.conftest import warnings_shown


def test_stepper_shows_the_worked_example_and_lights_the_canvas(nnsim_app, qtbot):
    controller = nnsim_app.controller
    controller.load_lesson_safely("worked-example")
    stepper = nnsim_app.window.stepper
    for _ in range(5):
        stepper.next_step()
    texts = " ".join(stepper.shown_texts())
    positions = [texts.index(number) for number in ("0.899", "0.593", "0.378", "0.506")]
    assert positions == sorted(positions)
    stepper.next_step()
    assert "class 1" in stepper.shown_texts()[-1]
    # A backward step colours the canvas's edges by gradient.
    while stepper.current_index() < len(stepper.steps()) - 1 and \
            stepper.steps()[stepper.current_index()].phase != "delta":
        stepper.next_step()
    assert stepper.steps()[stepper.current_index()].phase == "delta"
    assert controller.stepper.backward_trace is not None
    assert "-0.123" in " ".join(stepper.shown_texts())


def test_apply_update_equals_one_sgd_step_and_undo_restores(nnsim_app):
    controller = nnsim_app.controller
    controller.load_lesson_safely("worked-example")
    before = controller.weights()
    expected = controller.network().copy()
    expected.train_on_batch(np.array([[0.0, 1.0]]), np.array([1.0]),
                            SGD(nnsim_app.window.stepper.learning_rate()), "sse")
    nnsim_app.window.stepper.apply_update()
    for (W, b), (W_expected, b_expected) in zip(controller.weights(), expected.get_weights(),
                                                strict=True):
        np.testing.assert_allclose(W, W_expected, atol=1e-12)
        if b is not None:
            np.testing.assert_allclose(b, b_expected, atol=1e-12)
    nnsim_app.window.action_undo.trigger()
    for (W, _), (W_before, _) in zip(controller.weights(), before, strict=True):
        np.testing.assert_array_equal(W, W_before)
    nnsim_app.window.action_redo.trigger()
    np.testing.assert_allclose(controller.weights()[1][0], expected.get_weights()[1][0])


def test_editing_a_weight_on_the_canvas_is_undoable(nnsim_app):
    controller = nnsim_app.controller
    nnsim_app.window.canvas.weight_edited.emit(1, 0, 1, 2.5)
    assert controller.weights()[0][0][0, 1] == 2.5
    nnsim_app.window.canvas.weight_edited.emit(1, -1, 0, -1.25)
    assert controller.weights()[0][1][0] == -1.25
    nnsim_app.window.action_undo.trigger()
    nnsim_app.window.action_undo.trigger()
    assert controller.weights()[0][0][0, 1] != 2.5


def test_clicking_a_neuron_fills_the_inspector(nnsim_app):
    controller = nnsim_app.controller
    controller.load_lesson_safely("worked-example")
    nnsim_app.window.canvas.neuron_selected.emit(1, 0)
    net, out = nnsim_app.window.inspector.marked_point()
    assert round(net, 3) == 2.192
    assert int(out * 1000) == 899


def test_digits_lesson_pad_reads_with_the_pretrained_model(nnsim_app):
    controller = nnsim_app.controller
    controller.load_lesson_safely("digits")
    assert controller.digits.pad_network is not None
    assert controller.digits.pad_network.layers[-1].activation.name == "softmax"
    controller.digits.load_pretrained()
    assert controller.model.sizes == [64, 32, 16, 10]
    report = nnsim_app.window.evaluation.report_text()
    assert "accuracy" in report


def _write_idx(folder, name, magic, shape, data):
    header = magic.to_bytes(4, "big") + b"".join(n.to_bytes(4, "big") for n in shape)
    with gzip.open(folder / f"{name}.gz", "wb") as stream:
        stream.write(header + np.asarray(data, dtype=np.uint8).tobytes())


def test_open_dataset_reads_idx_files_and_a_bad_folder_keeps_the_data(nnsim_app, qtbot,
                                                                       tmp_path):
    from sklearn.model_selection import train_test_split

    from nnsim.app.dataset_loading import open_mnist_folder

    rng = np.random.default_rng(0)
    images, labels = [], []
    for prefix, count in (("train", 36), ("t10k", 12)):
        images.append(rng.integers(0, 256, (count, 28, 28)))
        labels.append(np.arange(count) % 10)
        _write_idx(tmp_path, f"{prefix}-images-idx3-ubyte", 2051, (count, 28, 28), images[-1])
        _write_idx(tmp_path, f"{prefix}-labels-idx1-ubyte", 2049, (count,), labels[-1])
    controller = nnsim_app.controller
    open_mnist_folder(controller, str(tmp_path))
    qtbot.waitUntil(lambda: controller.lesson.name == "mnist-keras"
                    and len(controller.data.X_train) == 36, timeout=20_000)
    # The lecture's split: 75/25 of all images (train and t10k files together), as the CLI's
    # --data DIR; checked against scikit-learn's own stratified split with the lesson's seed.
    X = np.concatenate(images).reshape(48, 784) / 255.0
    y = np.concatenate(labels)
    X_train, X_val, _, y_val = train_test_split(X, y, test_size=0.25, random_state=0,
                                                stratify=y)
    np.testing.assert_allclose(controller.data.X_train, X_train, atol=1e-6)
    np.testing.assert_allclose(controller.data.X_test, X_val, atol=1e-6)
    np.testing.assert_array_equal(controller.data.y_test, y_val)
    assert "48 images, 36 for training and 12 held out" in \
        nnsim_app.window.statusBar().currentMessage()
    empty = tmp_path / "empty"
    empty.mkdir()
    open_mnist_folder(controller, str(empty))
    qtbot.waitUntil(lambda: any("data already loaded is unchanged" in text
                                for text in warnings_shown(nnsim_app.window)), timeout=20_000)
    assert len(controller.data.X_train) == 36


def test_export_figures_writes_png_and_svg(nnsim_app, tmp_path):
    written = nnsim_app.export_figures(tmp_path)
    names = {path.name for path in written}
    assert {"nnsim-network.png", "nnsim-network.svg", "nnsim-curves.png",
            "nnsim-boundary.png"} <= names
    for path in written:
        assert path.stat().st_size > 200, path


def test_smoke_mode_trains_and_writes_a_screenshot(tmp_path):
    shot = tmp_path / "smoke.png"
    result = subprocess.run([sys.executable, "-m", "nnsim", "--smoke", "--steps", "50",
                             "--screenshot", str(shot)], capture_output=True, text=True,
                            timeout=180)
    assert result.returncode == 0, result.stderr
    assert "50 steps trained" in result.stdout
    from PySide6.QtGui import QImage

    image = QImage(str(shot))
    # The smoke run's pretend screen is 1280x800 (nnsim.app.offscreen): the window fills it
    # and stays inside it.
    assert 1200 <= image.width() <= 1280 and 700 <= image.height() <= 800


def test_export_figures_at_a_chosen_width_keeps_each_panels_aspect(nnsim_app, tmp_path):
    from PySide6.QtGui import QImage

    written = nnsim_app.export_figures(tmp_path, width=2400)
    pngs = [path for path in written if path.suffix == ".png"]
    assert {"nnsim-network.png", "nnsim-boundary.png", "nnsim-curves.png"} <= \
        {path.name for path in pngs}
    for path in pngs:
        image = QImage(str(path))
        assert image.width() == 2400, path.name
        assert image.height() > 100, path.name


def test_the_mnist_readers_object_ends_in_the_gui_thread(nnsim_app, qtbot, tmp_path):
    """The reader leaves its thread before the thread ends (destroyed there, it deadlocked the
    window with the GUI thread disconnecting the progress dialog: caught once in CI)."""
    from PySide6.QtWidgets import QApplication

    from nnsim.app.dataset_loading import open_mnist_folder

    rng = np.random.default_rng(2)
    for prefix, count in (("train", 24), ("t10k", 8)):
        _write_idx(tmp_path, f"{prefix}-images-idx3-ubyte", 2051, (count, 28, 28),
                   rng.integers(0, 256, (count, 28, 28)))
        _write_idx(tmp_path, f"{prefix}-labels-idx1-ubyte", 2049, (count,), np.arange(count) % 8)
    loader = open_mnist_folder(nnsim_app.controller, str(tmp_path))
    qtbot.waitUntil(lambda: len(nnsim_app.controller.data.X_train) == 24, timeout=20_000)
    qtbot.waitUntil(lambda: not loader.thread.isRunning(), timeout=5000)
    assert loader.reader.thread() is QApplication.instance().thread()
