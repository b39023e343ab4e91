"""The canvas's edges: which ones to draw and with which pen, batched so a frame is cheap.

Every weight and bias is an edge (layer k = Dense layer k-1, from neuron i (-1 = the "+1" bias
node) to neuron j). A frame draws at most ``limit`` of them, the strongest of each layer, sorted
into pen buckets by sign and by magnitude (2 signs x LEVELS alpha levels). Each bucket is one
``connect="pairs"`` curve, so 2,000 edges cost a handful of paths instead of 2,000 items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt.internals import PrimitiveArray
from PySide6.QtCore import QLineF, QRectF
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QGraphicsObject

from nnsim.ui.canvas_layout import CanvasLayout
from nnsim.ui.figure_export import pen_scale
from nnsim.ui.guard import guarded
from nnsim.ui.palette import NEGATIVE, POSITIVE, Theme

Array = np.ndarray
Weights = Sequence[tuple[Array, Array | None]]

LEVELS = 4
ALPHAS = (0.22, 0.42, 0.68, 1.0)   # weak edges faint, strong ones opaque
DIMMED = 0.18                      # share of the alpha left to edges outside a highlight
RESELECT = 8                       # frames between two rankings of the strongest edges


@dataclass(frozen=True)
class EdgeIndex:
    """Layer k's edges in the order of ``np.concatenate([W.ravel(), b])``: sources and targets."""

    source: Array   # neuron of layer k-1, -1 for the bias node
    target: Array   # neuron of layer k


def edge_index(sizes: Sequence[int], has_bias: Sequence[bool]) -> list[EdgeIndex]:
    """One EdgeIndex per Dense layer; W.ravel() is row-major, so edge i*n_out + j is W[i, j]."""
    index = []
    for n_in, n_out, bias in zip(sizes, sizes[1:], has_bias, strict=False):
        source, target = np.divmod(np.arange(n_in * n_out), n_out)
        if bias:
            source = np.concatenate([source, np.full(n_out, -1)])
            target = np.concatenate([target, np.arange(n_out)])
        index.append(EdgeIndex(source, target))
    return index


def edge_ends(layout: CanvasLayout, index: Sequence[EdgeIndex]) -> tuple[list[Array],
                                                                         list[Array]]:
    """Start and end points ((n, 2) per layer, in edge_index order) of every edge: from a
    node's outlet (or its layer's "+1" node) to the centre of the node it feeds."""
    starts, ends = [], []
    for k, layer_index in enumerate(index):
        below, above = layout.layers[k], layout.layers[k + 1]
        start = below.outlets[np.maximum(layer_index.source, 0)]
        if below.bias is not None:
            start[layer_index.source < 0] = below.bias
        starts.append(start)
        ends.append(above.positions[layer_index.target])
    return starts, ends


def flat_values(weights: Weights) -> list[Array]:
    """Every layer's weights then biases as one flat array, matching ``edge_index``."""
    return [np.concatenate([w.ravel(), b]) if b is not None else w.ravel() for w, b in weights]


def layer_quotas(counts: Sequence[int], limit: int) -> list[int]:
    """Share ``limit`` edges between layers: small layers get all theirs, the rest split evenly.

    Per-layer quotas keep every layer visible: the first layer of an MNIST net has small
    weights and would lose every edge to the output layer in a global ranking.
    """
    quotas = [0] * len(counts)
    open_layers = sorted(range(len(counts)), key=lambda k: counts[k])
    left = max(int(limit), 0)
    while open_layers:
        share = left // len(open_layers)
        k = open_layers[0]
        if counts[k] <= share:
            quotas[k] = counts[k]
            left -= counts[k]
            open_layers.pop(0)
        else:
            for k in open_layers:
                quotas[k] = share
            break
    return quotas


