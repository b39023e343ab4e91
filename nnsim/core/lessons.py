"""Lessons: one TOML file per step of the lecture, read and checked into a ``Lesson``.

A lesson names its model, dataset, hyper-parameters, seed, panels and presenter notes; where the
lecture gives initial weights, the file holds them. Every problem in a file is reported as one
``LessonError`` naming the file, the key, what was expected and how to fix it; every number is
checked against its range in ``nnsim.core.limits`` before anything is built.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nnsim.core.datasets import Dataset, dataset_names, load_dataset, train_test_split
from nnsim.core.errors import DatasetError, LessonError
from nnsim.core.fields import Fields, show
from nnsim.core.initializers import initializer_names
from nnsim.core.layers import Dense
from nnsim.core.lecture_run import LectureRun
from nnsim.core.lesson_checks import (
    check_layer_shapes,
    check_weight_shapes,
    dataset_options,
    layer_tables,
    not_a_lesson,
    probe,
    read_layer,
)
from nnsim.core.limits import (
    LEARNING_RATE_RANGE,
    MAX_ABS_VALUE,
    MAX_BATCH_SIZE,
    MAX_COUNT,
    MAX_EPOCHS,
    MAX_LESSON_BYTES,
    MAX_SEED,
    MOMENTUM_RANGE,
    ORDER_RANGE,
)
from nnsim.core.losses import loss_names
from nnsim.core.network import Network
from nnsim.core.optimizers import SGD
from nnsim.core.perceptron import Perceptron
from nnsim.core.resources import resource_path

KINDS = ("activations", "perceptron", "network", "overview")
#: Lesson kinds that show something and train nothing (no dataset, no model).
PAGES = ("activations", "overview")
PANELS = ("canvas", "curves", "gallery", "stepper", "boundary", "truth_table", "comparison",
          "digits", "evaluation", "inspector", "editor")
REPORTS = ("rows", "classification", "sequences", "none")
#: float32 halves the time of a big net's matrix products; float64 keeps the lecture's digits.
DTYPES = ("float64", "float32")


@dataclass(frozen=True)
class LayerSpec:
    """One layer of a lesson: Dense with the lecture's weights when the file gives them, or
    another ``kind`` (conv2d: ``units`` filters; rbf: units; experts: how many) with its
    ``options`` (kernel_size, strides, padding, pool_size, gamma)."""

    units: int
    activation: str = "sigmoid"
    bias: bool = True
    alpha: float | None = None
    weights: np.ndarray | None = None
    bias_values: np.ndarray | None = None
    kind: str = "dense"
    options: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The layer as ``Network.from_spec`` reads it."""
        if self.kind == "dense":
            return {"units": self.units, "activation": self.activation, "bias": self.bias,
                    "alpha": self.alpha}
        key = "filters" if self.kind == "conv2d" else "units"
        return {"kind": self.kind, key: self.units, "activation": self.activation,
                **self.options}


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
    lecture: LectureRun | None = None
    """The lecture's own run of this lesson, to set ours beside it (optional)."""

    @property
    def has_model(self) -> bool:
        """Whether the lesson trains something (the activations and overview pages do not)."""
        return self.kind not in PAGES

    @property
    def dense_only(self) -> bool:
        """Whether every layer is Dense (the canvas, stepper and editor show those)."""
        return all(spec.kind == "dense" for spec in self.layers)

    def input_shape(self, n_inputs: int) -> tuple[int, ...]:
        """The rows' shape as the first layer takes them: images for a Conv2D, sequences of
        one value per step for a SimpleRNN."""
        if self.layers and self.layers[0].kind == "simple_rnn":
            return (n_inputs, 1)
        if self.layers and self.layers[0].kind == "conv2d":
            side = _IMAGE_SIDES.get(self.dataset or "")
            if side is not None and side * side == n_inputs:
                return (side, side, 1)
        return (n_inputs,)

    def build_model(self, n_inputs: int, seed: int | None = None,
                    X: np.ndarray | None = None) -> Network | Perceptron:
        """A fresh model: the file's weights where it gives them, else seeded random ones;
        RBF centres placed by k-means on the training rows ``X`` when given."""
        seed = self.seed if seed is None else seed
        if self.kind == "perceptron":
            return Perceptron(n_inputs, self.learning_rate, seed=seed)
        if self.kind != "network":
            raise LessonError(f"{self.path.name}: the {self.kind!r} lesson has no model to train")
        if not self.dense_only:
            spec = {"inputs": n_inputs, "input_shape": list(self.input_shape(n_inputs)),
                    "layers": [layer.as_dict() for layer in self.layers]}
            network = Network.from_spec(spec, initializer=self.initializer, seed=seed,
                                        dtype=np.dtype(self.dtype))
            if X is not None:
                place_centres(network, X, seed)
            return network
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
        return self.split(load_dataset(self.dataset, **options), seed)

    def split(self, data: Dataset, seed: int | None = None) -> LessonData:
        """``data`` held out as the lesson says: the one split the CLI and the app both use
        (for MNIST from IDX files, the lecture's 75/25 of all 70,000 images)."""
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


