"""Lessons: one TOML file per step of the lecture, read and checked into a ``Lesson``.

A lesson names its model, dataset, hyper-parameters, seed, panels and presenter notes; where the
lecture gives initial weights, the file holds them. Every problem in a file is reported as one
``LessonError`` naming the file, the key, what was expected and how to fix it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nnsim.core.activations import activation_names
from nnsim.core.datasets import dataset_names, load_dataset, train_test_split
from nnsim.core.errors import DatasetError, LessonError
from nnsim.core.initializers import initializer_names
from nnsim.core.layers import Dense
from nnsim.core.losses import loss_names
from nnsim.core.network import Network
from nnsim.core.optimizers import SGD
from nnsim.core.perceptron import Perceptron
from nnsim.core.resources import resource_path

KINDS = ("activations", "perceptron", "network")
PANELS = ("canvas", "curves", "gallery", "stepper", "boundary", "truth_table", "comparison",
          "digits", "evaluation", "inspector", "editor")
REPORTS = ("rows", "classification", "none")
#: float32 halves the time of a big net's matrix products; float64 keeps the lecture's digits.
DTYPES = ("float64", "float32")


@dataclass(frozen=True)
class LayerSpec:
    """One Dense layer of a lesson, with the lecture's weights when the file gives them."""

    units: int
    activation: str = "sigmoid"
    bias: bool = True
    alpha: float | None = None
    weights: np.ndarray | None = None
    bias_values: np.ndarray | None = None


@dataclass(frozen=True)
class LessonData:
    """The rows a lesson trains and evaluates on (test rows are the training rows for gates)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    n_classes: int
    image_shape: tuple[int, int] | None
    feature_names: tuple[str, ...]
    held_out: bool


@dataclass(frozen=True)
class Lesson:
    """Everything a lesson file says, checked."""

    name: str
    title: str
    order: int
    kind: str
    notes: str
    panels: tuple[str, ...]
    path: Path
    dataset: str | None = None
    dataset_options: dict[str, Any] = field(default_factory=dict)
    test_size: float | None = None
    validation_split: float | None = None
    layers: tuple[LayerSpec, ...] = ()
    initializer: str = "lecture"
    dtype: str = "float64"
    learning_rate: float = 0.1
    momentum: float = 0.0
    epochs: int = 10
    batch_size: int = 1
    loss: str = "sse"
    seed: int = 0
    shuffle: bool = True
    log_every: int = 1
    report: str = "rows"
    probe_input: tuple[float, ...] | None = None
    probe_target: float | None = None
    threshold: float = 0.5

    def build_model(self, n_inputs: int, seed: int | None = None) -> Network | Perceptron:
        """A fresh model: the file's weights where it gives them, else seeded random ones."""
        seed = self.seed if seed is None else seed
        if self.kind == "perceptron":
            return Perceptron(n_inputs, self.learning_rate, seed=seed)
        if self.kind != "network":
            raise LessonError(f"{self.path.name}: the {self.kind!r} lesson has no model to train")
        rng = np.random.default_rng(seed)
        layers, n_in = [], n_inputs
        for spec in self.layers:
            layer = Dense(n_in, spec.units, spec.activation, spec.bias, alpha=spec.alpha,
                          initializer=self.initializer, seed=rng, dtype=np.dtype(self.dtype))
            if spec.weights is not None:
                layer.set_weights(spec.weights, spec.bias_values)
            layers.append(layer)
            n_in = spec.units
        return Network(layers)

    def build_optimizer(self, learning_rate: float | None = None) -> SGD:
        """The lesson's SGD, optionally with another learning rate."""
        return SGD(self.learning_rate if learning_rate is None else learning_rate, self.momentum)

    def load_data(self, seed: int | None = None, path: str | Path | None = None) -> LessonData:
        """Load the dataset and split it as the lesson says (a held-out share, or none)."""
        if self.dataset is None:
            raise LessonError(f"{self.path.name}: the {self.kind!r} lesson has no dataset")
        options = dict(self.dataset_options)
        if path is not None:
            options["path"] = path
        data = load_dataset(self.dataset, **options)
        share = self.test_size or self.validation_split
        if share:
            seed = self.seed if seed is None else seed
            X_train, X_test, y_train, y_test = train_test_split(data, test_size=share, seed=seed)
            held_out = True
        else:
            X_train = X_test = np.asarray(data.X)
            y_train = y_test = np.asarray(data.y)
            held_out = False
        return LessonData(X_train, y_train, X_test, y_test, data.n_classes, data.image_shape,
                          data.feature_names, held_out)


