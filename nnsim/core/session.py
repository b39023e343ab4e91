"""Session files (``.nnsim``): everything needed to resume a lesson where it was left.

A session is a NumPy ``.npz`` archive (a zip, readable without pickle) holding a JSON header
(``meta``) and one array per weight, bias and momentum buffer. It is written to a temporary file
beside the target, read back and checked, then renamed over the target, so a crash never leaves
a half-written file and nnsim never writes a file it would refuse to open.

Loading trusts nothing: only the members the header calls for are read, each one's declared
size is checked before it is inflated, every number is checked against ``nnsim.core.limits``
and every array against the architecture, and any problem is one ``SessionError`` saying
``<file>: key '<key>': ...`` or ``<file>: member '<W0.npy>': ...``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nnsim.core.archive import Archive
from nnsim.core.checkpoints import Checkpoints
from nnsim.core.errors import SessionError
from nnsim.core.fields import Fields, read_architecture, show
from nnsim.core.leftovers import sweep_leftovers, temporary_beside
from nnsim.core.limits import (
    LEARNING_RATE_RANGE,
    MAX_BATCH_SIZE,
    MAX_COUNT,
    MAX_EPOCHS,
    MAX_HISTORY_POINTS,
    MAX_LAYERS,
    MAX_META_BYTES,
    MAX_META_CONTAINERS,
    MAX_META_ITEMS,
    MAX_META_STRINGS,
    MAX_SEED,
    MAX_SESSION_FILE_BYTES,
    MOMENTUM_RANGE,
)
from nnsim.core.session_timeline import read_timeline, timeline_members
from nnsim.core.stack import parameter_shapes

FORMAT = "nnsim-session"
VERSION = 1
SUFFIX = ".nnsim"
MODEL_KINDS = ("network", "perceptron")
#: History keys a file may hold at most, and the longest a key's name may be.
MAX_HISTORY_KEYS, MAX_KEY_LENGTH = 16, 64
#: A lesson is a bundled name or a path to a lesson file.
MAX_LESSON_LENGTH = 4096

Array = np.ndarray

__all__ = ["Session", "SessionError", "load_session", "save_session", "FORMAT", "VERSION",
           "SUFFIX"]


@dataclass
class Session:
    """What a session file holds. ``weights`` is (W, b or None) per layer; a perceptron is one
    layer of shape (n_inputs, 1) with its bias."""

    lesson: str
    model_kind: str                      # "network" or "perceptron"
    architecture: dict[str, Any]         # Network.spec(): {"inputs", "layers": [...]}
    weights: list[tuple[Array, Array | None]]
    optimizer: dict[str, Any] = field(default_factory=dict)
    optimizer_state: list[Array] = field(default_factory=list)
    history: dict[str, list[float]] = field(default_factory=dict)
    seed: int = 0
    training: dict[str, Any] = field(default_factory=dict)   # learning_rate, batch_size, epochs
    view: dict[str, Any] = field(default_factory=dict)
    step: int = 0
    epoch: int = 0
    timeline: Checkpoints | None = None
    """The weights by epoch for the timeline, bounded in the file (``session_timeline``);
    None in files saved without one."""

    @property
    def n_inputs(self) -> int:
        """Columns the model takes. ``load_session`` cannot know the lesson's data, so the
        opener compares this with the data's width (see ``check_inputs``)."""
        return int(self.architecture["inputs"])

    def check_inputs(self, n_columns: int, name: str = "the session") -> None:
        """Raise SessionError unless the model takes ``n_columns`` inputs."""
        if self.n_inputs != n_columns:
            raise SessionError(f"{name}: key 'architecture.inputs': the network takes "
                               f"{self.n_inputs} inputs but the lesson's rows have {n_columns} "
                               "columns. Open it with the lesson it was saved from.")


def save_session(session: Session, path: str | Path) -> Path:
    """Write atomically: a temporary file in the same folder, checked, then renamed."""
    path = Path(path)
    if path.suffix != SUFFIX:
        path = path.with_suffix(SUFFIX)
    meta = {
        "format": FORMAT, "version": VERSION, "lesson": session.lesson,
        "model_kind": session.model_kind, "architecture": session.architecture,
        "optimizer": session.optimizer, "history": session.history, "seed": session.seed,
        "training": session.training, "view": session.view, "step": session.step,
        "epoch": session.epoch, "layers": len(session.weights),
        "has_bias": [_has_bias(layer) for layer in session.architecture.get("layers", [])],
        "optimizer_buffers": len(session.optimizer_state),
    }
    timeline_meta, timeline_arrays = timeline_members(session.timeline, session.weights)
    meta.update(timeline_meta)
    try:
        header = json.dumps(meta, default=_plain).encode("utf-8")
    except (TypeError, ValueError, RecursionError) as error:
        raise SessionError(f"{path.name}: cannot be saved: the settings are not plain data "
                           f"({error}).") from None
    arrays: dict[str, Array] = {"meta": np.frombuffer(header, dtype=np.uint8)}
    for index, layer in enumerate(session.weights):
        for position, array in enumerate(layer):
            if array is not None:
                arrays[_array_key(session, index, position)] = np.asarray(array)
    for index, buffer in enumerate(session.optimizer_state):
        arrays[f"v{index}"] = np.asarray(buffer)
    arrays.update(timeline_arrays)
    try:
        handle, temporary = temporary_beside(path)
    except OSError as error:
        raise _unwritable(path, error) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            np.savez_compressed(stream, **arrays)
            stream.flush()
            os.fsync(stream.fileno())
        _load(temporary, path.name)  # never write what could not be opened again
        os.replace(temporary, path)
    except OSError as error:
        raise _unwritable(path, error) from None
    except SessionError as error:
        raise SessionError(f"{path.name}: cannot be saved: "
                           f"{str(error).removeprefix(path.name + ': ')}") from None
    finally:  # any failure (MemoryError too) takes its temporary file with it
        temporary.unlink(missing_ok=True)
    sweep_leftovers(path)
    return path


