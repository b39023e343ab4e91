"""Pictures beside the canvas's neurons: weight images, output-map thumbnails, one map large.

Weight-image mode shows each hidden neuron's incoming weights as a tile (the input picture's
shape for the first layer) instead of its edges; thumbnails show each hidden neuron's output
over the input plane. Each is one mosaic picture per layer: one paint per layer, not one per
neuron. Hovering a neuron with a map shows that map large beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPen

from nnsim.ui.canvas_layout import CanvasLayout, grid_shape, tile_mosaic, tile_shape
from nnsim.ui.canvas_nodes import FastImage, value_levels

Weights = Sequence[tuple[np.ndarray, np.ndarray | None]]
BIG_MAP_PIXELS = 180       # the hovered neuron's map, on screen


@dataclass(frozen=True)
class Mosaic:
    """One layer's tiles in one picture: ``tile`` (rows, columns) each, ``pad`` between."""

    item: FastImage
    tile: tuple[int, int]
    rows: int
    columns: int
    pad: int
    step: int = 1   # thumbnails: every step-th grid point (a 100x100 map is too fine)


class TileLayer:
    """The weight mosaics, the thumbnail strips and the large map of one canvas."""

    def __init__(self, box: pg.ViewBox) -> None:
        self._box = box
        self.tiles: dict[int, Mosaic] = {}
        self.thumbs: list[Mosaic | None] = []
        self._thumb_shapes: list[tuple[int, ...]] = []
        self.big = FastImage()
        self.big.setZValue(30.0)
        box.addItem(self.big, ignoreBounds=True)
        self.big.hide()
        self.lut = np.zeros((2, 3), dtype=np.ubyte)

    def set_theme(self, lut: np.ndarray, border: QPen) -> None:
        """Colours for the next build, and the large map's frame."""
        self.lut = lut
        self.big.set_border(border)

    def build_tiles(self, layout: CanvasLayout, sizes: Sequence[int], tiled: Sequence[bool],
                    image_shape: tuple[int, int] | None, node_diameter: float) -> None:
        """Weight-image mode: one mosaic per ``tiled`` hidden layer, a tile per neuron."""
        for mosaic in self.tiles.values():
            self._box.removeItem(mosaic.item)
        self.tiles = {}
        for k in (k for k, on in enumerate(tiled) if on):
            geometry = layout.layers[k]
            th, tw = tile_shape(sizes[k - 1], image_shape if k == 1 else None)
            pad = max(1, round(th / 8))
            if geometry.style == "grid":
                (rows, columns), rect = grid_shape(sizes[k]), geometry.rect
            else:  # a strip of tiles left of the circles, where the incoming edges would be
                rows, columns = sizes[k], 1
                width = geometry.cell * (tw + 2 * pad) / (th + 2 * pad)
                x, y = geometry.positions[0]
                rect = (x - node_diameter / 2 - 0.1 - width, y - geometry.cell / 2, width,
                        geometry.cell * rows)
            shape = (rows * (th + 2 * pad), columns * (tw + 2 * pad))
            self.tiles[k] = Mosaic(self._add(FastImage(shape, rect, self.lut), 9.0), (th, tw),
                                   rows, columns, pad)

    def paint_tiles(self, weights: Weights) -> None:
        """Every mosaic from these weights, coloured symmetrically around 0."""
        for k, mosaic in self.tiles.items():
            w = weights[k - 1][0]
            th, tw = mosaic.tile
            tiles = np.full((w.shape[1], th * tw), np.nan, dtype=np.float32)
            tiles[:, :w.shape[0]] = w.T
            top = float(np.nanmax(np.abs(w))) if np.isfinite(w).any() else 0.0
            picture = tile_mosaic(tiles.reshape(-1, th, tw), mosaic.rows, mosaic.columns,
                                  mosaic.pad)
            mosaic.item.show_values(picture, (-top, top) if top > 0 else (-1.0, 1.0))

    def show_maps(self, maps: Sequence[np.ndarray] | None, layout: CanvasLayout,
                  sizes: Sequence[int], activations: Sequence[str],
                  node_diameter: float) -> None:
        """Each hidden layer's (n, gy, gx) output maps as a strip right of its circles."""
        shapes = [] if maps is None else [m.shape for m in maps]
        if shapes != self._thumb_shapes:
            self._thumb_shapes = shapes
            self._build_thumbnails(maps or (), layout, sizes, node_diameter)
        for k, (mosaic, layer_maps) in enumerate(zip(self.thumbs, maps or (), strict=False)):
            if mosaic is not None:  # grid row 0 is the lowest y: flip it to the top
                step = mosaic.step
                picture = tile_mosaic(layer_maps[:, ::-step, ::step], len(layer_maps), 1,
                                      mosaic.pad)
                mosaic.item.show_values(picture, value_levels(activations[k], layer_maps))

    def clear_thumbnails(self) -> None:
        """No strips (a new network, or no maps)."""
        for mosaic in self.thumbs:
            if mosaic is not None:
                self._box.removeItem(mosaic.item)
        self.thumbs, self._thumb_shapes = [], []

    def _build_thumbnails(self, maps: Sequence[np.ndarray], layout: CanvasLayout,
                          sizes: Sequence[int], node_diameter: float) -> None:
        self.clear_thumbnails()
        self._thumb_shapes = [m.shape for m in maps]
        for k, layer_maps in enumerate(maps[:len(sizes) - 2], start=1):
            geometry, mosaic = layout.layers[k], None
            if geometry.style == "circles" and len(layer_maps) == sizes[k]:
                step = max(1, layer_maps.shape[1] // 40)
                n, gy, gx = layer_maps[:, ::-step, ::step].shape
                pad = max(1, round(gy / 18))  # tiles fill 90 % of the neuron spacing
                cell = min(geometry.cell, 1.0)
                x, y = geometry.positions[0]
                item = FastImage((n * (gy + 2 * pad), gx + 2 * pad),
                                 (x + node_diameter / 2 + 0.03, y - cell / 2,
                                  cell * (gx + 2 * pad) / (gy + 2 * pad), n * cell), self.lut)
                item.setZValue(12.0)
                self._box.addItem(item, ignoreBounds=True)
                mosaic = Mosaic(item, (gy, gx), n, 1, pad, step)
            self.thumbs.append(mosaic)

    def show_neuron_map(self, maps: Sequence[np.ndarray] | None, activations: Sequence[str],
                        layer: int, neuron: int, at: tuple[float, float],
                        node_diameter: float) -> None:
        """Hidden ``layer``'s ``neuron`` map (row 0 the lowest y) large, left of its node at
        ``at`` (the incoming side, clear of the hover text at the cursor's right), inside the
        view; nothing for other nodes or without maps."""
        if maps is None or neuron < 0 or not 1 <= layer <= len(maps):
            return
        image = maps[layer - 1][neuron]
        size = BIG_MAP_PIXELS * self._box.viewPixelSize()[1]
        x, y = at
        (x_min, _), (y_min, y_max) = self._box.viewRange()
        gap = node_diameter / 2 + 0.1
        left = x - gap - size if x - gap - size > x_min else x + gap + 40 * size / 180
        top = min(max(y - size / 2, y_min), y_max - size)
        self.big.set_lookup_table(self.lut)
        self.big.show_values(image[::-1], value_levels(activations[layer - 1], image))
        self.big.set_rect(QRectF(left, top, size, size))
        self.big.show()

    def _add(self, item: FastImage, z: float) -> FastImage:
        item.setZValue(z)
        self._box.addItem(item, ignoreBounds=True)
        return item
