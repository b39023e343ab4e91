"""The public API a notebook uses: Keras's names at nnsim's top, the app's own objects."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import numpy as np
import pytest

import nnsim

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_notebook_example_runs_and_learns_xor():
    blocks = re.findall(r"```python\n(.+?)\n```", README.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1 and len(blocks[0].splitlines()) <= 11
    printed = io.StringIO()
    scope: dict = {}
    with contextlib.redirect_stdout(printed):
        exec(compile(blocks[0], "README.md", "exec"), scope)  # noqa: S102 - our own README
    model, X, y = scope["model"], scope["X"], scope["y"]
    xor = np.logical_xor(X[:, 0], X[:, 1]).astype(int)  # the truth table, independently
    assert np.array_equal(y, xor)
    assert np.array_equal((model.predict(X).ravel() > 0.5).astype(int), xor)
    loss, accuracy = model.evaluate(X, y)
    # The lecture's error E = 1/2 sum (t - o)^2 over the rows.
    errors = model.predict(X).ravel() - y
    assert accuracy == 1.0 and loss == pytest.approx(0.5 * np.sum(errors**2))
    assert printed.getvalue().splitlines()[-1] == str([loss, accuracy])


def test_keras_names_at_the_top_and_in_core():
    from nnsim import SGD, Dense, Sequential
    from nnsim.core import Dense as CoreDense
    from nnsim.core import Network
    from nnsim.core.layers import Dense as LayerDense

    assert Dense is CoreDense is LayerDense
    model = Sequential([Dense(4, 3, "relu", seed=0), Dense(3, 2, "softmax", seed=1)])
    assert isinstance(model, Network) and model.sizes == [4, 3, 2]
    model.compile(optimizer=SGD(learning_rate=0.1, momentum=0.9),
                  loss="categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 4)), rng.integers(0, 2, 40)
    history = model.fit(X[:30], y[:30], epochs=3, batch_size=8, validation_data=(X[30:], y[30:]))
    assert list(history.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert all(len(values) == 3 for values in history.history.values())
    assert set(model.evaluate(X, y, return_dict=True)) == {"loss", "accuracy"}
    with pytest.raises(ValueError, match="unknown metrics"):
        model.compile(metrics=["auc"])
    with pytest.raises(AttributeError, match="no attribute 'Conv3D'"):
        nnsim.Conv3D  # noqa: B018


def test_lessons_and_sessions_as_the_app_opens_them(tmp_path):
    from nnsim.core.session import Session, save_session
    from nnsim.workspace.state import weight_shapes

    lesson = nnsim.load_lesson("worked-example")
    assert lesson.name == "worked-example" and lesson.kind == "network"
    state = nnsim.open_lesson("backprop-xor")
    state.network.fit(state.data.X_train, state.data.y_train, epochs=5, batch_size=1)
    network = state.network
    session = Session(lesson="backprop-xor", model_kind="network", architecture=network.spec(),
                      weights=network.get_weights(), history={"loss": [0.9, 0.8]})
    path = save_session(session, tmp_path / "xor.nnsim")
    opened = nnsim.open_session(path)
    assert opened.lesson.name == "backprop-xor"
    assert weight_shapes(opened.network.get_weights()) == weight_shapes(state.network.get_weights())
    for (W, b), (W2, b2) in zip(opened.network.get_weights(), state.network.get_weights(),
                                strict=True):
        np.testing.assert_array_equal(W, W2)
        np.testing.assert_array_equal(b, b2)
