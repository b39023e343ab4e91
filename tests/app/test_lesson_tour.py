"""The app holds together across lessons: every ordered pair of lessons, sessions, datasets.

Driven through the real main window with key presses and mouse strokes (the failures this
guards against only appeared when moving between lessons, never with a lesson opened fresh).
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton

from nnsim.app.session_io import session_of
from nnsim.core.session import save_session
from nnsim.ui import guard
from tests.app.tour import LESSONS, check_views_show, draw_on_pad, train_a_little


def every_ordered_pair(names: list[str]) -> list[str]:
    """A walk that goes from each lesson to each lesson (itself too) exactly once: an Euler
    circuit of the complete directed graph with loops, so 100 pairs cost 101 loads."""
    unused = {a: list(names) for a in names}
    circuit, stack = [], [names[0]]
    while stack:
        here = stack[-1]
        if unused[here]:
            stack.append(unused[here].pop())
        else:
            circuit.append(stack.pop())
    return circuit[::-1]


def test_the_walk_covers_every_ordered_pair():
    walk = every_ordered_pair(LESSONS)
    pairs = set(zip(walk, walk[1:], strict=False))
    assert len(walk) == len(LESSONS) ** 2 + 1
    assert pairs == {(a, b) for a in LESSONS for b in LESSONS}


@pytest.fixture
def tour_app(make_app):
    guard.forget_reported_errors()
    return make_app()


def test_every_ordered_pair_of_lessons(tour_app, qtbot):
    app = tour_app
    for previous, name in zip(["backprop-xor", *every_ordered_pair(LESSONS)],
                              every_ordered_pair(LESSONS), strict=False):
        assert app.controller.load_lesson_safely(name), (previous, name)
        check_views_show(app, name)
        train_a_little(app, qtbot)
        if app.window.docks["digits"].isVisible():
            draw_on_pad(app, qtbot)
        app.controller.stop_training()


def test_opening_a_session_of_another_lesson(tour_app, qtbot, tmp_path):
    app = tour_app
    for index, saved in enumerate(LESSONS):
        other = LESSONS[(index + 3) % len(LESSONS)]
        app.controller.load_lesson_safely(saved)
        train_a_little(app, qtbot)
        app.controller.stop_training()
        if app.controller.workspace.state.trainable:
            path = save_session(session_of(app.controller), tmp_path / f"{saved}.nnsim")
            app.controller.load_lesson_safely(other)
            train_a_little(app, qtbot)
            assert app.sessions.open(path)
            check_views_show(app, saved)
            assert app.controller.history.epochs == app.controller.last_snapshot.epoch


def test_opening_a_dataset_from_every_lesson(tour_app, qtbot, tmp_path):
    """File > Open dataset (MNIST IDX files) from each lesson: MNIST opens on the new rows and
    nothing of the lesson before it (an evaluation, curves, a pad row) is left on screen."""
    from nnsim.app.dataset_loading import open_mnist_folder
    from tests.app.test_panels_wiring import _write_idx

    rng = np.random.default_rng(1)
    for prefix, count in (("train", 24), ("t10k", 8)):
        _write_idx(tmp_path, f"{prefix}-images-idx3-ubyte", 2051, (count, 28, 28),
                   rng.integers(0, 256, (count, 28, 28)))
        _write_idx(tmp_path, f"{prefix}-labels-idx1-ubyte", 2049, (count,),
                   np.arange(count) % 8)  # every class twice at least: a stratified split
    app = tour_app
    for name in LESSONS:
        app.controller.load_lesson_safely(name)
        train_a_little(app, qtbot)
        if app.window.docks["digits"].isVisible():
            draw_on_pad(app, qtbot)
        app.controller.stop_training()
        if name in ("digits", "mnist-keras"):
            app.controller.digits.evaluate()  # a report that must not survive the new rows
        open_mnist_folder(app.controller, str(tmp_path))
        # A lesson on MNIST keeps its network (cnn-mnist stays convolutional); others switch.
        expected = name if name in ("mnist-keras", "cnn-mnist") else "mnist-keras"
        qtbot.waitUntil(lambda expected=expected: app.controller.lesson.name == expected
                        and len(app.controller.data.X_train) == 24, timeout=20_000)
        check_views_show(app, expected)
        assert app.controller.workspace.evaluation is None
        assert app.controller.history.epochs == 0


def test_cancel_while_reading_a_dataset_keeps_the_open_lesson(tour_app, qtbot, tmp_path):
    from nnsim.app.dataset_loading import open_mnist_folder
    from tests.app.test_panels_wiring import _write_idx

    for prefix, count in (("train", 6), ("t10k", 2)):
        _write_idx(tmp_path, f"{prefix}-images-idx3-ubyte", 2051, (count, 28, 28),
                   np.zeros((count, 28, 28)))
        _write_idx(tmp_path, f"{prefix}-labels-idx1-ubyte", 2049, (count,), np.zeros(count))
    app = tour_app
    app.controller.load_lesson_safely("spiral")
    loader = open_mnist_folder(app.controller, str(tmp_path))
    QTest.mouseClick(loader.progress.findChild(QPushButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(loader.thread.isFinished, timeout=10_000)
    qtbot.wait(50)
    assert app.controller.lesson.name == "spiral"
    check_views_show(app, "spiral")
