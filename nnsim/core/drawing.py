"""A network of RBF units or experts as the canvas draws networks: nodes in layers, edges
carrying one number each.

An RBF unit's incoming edges carry its centre's coordinates (the point the unit answers most
to) and its node's "bias" its width gamma. A mixture of experts draws as its experts (each a
sigmoid unit with its own line) feeding the output, each edge from an expert carrying the
gate's share for the current sample: the lecture's picture of a modular network. Convolutional
networks are drawn by the feature-map view instead (None here).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from nnsim.core.experts import MixtureOfExperts
from nnsim.core.layers import Dense
from nnsim.core.network import Network
from nnsim.core.rbf import RBF
from nnsim.core.snapshot import Snapshot
from nnsim.core.stack import forward

if TYPE_CHECKING:
    from nnsim.core.lessons import LessonData

Array = np.ndarray


@dataclass(frozen=True)
class DrawnNetwork:
    """What the canvas needs: sizes, one activation name and bias flag per drawn layer."""

    sizes: list[int]
    activations: list[str]
    has_bias: list[bool]


def drawn_network(network: Network) -> DrawnNetwork | None:
    """The nodes-and-edges form of ``network``, or None when it has convolutional layers."""
    sizes, acts, bias = [network.n_inputs], [], []
    for layer in network.layers:
        if isinstance(layer, Dense):
            sizes.append(layer.n_out)
            acts.append(layer.activation.name)
            bias.append(layer.bias is not None)
        elif isinstance(layer, RBF):
            sizes.append(layer.units)
            acts.append("gaussian")
            bias.append(True)
        elif isinstance(layer, MixtureOfExperts):
            sizes += [layer.units, 1]
            acts += ["sigmoid", "gate"]
            bias += [True, False]
        else:
            return None
    return DrawnNetwork(sizes, acts, bias)


def drawn_values(network: Network, weights: tuple, row: Array
                 ) -> tuple[tuple[tuple[Array, Array | None], ...], tuple[Array, ...]]:
    """(edge weights (W, b) per drawn layer, node values per drawn layer, input first) for
    ``weights`` (a Snapshot's) and the sample ``row``; the layers' own maths computes them."""
    scratch = network.copy()
    scratch.set_weights(weights)
    drawn, values = [], [np.asarray(row, dtype=np.float64).reshape(-1)]
    x = values[0][np.newaxis]
    for layer in scratch.layers:
        if isinstance(layer, MixtureOfExperts):
            gate, experts = layer.parts(x)
            drawn += [(layer.expert_weights.copy(), layer.expert_bias.copy()),
                      (gate[0][:, None].copy(), None)]
            values.append(experts[0].copy())
        elif isinstance(layer, RBF):
            drawn.append((layer.centres.T.copy(), layer.gamma))
        else:
            drawn.append((layer.weights.copy(), None if layer.bias is None else layer.bias.copy()))
        x = forward(layer, x)[0]
        values.append(np.array(x[0]))
    return tuple(drawn), tuple(values)


def input_centres(network: Network, weights: tuple) -> Array | None:
    """The centres (units, inputs) of an RBF layer that reads the inputs directly, from a
    Snapshot's ``weights``: where the boundary plot marks them. None without one."""
    for layer, params in zip(network.layers, weights, strict=False):
        if isinstance(layer, RBF):
            return np.asarray(params[0])
        if not (hasattr(layer, "kind") and layer.kind == "flatten"):
            return None
    return None


def drawn_snapshot(network: Network, snapshot: Snapshot) -> Snapshot:
    """``snapshot`` as the canvas draws it: RBF units and experts as nodes and edges
    (``drawn_values``); a Dense network's, or one the canvas does not draw, as it is."""
    if network.dense_only or not snapshot.activations or drawn_network(network) is None:
        return snapshot
    weights, values = drawn_values(network, snapshot.weights, snapshot.activations[0])
    return replace(snapshot, weights=weights, activations=values)


def class_names(data: LessonData, network: Network) -> list[str] | None:
    """The output nodes' names when each is a class ("0".."9"), else None."""
    return [str(c) for c in range(data.n_classes)] \
        if data.n_classes == network.sizes[-1] > 1 else None


def plotted_points(data: LessonData) -> tuple[Array, Array, Array | None]:
    """(X, y, held-out mask or None): every row the boundary plot marks, the training rows
    first, the held-out ones flagged."""
    if not data.held_out:
        return data.X_train, data.y_train, None
    X = np.vstack([data.X_train, data.X_test])
    y = np.concatenate([data.y_train, data.y_test])
    mask = np.r_[np.zeros(len(data.X_train), bool), np.ones(len(data.X_test), bool)]
    return X, y, mask