# -- reading files ---------------------------------------------------------------------------


class _Reader:
    """Reads typed keys from a TOML table, raising LessonError that names file and key."""

    def __init__(self, path: Path, table: dict[str, Any], prefix: str = "") -> None:
        self.path, self.table, self.prefix = path, table, prefix

    def fail(self, key: str, problem: str, fix: str) -> LessonError:
        return LessonError(f"{self.path.name}: key '{self.prefix}{key}': {problem}. {fix}")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...,
            choices: tuple[str, ...] | list[str] | None = None) -> Any:
        if key not in self.table:
            if default is ...:
                raise self.fail(key, "missing", f"Add it to the file ({_kind_name(kind)}).")
            return default
        value = self.table[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (isinstance(value, bool) and kind in (int, float)):
            raise self.fail(key, f"expected {_kind_name(kind)}, got {value!r}",
                            f"Write it as {_kind_name(kind)}.")
        if choices is not None and value not in choices:
            raise self.fail(key, f"unknown value {value!r}",
                            f"Expected one of: {', '.join(choices)}.")
        return value

    def positive(self, key: str, kind: type, default: Any = ...) -> Any:
        value = self.get(key, kind, default)
        if value is not None and value <= 0:
            raise self.fail(key, f"must be positive, got {value}", "Give a number above 0.")
        return value

    def table_at(self, key: str, required: bool = True) -> _Reader | None:
        if key not in self.table and not required:
            return None
        value = self.get(key, dict)
        return _Reader(self.path, value, f"{self.prefix}{key}.")


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string in quotes", int: "a whole number", float: "a number",
             bool: "true or false", list: "a list [...]", dict: "a table"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _read_layers(reader: _Reader) -> tuple[LayerSpec, ...]:
    raw = reader.get("layers", list)
    if not raw:
        raise reader.fail("layers", "the list is empty", "Give at least the output layer.")
    specs = []
    for index, table in enumerate(raw):
        if not isinstance(table, dict):
            raise reader.fail(f"layers[{index}]", f"expected a table, got {table!r}",
                              "Write each layer as { units = 3, activation = \"sigmoid\" }.")
        layer = _Reader(reader.path, table, f"{reader.prefix}layers[{index}].")
        units = layer.positive("units", int)
        weights = layer.get("weights", list, None)
        bias_values = layer.get("bias_values", list, None)
        specs.append(LayerSpec(
            units=units,
            activation=layer.get("activation", str, "sigmoid", activation_names()),
            bias=layer.get("bias", bool, True),
            alpha=layer.get("alpha", float, None),
            weights=None if weights is None else _matrix(layer, "weights", weights),
            bias_values=None if bias_values is None else _matrix(layer, "bias_values",
                                                                 bias_values),
        ))
    return tuple(specs)


def _matrix(reader: _Reader, key: str, value: list) -> np.ndarray:
    try:
        return np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise reader.fail(key, "not a rectangular table of numbers",
                          "Write one list of numbers per input row.") from None


def _check_weight_shapes(reader: _Reader, n_inputs: int, layers: tuple[LayerSpec, ...]) -> None:
    n_in = n_inputs
    for index, spec in enumerate(layers):
        where = f"model.layers[{index}]"
        if spec.weights is not None and spec.weights.shape != (n_in, spec.units):
            raise LessonError(
                f"{reader.path.name}: key '{where}.weights': shape {spec.weights.shape}, "
                f"expected ({n_in}, {spec.units}) (one row per input, one column per neuron). "
                "Fix the table of weights.")
        if spec.bias_values is not None:
            if not spec.bias:
                raise LessonError(f"{reader.path.name}: key '{where}.bias_values': the layer "
                                  "has bias = false. Remove the values or set bias = true.")
            if spec.bias_values.shape != (spec.units,):
                raise LessonError(
                    f"{reader.path.name}: key '{where}.bias_values': shape "
                    f"{spec.bias_values.shape}, expected ({spec.units},). Give one value per "
                    "neuron.")
        if spec.weights is not None and spec.bias and spec.bias_values is None:
            raise LessonError(f"{reader.path.name}: key '{where}.bias_values': missing while "
                              "weights are given. Add the bias values or set bias = false.")
        n_in = spec.units


def parse_lesson(text: str, path: Path) -> Lesson:
    """Check a lesson file's text; ``path`` names it in error messages and gives its name."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise LessonError(f"{path.name}: not valid TOML ({error}). Fix the syntax there.") from None
    top = _Reader(path, raw)
    kind = top.get("kind", str, choices=KINDS)
    fields: dict[str, Any] = dict(
        name=path.stem,
        title=top.get("title", str),
        order=top.get("order", int, 99),
        kind=kind,
        notes=top.get("notes", str, "").strip(),
        panels=tuple(_panels(top)),
        path=path,
    )
    if kind == "activations":
        return Lesson(**fields)
    data = top.table_at("dataset")
    fields.update(
        dataset=data.get("name", str, choices=dataset_names()),
        dataset_options=data.get("options", dict, {}),
        test_size=data.get("test_size", float, None),
        validation_split=data.get("validation_split", float, None),
    )
    for key in ("test_size", "validation_split"):
        share = fields[key]
        if share is not None and not 0 < share < 1:
            raise data.fail(key, f"must be between 0 and 1, got {share}", "Use e.g. 0.25.")
    train = top.table_at("training")
    fields.update(
        learning_rate=train.positive("learning_rate", float),
        momentum=train.get("momentum", float, 0.0),
        epochs=train.positive("epochs", int),
        batch_size=train.positive("batch_size", int, 1),
        loss=train.get("loss", str, "sse", loss_names()),
        seed=train.get("seed", int, 0),
        shuffle=train.get("shuffle", bool, True),
        log_every=train.positive("log_every", int, 1),
    )
    evaluation = top.table_at("evaluation", required=False)
    if evaluation is not None:
        probe = evaluation.get("input", list, None)
        fields.update(
            report=evaluation.get("report", str, "rows", REPORTS),
            probe_input=None if probe is None else tuple(float(v) for v in probe),
            probe_target=evaluation.get("target", float, None),
            threshold=evaluation.get("threshold", float, 0.5),
        )
    if kind == "network":
        model = top.table_at("model")
        fields.update(layers=_read_layers(model),
                      initializer=model.get("initializer", str, "lecture", initializer_names()),
                      dtype=model.get("dtype", str, "float64", DTYPES))
    lesson = Lesson(**fields)
    _check_against_data(lesson, model if kind == "network" else top)
    return lesson


def _panels(top: _Reader) -> list[str]:
    panels = top.get("panels", list, ["canvas"])
    for panel in panels:
        if panel not in PANELS:
            raise top.fail("panels", f"unknown panel {panel!r}",
                           f"Expected some of: {', '.join(PANELS)}.")
    return panels


def _check_against_data(lesson: Lesson, reader: _Reader) -> None:
    """Shapes that depend on the dataset: input width, output width, probe length."""
    n_inputs = _dataset_width(lesson)
    if n_inputs is None:
        return
    if lesson.kind == "network":
        _check_weight_shapes(reader, n_inputs, lesson.layers)
    if lesson.probe_input is not None and len(lesson.probe_input) != n_inputs:
        raise LessonError(f"{lesson.path.name}: key 'evaluation.input': {len(lesson.probe_input)} "
                          f"values, expected {n_inputs} (one per input of {lesson.dataset}).")


_KNOWN_WIDTHS = {"and": 2, "or": 2, "xor": 2, "nand": 2, "nor": 2, "moons": 2, "circles": 2,
                 "gaussian": 2, "spiral": 2, "digits": 64, "mnist": 784}


def _dataset_width(lesson: Lesson) -> int | None:
    return _KNOWN_WIDTHS.get(lesson.dataset or "")


def lessons_folder() -> Path:
    """The folder of bundled lesson files."""
    return resource_path("lessons")


def load_lesson(name_or_path: str | Path) -> Lesson:
    """A bundled lesson by name (``"backprop-xor"``) or any lesson file by path."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        candidate = lessons_folder() / f"{name_or_path}.toml"
        if not candidate.is_file():
            raise LessonError(f"no lesson named {str(name_or_path)!r}. Known lessons: "
                              f"{', '.join(lesson.name for lesson in list_lessons())}.")
        path = candidate
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise LessonError(f"{path.name}: cannot be read ({error.strerror or error}). "
                          "Check the path.") from None
    except UnicodeDecodeError:
        raise LessonError(f"{path.name}: not a text file (TOML is UTF-8 text).") from None
    return parse_lesson(text, path)


def list_lessons() -> list[Lesson]:
    """Every bundled lesson, in lecture order."""
    lessons = [load_lesson(path) for path in sorted(lessons_folder().glob("*.toml"))]
    return sorted(lessons, key=lambda lesson: (lesson.order, lesson.name))


__all__ = ["Lesson", "LessonData", "LayerSpec", "LessonError", "DatasetError", "load_lesson",
           "list_lessons", "parse_lesson", "lessons_folder"]
