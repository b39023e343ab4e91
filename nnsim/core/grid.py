"""The decision boundary of a 2-input network, from one forward pass over a grid of points.

The trainer computes these maps for every Snapshot and the boundary view draws them; both import
them from here, so the picture and its tests agree on the grid's layout: row ``j`` of a map is
``y = ys[j]``, column ``i`` is ``x = xs[i]`` (image order, origin at ``(x_min, y_min)``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnsim.core.network import Network

Array = np.ndarray
Extent = tuple[float, float, float, float]

#: Share of the data's span added on every side, so points never sit on the picture's edge.
MARGIN = 0.1


@dataclass(frozen=True)
class GridMaps:
    """What a forward pass over the grid shows.

    ``boundary`` (gy, gx) is the first output; ``outputs`` (n_outputs, gy, gx) every output;
    ``neuron_maps`` one array (n_neurons, gy, gx) per hidden layer (for a mixture of experts,
    each expert's output); ``regions`` (gy, gx) the expert the gate picks at each point, or
    None when the network has no gate.
    """

    boundary: Array
    outputs: Array
    neuron_maps: tuple[Array, ...]
    regions: Array | None = None


def grid_extent(X: Array, margin: float = MARGIN) -> Extent:
    """(x_min, x_max, y_min, y_max): the range of the first two columns plus a margin.

    A column with no spread (a single point, or all points on a line) still gets a unit-wide
    window, so the grid never collapses to zero width.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] < 2 or len(X) == 0:
        raise ValueError(f"a grid extent needs rows of at least 2 inputs, got shape {X.shape}")
    low, high = X[:, :2].min(axis=0), X[:, :2].max(axis=0)
    span = high - low
    pad = np.where(span > 0, span * margin, 0.5)
    low, high = low - pad, high + pad
    return float(low[0]), float(high[0]), float(low[1]), float(high[1])


def grid_points(extent: Extent, size: int = 100) -> Array:
    """The size x size grid's points as rows (x, y), y-major so they reshape to (gy, gx)."""
    if size < 2:
        raise ValueError(f"a grid needs at least 2 points per side, got {size}")
    x_min, x_max, y_min, y_max = extent
    xs = np.linspace(x_min, x_max, size)
    ys = np.linspace(y_min, y_max, size)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def grid_maps(network: Network, points: Array, size: int) -> GridMaps:
    """One vectorised forward pass over ``grid_points(extent, size)``: every map at once."""
    if network.n_inputs != 2:
        raise ValueError(f"a decision boundary needs a 2-input network, this one has "
                         f"{network.n_inputs} inputs")
    rows = network._as_inputs(points)
    outs = network._forward(rows)[2] if network.dense_only else network.layer_outputs(rows)[1]
    maps = [out.T.reshape(out.shape[1], size, size) for out in outs]
    hidden, regions = maps[:-1], None
    last = network.layers[-1]
    if getattr(last, "kind", "") == "experts":
        given = rows if len(outs) == 1 else outs[-2]
        gate, experts = last.parts(given)
        hidden.append(experts.T.reshape(last.units, size, size))
        regions = gate.argmax(axis=1).reshape(size, size)
    return GridMaps(boundary=maps[-1][0], outputs=maps[-1], neuron_maps=tuple(hidden),
                    regions=regions)
