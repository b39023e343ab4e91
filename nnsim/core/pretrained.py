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
from pathlib import Path
from typing import Any

import numpy as np

from nnsim.core.archive import Archive
from nnsim.core.errors import ModelFileError
from nnsim.core.fields import Fields, read_architecture
from nnsim.core.layers import Dense
from nnsim.core.limits import MAX_MODEL_FILE_BYTES
from nnsim.core.network import Network
from nnsim.core.resources import resource_path

SPEC_FILE = "models.json"


def _read_specs() -> dict[str, Any]:
    path = resource_path("models", SPEC_FILE)
    try:
        specs = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ModelFileError(
            f"{SPEC_FILE}: the pretrained models' description cannot be read "
            f"({error.strerror or error}). Run `python scripts/train_pretrained.py` in a "
            "source checkout, or reinstall nnsim."
        ) from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ModelFileError(f"{SPEC_FILE}: damaged (not JSON text). Reinstall nnsim.") from None
    if not isinstance(specs, dict) or not all(isinstance(v, dict) for v in specs.values()):
        raise ModelFileError(f"{SPEC_FILE}: expected a table of models. Reinstall nnsim.")
    return specs


def names() -> list[str]:
    """The pretrained models that ship with nnsim ("digits", "mnist")."""
    return list(_read_specs())


def spec(name: str) -> dict[str, Any]:
    """A model's description: inputs, layers, input preprocessing, training and test accuracy."""
    specs = _read_specs()
    try:
        return specs[name]
    except KeyError:
        raise ModelFileError(
            f"unknown pretrained model {name!r}; expected one of {', '.join(specs)}"
        ) from None


def load(name: str) -> Network:
    """A fresh Network with the pretrained weights of ``name`` ("digits" or "mnist").

    Its ``predict`` takes rows scaled to [0, 1] and returns 10 class probabilities per row.
    Each call returns a new network, so training it further leaves the shipped one untouched.
    """
    description = spec(name)
    file = Fields(SPEC_FILE, description, ModelFileError, f"{name}.").get("file", str)
    return read_model(resource_path("models", Path(file).name), description)


def read_model(path: str | Path, description: dict[str, Any]) -> Network:
    """The network ``description`` ({"inputs", "layers"}) with its weights read from the
    ``.npz`` at ``path``; raises ModelFileError naming the file and the member."""
    path = Path(path)
    architecture = read_architecture(Fields(path.name, description, ModelFileError))
    layers, n_in = [], architecture["inputs"]
    with Archive(path, ModelFileError, MAX_MODEL_FILE_BYTES, "a model file") as archive:
        for index, layer_spec in enumerate(architecture["layers"]):
            layer = Dense(n_in, layer_spec["units"], layer_spec["activation"],
                          bias=layer_spec["bias"], alpha=layer_spec.get("alpha"))
            shape = (n_in, layer.n_out)
            weights = _finite(archive, f"W{index}", shape)
            bias = _finite(archive, f"b{index}", shape[1:]) if layer.has_bias else None
            layer.set_weights(weights, bias)
            layers.append(layer)
            n_in = layer.n_out
    return Network(layers)


def _finite(archive: Archive, key: str, shape: tuple[int, ...]) -> np.ndarray:
    array = archive.array(key, shape=shape, max_bytes=MAX_MODEL_FILE_BYTES)
    if not np.isfinite(array).all():
        raise archive.fail(key, "NaN or infinity in the weights",
                           "Train and save the model again.")
    return array.astype(np.float64)
