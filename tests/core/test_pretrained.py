"""The pretrained digit models shipped in resources/models/."""

import re

import numpy as np
import pytest

from nnsim.core import pretrained
from nnsim.core.datasets import load_dataset, train_test_split
from nnsim.core.errors import ModelFileError
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


# -- damaged model files ---------------------------------------------------------------------

def _digits_arrays() -> dict[str, np.ndarray]:
    with np.load(resource_path("models", "digits.npz")) as archive:
        return {key: archive[key] for key in archive.files}


def _write(path, arrays, **kwargs) -> None:
    with open(path, "wb") as stream:
        np.savez(stream, **arrays, **kwargs)


def _error(path) -> str:
    with pytest.raises(ModelFileError) as info:
        pretrained.read_model(path, pretrained.spec("digits"))
    message = str(info.value)
    assert message.startswith("model.npz") and "\n" not in message
    return message


def test_read_model_gives_the_shipped_network(tmp_path):
    path = tmp_path / "model.npz"
    _write(path, _digits_arrays())
    network = pretrained.read_model(path, pretrained.spec("digits"))
    reference = pretrained.load("digits")
    for (W, b), (W2, b2) in zip(network.get_weights(), reference.get_weights(), strict=True):
        np.testing.assert_array_equal(W, W2)
        np.testing.assert_array_equal(b, b2)


def test_truncated_and_foreign_files(tmp_path):
    path = tmp_path / "model.npz"
    whole = resource_path("models", "digits.npz").read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    assert "model.npz is not a model file (it could not be read as one" in _error(path)
    path.write_bytes(b"not a zip at all")
    assert "model.npz is not a model file" in _error(path)
    assert _error(tmp_path / "model.npz.missing").startswith("model.npz.missing: no such file")


@pytest.mark.parametrize(("change", "message"), [
    ({"b1": None}, "model.npz: member 'b1.npy': missing."),
    ({"W0": np.full((64, 32), np.nan, dtype=np.float32)},
     "model.npz: member 'W0.npy': NaN or infinity in the weights."),
    ({"b2": np.array([np.inf] + [0.0] * 9)},
     "model.npz: member 'b2.npy': NaN or infinity in the weights."),
    ({"W1": np.zeros((16, 32))}, "model.npz: member 'W1.npy': shape (16, 32), expected (32, 16)."),
    ({"W2": np.zeros((16, 10), dtype=np.int32)},
     "model.npz: member 'W2.npy': numbers of type '<i4', expected float32 or float64."),
])
def test_damaged_members(tmp_path, change, message):
    arrays = _digits_arrays()
    for key, value in change.items():
        if value is None:
            del arrays[key]
        else:
            arrays[key] = value
    path = tmp_path / "model.npz"
    _write(path, arrays)
    assert _error(path).startswith(message)


def test_a_pickled_member_is_never_unpickled(tmp_path):
    marker = tmp_path / "unpickled"
    arrays = _digits_arrays()
    arrays["W0"] = np.array([_Trap(str(marker))] * 4, dtype=object)
    path = tmp_path / "model.npz"
    _write(path, arrays, allow_pickle=True)
    assert _error(path).startswith("model.npz: member 'W0.npy': numbers of type '|O'")
    assert not marker.exists()


class _Trap:
    """Unpickling it would create a file: proof that nothing was unpickled."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_a_damaged_description(monkeypatch):
    monkeypatch.setattr(pretrained, "_read_specs", lambda: {"digits": {
        "file": "digits.npz", "inputs": 64, "layers": [{"units": 0, "activation": "sigmoid"}]}})
    with pytest.raises(ModelFileError, match=re.escape(
            "digits.npz: key 'layers[0].units': expected a whole number from 1 to 512, got 0.")):
        pretrained.load("digits")
