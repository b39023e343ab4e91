import gzip

import numpy as np
import pytest

from nnsim.core.errors import DatasetError
from nnsim.core.idx import load_idx_folder, read_idx_images, read_idx_labels


def idx_bytes(magic: int, data: np.ndarray) -> bytes:
    header = np.array([magic, *data.shape], dtype=">u4").tobytes()
    return header + data.astype(np.uint8).tobytes()


def make_images(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=(n, 28, 28), dtype=np.uint8)


def write(path, payload: bytes, compress: bool) -> None:
    path.write_bytes(gzip.compress(payload) if compress else payload)


def write_folder(folder, compress: bool, names=None):
    names = names or {
        "train_images": "train-images-idx3-ubyte",
        "train_labels": "train-labels-idx1-ubyte",
        "test_images": "t10k-images-idx3-ubyte",
        "test_labels": "t10k-labels-idx1-ubyte",
    }
    suffix = ".gz" if compress else ""
    arrays = {
        "train_images": make_images(6, seed=1),
        "train_labels": np.array([0, 1, 2, 7, 8, 9], dtype=np.uint8),
        "test_images": make_images(3, seed=2),
        "test_labels": np.array([5, 3, 4], dtype=np.uint8),
    }
    for part, array in arrays.items():
        magic = 2051 if part.endswith("images") else 2049
        write(folder / (names[part] + suffix), idx_bytes(magic, array), compress)
    return arrays


@pytest.mark.parametrize("compress", [True, False])
def test_folder_round_trip(tmp_path, compress):
    arrays = write_folder(tmp_path, compress)
    X_train, y_train, X_test, y_test = load_idx_folder(tmp_path)
    assert X_train.dtype == np.uint8 and X_train.shape == (6, 784)
    np.testing.assert_array_equal(X_train, arrays["train_images"].reshape(6, 784))
    np.testing.assert_array_equal(y_train, [0, 1, 2, 7, 8, 9])
    np.testing.assert_array_equal(X_test, arrays["test_images"].reshape(3, 784))
    np.testing.assert_array_equal(y_test, [5, 3, 4])


def test_dotted_file_names_are_accepted(tmp_path):
    names = {
        "train_images": "train-images.idx3-ubyte",
        "train_labels": "train-labels.idx1-ubyte",
        "test_images": "t10k-images.idx3-ubyte",
        "test_labels": "t10k-labels.idx1-ubyte",
    }
    arrays = write_folder(tmp_path, compress=False, names=names)
    X_train, _, _, y_test = load_idx_folder(tmp_path)
    np.testing.assert_array_equal(X_train[2], arrays["train_images"][2].ravel())
    np.testing.assert_array_equal(y_test, [5, 3, 4])


def test_image_pixels_keep_row_major_order(tmp_path):
    image = np.zeros((1, 28, 28), dtype=np.uint8)
    image[0, 1, 0] = 200  # second row, first column -> flat index 28
    path = tmp_path / "one"
    write(path, idx_bytes(2051, image), compress=False)
    images = read_idx_images(path)
    assert images.shape == (1, 28, 28)
    assert images.reshape(1, -1)[0, 28] == 200


@pytest.mark.parametrize("compress", [True, False])
def test_truncated_images_file(tmp_path, compress):
    path = tmp_path / "train-images-idx3-ubyte"
    write(path, idx_bytes(2051, make_images(4, seed=0))[:-100], compress)
    with pytest.raises(DatasetError) as info:
        read_idx_images(path)
    message = str(info.value)
    assert str(path) in message
    assert "truncated" in message
    assert "4 x 28 x 28 = 3136" in message
    assert "3036 follow" in message


def test_truncated_gzip_stream(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(2051, make_images(4, seed=0)))[:-30])
    with pytest.raises(DatasetError, match="gzip data is damaged or incomplete"):
        read_idx_images(path)


def test_file_shorter_than_header(tmp_path):
    path = tmp_path / "labels"
    path.write_bytes(b"\x00\x00\x08")
    with pytest.raises(DatasetError, match="3 bytes long, too short for an IDX labels header"):
        read_idx_labels(path)


def test_extra_bytes_after_data(tmp_path):
    path = tmp_path / "labels"
    path.write_bytes(idx_bytes(2049, np.array([1, 2], dtype=np.uint8)) + b"\x00")
    with pytest.raises(DatasetError, match="longer than its header says"):
        read_idx_labels(path)


