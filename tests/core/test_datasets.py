import gzip

import numpy as np
import pytest

from nnsim.core import datasets
from nnsim.core.datasets import (
    Dataset,
    dataset_names,
    load_dataset,
    one_hot,
    train_test_split,
)
from nnsim.core.errors import DatasetError

GATES = {
    "and": [0, 0, 0, 1],
    "or": [0, 1, 1, 1],
    "xor": [0, 1, 1, 0],
    "nand": [1, 1, 1, 0],
    "nor": [1, 0, 0, 0],
}
CLOUDS = ["moons", "circles", "gaussian", "spiral", "quadrants"]


def test_names_in_menu_order():
    assert dataset_names() == [
        "and",
        "or",
        "xor",
        "nand",
        "nor",
        "moons",
        "circles",
        "gaussian",
        "spiral",
        "quadrants",
        "parity",
        "running_parity",
        "sine",
        "reverse",
        "digits",
        "mnist",
    ]


@pytest.mark.parametrize("name", GATES)
def test_truth_tables_are_exact(name):
    data = load_dataset(name)
    assert data.name == name
    assert data.X.dtype == np.float64
    np.testing.assert_array_equal(data.X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    assert np.issubdtype(data.y.dtype, np.integer)
    np.testing.assert_array_equal(data.y, GATES[name])
    assert data.n_classes == 2
    assert data.image_shape is None
    assert data.feature_names == ("x1", "x2")


@pytest.mark.parametrize("name", CLOUDS)
def test_point_clouds_shape_and_balance(name):
    data = load_dataset(name, n_samples=150, seed=3)
    assert data.X.shape == (150, 2) and data.X.dtype == np.float64
    assert data.y.shape == (150,)
    np.testing.assert_array_equal(np.bincount(data.y), [75, 75])
    assert np.all(np.isfinite(data.X))
    assert data.n_classes == 2 and data.feature_names == ("x1", "x2")


@pytest.mark.parametrize("name", CLOUDS)
def test_point_clouds_reproducible_by_seed(name):
    first, again = load_dataset(name, seed=7), load_dataset(name, seed=7)
    other = load_dataset(name, seed=8)
    assert first.X.shape == (200, 2)
    np.testing.assert_array_equal(first.X, again.X)
    np.testing.assert_array_equal(first.y, again.y)
    assert not np.allclose(first.X, other.X)


def test_noise_free_spiral_lies_on_its_arms():
    data = load_dataset("spiral", n_samples=100, noise=0.0, turns=1.5)
    radius = np.hypot(data.X[:, 0], data.X[:, 1])
    angle = np.arctan2(data.X[:, 1], data.X[:, 0])
    expected = 2 * np.pi * 1.5 * radius + np.pi * data.y
    # Same angle modulo a full turn.
    np.testing.assert_allclose(np.cos(angle - expected), 1.0, atol=1e-9)
    assert radius.max() <= 1.0


def test_noise_free_circles_have_the_two_radii():
    data = load_dataset("circles", n_samples=40, noise=0.0, factor=0.5)
    radius = np.hypot(data.X[:, 0], data.X[:, 1])
    np.testing.assert_allclose(radius[data.y == 0], 1.0)
    np.testing.assert_allclose(radius[data.y == 1], 0.5)


def test_gaussian_blobs_centred_on_the_diagonal():
    data = load_dataset("gaussian", n_samples=2000, noise=0.5, seed=0)
    np.testing.assert_allclose(data.X[data.y == 0].mean(axis=0), [-1, -1], atol=0.06)
    np.testing.assert_allclose(data.X[data.y == 1].mean(axis=0), [1, 1], atol=0.06)
    np.testing.assert_allclose(data.X[data.y == 0].std(axis=0), [0.5, 0.5], atol=0.05)


def test_digits():
    data = load_dataset("digits")
    assert data.X.shape == (1797, 64)
    assert data.X.min() == 0.0 and data.X.max() == 1.0
    assert data.y.shape == (1797,)
    np.testing.assert_array_equal(np.unique(data.y), np.arange(10))
    assert data.n_classes == 10 and data.image_shape == (8, 8)
    assert data.feature_names[:2] == ("pixel_0_0", "pixel_0_1") and len(data.feature_names) == 64


def test_bundled_mnist():
    data = load_dataset("mnist")
    assert data.X.shape == (5000, 784) and data.X.dtype == np.float32
    assert data.X.min() == 0.0 and data.X.max() == 1.0
    np.testing.assert_array_equal(np.bincount(data.y), [500] * 10)
    assert data.n_classes == 10 and data.image_shape == (28, 28)
    assert data.feature_names[28] == "pixel_1_0"


def _write_idx(path, magic, array):
    header = np.array([magic, *array.shape], dtype=">u4").tobytes()
    path.write_bytes(gzip.compress(header + array.astype(np.uint8).tobytes()))


def test_mnist_from_an_idx_folder(tmp_path):
    rng = np.random.default_rng(0)
    train = rng.integers(0, 256, size=(4, 28, 28), dtype=np.uint8)
    test = rng.integers(0, 256, size=(2, 28, 28), dtype=np.uint8)
    _write_idx(tmp_path / "train-images-idx3-ubyte.gz", 2051, train)
    _write_idx(tmp_path / "train-labels-idx1-ubyte.gz", 2049, np.array([1, 2, 3, 4]))
    _write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", 2051, test)
    _write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", 2049, np.array([9, 0]))

    everything = load_dataset("mnist", path=tmp_path)
    assert everything.X.shape == (6, 784)
    np.testing.assert_array_equal(everything.y, [1, 2, 3, 4, 9, 0])
    np.testing.assert_allclose(everything.X[4], test[0].ravel() / 255, rtol=1e-6)

    only_test = load_dataset("mnist", path=str(tmp_path), part="test")
    np.testing.assert_array_equal(only_test.y, [9, 0])
    assert load_dataset("mnist", path=tmp_path, part="train").X.shape == (4, 784)

    with pytest.raises(DatasetError, match="part is 'validation'; expected one of all, train"):
        load_dataset("mnist", path=tmp_path, part="validation")


def test_mnist_idx_folder_missing_files(tmp_path):
    with pytest.raises(DatasetError, match="no train images file"):
        load_dataset("mnist", path=tmp_path)


def test_missing_bundled_mnist_says_how_to_fix(monkeypatch):
    def missing(*parts):
        raise FileNotFoundError("nnsim could not find resource 'data/mnist_5k.npz'")

    monkeypatch.setattr(datasets, "resource_path", missing)
    with pytest.raises(DatasetError) as info:
        load_dataset("mnist")
    message = str(info.value)
    assert "bundled MNIST sample is missing" in message
    assert "Reinstall nnsim" in message and "path=" in message


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(DatasetError) as info:
        load_dataset("iris")
    message = str(info.value)
    assert "'iris'" in message
    for name in dataset_names():
        assert name in message


def test_unknown_option_lists_accepted_ones():
    with pytest.raises(DatasetError, match="accepts: n_samples, noise, seed"):
        load_dataset("moons", n_sample=10)
    with pytest.raises(DatasetError, match="accepts: none"):
        load_dataset("xor", seed=1)


@pytest.mark.parametrize("options", [{"n_samples": 1}, {"n_samples": 2.5}, {"noise": -0.1}])
def test_bad_cloud_options(options):
    with pytest.raises(DatasetError, match="expected"):
        load_dataset("spiral", **options)


def test_datasets_are_read_only():
    data = load_dataset("xor")
    with pytest.raises(ValueError, match="read-only"):
        data.X[0, 0] = 5.0
    with pytest.raises(AttributeError):
        data.name = "and"
    again = load_dataset("xor")
    assert again.X[0, 0] == 0.0


def test_dataset_leaves_the_callers_array_writable():
    X = np.zeros((3, 2))
    data = Dataset("custom", X, np.array([0, 1, 0]), 2, None, ("x1", "x2"))
    X[0, 0] = 1.0
    assert data.X[0, 0] == 1.0  # a view, not a copy
    with pytest.raises(DatasetError, match="expected X \\(n, n_features\\) and y \\(n,\\)"):
        Dataset("bad", X, np.array([0, 1]), 2, None, ("x1", "x2"))


def test_split_sizes_and_stratification():
    data = load_dataset("digits")
    X_train, X_test, y_train, y_test = train_test_split(data, test_size=0.25, seed=0)
    assert len(X_test) == 450 and len(X_train) == 1347
    assert X_train.shape[1] == X_test.shape[1] == 64
    # Each class keeps its share of the whole within one sample.
    np.testing.assert_allclose(
        np.bincount(y_test, minlength=10), np.bincount(data.y) * 0.25, atol=1
    )
    again = train_test_split(data, test_size=0.25, seed=0)
    np.testing.assert_array_equal(again[3], y_test)


def test_split_of_a_truth_table_explains_why_not():
    with pytest.raises(DatasetError, match="Cannot split dataset 'xor' \\(4 samples\\)"):
        train_test_split(load_dataset("xor"), test_size=0.25)


def test_one_hot():
    np.testing.assert_array_equal(
        one_hot(np.array([2, 0, 1]), 3), [[0, 0, 1], [1, 0, 0], [0, 1, 0]]
    )
    assert one_hot(np.array([1]), 2).dtype == np.float64
    with pytest.raises(DatasetError, match="labels range from 0 to 3; expected 0 to 2"):
        one_hot(np.array([0, 3]), 3)
    with pytest.raises(DatasetError, match="integer class labels"):
        one_hot(np.array([0.0, 1.0]), 2)


def test_quadrants_is_xor_of_the_signs_without_noise():
    data = load_dataset("quadrants", n_samples=500, noise=0.0, seed=4)
    X, y = np.asarray(data.X), np.asarray(data.y)
    assert X.shape == (500, 2) and np.abs(X).max() <= 1
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))
    assert 0.4 < y.mean() < 0.6


