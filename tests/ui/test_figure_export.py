"""One export for every figure: a PNG of the chosen width that looks as on screen, an SVG, and
one error type that names the file and leaves nothing behind."""

from __future__ import annotations

import os

import numpy as np
import pytest
from PySide6.QtGui import QImage

from nnsim.core.network import Network
from nnsim.core.snapshot import Snapshot
from nnsim.ui.boundary_plot import BoundaryPlot
from nnsim.ui.figure_export import MAX_WIDTH, FigureExportError, export_figure
from nnsim.ui.network_canvas import NetworkCanvas


def pixels(path) -> np.ndarray:
    """The file's pixels as an (h, w, 3) array."""
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    assert not image.isNull(), path
    data = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.width(), 4)
    return data[..., 2::-1].astype(int)  # BGRA in memory -> RGB


def colours(array: np.ndarray) -> int:
    """How many distinct colours the picture has (a blank one has one)."""
    return len(np.unique((array[..., 0] << 16) | (array[..., 1] << 8) | array[..., 2]))


@pytest.fixture
def canvas(qtbot):
    widget = NetworkCanvas()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    qtbot.waitExposed(widget)
    network = Network.from_sizes([2, 3, 1], "sigmoid", seed=0)
    trace = network.forward_trace([0.0, 1.0])
    widget.set_architecture([2, 3, 1], "sigmoid", True)
    widget.show_snapshot(Snapshot(step=0, epoch=0, loss=0.0, weights=tuple(network.get_weights()),
                                  activations=(trace.x, *(layer.out for layer in trace.layers))))
    return widget


@pytest.mark.parametrize("width", [640, 1800, MAX_WIDTH])
def test_png_has_the_chosen_width_and_the_drawing(canvas, tmp_path, width):
    path = tmp_path / "net.png"
    assert canvas.export_png(str(path), width=width)
    image = pixels(path)
    view = canvas.graphics_view.viewport().size()
    assert image.shape[1] == width
    assert image.shape[0] == round(view.height() * width / view.width())
    assert colours(image) > 50   # fills, both edge colours, antialiased text: not blank
    orange = (image[..., 0] > image[..., 2] + 80).mean()
    blue = (image[..., 2] > image[..., 0] + 60).mean()
    assert orange > 0.001 and blue > 0.001   # positive and negative edges or outputs


def test_png_looks_the_same_at_any_size(canvas, tmp_path):
    """Three times as wide is the same picture, sharper: texts, nodes and 1 px edges keep
    their share of it (averaged down 3x3 it matches the small one but for antialiasing)."""
    canvas.export_png(str(tmp_path / "small.png"), width=900)
    canvas.export_png(str(tmp_path / "big.png"), width=2700)
    small, big = pixels(tmp_path / "small.png"), pixels(tmp_path / "big.png")
    h, w = small.shape[:2]
    assert big.shape[:2] == (3 * h, 3 * w)
    shrunk = big.reshape(h, 3, w, 3, 3).mean(axis=(1, 3))
    differing = (np.abs(shrunk - small).max(axis=2) > 60).mean()
    # Measured 0.2 %; edges left 1 px wide in the big picture give 0.6 %, texts left at
    # their screen size far more.
    assert differing < 0.004


def test_svg_holds_the_drawing_at_the_views_size(canvas, tmp_path):
    path = tmp_path / "net.svg"
    assert canvas.export_svg(str(path))
    text = path.read_text()
    view = canvas.graphics_view.viewport().size()
    assert text.startswith("<?xml") and "<svg" in text
    assert f'viewBox="0 0 {view.width()} {view.height()}"' in text
    assert "<title>nnsim network</title>" in text
    assert text.count("<polyline") >= 4    # the edges' pen buckets
    assert text.count("<text") >= 10 and ">hidden<" in text and ">+1<" in text


def test_boundary_plot_exports_through_the_same_helper(qtbot, tmp_path):
    plot = BoundaryPlot("AND")
    qtbot.addWidget(plot)
    plot.resize(500, 500)
    plot.show()
    qtbot.waitExposed(plot)
    plot.set_points(np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0]]), np.array([0, 1, 0]))
    assert plot.export_png(str(tmp_path / "plot.png"), width=1000)
    image = pixels(tmp_path / "plot.png")
    assert image.shape[1] == 1000 and colours(image) > 20
    assert plot.export_svg(str(tmp_path / "plot.svg"))
    assert "<svg" in (tmp_path / "plot.svg").read_text()
    # A graphics item (the plot without its toolbar), as the curves panel exports its plots.
    export_figure(plot.plot_item, tmp_path / "item.png", 640, background=(255, 255, 255))
    image = pixels(tmp_path / "item.png")
    rect = plot.plot_item.sceneBoundingRect()
    assert image.shape[:2] == (round(rect.height() * 640 / rect.width()), 640)
    assert colours(image) > 20
    with pytest.raises(FigureExportError, match="plot.gif"):
        plot.export_png(str(tmp_path / "plot.gif"))


def unwritable_paths(tmp_path):
    """Paths no export can write, whoever runs the tests (root ignores permissions)."""
    (tmp_path / "a file").write_text("not a folder")
    (tmp_path / "taken.png").mkdir()
    return {"missing folder": tmp_path / "missing" / "net.png",
            "inside a file": tmp_path / "a file" / "net.png",
            "a folder": tmp_path / "taken.png",
            "no suffix": tmp_path / "net",
            "other suffix": tmp_path / "net.jpg"}


def test_an_unwritable_path_raises_one_error_naming_it_and_creates_nothing(canvas, tmp_path):
    paths = unwritable_paths(tmp_path)
    before = sorted(os.listdir(tmp_path))
    for why, path in paths.items():
        for export in (canvas.export_png, canvas.export_svg,
                       lambda p: export_figure(canvas.graphics_view, p)):
            with pytest.raises(FigureExportError) as caught:
                export(str(path))
            error = caught.value
            assert isinstance(error, OSError), why
            assert error.filename == str(path) and str(path) in str(error), why
            assert error.strerror and error.strerror in str(error), why
    assert sorted(os.listdir(tmp_path)) == before   # no file, no temporary left over
    with pytest.raises(FigureExportError, match="3841 px"):
        canvas.export_png(str(tmp_path / "wide.png"), width=MAX_WIDTH + 1)
    assert not (tmp_path / "wide.png").exists()


def test_an_unwritable_place_raises_the_same_error(canvas, tmp_path):
    """A folder that is really a file: no one can write there, root included (a read-only
    folder does not stop root, so that case could only run for other users)."""
    blocker = tmp_path / "locked"
    blocker.write_text("a file, not a folder")
    with pytest.raises(FigureExportError, match="locked"):
        canvas.export_png(str(blocker / "net.png"))
    assert blocker.read_text() == "a file, not a folder"