def test_wrong_magic_says_what_was_expected(tmp_path):
    labels_as_images = tmp_path / "train-images-idx3-ubyte"
    write(labels_as_images, idx_bytes(2049, np.array([1, 2, 3], dtype=np.uint8)), False)
    with pytest.raises(DatasetError) as info:
        read_idx_images(labels_as_images)
    message = str(info.value)
    assert "magic number is 2049, expected 2051" in message
    assert "images" in message


def test_wrong_image_size(tmp_path):
    path = tmp_path / "images"
    write(path, idx_bytes(2051, np.zeros((2, 8, 8), dtype=np.uint8)), False)
    with pytest.raises(DatasetError, match="images are 8 x 8 pixels, expected 28 x 28"):
        read_idx_images(path)
    assert read_idx_images(path, image_shape=None).shape == (2, 8, 8)


def test_labels_out_of_range(tmp_path):
    path = tmp_path / "labels"
    write(path, idx_bytes(2049, np.array([3, 12, 0, 10], dtype=np.uint8)), False)
    with pytest.raises(DatasetError) as info:
        read_idx_labels(path)
    message = str(info.value)
    assert "2 label(s) out of range" in message
    assert "label 12 at index 1" in message
    assert "expected labels 0 to 9" in message


def test_image_and_label_counts_must_match(tmp_path):
    write_folder(tmp_path, compress=False)
    write(tmp_path / "t10k-labels-idx1-ubyte", idx_bytes(2049, np.array([1, 2], np.uint8)), False)
    with pytest.raises(DatasetError) as info:
        load_idx_folder(tmp_path)
    message = str(info.value)
    assert "t10k-images-idx3-ubyte has 3 images" in message
    assert "t10k-labels-idx1-ubyte has 2 labels" in message


def test_missing_file_lists_the_expected_names(tmp_path):
    write_folder(tmp_path, compress=True)
    (tmp_path / "train-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DatasetError) as info:
        load_idx_folder(tmp_path)
    message = str(info.value)
    assert "no train labels file" in message
    assert "train-labels-idx1-ubyte.gz" in message
    assert "train-labels.idx1-ubyte" in message


def test_folder_that_does_not_exist(tmp_path):
    with pytest.raises(DatasetError, match="not a folder"):
        load_idx_folder(tmp_path / "nowhere")


def header_only(magic: int, *sizes: int) -> bytes:
    return np.array([magic, *sizes], dtype=">u4").tobytes()


@pytest.mark.parametrize(("payload", "reader", "message"), [
    (header_only(2051, 0, 28, 28), read_idx_images, "no images (the header announces 0)."),
    (header_only(2049, 0), read_idx_labels, "no labels (the header announces 0)."),
    (header_only(2051, 2_700_000, 28, 28) + bytes(1000), read_idx_images,
     "the header announces 2,700,000 images, more than the 100,000 nnsim reads."),
    (header_only(2049, 4_000_000_000), read_idx_labels,
     "the header announces 4,000,000,000 labels, more than the 100,000 nnsim reads."),
    (header_only(2051, 10, 100, 100) + bytes(100_000), read_idx_images,
     "images of 100 x 100 pixels; expected 1 to 4,096 pixels each"),
    (header_only(2051, 10, 28, 0), read_idx_images,
     "images of 28 x 0 pixels; expected 1 to 4,096 pixels each"),
    (header_only(2051, 100_000, 64, 64), read_idx_images,
     "the header announces 409,600,000 bytes of images, more than the 78,400,000 nnsim reads."),
])
@pytest.mark.parametrize("compress", [True, False])
def test_header_sizes_are_checked_before_reading(tmp_path, payload, reader, message, compress):
    path = tmp_path / "train-images-idx3-ubyte"
    write(path, payload, compress)
    with pytest.raises(DatasetError) as info:
        reader(path, image_shape=None) if reader is read_idx_images else reader(path)
    assert str(info.value).startswith(f"{path}: {message}")


def test_a_stream_longer_than_its_header_is_not_read_to_the_end(tmp_path):
    """60,000 images announced, 60 MB of zeros behind them: reading stops one byte past
    what the header announced."""
    path = tmp_path / "train-images-idx3-ubyte.gz"
    with gzip.open(path, "wb", compresslevel=1) as stream:
        stream.write(header_only(2051, 60_000, 28, 28))
        for _ in range(60):
            stream.write(bytes(1_000_000))
    with pytest.raises(DatasetError, match="longer than its header says: the header announces "
                                           "60000 x 28 x 28 = 47040000 bytes of images"):
        read_idx_images(path)
