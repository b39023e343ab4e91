"""Checks of a lesson file's parts that need more than one key: layers and their weights,
dataset options, the probe. Every number against its range in ``nnsim.core.limits``, before
anything is built, each problem one ``LessonError`` naming the file and the key."""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from nnsim.core.activations import activation_names
from nnsim.core.datasets import _MNIST_PARTS, DATASETS
from nnsim.core.errors import LessonError
from nnsim.core.fields import Fields, is_number, show
from nnsim.core.limits import (
    ALPHA_RANGE,
    EXPERTS_RANGE,
    GAMMA_RANGE,
    MAX_ABS_VALUE,
    MAX_ABS_WEIGHT,
    MAX_FILTERS,
    MAX_INPUTS,
    MAX_KERNEL,
    MAX_LAYERS,
    MAX_NOISE,
    MAX_POOL,
    MAX_SEED,
    MAX_STEPS,
    MAX_STRIDE,
    MAX_UNITS,
    MAX_VOCABULARY,
    N_SAMPLES_RANGE,
    TURNS_RANGE,
)

#: Layer kinds a lesson may name; "dense" when a table gives none.
LAYER_KINDS = ("dense", "conv2d", "max_pooling2d", "flatten", "rbf", "experts", "simple_rnn",
               "time_distributed", "seq2seq")


def read_layer(layer: Fields) -> dict[str, Any]:
    """One ``[[model.layers]]`` table as LayerSpec's keyword arguments."""
    kind = layer.get("kind", str, "dense", LAYER_KINDS)
    if kind != "dense":
        return dict(kind=kind, **_shaped_layer(layer, kind))
    return dict(
        units=layer.whole("units", 1, MAX_UNITS),
        activation=layer.get("activation", str, "sigmoid", activation_names()),
        bias=layer.get("bias", bool, True),
        alpha=layer.number("alpha", *ALPHA_RANGE, default=None),
        weights=numbers(layer, "weights", 2, MAX_ABS_WEIGHT),
        bias_values=numbers(layer, "bias_values", 1, MAX_ABS_WEIGHT),
    )


def shaped_spec(layer: Fields) -> dict[str, Any]:
    """A checked layer of a session's architecture (``Network.spec()``'s form) that is not
    Dense: every size within its limit before anything is built."""
    kind = layer.get("kind", str, choices=LAYER_KINDS[1:])
    read = _shaped_layer(layer, kind)
    key = "filters" if kind == "conv2d" else "units"
    spec = {"kind": kind, key: read["units"], **read.get("options", {})}
    if kind in ("conv2d", "simple_rnn", "time_distributed"):
        spec["activation"] = read["activation"]
    return spec


def _side(layer: Fields, key: str, high: int, default: int) -> int | list[int]:
    """A window side: one whole number, or [height, width] as ``Conv2D.spec()`` writes it."""
    value = layer.table.get(key, default)
    if isinstance(value, list):
        if len(value) != 2 or not all(isinstance(v, int) and not isinstance(v, bool)
                                      and 1 <= v <= high for v in value):
            raise layer.fail(key, f"{show(value)} is not two whole numbers from 1 to {high}",
                             "Give one number, or [height, width].")
        return value if value[0] != value[1] else value[0]
    return layer.whole(key, 1, high, default)


def _shaped_layer(layer: Fields, kind: str) -> dict[str, Any]:
    """units, activation and the kind's options of a layer that is not Dense."""
    if kind == "conv2d":
        return dict(units=layer.whole("filters", 1, MAX_FILTERS),
                    activation=layer.get("activation", str, "relu", activation_names()),
                    options={"kernel_size": _side(layer, "kernel_size", MAX_KERNEL, 3),
                             "strides": _side(layer, "strides", MAX_STRIDE, 1),
                             "padding": layer.get("padding", str, "valid", ("valid", "same"))})
    if kind == "max_pooling2d":
        return dict(units=0, options={"pool_size": _side(layer, "pool_size", MAX_POOL, 2)})
    if kind == "rbf":
        return dict(units=layer.whole("units", 1, MAX_UNITS),
                    options={"gamma": layer.number("gamma", *GAMMA_RANGE, 1.0,
                                                   above_low=True)})
    if kind == "experts":
        return dict(units=layer.whole("units", *EXPERTS_RANGE, 2))
    if kind == "time_distributed":  # a Dense layer applied at every time step
        return dict(units=layer.whole("units", 1, MAX_UNITS),
                    activation=layer.get("activation", str, "sigmoid", activation_names()),
                    options={"bias": layer.get("bias", bool, True)})
    if kind == "simple_rnn":
        return dict(units=layer.whole("units", 1, MAX_UNITS),
                    activation=layer.get("activation", str, "tanh", activation_names()),
                    options={"return_sequences": layer.get("return_sequences", bool, False)})
    if kind == "seq2seq":  # symbols in, symbols out; the end symbol counts as one
        return dict(units=layer.whole("units", 1, MAX_UNITS),
                    options={"vocabulary": layer.whole("vocabulary", 2, MAX_VOCABULARY + 1)})
    return dict(units=0)  # flatten


def layer_tables(model: Fields) -> list[Fields]:
    """The model's layers: 1 to MAX_LAYERS tables."""
    if model.table.get("layers") == []:
        raise model.fail("layers", "the list is empty", "Give at least the output layer.")
    return model.tables("layers", 1, MAX_LAYERS)


