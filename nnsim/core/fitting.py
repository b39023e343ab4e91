"""Keras-style ``fit``: epochs of shuffled mini-batches with validation and a History.

``Network.fit`` is this function; it lives apart so the Network's module keeps to the maths of
one step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from nnsim.core.history import History
from nnsim.core.losses import get_loss
from nnsim.core.optimizers import SGD, get_optimizer

if TYPE_CHECKING:
    from nnsim.core.network import EpochCallback, Network

Array = np.ndarray


def fit(network: Network, X: Array, Y: Array, epochs: int = 1, batch_size: int = 32,
        optimizer: SGD | str = "sgd", loss: str = "sse", shuffle: bool = True,
        validation_data: tuple[Array, Array] | None = None, seed: int | None = None,
        on_epoch_end: EpochCallback | None = None) -> History:
    """Train ``network`` as ``Network.fit`` documents."""
    from nnsim.core.network import count_correct

    if isinstance(optimizer, str):
        optimizer = get_optimizer(optimizer)
    X = network._as_inputs(X)
    T = network.as_targets(Y, len(X))
    loss_fn = get_loss(loss)
    validation = None
    if validation_data is not None:
        X_val = network._as_inputs(validation_data[0])
        validation = (X_val, network.as_targets(validation_data[1], len(X_val)))
    rng = np.random.default_rng(seed)
    batch_size = max(1, min(int(batch_size), len(X)))
    history = History()
    history.diverged = False
    network.stop_training = False
    for epoch in range(1, epochs + 1):
        saved = network.get_weights()
        logs = network.run_epoch(X, T, batch_size, optimizer, loss_fn, rng if shuffle else None)
        if not np.isfinite(logs["loss"]):
            network.set_weights(saved)
            history.diverged = True
            break
        if validation is not None:
            out = network.predict(validation[0])
            logs["val_loss"] = loss_fn.value(out, validation[1])
            right = count_correct(out, validation[1], network.shapes[-1])
            logs["val_accuracy"] = right / len(out)
        history.append(logs)
        if on_epoch_end is not None:
            on_epoch_end(epoch, logs)
        if network.stop_training:
            break
    return history