def test_parity_labels_count_the_ones():
    data = load_dataset("parity", n_samples=300, steps=7, seed=2)
    X, y = np.asarray(data.X), np.asarray(data.y)
    assert X.shape == (300, 7) and set(np.unique(X)) <= {0.0, 1.0}
    np.testing.assert_array_equal(y, np.array([bin(int("".join(str(int(b)) for b in row), 2))
                                               .count("1") % 2 for row in X]))


def test_the_sequence_data_sets_by_name():
    sine = load_dataset("sine", n_samples=40, steps=16, noise=0.0, seed=3)
    assert sine.X.shape == (40, 16) and sine.y.shape == (40,)
    # 16 steps a period: the value after a whole period equals the first one.
    np.testing.assert_allclose(sine.y, sine.X[:, 0], atol=1e-12)
    running = load_dataset("running_parity", n_samples=30, steps=5, seed=1)
    assert running.y.shape == (30, 5)
    np.testing.assert_array_equal(running.y, np.cumsum(running.X, axis=1) % 2)
    reverse = load_dataset("reverse", n_samples=50, min_length=2, max_length=4, vocabulary=3)
    assert reverse.n_classes == 4 and reverse.X.shape == (50, 4)
    with pytest.raises(DatasetError, match="steps is 0"):
        load_dataset("sine", steps=0)
    with pytest.raises(DatasetError, match="only 12 distinct sequences"):
        load_dataset("reverse", n_samples=13, min_length=1, max_length=2, vocabulary=3)