def numbers(fields: Fields, key: str, ndim: int, bound: float) -> np.ndarray | None:
    """A list (``ndim`` 1) or a table of rows (``ndim`` 2) of finite numbers within
    ``bound``, or None when the key is absent."""
    value = fields.get(key, list, None)
    if value is None:
        return None
    rows = value if ndim == 2 else [value]
    if not rows:
        return np.zeros((0, 0))
    if not all(isinstance(row, list) for row in rows) or len({len(row) for row in rows}) > 1:
        raise fields.fail(key, "not a rectangular table of numbers",
                          "Write one list of numbers per input row.")
    for row_index, row in enumerate(rows):
        for column, item in enumerate(row):
            if not is_number(item) or not -bound <= item <= bound:
                where = f"value {column + 1}" + (f" of row {row_index + 1}" if ndim == 2 else "")
                raise fields.fail(key, f"{where} is {show(item)}, expected a finite number from "
                                       f"{-bound:g} to {bound:g}", "Fix that number.")
    return np.array(value, dtype=np.float64).reshape((len(rows), -1) if ndim == 2 else -1)


def check_layer_shapes(model: Fields, input_shape: tuple[int, ...],
                       layers: tuple[Any, ...]) -> None:
    """Each layer takes what the one before gives (a kernel no larger than its maps, a pool
    that divides them, no Conv2D after a Dense), checked by building it: one message naming
    the layer's key, nothing kept."""
    from nnsim.core.stack import build_layer, output_shape_of

    shape, rng = input_shape, np.random.default_rng(0)
    for index, spec in enumerate(layers):
        try:
            layer = build_layer(spec.as_dict(), shape, rng, dtype=np.float32)
            shape = output_shape_of(layer, shape)
        except ValueError as error:
            before = "the input" if index == 0 else f"layers[{index - 1}]"
            raise model.fail(f"layers[{index}]", f"a {spec.kind} layer cannot follow {before} "
                             f"of shape {shape}: {error}",
                             "Change this layer or the one before.") from None


def check_weight_shapes(model: Fields, n_inputs: int, layers: tuple[Any, ...]) -> None:
    """Given weights fit the inputs and the layer before; bias values fit the layer."""
    n_in = n_inputs
    for index, spec in enumerate(layers):
        where = f"layers[{index}]"
        if spec.weights is not None and spec.weights.shape != (n_in, spec.units):
            raise model.fail(f"{where}.weights", f"shape {spec.weights.shape}, expected "
                             f"({n_in}, {spec.units}) (one row per input, one column per neuron)",
                             "Fix the table of weights.")
        if spec.bias_values is not None:
            if not spec.bias:
                raise model.fail(f"{where}.bias_values", "the layer has bias = false",
                                 "Remove the values or set bias = true.")
            if spec.bias_values.shape != (spec.units,):
                raise model.fail(f"{where}.bias_values", f"shape {spec.bias_values.shape}, "
                                 f"expected ({spec.units},)", "Give one value per neuron.")
        if spec.weights is not None and spec.bias and spec.bias_values is None:
            raise model.fail(f"{where}.bias_values", "missing while weights are given",
                             "Add the bias values or set bias = false.")
        n_in = spec.units


# Each option a dataset loader takes, checked against its range.
_OPTIONS = {
    "n_samples": lambda f, key: f.whole(key, *N_SAMPLES_RANGE),
    "noise": lambda f, key: f.number(key, 0.0, MAX_NOISE),
    "seed": lambda f, key: f.whole(key, 0, MAX_SEED),
    "factor": lambda f, key: f.number(key, 0.0, 1.0, below_high=True),
    "turns": lambda f, key: f.number(key, *TURNS_RANGE, above_low=True),
    "part": lambda f, key: f.get(key, str, choices=_MNIST_PARTS),
    "steps": lambda f, key: f.whole(key, 1, MAX_STEPS),
    "min_length": lambda f, key: f.whole(key, 1, MAX_STEPS),
    "max_length": lambda f, key: f.whole(key, 1, MAX_STEPS),
    "vocabulary": lambda f, key: f.whole(key, 2, MAX_VOCABULARY),
    "path": lambda f, key: f.get(key, str),
}


def dataset_options(data: Fields, dataset: str) -> dict[str, Any]:
    """The ``dataset.options`` table: only options the loader takes, each within range."""
    options = data.table_at("options", required=False)
    if options is None:
        return {}
    accepted = list(inspect.signature(DATASETS[dataset]).parameters)
    checked = {}
    for key in options.table:
        if key not in accepted or key not in _OPTIONS:
            raise options.fail(key, f"not an option of the {dataset} dataset",
                               f"It takes: {', '.join(accepted) or 'no options'}.")
        checked[key] = _OPTIONS[key](options, key)
    return checked


def probe(evaluation: Fields) -> tuple[float, ...] | None:
    """``evaluation.input``: up to MAX_INPUTS finite numbers."""
    values = numbers(evaluation, "input", 1, MAX_ABS_VALUE)
    if values is None:
        return None
    if not 1 <= len(values) <= MAX_INPUTS:
        raise evaluation.fail("input", f"{len(values)} values, expected 1 to {MAX_INPUTS:,}",
                              "Give one value per input.")
    return tuple(float(v) for v in values)


def not_a_lesson(name: str, problem: str) -> LessonError:
    """A file that cannot even be parsed."""
    return LessonError(f"{name}: {problem}. Fix the syntax there.")
