"""The digit pad drawn on with qtbot mouse events, read by the pretrained models."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from nnsim.core import pretrained
from nnsim.ui.digit_pad import PROMPT, DigitPad
from nnsim.ui.palette import DARK

ONE = [[(0.52, 0.1), (0.5, 0.5), (0.48, 0.9)]]
ZERO = [[(0.5 + 0.25 * np.sin(a), 0.5 - 0.38 * np.cos(a)) for a in np.linspace(0, 6.4, 24)]]


@pytest.fixture(scope="module")
def models():
    return {"mnist": pretrained.load("mnist"), "digits": pretrained.load("digits")}


@pytest.fixture
def pad(qtbot, models):
    widget = DigitPad()
    qtbot.addWidget(widget)
    widget.set_model(models["mnist"].predict, "mnist")
    widget.resize(480, 720)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def settle(qtbot, pad):
    qtbot.waitUntil(lambda: not pad._timer.isActive(), timeout=2000)


def draw(qtbot, pad, strokes, costs=None):
    """Drag the mouse along each stroke, given in pad fractions (x right, y down)."""
    canvas = pad.canvas
    square = canvas._square()

    def at(x, y):
        return QPoint(round(square.left() + x * square.width()),
                      round(square.top() + y * square.height()))

    for stroke in strokes:
        qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=at(*stroke[0]))
        for x, y in stroke[1:]:
            for t in (0.5, 1.0):  # several small moves, as a hand makes
                previous = stroke[stroke.index((x, y)) - 1]
                qtbot.mouseMove(canvas, at(previous[0] + t * (x - previous[0]),
                                           previous[1] + t * (y - previous[1])))
                settle(qtbot, pad)
                if costs is not None:
                    costs.append((pad.cost_ms, pad.latency_ms))
        qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=at(*stroke[-1]))
    settle(qtbot, pad)


def bar_heights(pad):
    return np.array(pad.bars.opts["height"], dtype=float)


def test_a_one_and_a_zero_give_changing_bars_and_clear_gives_the_prompt(qtbot, pad):
    assert PROMPT in pad.guess.text()
    assert not bar_heights(pad).any()
    draw(qtbot, pad, ONE)
    one = bar_heights(pad)
    assert one.argmax() == 1 and one[1] > 0.5
    assert ">1<" in pad.guess.text()
    with qtbot.waitSignal(pad.cleared, timeout=1000):
        pad.clear()
    settle(qtbot, pad)
    assert PROMPT in pad.guess.text()
    assert not bar_heights(pad).any()
    assert not pad.image().any()
    draw(qtbot, pad, ZERO)
    zero = bar_heights(pad)
    assert zero.argmax() == 0 and zero[0] > 0.5
    assert np.abs(zero - one).sum() > 1.0


def test_stroke_to_bars_within_20_ms(qtbot, pad):
    """Processor time per mouse move: wall time also counts other programs on a busy machine."""
    costs = []
    draw(qtbot, pad, ZERO, costs)
    cpu, wall = np.array(costs).T
    assert len(cpu) > 40
    print(f"stroke to bars: processor {np.median(cpu):.1f} ms (max {cpu.max():.1f}), "
          f"wall {np.median(wall):.1f} ms (max {wall.max():.1f})")
    assert np.median(cpu) <= 20.0


def test_input_row_is_the_preprocessed_drawing(qtbot, pad, models):
    rows = []
    pad.input_ready.connect(rows.append)
    draw(qtbot, pad, ONE)
    row = rows[-1]
    assert row.shape == (784,) and row.min() >= 0 and row.max() == pytest.approx(1.0)
    np.testing.assert_allclose(models["mnist"].predict(row)[0], bar_heights(pad), atol=1e-12)

    pad.set_model(models["digits"].predict, "digits")
    settle(qtbot, pad)
    assert rows[-1].shape == (64,) and rows[-1].max() <= 1.0
    assert pad.captions[1].text() == "framed 32×32"
    assert pad.brush.value() == 26


def test_undo_removes_the_last_stroke(qtbot, pad):
    draw(qtbot, pad, ONE)
    after_one = pad.image()
    draw(qtbot, pad, [[(0.2, 0.2), (0.8, 0.2)]])
    assert (pad.image() > after_one).any()
    pad.canvas.setFocus()
    qtbot.keyClick(pad.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, pad)
    np.testing.assert_allclose(pad.image(), after_one, atol=1e-12)
    with qtbot.waitSignal(pad.cleared, timeout=1000):
        pad.undo()
    assert not pad.image().any()


def test_ctrl_z_undoes_a_stroke_before_the_windows_undo(qtbot, models):
    """The app's Edit > Undo also answers Ctrl+Z; the pad takes it while it has strokes."""
    window = QMainWindow()
    qtbot.addWidget(window)
    pad = DigitPad()
    pad.set_model(models["mnist"].predict, "mnist")
    window.setCentralWidget(pad)
    window_undo = QAction("Undo", window)
    window_undo.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
    fired = []
    window_undo.triggered.connect(lambda: fired.append(True))
    window.addAction(window_undo)
    window.resize(480, 720)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    draw(qtbot, pad, ONE)
    pad.canvas.setFocus()
    qtbot.keyClick(pad.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not pad.image().any() and not fired
    qtbot.keyClick(pad.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert fired == [True]


def test_escape_and_right_click_clear(qtbot, pad):
    draw(qtbot, pad, ONE)
    pad.canvas.setFocus()
    qtbot.keyClick(pad.canvas, Qt.Key.Key_Escape)
    settle(qtbot, pad)
    assert not pad.image().any() and PROMPT in pad.guess.text()
    draw(qtbot, pad, ONE)
    qtbot.mouseClick(pad.canvas, Qt.MouseButton.RightButton)
    settle(qtbot, pad)
    assert not pad.image().any()


def test_without_a_model_or_with_a_wrong_one_the_pad_says_so(qtbot, pad):
    pad.set_model(None, "mnist")
    draw(qtbot, pad, ONE)
    assert "No model" in pad.message.text()
    assert not bar_heights(pad).any()
    pad.set_model(lambda rows: np.ones((len(rows), 3)), "mnist")
    assert "3 outputs, expected 10" in pad.message.text()
    with pytest.raises(ValueError, match="kind must be one of"):
        pad.set_model(None, "cifar")


def test_dark_theme_paints_a_dark_pad(qtbot, pad):
    pad.set_theme(DARK)
    image = pad.canvas.grab().toImage()
    colour = image.pixelColor(image.width() // 2, image.height() // 2)
    assert (colour.red(), colour.green(), colour.blue()) == DARK.background


def test_each_preview_shows_its_whole_stage(qtbot, pad):
    """The crop and framed previews showed only their top-left corner (scaled past the
    label): every stage's picture must fit its label whole, with its ink inside."""
    draw(qtbot, pad, [[(0.2, 0.2), (0.8, 0.8)], [(0.8, 0.2), (0.2, 0.8)]])
    settle(qtbot, pad)
    for label in pad.previews:
        pixmap = label.pixmap()
        assert not pixmap.isNull()
        assert pixmap.width() <= label.width() and pixmap.height() <= label.height()
        assert max(pixmap.width(), pixmap.height()) >= min(label.width(), label.height()) - 1
