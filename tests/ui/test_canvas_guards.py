"""A Qt override that raises skips its own drawing, is reported once, and the view goes on:
the canvas's edges, pictures and mouse filter, and the boundary plot's heatmap."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QPointF
from PySide6.QtGui import QImage

from nnsim.core.grid import grid_maps, grid_points
from nnsim.core.network import Network
from nnsim.core.snapshot import Snapshot
from nnsim.ui import guard
from nnsim.ui.boundary_plot import BoundaryPlot
from nnsim.ui.network_canvas import NetworkCanvas


@pytest.fixture(autouse=True)
def fresh_record():
    guard.forget_reported_errors()
    yield
    guard.forget_reported_errors()


def boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError("made to fail by the test")


@pytest.fixture
def canvas(qtbot):
    widget = NetworkCanvas()
    qtbot.addWidget(widget)
    widget.resize(800, 500)
    widget.show()
    qtbot.waitExposed(widget)
    # 1-2-1 without bias: x1 -> h1 +2, x1 -> h2 -2, h1 -> out -1.5, h2 -> out +1.5.
    weights = ((np.array([[2.0, -2.0]]), None), (np.array([[-1.5], [1.5]]), None))
    widget.set_architecture([1, 2, 1], "sigmoid", False)
    widget.show_snapshot(Snapshot(step=0, epoch=0, loss=0.0, weights=weights,
                                  activations=(np.array([1.0]), np.array([0.98, 0.02]),
                                               np.array([0.5]))))
    return widget


def rgb_at(canvas: NetworkCanvas, image: QImage, x: float, y: float) -> tuple[int, int, int]:
    """The colour of the picture at data point (x, y)."""
    canvas.view_box.scene().prepareForPaint()
    at = canvas.graphics_view.mapFromScene(canvas.view_box.mapViewToScene(QPointF(x, y)))
    colour = image.pixelColor(at)
    return colour.red(), colour.green(), colour.blue()


def orange_on_edge(canvas: NetworkCanvas, image: QImage) -> bool:
    """Whether the x1 -> h1 edge (weight +2, orange) shows at a point along it."""
    (x0, y0), (x1, y1) = canvas.node_position(0, 0), canvas.node_position(1, 0)
    for t in np.linspace(0.35, 0.65, 7):
        r, _, b = rgb_at(canvas, image, x0 + t * (x1 - x0), y0 + t * (y1 - y0))
        if r > b + 80:
            return True
    return False


def test_a_failing_edge_paint_skips_the_edges_once_reported(canvas, monkeypatch, capsys):
    curve = next(curve for curve in canvas._edges.base.curves if len(curve._lines))
    image = canvas.graphics_view.grab().toImage()
    assert orange_on_edge(canvas, image)
    monkeypatch.setattr(curve._lines, "drawargs", boom)
    for _ in range(3):
        image = canvas.graphics_view.grab().toImage()
    assert guard.reported_errors() == [("EdgeCurve", "paint", "RuntimeError")]
    assert capsys.readouterr().err.count("EdgeCurve.paint failed") == 1
    # The rest of the frame was drawn: h1's fill (0.98, orange) is there.
    r, _, b = rgb_at(canvas, image, *canvas.node_position(1, 0))
    assert r > b + 80
    monkeypatch.undo()
    assert orange_on_edge(canvas, canvas.graphics_view.grab().toImage())


def test_a_failing_bounding_rect_hides_one_picture_not_the_view(qtbot, monkeypatch):
    canvas = NetworkCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(800, 500)
    canvas.show()
    network = Network.from_sizes([2, 3, 1], "tanh", seed=1)
    canvas.set_architecture([2, 3, 1], "tanh", True)
    canvas.set_neuron_thumbnails(grid_maps(network, grid_points((-1, 1, -1, 1), 20),
                                           20).neuron_maps)
    qtbot.waitExposed(canvas)
    canvas.graphics_view.grab()   # the first paint fits the view
    [strip] = [mosaic.item for mosaic in canvas._tiles.thumbs if mosaic is not None]
    monkeypatch.setattr(strip, "_rect", "not a rectangle")   # QRectF(...) raises TypeError
    failing = canvas.graphics_view.grab().toImage()
    canvas.graphics_view.grab()
    assert ("FastImage", "boundingRect", "TypeError") in guard.reported_errors()
    assert len(guard.reported_errors()) in (1, 2)   # boundingRect, and paint reading it
    monkeypatch.undo()
    with_strip = canvas.graphics_view.grab().toImage()
    strip.hide()
    # The failing frame is the whole drawing but for that one picture.
    assert failing == canvas.graphics_view.grab().toImage() != with_strip


def test_a_failing_event_filter_lets_the_event_through(canvas, monkeypatch, qtbot):
    monkeypatch.setattr(canvas._tiles.big, "hide", boom)
    viewport = canvas.graphics_view.viewport()
    leave = QEvent(QEvent.Type.Leave)
    for _ in range(2):
        assert canvas.eventFilter(viewport, leave) is False
    assert guard.reported_errors() == [("NetworkCanvas", "eventFilter", "RuntimeError")]
    monkeypatch.undo()
    # Hovering still explains the neuron under the mouse.
    canvas.view_box.scene().sigMouseMoved.emit(
        canvas.view_box.mapViewToScene(QPointF(*canvas.node_position(1, 0))))
    assert canvas._hover.isVisible() and canvas._hover.text().startswith("h1\nnet = (1 x 2)")
    qtbot.mouseMove(viewport, viewport.rect().center())


def test_a_failing_heatmap_paint_leaves_the_points(qtbot, monkeypatch):
    plot = BoundaryPlot("AND")
    qtbot.addWidget(plot)
    plot.resize(400, 400)
    plot.show()
    qtbot.waitExposed(plot)
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    plot.set_points(X, np.array([0, 1]))
    boundary = np.linspace(0, 1, 50 * 50).reshape(50, 50)
    weights = ((np.array([[1.0], [1.0]]), np.array([-1.5])),)
    plot.show_snapshot(Snapshot(step=0, epoch=0, loss=0.0, weights=weights, boundary=boundary,
                                grid_extent=(-0.5, 1.5, -0.5, 1.5)))

    def saturated() -> float:
        pixels = plot.plot_widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
        data = np.frombuffer(pixels.constBits(), np.uint8).reshape(pixels.height(),
                                                                   pixels.width(), 4)
        return float((np.ptp(data[..., :3].astype(int), axis=2) > 40).mean())

    with_heatmap = saturated()
    monkeypatch.setattr(pg.ImageItem, "paint", boom)   # the override calls it
    without = saturated()
    saturated()
    assert guard.reported_errors() == [("_SmoothImage", "paint", "RuntimeError")]
    assert 0 < without < with_heatmap / 2   # the points still drawn, the heatmap not
    monkeypatch.undo()
    assert saturated() == pytest.approx(with_heatmap)
