"""Session files (``.nnsim``): everything needed to resume a lesson where it was left.

A session is a NumPy ``.npz`` archive (a zip, readable without pickle) holding a JSON header
(``meta``) and one array per weight, bias and momentum buffer. It is written to a temporary file
beside the target and renamed over it, so a crash never leaves a half-written file, and it is
checked on load: a corrupt or foreign file raises ``SessionError`` saying what is wrong.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = "nnsim-session"
VERSION = 1
SUFFIX = ".nnsim"

Array = np.ndarray


class SessionError(ValueError):
    """A session file could not be written, read or understood."""


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


def save_session(session: Session, path: str | Path) -> Path:
    """Write atomically: a temporary file in the same folder, then an atomic rename."""
    path = Path(path)
    if path.suffix != SUFFIX:
        path = path.with_suffix(SUFFIX)
    meta = {
        "format": FORMAT, "version": VERSION, "lesson": session.lesson,
        "model_kind": session.model_kind, "architecture": session.architecture,
        "optimizer": session.optimizer, "history": session.history, "seed": session.seed,
        "training": session.training, "view": session.view, "step": session.step,
        "epoch": session.epoch, "layers": len(session.weights),
        "has_bias": [b is not None for _, b in session.weights],
        "optimizer_buffers": len(session.optimizer_state),
    }
    arrays: dict[str, Array] = {
        "meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)}
    for index, (weights, bias) in enumerate(session.weights):
        arrays[f"W{index}"] = np.asarray(weights)
        if bias is not None:
            arrays[f"b{index}"] = np.asarray(bias)
    for index, buffer in enumerate(session.optimizer_state):
        arrays[f"v{index}"] = np.asarray(buffer)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp",
                                             dir=path.parent)
    except OSError as error:
        raise SessionError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            np.savez_compressed(stream, **arrays)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise SessionError(f"cannot write {path}: {error.strerror or error}") from None
    return path


def load_session(path: str | Path) -> Session:
    """Read and check a session file; raises SessionError naming what is wrong."""
    path = Path(path)
    name = path.name
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except FileNotFoundError:
        raise SessionError(f"{name}: no such file") from None
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise SessionError(f"{name} is not an nnsim session file (it could not be read as "
                           f"one: {error}). Choose a file saved by nnsim.") from None
    if "meta" not in arrays:
        raise SessionError(f"{name} is not an nnsim session file (no header).")
    try:
        meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SessionError(f"{name}: the header is damaged.") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise SessionError(f"{name} is not an nnsim session file.")
    if not isinstance(meta.get("version"), int) or meta["version"] > VERSION:
        raise SessionError(f"{name} was saved by a newer nnsim (format version "
                           f"{meta.get('version')}; this nnsim reads up to {VERSION}). "
                           "Update nnsim to open it.")
    return _session_from(name, meta, arrays)


def _session_from(name: str, meta: dict[str, Any], arrays: dict[str, Array]) -> Session:
    try:
        n_layers = int(meta["layers"])
        has_bias = list(meta["has_bias"])
        weights = []
        for index in range(n_layers):
            bias = arrays[f"b{index}"] if has_bias[index] else None
            weights.append((arrays[f"W{index}"], bias))
        buffers = [arrays[f"v{index}"] for index in range(int(meta["optimizer_buffers"]))]
        session = Session(
            lesson=str(meta["lesson"]), model_kind=str(meta["model_kind"]),
            architecture=dict(meta["architecture"]), weights=weights,
            optimizer=dict(meta["optimizer"]), optimizer_state=buffers,
            history={k: [float(v) for v in values] for k, values in meta["history"].items()},
            seed=int(meta["seed"]), training=dict(meta["training"]), view=dict(meta["view"]),
            step=int(meta["step"]), epoch=int(meta["epoch"]))
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise SessionError(f"{name}: the session is incomplete or damaged ({error!r} is "
                           "missing or wrong).") from None
    _check_shapes(name, session)
    return session


def _check_shapes(name: str, session: Session) -> None:
    sizes = [int(session.architecture.get("inputs", 0))]
    sizes += [int(layer.get("units", 0)) for layer in session.architecture.get("layers", [])]
    if len(sizes) - 1 != len(session.weights):
        raise SessionError(f"{name}: the architecture has {len(sizes) - 1} layers but "
                           f"{len(session.weights)} weight matrices are stored.")
    for index, (weights, bias) in enumerate(session.weights):
        expected = (sizes[index], sizes[index + 1])
        if weights.shape != expected:
            raise SessionError(f"{name}: layer {index + 1} weights have shape {weights.shape}, "
                               f"expected {expected}.")
        if bias is not None and bias.shape != (expected[1],):
            raise SessionError(f"{name}: layer {index + 1} bias has shape {bias.shape}, "
                               f"expected ({expected[1]},).")
        if not np.all(np.isfinite(weights)):
            raise SessionError(f"{name}: layer {index + 1} weights contain NaN or infinity.")