def strongest(values: Array, quota: int) -> Array:
    """Indices of the ``quota`` largest |values|, all of them (in order) when they fit."""
    if quota >= len(values):
        return np.arange(len(values))
    if quota <= 0:
        return np.arange(0)
    return np.sort(np.argpartition(np.abs(values), len(values) - quota)[len(values) - quota:])


def buckets(values: Array, scale: float) -> Array:
    """Bucket of each value: sign * LEVELS + level, level from sqrt(|v| / scale) (0 = faint)."""
    if scale <= 0 or not np.isfinite(scale):
        scale = 1.0
    with np.errstate(invalid="ignore"):  # a diverged net's NaN weights draw faintest
        ratio = np.nan_to_num(np.abs(values) / scale, nan=0.0, posinf=1.0)
    magnitude = np.sqrt(np.clip(ratio, 0.0, 1.0))
    level = np.minimum((magnitude * LEVELS).astype(int), LEVELS - 1)
    return np.where(values >= 0, LEVELS, 0) + level


def over_background(rgb: tuple[int, int, int], background: tuple[int, int, int],
                    alpha: float) -> tuple[int, int, int]:
    """``rgb`` as it looks at ``alpha`` over the background, as an opaque colour.

    Qt's raster engine draws opaque lines 7-15x faster than blended ones (340 long lines:
    3-5 ms against 35-48 ms); edges are faded by magnitude, so this is most of a big net's
    frame. Crossing faint lines no longer darken each other, which nobody reads anyway.
    """
    return tuple(round(alpha * c + (1 - alpha) * b)  # type: ignore[return-value]
                 for c, b in zip(rgb, background, strict=True))


class EdgeCurve(QGraphicsObject):
    """Line segments in one pen, drawn by one ``drawLines`` call: one bucket's edges (and the
    frames around the canvas's pictures and bars).

    What PlotCurveItem did for this, without the rest: it re-measured its data, rebuilt its
    line array and checked its options on every paint, about a quarter of a small net's frame.
    The bounds are given (edges never leave the network's), the segments are kept in a
    QLineF array that NumPy fills in place.
    """

    bounds = QRectF()

    def __init__(self, antialias: bool = True) -> None:
        """An empty curve; its ``bounds`` (data coordinates) must hold every segment."""
        super().__init__()
        self.opts = {"pen": pg.mkPen("k"), "antialias": antialias}
        self._lines = PrimitiveArray(QLineF, 4)

    @guarded(QRectF)
    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt name)
        return self.bounds

    def setPen(self, pen: QPen) -> None:  # noqa: N802 (Qt name)
        self.opts["pen"] = pen
        self.update()

    def setData(self, x: Array, y: Array, antialias: bool = True) -> None:  # noqa: N802
        """Segments (x[2k], y[2k]) -> (x[2k+1], y[2k+1])."""
        n = len(x) // 2
        self._lines.resize(n)
        lines = self._lines.ndarray()
        lines[:, 0], lines[:, 1] = x[0::2], y[0::2]
        lines[:, 2], lines[:, 3] = x[1::2], y[1::2]
        self.opts["antialias"] = antialias
        self.update()

    @guarded()
    def paint(self, painter: QPainter, *args: object) -> None:
        if not len(self._lines):
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, self.opts["antialias"])
        pen, scale = self.opts["pen"], pen_scale(painter)
        if scale != 1.0:  # a PNG export: the same look at any size
            pen = QPen(pen)
            pen.setWidthF(max(pen.widthF(), 1.0) * scale)
        painter.setPen(pen)
        painter.drawLines(*self._lines.drawargs())


