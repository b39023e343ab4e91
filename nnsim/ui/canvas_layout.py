"""Where the network canvas puts every neuron: a pure function of the layer sizes.

Units: neighbouring neurons of an ordinary layer sit 1 apart; y grows downward (the first neuron
is on top, as the lecture draws it). Layers with more than ``compact_above`` neurons become a
compact column of dots (or, for weight images, a grid of tiles); an input with an image shape
becomes the picture itself, one node per pixel centre. Layers are spread so the drawing has about
the given width:height ratio, which fills a 16:10 window when the view's aspect is locked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Array = np.ndarray
Rect = tuple[float, float, float, float]  # x, y (top), width, height

NODE_DIAMETER = 0.6       # an ordinary neuron's circle, in units of the neuron spacing
MIN_LAYER_GAP = 2.5       # layers never closer than this, so edges keep a readable slope
COMPACT_HEIGHT = 12.0     # the least height of a compact column, a grid or the input picture


@dataclass(frozen=True)
class LayerLayout:
    """One layer's geometry. ``style`` is "circles", "column", "grid" or "image".

    ``positions`` (n, 2) are the node centres (pixel centres for an image, tile centres for a
    grid); ``outlets`` where each node's outgoing edges start: the centre, except that a
    picture or a grid fans its edges out of its right side in reading order, so they do not
    cross the picture; ``bias`` the "+1" node feeding the next layer, or None; ``rect`` the
    block the layer covers (x, y, width, height); ``cell`` the spacing between neighbours.
    """

    style: str
    positions: Array
    outlets: Array
    bias: Array | None
    rect: Rect
    cell: float


@dataclass(frozen=True)
class CanvasLayout:
    """Every layer's geometry, the line the captions stand on and the bounds of it all."""

    layers: tuple[LayerLayout, ...]
    caption_y: float
    bounds: Rect


def grid_shape(n: int) -> tuple[int, int]:
    """(rows, columns) of the most nearly square grid holding n items, never wider than tall+1."""
    columns = int(np.ceil(np.sqrt(n)))
    return int(np.ceil(n / columns)), columns


def network_layout(sizes: Sequence[int], has_bias: Sequence[bool],
                   image_shape: tuple[int, int] | None = None, *, compact_above: int = 40,
                   grid_layers: bool = False, aspect: float = 1.6) -> CanvasLayout:
    """Node positions for a network of ``sizes``; ``has_bias[k]`` is Dense layer k's bias.

    ``grid_layers`` lays compact hidden layers out as a square grid (for weight images).
    The input is drawn as a picture only if ``image_shape`` multiplies out to ``sizes[0]``.
    """
    sizes = [int(n) for n in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"a network needs at least 2 layers of at least 1 neuron, got {sizes}")
    if len(has_bias) != len(sizes) - 1:
        raise ValueError(f"has_bias needs one entry per Dense layer ({len(sizes) - 1}), "
                         f"got {len(has_bias)}")
    picture = image_shape is not None and int(np.prod(image_shape)) == sizes[0]
    styles = []
    for index, n in enumerate(sizes):
        if index == 0 and picture:
            styles.append("image")
        elif n <= compact_above:
            styles.append("circles")
        elif grid_layers and 0 < index < len(sizes) - 1:
            styles.append("grid")
        else:
            styles.append("column")
    tallest = max([n - 1 for n, style in zip(sizes, styles, strict=True)
                   if style == "circles"] + [0])
    block = max(float(tallest), COMPACT_HEIGHT) if set(styles) - {"circles"} else 0.0

    # Widths and heights of every block first, then x positions from the gaps.
    shapes = []
    for n, style in zip(sizes, styles, strict=True):
        if style == "image":
            rows, columns = image_shape  # type: ignore[misc]
            height = min(block, max(6.0, 0.45 * block))
            shapes.append((height * columns / rows, height))
        elif style == "grid":
            rows, columns = grid_shape(n)
            shapes.append((block * columns / rows, block))
        elif style == "column":
            shapes.append((0.0, block))
        else:
            shapes.append((0.0, float(n - 1)))
    biases = list(has_bias) + [False]
    total_height = max(h + (1.0 if bias else 0.0) for (_, h), bias in zip(shapes, biases,
                                                                           strict=True))
    widths = sum(w for w, _ in shapes)
    gap = max(MIN_LAYER_GAP, (aspect * (total_height + 1.5) - widths) / (len(sizes) - 1))

    layers = []
    left = 0.0
    for n, style, (width, height), bias in zip(sizes, styles, shapes, biases, strict=True):
        # Centre the layer together with its "+1" node, which sits one unit below it.
        top = -(height + (1.0 if bias else 0.0)) / 2.0
        x = left + width / 2.0
        if style in ("image", "grid"):
            rows, columns = image_shape if style == "image" else grid_shape(n)  # type: ignore
            cell = height / rows
            r, c = np.divmod(np.arange(n), columns)
            positions = np.column_stack([left + (c + 0.5) * cell, top + (r + 0.5) * cell])
            outlets = np.column_stack([np.full(n, left + width),
                                       top + (np.arange(n) + 0.5) * height / n])
        else:
            cell = height / (n - 1) if n > 1 else 1.0
            positions = outlets = np.column_stack([np.full(n, x), top + cell * np.arange(n)])
        bias_node = np.array([x, top + height + 1.0]) if bias else None
        layers.append(LayerLayout(style, positions.astype(float), outlets.astype(float),
                                  bias_node, (left, top, width, height), cell))
        left += width + gap
    half = total_height / 2.0
    radius = NODE_DIAMETER / 2 + 0.1
    caption_y = -half - radius - 0.15
    bounds = (-radius, caption_y, left - gap + 2 * radius, half + radius - caption_y)
    return CanvasLayout(tuple(layers), caption_y, bounds)


def tile_mosaic(tiles: Array, rows: int, columns: int, pad: int) -> Array:
    """(n, th, tw) tiles as one (rows*(th+2pad), columns*(tw+2pad)) picture, NaN between tiles.

    One image per layer draws in one call however many neurons it has; NaN shows as clear.
    """
    n, th, tw = tiles.shape
    full = np.full((rows * columns, th + 2 * pad, tw + 2 * pad), np.nan, dtype=np.float32)
    full[:n, pad:pad + th, pad:pad + tw] = tiles
    return (full.reshape(rows, columns, th + 2 * pad, tw + 2 * pad)
            .transpose(0, 2, 1, 3).reshape(rows * (th + 2 * pad), columns * (tw + 2 * pad)))


def tile_shape(n_in: int, image_shape: tuple[int, int] | None) -> tuple[int, int]:
    """The picture one neuron's incoming weights make: the input image's shape, else squarish."""
    if image_shape is not None and int(np.prod(image_shape)) == n_in:
        return int(image_shape[0]), int(image_shape[1])
    return grid_shape(n_in)


def fitted_range(bounds: Rect, width: float, height: float,
                 margins: tuple[float, float, float, float]) -> Rect | None:
    """The view range that shows ``bounds`` whole in a ``width`` x ``height`` pixel view,
    keeping ``margins`` (left, top, right, bottom) pixels free for texts; one scale for x and
    y, as the canvas's aspect is locked. None if the view is too small to keep them."""
    x, y, w, h = bounds
    left, top, right, bottom = margins
    free_width, free_height = width - left - right, height - top - bottom
    if free_width < 20 or free_height < 20:
        return None
    scale = max(w / free_width, h / free_height)
    return (x - left * scale, y - top * scale, w + (left + right) * scale,
            h + (top + bottom) * scale)
