"""The sequence-to-sequence lesson in the real window (issue 15): Train with a click learns to
reverse held-out sequences, the centre shows the encoder's states handed to the decoder and
the decoded sequence against the target (checked against the recurrences written out here),
typed digits are decoded or refused with a message, sessions and projector mode keep it."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from tests.app.conftest import run_over, warnings_shown
from tests.app.tour import check_views_show

LESSON = "seq2seq-reverse"


def decode_by_hand(weights, source: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """Encoder states (steps, units) and the greedy decoding: h_t = tanh(x_t W + h U + b) over
    the one-hot source; the decoder starts from the encoder's last state, reads the start
    symbol, then its own previous choice; softmax(h V + c) picks each symbol."""
    W, U, b, dW, dU, db, V, c = weights[0]
    vocabulary = W.shape[0]
    h, states = np.zeros(U.shape[0]), []
    for symbol in source.astype(int):
        h = np.tanh(np.eye(vocabulary)[symbol] @ W + h @ U + b)
        states.append(h)
    previous, decoded = vocabulary, []
    for _ in range(len(source)):
        h = np.tanh(np.eye(vocabulary + 1)[previous] @ dW + h @ dU + db)
        previous = int(np.argmax(h @ V + c))
        decoded.append(previous)
    return np.array(states), decoded


def test_the_lesson_trains_and_shows_the_handover(nnsim_app, qtbot, tmp_path):
    controller, window = nnsim_app.controller, nnsim_app.window
    assert controller.load_lesson_safely(LESSON)
    view = window.seq2seq
    assert window.central.currentWidget() is view
    check_views_show(nnsim_app, LESSON)
    qtbot.mouseClick(window.controls.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: run_over(controller), timeout=120_000)
    snapshot = controller.last_snapshot
    assert controller.workspace.state.history.epochs == 40
    # Held-out sequences, never trained on, decoded by hand from the trained weights.
    data = controller.data
    right = sum(decode_by_hand(snapshot.weights, x)[1] == list(t)
                for x, t in zip(data.X_test, data.y_test, strict=True))
    assert right / len(data.y_test) >= 0.95
    # The centre: the probe row's encoder states and decoding, as computed here.
    probe = data.X_train[snapshot.probe_index]
    states, decoded = decode_by_hand(snapshot.weights, probe)
    np.testing.assert_allclose(view.shown.encoder_states, states, atol=1e-10)
    np.testing.assert_allclose(view.shown.handed_over, states[-1], atol=1e-10)
    assert view.shown.decoded.tolist() == decoded
    assert view.target.tolist() == data.y_train[snapshot.probe_index].tolist()
    verdict = "right" if decoded == data.y_train[snapshot.probe_index].tolist() else "wrong"
    assert view.caption.text().endswith(f": {verdict}.")
    # Typed digits: decoded under the same weights, padded by the end symbol ".".
    view.entry.setFocus()
    qtbot.keyClicks(view.entry, "2 0 4 1")
    qtbot.keyClick(view.entry, Qt.Key.Key_Return)
    assert view.shown.source.tolist() == [2, 0, 4, 1, 5] and view.target is None
    assert view.shown.decoded.tolist() == decode_by_hand(snapshot.weights,
                                                         np.array([2, 0, 4, 1, 5]))[1]
    assert "Encoder reads 2 0 4 1 ." in view.caption.text()
    view.entry.clear()
    qtbot.keyClicks(view.entry, "1 2 7")
    qtbot.keyClick(view.entry, Qt.Key.Key_Return)
    assert "'7' is not a digit from 0 to 4" in view.message.text()
    assert view.shown.source.tolist() == [2, 0, 4, 1, 5]  # the last good one stays
    qtbot.mouseClick(view.back, Qt.MouseButton.LeftButton)
    assert view.shown.source.tolist() == probe.astype(int).tolist()
    assert view.message.text() == ""
    # Projector mode and back; a session keeps the trained network and the view.
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: nnsim_app.presentation.projector and window.isFullScreen())
    check_views_show(nnsim_app, LESSON)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: not nnsim_app.presentation.projector)
    path = tmp_path / "reverse.nnsim"
    assert nnsim_app.sessions.save_to(path)
    assert controller.load_lesson_safely("rnn-parity")
    assert window.central.currentWidget() is window.unrolled
    assert nnsim_app.sessions.open(path)
    assert window.central.currentWidget() is view
    check_views_show(nnsim_app, LESSON)
    for saved, opened in zip(snapshot.weights[0], controller.weights()[0], strict=True):
        np.testing.assert_array_equal(saved, opened)
    assert warnings_shown(window) == []
