"""The frozen picture of training that the loop publishes and every view reads."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class Snapshot:
    """Training state at one moment. Arrays are copies: the trainer never touches them again.

    ``weights`` holds (W, b) per layer; ``activations`` the outputs of every layer (input first)
    for the probe row; ``boundary`` the output over a 2-D grid and ``neuron_maps`` every hidden
    neuron's output over it (layer, neuron, gy, gx), both only for 2-input models;
    ``output_maps`` (n_outputs, gy, gx) every output over the grid (``boundary`` is its first).
    ``epoch`` counts finished epochs and ``epoch_progress`` is the share of the next one done;
    ``learning_rate`` and ``batch_size`` are the values in force, after any live change.
    """

    step: int
    epoch: int
    loss: float
    weights: tuple[tuple[Array, Array | None], ...]
    metrics: dict[str, float] = field(default_factory=dict)
    gradients: tuple[tuple[Array, Array | None], ...] | None = None
    activations: tuple[Array, ...] | None = None
    probe_index: int = 0
    boundary: Array | None = None
    neuron_maps: tuple[Array, ...] | None = None
    grid_extent: tuple[float, float, float, float] | None = None
    history: dict[str, list[float]] = field(default_factory=dict)
    status: str = "running"
    steps_per_second: float = 0.0
    epochs_total: int | None = None
    seconds_left: float | None = None
    learning_rate: float | None = None
    batch_size: int | None = None
    epoch_progress: float = 0.0
    output_maps: Array | None = None
    regions: Array | None = None
    """(gy, gx): the expert a mixture's gate picks at each grid point (else None)."""
