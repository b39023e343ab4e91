"""A Snapshot of a model that is not training: what the views show after loading or editing.

The loop builds its Snapshots the same way (weights, probe activations, grid maps); this is for
the moments between runs, so every view draws from one kind of object.
"""

from __future__ import annotations

import numpy as np

from nnsim.core.grid import grid_extent, grid_maps, grid_points
from nnsim.core.history import History, history_view
from nnsim.core.network import Network
from nnsim.core.perceptron import Perceptron
from nnsim.core.snapshot import Snapshot
from nnsim.training.derived import probe_activations

Array = np.ndarray


def still_snapshot(model: Network | Perceptron, X: Array, probe_index: int = 0, *,
                   grid_size: int = 100, history: History | dict | None = None,
                   status: str = "ready", step: int = 0, epoch: int = 0,
                   loss: float = float("nan"), metrics: dict[str, float] | None = None,
                   probe_row: Array | None = None) -> Snapshot:
    """Snapshot of ``model`` as it stands; the boundary grid when it has two inputs."""
    network = model.as_network() if isinstance(model, Perceptron) else model
    weights = tuple(network.get_weights())
    row = X[min(max(probe_index, 0), len(X) - 1)] if probe_row is None else probe_row
    boundary = neuron_maps = output_maps = extent = regions = None
    if network.sizes[0] == 2 and len(X):
        extent = grid_extent(X)
        maps = grid_maps(network, grid_points(extent, grid_size), grid_size)
        boundary, neuron_maps, output_maps = maps.boundary, maps.neuron_maps, maps.outputs
        regions = maps.regions
    return Snapshot(
        step=step, epoch=epoch, loss=loss, weights=weights, metrics=dict(metrics or {}),
        activations=probe_activations(network, np.asarray(row)), probe_index=probe_index,
        boundary=boundary, neuron_maps=neuron_maps, output_maps=output_maps,
        regions=regions, grid_extent=extent,
        history=history_view(history or {}),
        status=status)
