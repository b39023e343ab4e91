"""The pretrained digit models shipped in resources/models/."""

import numpy as np
import pytest

from nnsim.core import pretrained
from nnsim.core.datasets import load_dataset, train_test_split
from nnsim.core.lessons import load_lesson
from nnsim.core.network import Network
from nnsim.core.preprocess import to_digits_8x8, to_mnist_28x28
from nnsim.core.resources import resource_path


def test_both_models_are_listed_and_small():
    assert {"digits", "mnist"} <= set(pretrained.names())
    for name in ("digits", "mnist"):
        assert resource_path("models", f"{name}.npz").stat().st_size < 5_000_000


def test_digits_model_on_the_lessons_split():
    network = pretrained.load("digits")
    assert isinstance(network, Network)
    assert network.sizes == [64, 32, 16, 10]
    data = load_lesson("digits").load_data()
    probabilities = network.predict(data.X_test)
    assert probabilities.shape == (len(data.X_test), 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    accuracy = np.mean(probabilities.argmax(axis=1) == data.y_test)
    assert accuracy >= 0.97
    assert pretrained.spec("digits")["test_accuracy"] == pytest.approx(accuracy, abs=1e-4)


def test_mnist_model_on_held_out_images():
    network = pretrained.load("mnist")
    assert network.sizes == [784, 256, 128, 10]
    _, X_test, _, y_test = train_test_split(load_dataset("mnist"), test_size=0.25, seed=0)
    probabilities = network.predict(X_test)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-9)
    assert np.mean(probabilities.argmax(axis=1) == y_test) >= 0.90


def test_preprocessed_images_are_recognised():
    """The pad's path: an image of any size through preprocessing into each model."""
    _, X_test, _, y_test = train_test_split(load_dataset("mnist"), test_size=0.25, seed=0)
    images = np.asarray(X_test[:100], dtype=np.float64).reshape(-1, 28, 28)
    enlarged = [np.kron(image, np.ones((3, 3))) for image in images]  # 84x84, blocky
    rows = np.array([to_mnist_28x28(image) for image in enlarged])
    mnist = pretrained.load("mnist")
    assert np.mean(mnist.predict(rows).argmax(axis=1) == y_test[:100]) >= 0.9
    digits = load_dataset("digits")
    small = np.asarray(digits.X[:100]).reshape(-1, 8, 8)
    rows = np.array([to_digits_8x8(np.kron(image, np.ones((4, 4)))) for image in small]) / 16
    network = pretrained.load("digits")
    assert np.mean(network.predict(rows).argmax(axis=1) == digits.y[:100]) >= 0.9


def test_each_load_is_a_fresh_copy():
    first, second = pretrained.load("digits"), pretrained.load("digits")
    first.layers[0].weights[:] = 0
    assert np.abs(second.layers[0].weights).sum() > 0


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="unknown pretrained model 'cifar'.*digits.*mnist"):
        pretrained.load("cifar")