def _unwritable(path: Path, error: OSError) -> SessionError:
    return SessionError(f"{path.name}: cannot be written in {path.parent} "
                        f"({error.strerror or error}). Choose another folder or free some space.")


def _plain(value: object) -> object:
    """NumPy scalars in the header as plain numbers."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not plain data")


def load_session(path: str | Path) -> Session:
    """Read and check a session file; raises SessionError naming what is wrong."""
    path = Path(path)
    return _load(path, path.name)


def _load(path: Path, name: str) -> Session:
    with Archive(path, SessionError, MAX_SESSION_FILE_BYTES, "an nnsim session file",
                 name) as archive:
        if not archive.has("meta"):
            raise SessionError(f"{name} is not an nnsim session file (no header).")
        raw = archive.array("meta", ndim=1, dtypes=("uint8",), max_bytes=MAX_META_BYTES)
        meta = _parse_meta(name, raw)
        fields = Fields(name, meta, SessionError)
        session = _session_from(fields)
        _read_arrays(archive, session, fields)
        epochs = max((len(values) for values in session.history.values()), default=0)
        session.timeline = read_timeline(archive, fields, session.weights, epochs)
    return session


def _parse_meta(name: str, raw: Array) -> dict[str, Any]:
    text = raw.tobytes()
    counts = {"values": text.count(b","), "strings": text.count(b'"') // 2,
              "lists and tables": text.count(b"[") + text.count(b"{")}
    limits = {"values": MAX_META_ITEMS, "strings": MAX_META_STRINGS,
              "lists and tables": MAX_META_CONTAINERS}
    for what, count in counts.items():  # JSON makes 32 bytes of objects of 2 bytes of text
        if count > limits[what]:
            raise SessionError(f"{name}: the header holds about {count:,} {what}, more than "
                               f"a session has ({limits[what]:,}). It was not read.")
    try:
        meta = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise SessionError(f"{name}: the header is damaged (not JSON text).") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise SessionError(f"{name} is not an nnsim session file.")
    version = meta.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        raise SessionError(f"{name} was saved by a newer nnsim (format version "
                           f"{show(version)}; this nnsim reads up to {VERSION}). "
                           "Update nnsim to open it.")
    Fields(name, meta, SessionError).whole("version", 1, VERSION)
    return meta


def _session_from(top: Fields) -> Session:
    """Every header key checked; the arrays come after, sized from the architecture."""
    lesson = top.get("lesson", str)
    if not 0 < len(lesson) <= MAX_LESSON_LENGTH:
        raise top.fail("lesson", f"{len(lesson):,} characters", "Expected a lesson name or "
                       f"path of 1 to {MAX_LESSON_LENGTH:,} characters.")
    kind = top.get("model_kind", str, choices=MODEL_KINDS)
    architecture = read_architecture(top.table_at("architecture"))
    layers = architecture["layers"]
    if kind == "perceptron" and (len(layers) != 1 or layers[0]["units"] != 1
                                 or not layers[0]["bias"]):
        raise top.fail("architecture", "a perceptron is one neuron with a bias",
                       "Save the session again from nnsim.")
    n_layers = top.whole("layers", 0, MAX_LAYERS)
    if n_layers != len(layers):
        raise top.fail("layers", f"{n_layers} weight matrices, but the architecture has "
                       f"{len(layers)} layers", "The file is inconsistent.")
    has_bias = top.get("has_bias", list)
    if has_bias != [_has_bias(layer) for layer in layers]:
        raise top.fail("has_bias", f"{show(has_bias)} does not match the architecture's "
                       "biases", "The file is inconsistent.")
    return Session(
        lesson=lesson, model_kind=kind, architecture=architecture, weights=[],
        optimizer=_optimizer(top.table_at("optimizer")), history=_history(top),
        seed=top.whole("seed", 0, MAX_SEED), training=_training(top.table_at("training")),
        view=top.get("view", dict, {}), step=top.whole("step", 0, MAX_COUNT),
        epoch=top.whole("epoch", 0, MAX_COUNT))


def _optimizer(config: Fields) -> dict[str, Any]:
    checked: dict[str, Any] = {"name": config.get("name", str, "sgd", ("sgd",))}
    for key, low_high in (("learning_rate", LEARNING_RATE_RANGE), ("momentum", MOMENTUM_RANGE)):
        if key in config.table:
            checked[key] = config.number(key, *low_high)
    if "nesterov" in config.table:
        checked["nesterov"] = config.get("nesterov", bool)
    return checked


def _training(training: Fields) -> dict[str, Any]:
    checked: dict[str, Any] = {}
    if "learning_rate" in training.table:
        checked["learning_rate"] = training.number("learning_rate", *LEARNING_RATE_RANGE)
    if "batch_size" in training.table:
        checked["batch_size"] = training.whole("batch_size", 1, MAX_BATCH_SIZE)
    if "epochs" in training.table:  # 0: until stopped
        checked["epochs"] = training.whole("epochs", 0, MAX_EPOCHS)
    return checked


def _history(top: Fields) -> dict[str, list[float]]:
    """Lists of numbers; NaN and infinity stay (a diverged run's loss is part of its story)."""
    history = top.get("history", dict)
    if len(history) > MAX_HISTORY_KEYS:
        raise top.fail("history", f"{len(history)} series, expected at most "
                       f"{MAX_HISTORY_KEYS}", "The file is damaged.")
    checked = {}
    for key, values in history.items():
        where = f"history.{key[:MAX_KEY_LENGTH]}"
        if len(key) > MAX_KEY_LENGTH or not isinstance(values, list):
            raise top.fail(where, "expected a short name and a list of numbers",
                           "The file is damaged.")
        if len(values) > MAX_HISTORY_POINTS:
            raise top.fail(where, f"{len(values):,} values, expected at most "
                           f"{MAX_HISTORY_POINTS:,}", "The file is damaged.")
        try:
            if any(isinstance(v, bool) for v in values):
                raise TypeError
            checked[key] = [float(v) for v in values]
        except (TypeError, ValueError, OverflowError):  # a string, a list, an int of 400 digits
            raise top.fail(where, "expected a list of numbers", "The file is damaged.") from None
    return checked


def _has_bias(layer: dict[str, Any]) -> bool:
    """A Dense layer's bias (true unless the spec says not); other kinds keep theirs among
    their parameters."""
    return layer.get("kind", "dense") == "dense" and bool(layer.get("bias", True))


def _layered(session: Session) -> bool:
    """Whether the network holds layers beyond Dense: their arrays are P<layer>_<n>."""
    return "input_shape" in session.architecture


def _array_key(session: Session, layer: int, position: int) -> str:
    if _layered(session):
        return f"P{layer}_{position}"
    return f"{'Wb'[position]}{layer}"


def _read_arrays(archive: Archive, session: Session, top: Fields) -> None:
    """Weights, biases and momentum buffers, each shaped as the architecture says."""
    architecture = session.architecture
    if _layered(session):
        try:
            expected = parameter_shapes(architecture["layers"], architecture["input_shape"])
        except ValueError as error:
            raise top.fail("architecture", str(error), "The file is damaged.") from None
    else:
        sizes = [session.n_inputs] + [layer["units"] for layer in architecture["layers"]]
        expected = [[(sizes[i], sizes[i + 1])] + ([(sizes[i + 1],)] if layer["bias"] else [])
                    for i, layer in enumerate(architecture["layers"])]
    shapes: list[tuple[int, ...]] = []
    for index, (layer, layer_shapes) in enumerate(zip(architecture["layers"], expected,
                                                      strict=True)):
        names = ("weights", "bias") if layer.get("kind", "dense") == "dense" else \
            ("parameters",) * len(layer_shapes)
        arrays = [_finite(archive, _array_key(session, index, position), shape,
                          f"layer {index + 1} {names[position]}")
                  for position, shape in enumerate(layer_shapes)]
        if layer.get("kind", "dense") == "dense":
            session.weights.append((arrays[0], arrays[1] if len(arrays) > 1 else None))
        else:
            session.weights.append(tuple(arrays))
        shapes += layer_shapes
    n_buffers = top.whole("optimizer_buffers", 0, max(2 * MAX_LAYERS, len(shapes)))
    if n_buffers not in (0, len(shapes)):
        raise top.fail("optimizer_buffers", f"{n_buffers} momentum buffers for {len(shapes)} "
                       "weight and bias arrays", "The file is inconsistent.")
    if n_buffers and session.model_kind == "perceptron":
        raise top.fail("optimizer_buffers", "a perceptron has no momentum",
                       "The file is inconsistent.")
    session.optimizer_state = [_finite(archive, f"v{index}", shape, "momentum buffer")
                               for index, shape in enumerate(shapes[:n_buffers])]


def _finite(archive: Archive, key: str, shape: tuple[int, ...], what: str) -> Array:
    array = archive.array(key, shape=shape, max_bytes=MAX_SESSION_FILE_BYTES)
    if not np.isfinite(array).all():
        raise archive.fail(key, f"NaN or infinity in the {what}",
                           "The saved run had diverged; it cannot be resumed.")
    return array
