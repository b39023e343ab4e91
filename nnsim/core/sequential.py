"""Keras's ``Sequential`` over nnsim's Network: the lecture's last part, in a notebook.

    model = Sequential([Dense(784, 256, "sigmoid"), Dense(256, 128, "sigmoid"),
                        Dense(128, 10, "softmax")])
    model.compile(optimizer=SGD(0.01), loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(X, y, epochs=100, batch_size=128, validation_data=(X_val, y_val))

A Sequential *is* a Network (the app draws it, sessions save it); ``compile`` only remembers
the optimizer and loss that ``fit`` and ``evaluate`` then use, as Keras does.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nnsim.core.history import History
from nnsim.core.layers import Dense
from nnsim.core.losses import get_loss
from nnsim.core.network import EpochCallback, Network
from nnsim.core.optimizers import SGD, get_optimizer

Array = np.ndarray


class Sequential(Network):
    """A stack of layers trained by ``fit`` with Keras's keyword names and History keys."""

    def __init__(self, layers: Sequence[Dense]) -> None:
        super().__init__(layers)
        self.optimizer: SGD = SGD(0.01)  # Keras's SGD default
        self.loss_name = "sse"
        self.metrics: list[str] = ["accuracy"]

    def compile(self, optimizer: SGD | str = "sgd", loss: str = "sse",
                metrics: Sequence[str] | None = None) -> None:
        """Remember the optimizer and loss; ``metrics`` may name "accuracy" only."""
        get_loss(loss)  # an unknown loss fails here, not at the first epoch
        unknown = [name for name in metrics or [] if name != "accuracy"]
        if unknown:
            raise ValueError(f"unknown metrics {unknown}: nnsim reports loss and accuracy")
        self.optimizer = get_optimizer(optimizer) if isinstance(optimizer, str) else optimizer
        self.loss_name = loss
        self.metrics = ["accuracy"]

    def fit(self, x: Array, y: Array, epochs: int = 1, batch_size: int = 32,  # type: ignore[override]
            validation_data: tuple[Array, Array] | None = None, shuffle: bool = True,
            seed: int | None = None, verbose: int = 0,
            callback: EpochCallback | None = None) -> History:
        """Train; returns the History (``history.history["val_accuracy"]`` and so on).

        ``verbose=1`` prints Keras's one line per epoch."""
        def report(epoch: int, logs: dict[str, float]) -> None:
            if verbose:
                figures = " - ".join(f"{key}: {value:.4f}" for key, value in logs.items())
                print(f"Epoch {epoch}/{epochs} - {figures}")
            if callback is not None:
                callback(epoch, logs)

        return super().fit(x, y, epochs=epochs, batch_size=batch_size, optimizer=self.optimizer,
                           loss=self.loss_name, shuffle=shuffle, validation_data=validation_data,
                           seed=seed, on_epoch_end=report)

    def evaluate(self, x: Array, y: Array, return_dict: bool = False  # type: ignore[override]
                 ) -> list[float] | dict[str, float]:
        """[loss, accuracy] on these rows (a dict with ``return_dict=True``), as Keras."""
        scores = super().evaluate(x, y, self.loss_name)
        return scores if return_dict else [scores["loss"], scores["accuracy"]]
