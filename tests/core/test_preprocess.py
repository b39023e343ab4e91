"""Preprocessing a drawn digit as MNIST and scikit-learn's digits were made."""

import numpy as np
import pytest

from nnsim.core.datasets import load_dataset
from nnsim.core.preprocess import (
    BlankImageError,
    centre_of_mass,
    digits_stages,
    draw_segment,
    ink_box,
    mnist_stages,
    render_strokes,
    resample_matrix,
    resize,
    to_digits_8x8,
    to_mnist_28x28,
)

# A "2" as pen strokes in a unit box, (row, column) points.
TWO = [np.array([(0.25, 0.1), (0.05, 0.35), (0.0, 0.6), (0.1, 0.85), (0.3, 0.9), (0.55, 0.6),
                 (1.0, 0.05), (1.0, 0.95)])]


def draw(strokes, size, top, left, height, canvas=200):
    """The strokes scaled to ``height`` pixels at (top, left), brush in proportion."""
    placed = [np.column_stack([top + s[:, 0] * height, left + s[:, 1] * height])
              for s in strokes]
    return render_strokes(placed, (canvas, canvas), radius=0.07 * height)


def test_public_shapes_and_ranges():
    image = draw(TWO, 200, 30, 40, 140)
    mnist = to_mnist_28x28(image)
    digits = to_digits_8x8(image)
    assert mnist.shape == (784,) and mnist.dtype == np.float64
    assert digits.shape == (64,)
    assert mnist.min() == 0.0 and mnist.max() == pytest.approx(1.0)
    assert digits.min() >= 0.0 and digits.max() <= 16.0 and digits.max() > 12


def test_small_off_centre_digit_matches_large_centred_digit():
    large = draw(TWO, 200, 25, 30, 150)
    small = draw(TWO, 200, 140, 5, 40)  # a quarter of the size, in the bottom-left corner
    a, b = to_mnist_28x28(large), to_mnist_28x28(small)
    assert np.abs(a - b).mean() < 0.015
    assert np.corrcoef(a, b)[0, 1] > 0.99
    c, d = to_digits_8x8(large), to_digits_8x8(small)
    assert np.abs(c - d).mean() < 0.4  # of 0..16
    assert np.corrcoef(c, d)[0, 1] > 0.99


def test_ink_scale_does_not_matter():
    image = draw(TWO, 200, 25, 30, 150)
    np.testing.assert_allclose(to_mnist_28x28(255 * image), to_mnist_28x28(image))
    np.testing.assert_allclose(to_digits_8x8(0.2 * image), to_digits_8x8(image))


def test_aspect_ratio_is_kept():
    bar = np.zeros((300, 200))
    bar[50:250, 90:140] = 1.0  # 200 tall, 50 wide: 1 to 4
    mnist = mnist_stages(bar)
    assert mnist.crop.shape == (200, 50)
    rows, cols = np.nonzero(mnist.result > 0.01)
    assert rows.max() - rows.min() + 1 == 20
    assert cols.max() - cols.min() + 1 == 5
    digits = digits_stages(bar)
    framed_rows, framed_cols = np.nonzero(digits.fitted > 0.01)
    assert (framed_rows.min(), framed_rows.max()) == (0, 31)
    assert (framed_cols.min(), framed_cols.max()) == (12, 19)  # 8 wide, centred
    expected = np.zeros((8, 8))
    expected[:, 3:5] = 16.0
    np.testing.assert_allclose(digits.result, expected)


def test_wide_ink_fills_the_width():
    bar = np.zeros((50, 120))
    bar[20:30, 10:110] = 1.0  # 10 tall, 100 wide
    top, bottom, left, right = ink_box(to_mnist_28x28(bar).reshape(28, 28))
    assert (bottom - top, right - left) == (2, 20)


def test_mnist_centre_of_mass_is_pixel_14():
    image = draw(TWO, 200, 10, 120, 60)
    row, col = centre_of_mass(to_mnist_28x28(image).reshape(28, 28))
    assert abs(row - 14) <= 0.5 and abs(col - 14) <= 0.5


def test_bundled_mnist_images_come_back_unchanged():
    """MNIST's own images already are what to_mnist_28x28 makes: preprocessing them is idle."""
    X = np.asarray(load_dataset("mnist").X[:200], dtype=np.float64)
    again = np.array([to_mnist_28x28(image.reshape(28, 28)) for image in X])
    assert np.abs(again - X).sum() / X.sum() < 0.002


def test_blank_image_is_refused_clearly():
    with pytest.raises(BlankImageError, match="blank.*draw a digit"):
        to_mnist_28x28(np.zeros((100, 100)))
    with pytest.raises(BlankImageError, match="blank"):
        to_digits_8x8(np.zeros((8, 8)))
    with pytest.raises(BlankImageError, match="empty"):
        to_mnist_28x28(np.zeros((0, 5)))


def test_wrong_input_is_refused_clearly():
    with pytest.raises(ValueError, match="2-D image"):
        to_mnist_28x28(np.ones(784))
    image = np.ones((10, 10))
    image[3, 3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        to_digits_8x8(image)


def test_resample_matrix_rows_sum_to_one_and_shrink_by_area():
    for n_in, n_out in [(7, 20), (200, 20), (33, 32), (1, 5)]:
        np.testing.assert_allclose(resample_matrix(n_in, n_out).sum(axis=1), 1.0)
    image = np.arange(16.0).reshape(4, 4)
    np.testing.assert_allclose(resize(image, (2, 2)), [[2.5, 4.5], [10.5, 12.5]])


def test_draw_segment_inks_a_round_ended_line():
    canvas = np.zeros((20, 30))
    changed = draw_segment(canvas, (10.0, 5.0), (10.0, 25.0), radius=2.0)
    assert changed is not None
    assert canvas[9, 15] == 1.0 and canvas[10, 5] == 1.0
    assert canvas[9, 27] == 0.0 and canvas[3, 15] == 0.0
    dot = render_strokes([np.array([[5.0, 5.0]])], (10, 10), radius=2.0)
    assert dot[4, 4] == 1.0 and dot[0, 0] == 0.0