class EdgeBuckets:
    """2 x LEVELS pair-connected curves in a ViewBox: build once, then ``set_edges`` per frame."""

    def __init__(self, view: pg.ViewBox, z: float) -> None:
        self.curves = []
        self.antialias = True
        for bucket in range(2 * LEVELS):
            curve = EdgeCurve(antialias=True)
            curve.setZValue(z + bucket % LEVELS * 0.01)  # strong edges on top of weak ones
            view.addItem(curve, ignoreBounds=True)
            self.curves.append(curve)
        self.counts = np.zeros(2 * LEVELS, dtype=int)
        self.segments = [np.zeros((0, 2))] * (2 * LEVELS)

    def set_theme(self, theme: Theme, dim: bool = False, width: float = 1.0) -> None:
        """Pens for the theme; ``dim`` fades them behind a highlight."""
        for bucket, curve in enumerate(self.curves):
            rgb = POSITIVE if bucket >= LEVELS else NEGATIVE
            alpha = ALPHAS[bucket % LEVELS] * (DIMMED if dim else 1.0)
            curve.setPen(pg.mkPen(over_background(rgb, theme.background, alpha), width=width))

    def set_edges(self, start: Array, end: Array, bucket: Array) -> None:
        """Draw segments start[k] -> end[k] ((n, 2) arrays) each with the pen of bucket[k]."""
        order = np.argsort(bucket, kind="stable")
        counts = np.bincount(bucket, minlength=2 * LEVELS)
        points = np.empty((2 * len(order), 2))
        points[0::2], points[1::2] = start[order], end[order]
        first = 0
        for index, (curve, count) in enumerate(zip(self.curves, counts, strict=True)):
            segment = points[2 * first:2 * (first + count)]
            first += count
            # A bucket holding the same edges as last frame keeps its drawing: while training
            # most edges stay in their bucket, and each setData rebuilds the curve's lines.
            if np.array_equal(segment, self.segments[index]) and \
                    curve.opts["antialias"] == self.antialias:
                continue
            curve.setData(segment[:, 0], segment[:, 1], antialias=self.antialias)
            curve.setVisible(bool(count))  # empty curves still cost a bounds check per paint
            self.segments[index] = segment
        self.counts = counts

    def clear(self) -> None:
        """Draw nothing (and remember so, to skip empty updates later)."""
        empty = np.zeros((0, 2))
        self.segments = [None] * (2 * LEVELS)   # forces the update
        self.set_edges(empty, empty, np.zeros(0, dtype=int))


