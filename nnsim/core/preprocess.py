"""Turn a drawn digit into the input a digit network was trained on, as each data set was made.

MNIST (LeCun et al.): the ink's bounding box is scaled to fit a 20x20 box keeping its aspect
ratio, with anti-aliasing (grey levels), then the 20x20 image is placed in a 28x28 field so that
its centre of mass falls on pixel (14, 14), shifting by whole pixels. Measured on the bundled
5,000 images: the longer side of the ink's box is 20 pixels in every image, and the centre of
mass is at row 13.99 +- 0.29, column 14.00 +- 0.29 (a whole-pixel shift leaves +-0.5).

scikit-learn's digits (UCI optdigits): NIST's program framed each digit into a 32x32 bitmap and
counted the ink in each 4x4 block, giving 8x8 values 0..16. Measured on the 1,797 images: the
ink fills all 8 rows in every image and 5.9 +- 0.6 columns (a "1" with its flag 5.2), its box
centred at column 3.59: the longer side fills the frame, the aspect ratio is kept, and the box is
centred. Here the ink's grey levels are summed per block rather than counted as on/off pixels.

Resampling is separable and written with NumPy: area averaging when shrinking (every source
pixel counts, as anti-aliasing does), linear interpolation when enlarging.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Array = np.ndarray

#: Pixels at or below this share of the brightest pixel are background when finding the ink.
INK_THRESHOLD = 0.05
MNIST_BOX = 20
MNIST_SIZE = 28
MNIST_CENTRE = 14.0
DIGITS_FRAME = 32
DIGITS_BLOCK = 4


class BlankImageError(ValueError):
    """The image has no ink, so there is no digit to recognise."""


@dataclass(frozen=True)
class Stages:
    """The steps of one preprocessing, for the pad's previews: ``result`` is what the model sees.

    ``crop`` is the ink's bounding box cut from the image (scaled to 0..1), ``fitted`` the box
    scaled into the target frame (20x20 for MNIST, 32x32 for digits), ``result`` the model's
    input as an image (28x28 in 0..1, or 8x8 in 0..16).
    """

    crop: Array
    fitted: Array
    result: Array


def _as_image(image: Array) -> Array:
    """A float 2-D copy scaled so its brightest pixel is 1; refuses anything else clearly."""
    array = np.asarray(image, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(f"expected a 2-D image (rows, columns), got an array of shape "
                         f"{array.shape}")
    if array.size == 0:
        raise BlankImageError("the image is empty (0 pixels); draw a digit first")
    if not np.all(np.isfinite(array)):
        raise ValueError("the image holds NaN or infinite values; expected ink >= 0")
    array = np.clip(array, 0.0, None)
    peak = array.max()
    if peak <= 0:
        raise BlankImageError("the image is blank (no ink above 0); draw a digit first")
    return array / peak


def ink_box(image: Array, threshold: float = INK_THRESHOLD) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of the ink, bottom and right exclusive.

    Ink is any pixel above ``threshold`` times the brightest one, so faint smudges at the edge
    of an anti-aliased stroke do not stretch the box.
    """
    array = _as_image(image)
    ink = array > threshold
    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def resample_matrix(n_in: int, n_out: int) -> Array:
    """The (n_out, n_in) matrix that resizes a line of n_in pixels to n_out pixels.

    Shrinking: each output pixel is the area-weighted mean of the input pixels under it.
    Enlarging: linear interpolation between the nearest input pixel centres, clamped at the ends.
    Either way every row sums to 1, so a uniform line stays uniform.
    """
    if n_out <= n_in:
        edges_out = np.arange(n_out + 1) * (n_in / n_out)
        lo = np.maximum(edges_out[:-1, None], np.arange(n_in)[None, :])
        hi = np.minimum(edges_out[1:, None], np.arange(1, n_in + 1)[None, :])
        weights = np.clip(hi - lo, 0.0, None)
    else:
        position = np.clip((np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5, 0, n_in - 1)
        left = np.floor(position).astype(int)
        right = np.minimum(left + 1, n_in - 1)
        fraction = position - left
        weights = np.zeros((n_out, n_in))
        rows = np.arange(n_out)
        np.add.at(weights, (rows, left), 1.0 - fraction)
        np.add.at(weights, (rows, right), fraction)
    return weights / weights.sum(axis=1, keepdims=True)


def resize(image: Array, shape: tuple[int, int]) -> Array:
    """``image`` resized to ``shape`` (rows, columns): R_rows @ image @ R_cols^T."""
    image = np.asarray(image, dtype=np.float64)
    rows, cols = shape
    return resample_matrix(image.shape[0], rows) @ image @ resample_matrix(image.shape[1], cols).T


def fit_box(crop: Array, size: int) -> Array:
    """``crop`` scaled so its longer side is ``size`` pixels, aspect ratio kept."""
    height, width = crop.shape
    scale = size / max(height, width)
    shape = (max(1, min(size, round(height * scale))), max(1, min(size, round(width * scale))))
    return resize(crop, shape)


def centre_of_mass(image: Array) -> tuple[float, float]:
    """(row, column) of the mean pixel position weighted by ink, in pixel-index units."""
    image = np.asarray(image, dtype=np.float64)
    mass = image.sum()
    if mass <= 0:
        raise BlankImageError("the image is blank, so it has no centre of mass")
    rows = image.sum(axis=1) @ np.arange(image.shape[0]) / mass
    cols = image.sum(axis=0) @ np.arange(image.shape[1]) / mass
    return float(rows), float(cols)


def _paste(canvas: Array, patch: Array, top: int, left: int) -> Array:
    canvas[top:top + patch.shape[0], left:left + patch.shape[1]] = patch
    return canvas


def _crop(image: Array) -> Array:
    array = _as_image(image)
    top, bottom, left, right = ink_box(array)
    return array[top:bottom, left:right]


def mnist_stages(image: Array) -> Stages:
    """Every step of ``to_mnist_28x28``: crop, fitted 20x20 box, centred 28x28 image."""
    crop = _crop(image)
    box = np.clip(fit_box(crop, MNIST_BOX), 0.0, 1.0)
    row, col = centre_of_mass(box)
    # Whole-pixel shift putting the centre of mass on (14, 14), kept inside the field.
    top = int(np.clip(round(MNIST_CENTRE - row), 0, MNIST_SIZE - box.shape[0]))
    left = int(np.clip(round(MNIST_CENTRE - col), 0, MNIST_SIZE - box.shape[1]))
    result = _paste(np.zeros((MNIST_SIZE, MNIST_SIZE)), box, top, left)
    fitted = np.zeros((MNIST_BOX, MNIST_BOX))
    _paste(fitted, box, (MNIST_BOX - box.shape[0]) // 2, (MNIST_BOX - box.shape[1]) // 2)
    return Stages(crop=crop, fitted=fitted, result=result)


def digits_stages(image: Array) -> Stages:
    """Every step of ``to_digits_8x8``: crop, ink framed in 32x32, 8x8 block sums."""
    crop = _crop(image)
    box = np.clip(fit_box(crop, DIGITS_FRAME), 0.0, 1.0)
    fitted = np.zeros((DIGITS_FRAME, DIGITS_FRAME))
    # Centred, an odd leftover pixel going right: the data's ink box sits at column 3.59 of 0..7.
    _paste(fitted, box, (DIGITS_FRAME - box.shape[0] + 1) // 2,
           (DIGITS_FRAME - box.shape[1] + 1) // 2)
    n = DIGITS_FRAME // DIGITS_BLOCK
    result = fitted.reshape(n, DIGITS_BLOCK, n, DIGITS_BLOCK).sum(axis=(1, 3))
    return Stages(crop=crop, fitted=fitted, result=result)


def to_mnist_28x28(image: Array) -> Array:
    """A digit image (2-D, any size, ink high, background 0) as MNIST's 784 inputs in 0..1.

    The ink's box is fitted into 20x20 keeping its aspect ratio, then centred by centre of mass
    in 28x28. Raises BlankImageError for an image without ink.
    """
    return mnist_stages(image).result.reshape(-1)


def to_digits_8x8(image: Array) -> Array:
    """A digit image (2-D, any size, ink high, background 0) as scikit-learn's 64 digit values.

    The ink's box is framed into 32x32 keeping its aspect ratio and the ink summed in each 4x4
    block, giving values 0..16; divide by 16 for a network trained on ``load_dataset("digits")``.
    Raises BlankImageError for an image without ink.
    """
    return digits_stages(image).result.reshape(-1)


def draw_segment(canvas: Array, start: tuple[float, float], end: tuple[float, float],
                 radius: float) -> tuple[int, int, int, int] | None:
    """Ink a round-ended line from ``start`` to ``end`` ((row, column) points) into ``canvas``.

    Pixels within ``radius`` of the segment get ink 1, with a one-pixel anti-aliased edge; ink
    only ever grows (maximum). Returns the changed (top, bottom, left, right) or None.
    """
    (r0, c0), (r1, c1) = start, end
    reach = radius + 1.0
    top = max(0, int(np.floor(min(r0, r1) - reach)))
    bottom = min(canvas.shape[0], int(np.ceil(max(r0, r1) + reach)) + 1)
    left = max(0, int(np.floor(min(c0, c1) - reach)))
    right = min(canvas.shape[1], int(np.ceil(max(c0, c1) + reach)) + 1)
    if top >= bottom or left >= right:
        return None
    rows = np.arange(top, bottom)[:, None] + 0.5 - r0
    cols = np.arange(left, right)[None, :] + 0.5 - c0
    dr, dc = r1 - r0, c1 - c0
    length2 = dr * dr + dc * dc
    t = np.clip((rows * dr + cols * dc) / length2, 0.0, 1.0) if length2 > 0 else 0.0
    distance = np.hypot(rows - t * dr, cols - t * dc)
    ink = np.clip(radius + 0.5 - distance, 0.0, 1.0)
    region = canvas[top:bottom, left:right]
    np.maximum(region, ink, out=region)
    return top, bottom, left, right


def render_strokes(strokes: list[Array], shape: tuple[int, int], radius: float) -> Array:
    """An image of ``shape`` with every stroke (an (n, 2) array of (row, column) points) inked."""
    canvas = np.zeros(shape)
    for stroke in strokes:
        points = np.asarray(stroke, dtype=np.float64).reshape(-1, 2)
        if len(points) == 1:
            draw_segment(canvas, points[0], points[0], radius)
        for start, end in zip(points[:-1], points[1:], strict=True):
            draw_segment(canvas, start, end, radius)
    return canvas