def parse_lesson(text: str, path: Path) -> Lesson:
    """Check a lesson file's text; ``path`` names it in error messages and gives its name.

    Every number is checked against its range (``nnsim.core.limits``) here, before a model
    or a dataset is built from it."""
    name = path.name
    if len(text) > MAX_LESSON_BYTES:
        raise LessonError(f"{name}: {len(text):,} characters, more than a lesson may have "
                          f"({MAX_LESSON_BYTES:,}). Keep weights tables small.")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise not_a_lesson(name, f"not valid TOML ({error})") from None
    except RecursionError:
        raise not_a_lesson(name, "not valid TOML (lists or tables nested too deeply)") from None
    except ValueError as error:  # e.g. an integer of more than 4,300 digits
        raise not_a_lesson(name, f"not valid TOML ({show(str(error), 120)})") from None
    top = Fields(name, raw, LessonError)
    kind = top.get("kind", str, choices=KINDS)
    fields: dict[str, Any] = dict(
        name=path.stem,
        title=top.get("title", str),
        order=top.whole("order", *ORDER_RANGE, 99),
        kind=kind,
        notes=top.get("notes", str, "").strip(),
        panels=tuple(_panels(top)),
        path=path,
    )
    if kind in PAGES:
        return Lesson(**fields)
    data = top.table_at("dataset")
    dataset = data.get("name", str, choices=dataset_names())
    fields.update(
        dataset=dataset,
        dataset_options=dataset_options(data, dataset),
        test_size=data.number("test_size", 0.0, 1.0, None, above_low=True, below_high=True),
        validation_split=data.number("validation_split", 0.0, 1.0, None, above_low=True,
                                     below_high=True),
    )
    train = top.table_at("training")
    fields.update(
        learning_rate=train.number("learning_rate", *LEARNING_RATE_RANGE),
        momentum=train.number("momentum", *MOMENTUM_RANGE, 0.0),
        epochs=train.whole("epochs", 1, MAX_EPOCHS),
        batch_size=train.whole("batch_size", 1, MAX_BATCH_SIZE, 1),
        loss=train.get("loss", str, "sse", loss_names()),
        seed=train.whole("seed", 0, MAX_SEED, 0),
        shuffle=train.get("shuffle", bool, True),
        log_every=train.whole("log_every", 1, MAX_EPOCHS, 1),
    )
    evaluation = top.table_at("evaluation", required=False)
    if evaluation is not None:
        fields.update(
            report=evaluation.get("report", str, "rows", REPORTS),
            probe_input=probe(evaluation),
            probe_target=evaluation.number("target", -MAX_ABS_VALUE, MAX_ABS_VALUE, None),
            threshold=evaluation.number("threshold", -MAX_ABS_VALUE, MAX_ABS_VALUE, 0.5),
        )
    lecture = top.table_at("lecture", required=False)
    if lecture is not None:
        fields["lecture"] = LectureRun(
            train_images=lecture.whole("train_images", 1, MAX_COUNT),
            test_images=lecture.whole("test_images", 1, MAX_COUNT),
            epochs=lecture.whole("epochs", 1, MAX_EPOCHS),
            batch_size=lecture.whole("batch_size", 1, MAX_BATCH_SIZE),
            accuracy=lecture.number("accuracy", 0.0, 1.0))
    model = top
    if kind == "network":
        model = top.table_at("model")
        fields.update(layers=tuple(LayerSpec(**read_layer(layer))
                                   for layer in layer_tables(model)),
                      initializer=model.get("initializer", str, "lecture", initializer_names()),
                      dtype=model.get("dtype", str, "float64", DTYPES))
    lesson = Lesson(**fields)
    _check_against_data(lesson, model)
    return lesson


def _panels(top: Fields) -> list[str]:
    panels = top.get("panels", list, ["canvas"])
    for panel in panels:
        if panel not in PANELS:
            raise top.fail("panels", f"unknown panel {show(panel)}",
                           f"Expected some of: {', '.join(PANELS)}.")
    return panels


def _check_against_data(lesson: Lesson, model: Fields) -> None:
    """Shapes that depend on the dataset: input width, output width, probe length."""
    n_inputs = dataset_width(lesson)
    if n_inputs is None:
        return
    if lesson.kind == "network" and lesson.dense_only:
        check_weight_shapes(model, n_inputs, lesson.layers)
    elif lesson.kind == "network":
        check_layer_shapes(model, lesson.input_shape(n_inputs), lesson.layers)
    if lesson.probe_input is not None and len(lesson.probe_input) != n_inputs:
        raise LessonError(f"{lesson.path.name}: key 'evaluation.input': {len(lesson.probe_input)} "
                          f"values, expected {n_inputs} (one per input of {lesson.dataset}).")


_KNOWN_WIDTHS = {"and": 2, "or": 2, "xor": 2, "nand": 2, "nor": 2, "moons": 2, "circles": 2,
                 "gaussian": 2, "spiral": 2, "quadrants": 2, "digits": 64, "mnist": 784}


_IMAGE_SIDES = {"digits": 8, "mnist": 28}


def place_centres(network: Network, X: np.ndarray, seed: int = 0) -> None:
    """Every RBF layer's centres by k-means on the rows that reach it."""
    from nnsim.core.rbf import RBF

    rows = network._as_inputs(X)
    if any(isinstance(layer, RBF) for layer in network.layers):
        outs, _ = network._chain_forward(rows)
        for layer, given in zip(network.layers, [rows, *outs], strict=False):
            if isinstance(layer, RBF):
                layer.init_centres(given.reshape(len(given), -1), seed)


def dataset_width(lesson: Lesson) -> int | None:
    """The columns of the lesson's rows where the dataset fixes them, without loading it."""
    if lesson.dataset == "parity":
        return int(lesson.dataset_options.get("steps", 8))
    if lesson.dataset == "reverse":
        return int(lesson.dataset_options.get("max_length", 5))
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
        with path.open("rb") as stream:
            raw = stream.read(MAX_LESSON_BYTES + 1)
        if len(raw) > MAX_LESSON_BYTES:
            raise LessonError(f"{path.name}: larger than {MAX_LESSON_BYTES:,} bytes, more than "
                              "a lesson may have. Keep weights tables small.")
        text = raw.decode("utf-8")
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