class EdgeLayer:
    """Every edge of the canvas: the frame's strongest ones, and a highlighted set on top."""

    def __init__(self, view: pg.ViewBox) -> None:
        self.base, self.focus = EdgeBuckets(view, 0.0), EdgeBuckets(view, 5.0)
        self.set_geometry([], [], [], [])

    def set_geometry(self, index: list[EdgeIndex], starts: list[Array], ends: list[Array],
                     hidden: list[bool]) -> None:
        """Edge endpoints per layer ((n, 2), in edge_index order); ``hidden`` layers skipped."""
        self.index, self.starts, self.ends, self.hidden = index, starts, ends, hidden
        points = np.concatenate([np.zeros((0, 2)), *starts, *ends])
        low, high = (points.min(0), points.max(0)) if len(points) else (np.zeros(2), np.ones(2))
        bounds = QRectF(*(low - 1.0), *(high - low + 2.0))
        for curve in self.base.curves + self.focus.curves:
            curve.prepareGeometryChange()
            curve.bounds = bounds
        self.drawn = no_edges()
        self.scale = 1.0
        self.reselect()
        self.base.clear()
        self.focus.clear()

    def reselect(self) -> None:
        """Rank the edges again on the next frame (new numbers: gradients instead of weights)."""
        self.chosen, self.chosen_limit, self.frames_since_selection = None, 0, 0

    def set_antialias(self, on: bool) -> None:
        """Smooth edges from the next frame on (2,000 antialiased lines cost about 2x)."""
        self.base.antialias = self.focus.antialias = on

    def set_theme(self, theme: Theme, width: float, dim: bool) -> None:
        """Pens; ``dim`` fades the base edges behind a highlight."""
        self.base.set_theme(theme, dim=dim, width=width)
        self.focus.set_theme(theme, width=width + 1.0)

    def draw(self, values: list[Array], limit: int) -> None:
        """Draw the strongest ``limit`` edges (shared between layers) of ``flat_values``.

        Which edges are strongest changes slowly, so the ranking (a partition of 200,000
        weights for MNIST, over a millisecond) is redone every RESELECT frames; the colours
        follow every frame.
        """
        self.frames_since_selection += 1
        if self.chosen is None or limit != self.chosen_limit or \
                self.frames_since_selection >= RESELECT:
            counts = [0 if hidden else len(v)
                      for v, hidden in zip(values, self.hidden, strict=True)]
            self.chosen = [strongest(v, q) for v, q in zip(values, layer_quotas(counts, limit),
                                                           strict=True)]
            self.chosen_limit, self.frames_since_selection = limit, 0
        chosen = self.chosen
        value = np.concatenate([v[c] for v, c in zip(values, chosen, strict=True)])
        finite = np.abs(value[np.isfinite(value)])
        self.scale = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
        pairs = list(zip(self.index, chosen, self.starts, self.ends, strict=True))
        self.drawn = {
            "layer": np.concatenate([np.full(len(c), k + 1) for k, c in enumerate(chosen)]),
            "source": np.concatenate([i.source[c] for i, c, _, _ in pairs]),
            "target": np.concatenate([i.target[c] for i, c, _, _ in pairs]),
            "value": value, "bucket": buckets(value, self.scale),
            "start": np.concatenate([s[c] for _, c, s, _ in pairs]),
            "end": np.concatenate([e[c] for _, c, _, e in pairs])}
        self.base.set_edges(self.drawn["start"], self.drawn["end"], self.drawn["bucket"])

    def draw_focus(self, values: list[Array] | None, layer: int, neuron: int | None,
                   outgoing: bool, limit: int) -> None:
        """Highlight the edges into ``neuron`` of ``layer`` (all into the layer if None), and
        with ``outgoing`` the edges leaving it; at most ``limit`` per part, in full colour."""
        parts = []
        if values is not None and 1 <= layer <= len(self.index):
            target = self.index[layer - 1].target
            parts.append((layer - 1, np.flatnonzero(target == neuron) if neuron is not None
                          else np.arange(len(target))))
        if values is not None and outgoing and neuron is not None and layer < len(self.index):
            parts.append((layer, np.flatnonzero(self.index[layer].source == neuron)))
        if not parts:
            self.focus.clear()
            return
        parts = [(k, idx[strongest(values[k][idx], limit)]) for k, idx in parts]
        value = np.concatenate([values[k][idx] for k, idx in parts])
        self.focus.set_edges(np.concatenate([self.starts[k][idx] for k, idx in parts]),
                             np.concatenate([self.ends[k][idx] for k, idx in parts]),
                             buckets(value, self.scale))

    def edge_at(self, x: float, y: float, tolerance: float) -> tuple[int, int, int] | None:
        """(layer, source, target) of the drawn edge nearest (x, y) within ``tolerance``."""
        start, end = self.drawn["start"], self.drawn["end"]
        if not len(start):
            return None
        point = np.array([x, y])
        along = end - start
        t = np.clip(((point - start) * along).sum(1) / np.maximum((along * along).sum(1), 1e-12),
                    0.0, 1.0)
        distance = np.hypot(*(start + t[:, None] * along - point).T)
        i = int(np.argmin(distance))
        if distance[i] > tolerance:
            return None
        return int(self.drawn["layer"][i]), int(self.drawn["source"][i]), \
            int(self.drawn["target"][i])


def no_edges() -> dict[str, Array]:
    """The record of a frame that drew nothing."""
    empty = np.zeros(0, dtype=int)
    return {"layer": empty, "source": empty, "target": empty, "value": np.zeros(0),
            "bucket": empty, "start": np.zeros((0, 2)), "end": np.zeros((0, 2))}

