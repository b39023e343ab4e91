import hashlib
import sys
from pathlib import Path

import pytest

from nnsim.core import resources
from nnsim.core.resources import resource_path

REPO = Path(__file__).resolve().parents[2]
MNIST_SHA256 = "1c8fe51b67e8450b5da2ec557a76ac16d9f186a35a5e1cc634546611d4ea4e73"


def test_finds_the_bundled_mnist_sample():
    path = resource_path("data", "mnist_5k.npz")
    assert path.is_file()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == MNIST_SHA256


def test_no_arguments_gives_the_resources_folder():
    root = resource_path()
    assert root.is_dir()
    assert (root / "data" / "README.md").is_file()


def test_missing_resource_names_it_and_the_places_searched():
    with pytest.raises(FileNotFoundError) as info:
        resource_path("data", "no_such_file.npz")
    message = str(info.value)
    assert "data/no_such_file.npz" in message
    assert str(REPO / "resources") in message


def test_frozen_bundle_wins(tmp_path, monkeypatch):
    bundled = tmp_path / "nnsim" / "resources" / "data"
    bundled.mkdir(parents=True)
    (bundled / "mnist_5k.npz").write_bytes(b"bundle")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("data", "mnist_5k.npz") == bundled / "mnist_5k.npz"


def test_frozen_bundle_with_top_level_resources(tmp_path, monkeypatch):
    (tmp_path / "resources" / "lessons").mkdir(parents=True)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("lessons") == tmp_path / "resources" / "lessons"


def test_installed_wheel_layout(tmp_path, monkeypatch):
    package = tmp_path / "site-packages" / "nnsim"
    (package / "resources" / "data").mkdir(parents=True)
    (package / "resources" / "data" / "x.npz").write_bytes(b"")
    monkeypatch.setattr(resources, "_PACKAGE_DIR", package)
    assert resource_path("data", "x.npz") == package / "resources" / "data" / "x.npz"


def test_stray_resources_folder_outside_a_checkout_is_ignored(tmp_path, monkeypatch):
    site = tmp_path / "site-packages"
    (site / "nnsim").mkdir(parents=True)
    (site / "resources" / "data").mkdir(parents=True)
    (site / "resources" / "data" / "x.npz").write_bytes(b"")
    monkeypatch.setattr(resources, "_PACKAGE_DIR", site / "nnsim")
    with pytest.raises(FileNotFoundError, match="data/x.npz"):
        resource_path("data", "x.npz")
