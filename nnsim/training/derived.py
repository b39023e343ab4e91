"""Pure data derived from the model for a Snapshot: probe activations and weight health.

The decision-boundary grid lives in ``nnsim.core.grid`` so the boundary view can use it too
(views may import core, never training).
"""

from __future__ import annotations

import numpy as np

from nnsim.core.network import Network

Array = np.ndarray
Weights = tuple[tuple[Array, Array | None], ...]


def probe_activations(network: Network, row: Array) -> tuple[Array, ...]:
    """Every layer's output for one row, the input first: (x, out_1, ..., out_L)."""
    x = np.atleast_2d(np.asarray(row, dtype=network.dtype))
    _, outs = network.layer_outputs(x)
    return (x[0].copy(), *(out[0] for out in outs))


def weights_finite(weights: Weights) -> bool:
    """False once any weight or bias has become NaN or infinite (training diverged)."""
    return all(array is None or np.isfinite(array).all()
               for layer in weights for array in layer)
