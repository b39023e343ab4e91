"""Digit networks trained in advance, so the digit pad works the moment a lesson opens.

``resources/models/models.json`` describes each model (layers, activations, how its inputs are
made, how it was trained and what it scored); ``resources/models/<name>.npz`` holds its weights
and biases as ``W0, b0, W1, b1, ...`` (float32). ``scripts/train_pretrained.py`` makes both from
a fixed seed with nnsim's own ``Network.fit``.

Both models end in a softmax, so ``predict`` returns 10 class probabilities per row. Inputs are
scaled to [0, 1]: ``to_mnist_28x28(image)`` as it is for "mnist", ``to_digits_8x8(image) / 16``
for "digits".
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from nnsim.core.layers import Dense
from nnsim.core.network import Network
from nnsim.core.resources import resource_path

SPEC_FILE = "models.json"


def _read_specs() -> dict[str, Any]:
    try:
        path = resource_path("models", SPEC_FILE)
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise FileNotFoundError(
            f"The pretrained models' description is missing ({error}). Run "
            "`python scripts/train_pretrained.py` in a source checkout, or reinstall nnsim."
        ) from error


def names() -> list[str]:
    """The pretrained models that ship with nnsim ("digits", "mnist")."""
    return list(_read_specs())


def spec(name: str) -> dict[str, Any]:
    """A model's description: inputs, layers, input preprocessing, training and test accuracy."""
    specs = _read_specs()
    try:
        return specs[name]
    except KeyError:
        raise ValueError(
            f"unknown pretrained model {name!r}; expected one of {', '.join(specs)}"
        ) from None


def load(name: str) -> Network:
    """A fresh Network with the pretrained weights of ``name`` ("digits" or "mnist").

    Its ``predict`` takes rows scaled to [0, 1] and returns 10 class probabilities per row.
    Each call returns a new network, so training it further leaves the shipped one untouched.
    """
    description = spec(name)
    path = resource_path("models", description["file"])
    layers, n_in = [], int(description["inputs"])
    with np.load(path) as archive:
        for index, layer_spec in enumerate(description["layers"]):
            layer = Dense(n_in, int(layer_spec["units"]), layer_spec["activation"],
                          bias=bool(layer_spec.get("bias", True)))
            bias = archive[f"b{index}"] if layer.has_bias else None
            layer.set_weights(archive[f"W{index}"].astype(np.float64),
                              None if bias is None else bias.astype(np.float64))
            layers.append(layer)
            n_in = layer.n_out
    return Network(layers)
