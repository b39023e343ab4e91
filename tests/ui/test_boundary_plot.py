"""The boundary plot draws exactly what the model computes; the mouse edits points in data units."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QImage

from nnsim.core.datasets import load_dataset
from nnsim.core.grid import grid_extent, grid_maps, grid_points
from nnsim.core.lessons import load_lesson
from nnsim.core.network import Network
from nnsim.core.perceptron import Perceptron
from nnsim.core.snapshot import Snapshot
from nnsim.ui.boundary_geometry import contour_segments, line_in_rect, map_levels
from nnsim.ui.boundary_plot import BoundaryPlot, ComparisonView
from nnsim.ui.palette import DARK, POSITIVE_LIGHT, PROJECTOR

XOR_MESSAGE = "No straight line separates XOR: add a hidden layer"


def snapshot_of(network: Network, X: np.ndarray, size: int = 100) -> Snapshot:
    """What the trainer publishes: the grid maps from the shared helper in nnsim.core.grid."""
    extent = grid_extent(X)
    maps = grid_maps(network, grid_points(extent, size), size)
    return Snapshot(step=0, epoch=0, loss=0.0, weights=tuple(network.get_weights()),
                    boundary=maps.boundary, neuron_maps=maps.neuron_maps, grid_extent=extent)


@pytest.fixture
def plot(qtbot):
    widget = BoundaryPlot("test")
    qtbot.addWidget(widget)
    widget.resize(520, 560)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture(scope="module")
def spiral_net():
    data = load_dataset("spiral", n_samples=120)
    network = Network.from_sizes([2, 8, 8, 1], ["tanh", "relu", "sigmoid"], seed=4)
    network.fit(data.X, data.y, epochs=30, batch_size=8, optimizer="sgd", seed=0)
    return network, data


@pytest.fixture(scope="module")
def xor_net():
    lesson = load_lesson("backprop-xor")
    data = lesson.load_data()
    network = lesson.build_model(2)
    network.fit(data.X_train, data.y_train, epochs=lesson.epochs, batch_size=1,
                optimizer=lesson.build_optimizer(), loss=lesson.loss, shuffle=lesson.shuffle)
    return network, data


def trained_perceptron(gate: str) -> tuple[Perceptron, np.ndarray, np.ndarray]:
    lesson = load_lesson(f"perceptron-{gate}")
    data = lesson.load_data()
    perceptron = lesson.build_model(2)
    perceptron.fit(data.X_train, data.y_train, lesson.epochs)
    return perceptron, data.X_train, data.y_train


def widget_pos(plot: BoundaryPlot, x: float, y: float) -> QPoint:
    """Where data point (x, y) is in the plot's viewport, in widget pixels."""
    scene = plot.view.mapViewToScene(QPointF(x, y))
    return plot.plot_widget.mapFromScene(scene)


# -- the heatmap and the hidden-neuron maps ---------------------------------------------------


def test_heatmap_values_are_the_networks_predictions_on_the_grid(plot, spiral_net):
    network, data = spiral_net
    plot.set_points(data.X, data.y)
    snapshot = snapshot_of(network, data.X)
    plot.show_snapshot(snapshot)
    points = grid_points(snapshot.grid_extent, 100)
    expected = network.predict(points)[:, 0].reshape(100, 100)
    np.testing.assert_allclose(plot.values, expected, rtol=0, atol=1e-12)
    assert plot.levels == (0.0, 1.0)
    assert plot.image.image.shape == (100, 100, 4) and plot.image.image.dtype == np.uint8
    # Pixel (row j, column i) is centred on grid point (xs[i], ys[j]).
    for j, i in [(0, 0), (99, 99), (12, 77), (64, 3)]:
        centre = plot.image.mapToParent(QPointF(i + 0.5, j + 0.5))
        assert centre.x() == pytest.approx(points[j * 100 + i, 0], abs=1e-9)
        assert centre.y() == pytest.approx(points[j * 100 + i, 1], abs=1e-9)


def test_heatmap_pixels_have_the_palette_colour_of_the_value(plot, spiral_net):
    network, data = spiral_net
    snapshot = snapshot_of(network, data.X)
    plot.show_snapshot(snapshot)
    image = plot.plot_widget.grab().toImage()
    points = grid_points(snapshot.grid_extent, 100)
    ratio = image.devicePixelRatio()
    lut = plot.lut
    for index in (int(np.argmax(snapshot.boundary)), int(np.argmin(snapshot.boundary)), 5050):
        value = snapshot.boundary.flat[index]
        pos = widget_pos(plot, *points[index])
        colour = image.pixelColor(int(pos.x() * ratio), int(pos.y() * ratio))
        expected = lut[min(int(value * len(lut)), len(lut) - 1), :3]
        assert np.abs(np.array([colour.red(), colour.green(), colour.blue()])
                      - expected).max() <= 3, (value, colour.name(), expected)
    high = image.pixelColor(*(int(c * ratio) for c in widget_pos(
        plot, *points[int(np.argmax(snapshot.boundary))]).toTuple()))
    assert high.red() > high.blue() + 60                        # class 1 is orange


def test_each_hidden_neuron_map_is_that_neurons_output(plot, spiral_net):
    network, data = spiral_net
    snapshot = snapshot_of(network, data.X)
    points = grid_points(snapshot.grid_extent, 100)
    hidden1 = np.tanh(points @ network.layers[0].weights + network.layers[0].bias)
    hidden2 = np.maximum(hidden1 @ network.layers[1].weights + network.layers[1].bias, 0)
    plot.show_snapshot(snapshot)
    rng = np.random.default_rng(0)
    sampled = rng.choice(len(points), 25, replace=False)
    traces = [network.forward_trace(points[k]) for k in sampled]
    for layer, outputs in enumerate((hidden1, hidden2)):
        for neuron in range(8):
            plot.set_map(layer, neuron)
            shown = plot.values
            np.testing.assert_allclose(shown, outputs[:, neuron].reshape(100, 100), atol=1e-12)
            for k, trace in zip(sampled, traces, strict=True):
                assert shown.flat[k] == pytest.approx(trace.layers[layer].out[neuron], abs=1e-12)
    assert plot.line_visible is False
    plot.set_map(None)
    np.testing.assert_allclose(plot.values, snapshot.boundary)


def test_a_missing_neuron_map_hides_the_heatmap(plot, spiral_net):
    network, data = spiral_net
    plot.show_snapshot(snapshot_of(network, data.X))
    plot.set_map(5, 0)
    assert not plot.image.isVisible()
    assert len(plot.contour.getData()[0]) == 0


# -- the perceptron's line and the XOR message ------------------------------------------------


@pytest.mark.parametrize("gate", ["and", "or"])
def test_perceptron_line_separates_the_gate(plot, gate):
    perceptron, X, y = trained_perceptron(gate)
    assert perceptron.errors(X, y) == 0
    plot.set_points(X, y)
    plot.show_snapshot(snapshot_of(perceptron.as_network(), X))
    w1, w2, b = perceptron.weights
    xs, ys = plot.line.getData()
    assert len(xs) == 2 and plot.line_visible
    np.testing.assert_allclose(w1 * xs + w2 * ys + b, 0, atol=1e-9)
    (x_low, x_high), (y_low, y_high) = plot.view.viewRange()
    assert np.all((xs >= x_low - 1e-9) & (xs <= x_high + 1e-9))
    assert np.all((ys >= y_low - 1e-9) & (ys <= y_high + 1e-9))
    # The side of the drawn segment each point lies on is its class, and the model's sign.
    side = (xs[1] - xs[0]) * (X[:, 1] - ys[0]) - (ys[1] - ys[0]) * (X[:, 0] - xs[0])
    assert len(set(np.sign(side[y == 1]))) == 1 and len(set(np.sign(side[y == 0]))) == 1
    assert np.sign(side[y == 1][0]) == -np.sign(side[y == 0][0])
    np.testing.assert_array_equal(perceptron.net(X) > 0, y == 1)
    assert len(plot.contour.getData()[0]) == 0        # the line is the exact contour


def test_line_moves_with_each_update_and_ends_with_the_heatmap_or_the_view(plot):
    perceptron, X, y = trained_perceptron("and")
    plot.set_points(X, y)
    network = perceptron.as_network()
    plot.show_snapshot(snapshot_of(network, X))
    before = plot.line.getData()
    network.layers[0].set_weights([[1.0], [1.0]], [-1.5])
    plot.show_snapshot(snapshot_of(network, X))
    xs, ys = plot.line.getData()
    assert not np.allclose(xs, before[0]) or not np.allclose(ys, before[1])
    np.testing.assert_allclose(xs + ys, 1.5)
    heatmap = plot.image_rect                       # the extent plus half a grid cell
    plot.view.setRange(QRectF(-5, -5, 10, 10), padding=0)
    xs, ys = plot.line.getData()
    np.testing.assert_allclose(xs + ys, 1.5)
    np.testing.assert_allclose(sorted(xs), [1.5 - heatmap.bottom(), heatmap.right()])
    plot.view.setRange(QRectF(0.6, 0.6, 0.3, 0.3), padding=0)   # zoomed into the heatmap
    xs, ys = plot.line.getData()
    (x_low, x_high), (y_low, y_high) = plot.view.viewRange()
    np.testing.assert_allclose(sorted(xs), [max(x_low, 1.5 - y_high), min(x_high, 1.5 - y_low)])


def test_xor_message_shows_over_the_plot_and_hides(plot, qtbot):
    perceptron, X, y = trained_perceptron("xor")
    assert perceptron.history.converged_epoch is None and perceptron.errors(X, y) > 0
    plot.set_points(X, y)
    plot.show_snapshot(snapshot_of(perceptron.as_network(), X))
    plot.show_message(XOR_MESSAGE)
    qtbot.waitUntil(lambda: plot.banner.isVisible())
    assert plot.banner.text() == XOR_MESSAGE
    shot = plot.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    banner = plot.banner.geometry()
    colour = shot.pixelColor(banner.left() + 3, banner.center().y())
    assert (colour.red(), colour.green(), colour.blue()) == POSITIVE_LIGHT
    plot.show_message(None)
    assert not plot.banner.isVisible()


def test_backprop_xor_is_right_on_all_4_with_two_class_1_regions(plot, xor_net):
    from scipy import ndimage

    network, data = xor_net
    X, y = data.X_train, data.y_train
    np.testing.assert_array_equal(network.predict(X)[:, 0] >= 0.5, y == 1)
    plot.set_points(X, y)
    snapshot = snapshot_of(network, X)
    plot.show_snapshot(snapshot)
    assert not plot.line_visible and len(plot.line.getData()[0]) == 0
    regions, count = ndimage.label(plot.values >= 0.5)
    assert count == 2
    x_min, x_max, y_min, y_max = snapshot.grid_extent
    cells = [(round((x2 - y_min) / (y_max - y_min) * 99), round((x1 - x_min) / (x_max - x_min)
                                                                * 99)) for x1, x2 in X[y == 1]]
    assert sorted(regions[cell] for cell in cells) == [1, 2]   # one class-1 point in each
    xs, ys = plot.contour.getData()
    assert len(xs) > 100
    out = network.predict(np.column_stack([xs, ys]))[:, 0]
    np.testing.assert_allclose(out, 0.5, atol=0.02)           # the contour is the 0.5 line


def test_comparison_view_shows_the_perceptron_line_and_the_network_bend(qtbot, xor_net):
    view = ComparisonView()
    qtbot.addWidget(view)
    perceptron, X, y = trained_perceptron("xor")
    network, _ = xor_net
    view.set_points(X, y)
    view.show_left(snapshot_of(perceptron.as_network(), X))
    view.show_right(snapshot_of(network, X))
    view.set_theme(DARK)
    assert view.left.title == "Perceptron" and view.right.title == "2-2-1 network"
    assert view.left.line_visible and len(view.left.line.getData()[0]) == 2
    assert not view.right.line_visible and len(view.right.contour.getData()[0]) > 0
    assert len(view.left.X) == len(view.right.X) == 4
    assert not view.left.toolbar.isVisibleTo(view)
    view.resize(900, 450)
    view.show()
    qtbot.waitExposed(view)
    view.show_message(XOR_MESSAGE)
    qtbot.waitUntil(view.banner.isVisible)
    assert view.banner.text() == XOR_MESSAGE
    left, right = (plot.plot_widget.mapTo(view, QPoint(0, 0)) for plot in (view.left, view.right))
    assert left.y() == right.y() > view.banner.geometry().bottom()     # plots stay aligned
    view.show_message(None)
    assert not view.banner.isVisibleTo(view)


# -- pure helpers -----------------------------------------------------------------------------


def test_contour_segments_of_a_ramp_and_a_circle():
    xs = np.linspace(-1, 1, 41)
    gx, gy = np.meshgrid(xs, xs)
    x, y = contour_segments(gx, (-1, 1, -1, 1), 0.25)
    assert len(x) == 2 * 40
    np.testing.assert_allclose(x, 0.25)
    x, y = contour_segments(np.hypot(gx, gy), (-1, 1, -1, 1), 0.5)
    np.testing.assert_allclose(np.hypot(x, y), 0.5, atol=0.01)
    assert len(contour_segments(np.zeros((5, 5)), (0, 1, 0, 1), 0.5)[0]) == 0


def test_line_in_rect_and_map_levels():
    rect = QRectF(QPointF(0, 0), QPointF(2, 1))
    xs, ys = line_in_rect(1.0, 0.0, -0.5, rect)              # x = 0.5
    np.testing.assert_allclose(sorted(ys), [0, 1])
    np.testing.assert_allclose(xs, 0.5)
    assert line_in_rect(1.0, 1.0, -10.0, rect) is None       # passes outside
    assert line_in_rect(0.0, 0.0, 1.0, rect) is None         # no line at all
    assert map_levels(np.array([0.2, 0.9])) == (0.0, 1.0)
    assert map_levels(np.array([-0.3, 2.0])) == (-2.0, 2.0)


# -- points: editing with the mouse, clicking, CSV -------------------------------------------


@pytest.fixture
def gate_plot(plot):
    plot.set_points(np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]),
                    np.array([0, 1, 1, 0]))
    plot.view.setRange(QRectF(-0.5, -0.5, 2.0, 2.0), padding=0)
    return plot


def test_left_click_adds_class_1_and_right_click_class_0_where_clicked(gate_plot, qtbot):
    plot = gate_plot
    plot.set_editable(True)
    assert plot.toolbar.edit_button.isChecked()
    size = plot.view.viewPixelSize()
    with qtbot.waitSignal(plot.points_edited) as edited:
        qtbot.mouseClick(plot.plot_widget.viewport(), Qt.MouseButton.LeftButton,
                         pos=widget_pos(plot, 0.3, 0.7))
    X, y = edited.args
    assert len(X) == 5 and y[-1] == 1
    assert X[-1] == pytest.approx([0.3, 0.7], abs=2 * max(size))
    with qtbot.waitSignal(plot.points_edited) as edited:
        qtbot.mouseClick(plot.plot_widget.viewport(), Qt.MouseButton.RightButton,
                         pos=widget_pos(plot, 1.2, 0.4))
    X, y = edited.args
    assert len(X) == 6 and y[-1] == 0
    assert X[-1] == pytest.approx([1.2, 0.4], abs=2 * max(size))
    assert plot.editor.selected == 5
    plot.set_points(X, y)                   # the app echoes the edit: the new point stays selected
    assert plot.editor.selected == 5
    plot.set_points(X[:4], y[:4])           # other points: nothing selected
    assert plot.editor.selected is None


def test_drag_moves_a_point_and_delete_removes_it(gate_plot, qtbot):
    plot = gate_plot
    plot.set_editable(True)
    viewport = plot.plot_widget.viewport()
    start, end = widget_pos(plot, 1.0, 1.0), widget_pos(plot, 0.5, 0.25)
    with qtbot.waitSignal(plot.points_edited) as edited:
        qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
        for t in np.linspace(0.1, 1.0, 6):
            qtbot.mouseMove(viewport, start + (end - start) * float(t))
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    X, y = edited.args
    assert len(X) == 4 and y.tolist() == [0, 1, 1, 0]
    assert X[3] == pytest.approx([0.5, 0.25], abs=2 * max(plot.view.viewPixelSize()))
    np.testing.assert_array_equal(X[:3], [[0, 0], [0, 1], [1, 0]])
    assert plot.editor.selected == 3
    with qtbot.waitSignal(plot.points_edited) as edited:
        qtbot.keyClick(plot.plot_widget, Qt.Key.Key_Delete)
    X, y = edited.args
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0]])
    assert y.tolist() == [0, 1, 1] and plot.editor.selected is None


def test_clicks_outside_editing_go_to_the_stepper(gate_plot, qtbot):
    plot = gate_plot
    viewport = plot.plot_widget.viewport()
    with qtbot.waitSignal(plot.point_clicked) as clicked:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=widget_pos(plot, 0.0, 1.0))
    row, label = clicked.args
    assert row.tolist() == [0.0, 1.0] and label == 1
    with qtbot.waitSignal(plot.plane_clicked) as clicked:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=widget_pos(plot, 0.5, 0.5))
    assert clicked.args[0] == pytest.approx([0.5, 0.5], abs=2 * max(plot.view.viewPixelSize()))
    assert len(plot.X) == 4                                      # nothing was added


def test_test_points_are_hollow_and_classes_differ_by_shape(plot):
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    plot.set_points(X, np.array([0, 1, 0, 1]), test_mask=np.array([False, False, True, True]))
    markers = plot.editor.markers
    assert markers[(0, False)].opts["symbol"] != markers[(1, False)].opts["symbol"]
    assert markers[(0, True)].points()[0].pos().x() == 0.0
    assert markers[(1, True)].opts["brush"].color().alpha() < 255          # hollow
    assert markers[(1, False)].opts["brush"].color().alpha() == 255        # filled
    small = markers[(0, False)].opts["size"]
    plot.set_theme(PROJECTOR)
    assert markers[(0, False)].opts["size"] > small


def test_csv_import_replaces_points_and_export_writes_them(gate_plot, qtbot, tmp_path):
    plot = gate_plot
    good = tmp_path / "good.csv"
    good.write_text("x1,x2,label\n0.5,0.5,1\n-1,2,0\n")
    with qtbot.waitSignal(plot.points_edited) as edited:
        assert plot.toolbar.import_csv(str(good))
    np.testing.assert_array_equal(edited.args[0], [[0.5, 0.5], [-1, 2]])
    np.testing.assert_array_equal(plot.y, [1, 0])
    out = tmp_path / "out.csv"
    assert plot.toolbar.export_csv(str(out))
    assert out.read_text() == "x1,x2,label\n0.5,0.5,1\n-1.0,2.0,0\n"


@pytest.mark.parametrize(("contents", "message"), [
    ("0,0\n", "line 1: 2 columns, expected 3 (x1, x2, label)"),
    ("x1,x2,label\n0,zero,1\n", "line 2: column x2 is 'zero', not a number"),
    ("x1,x2,label\n0,0,7\n", "line 2: label is '7'. Expected 0 or 1."),
    ("", "no points in the file"),
])
def test_bad_csv_shows_a_message_and_keeps_the_points(gate_plot, qtbot, tmp_path, contents,
                                                      message):
    plot = gate_plot
    before = plot.X.copy(), plot.y.copy()
    path = tmp_path / "bad.csv"
    path.write_text(contents)
    edits = []
    plot.points_edited.connect(lambda X, y: edits.append(len(X)))
    assert not plot.toolbar.import_csv(str(path))
    box = plot.toolbar.error_box
    qtbot.waitUntil(box.isVisible)
    assert message in box.text() and "left as they were" in box.text()
    assert box.text().startswith("bad.csv")
    box.close()
    assert edits == []
    np.testing.assert_array_equal(plot.X, before[0])
    np.testing.assert_array_equal(plot.y, before[1])


def test_export_with_no_points_says_so(plot, qtbot, tmp_path):
    assert not plot.toolbar.export_csv(str(tmp_path / "none.csv"))
    qtbot.waitUntil(plot.toolbar.error_box.isVisible)
    assert plot.toolbar.error_box.text() == "There are no points to export."
    plot.toolbar.error_box.close()
    assert not (tmp_path / "none.csv").exists()


def test_png_and_svg_export(plot, spiral_net, tmp_path):
    network, data = spiral_net
    plot.set_points(data.X, data.y)
    plot.show_snapshot(snapshot_of(network, data.X))
    assert plot.export_png(str(tmp_path / "plot.png"))
    image = QImage(str(tmp_path / "plot.png"))
    assert image.width() >= plot.plot_widget.width() > 100
    assert plot.export_svg(str(tmp_path / "plot.svg"))
    assert "<svg" in (tmp_path / "plot.svg").read_text()


def test_dark_theme_paints_a_dark_background(plot):
    plot.set_theme(DARK)
    image = plot.plot_widget.grab().toImage()
    colour = image.pixelColor(2, image.height() // 2)
    assert (colour.red(), colour.green(), colour.blue()) == DARK.background


def test_clicking_a_point_while_editing_selects_it_without_adding(gate_plot, qtbot):
    plot = gate_plot
    plot.set_editable(True)
    edits = []
    plot.points_edited.connect(lambda X, y: edits.append(len(X)))
    qtbot.mouseClick(plot.plot_widget.viewport(), Qt.MouseButton.LeftButton,
                     pos=widget_pos(plot, 0.0, 1.0) + QPoint(3, -2))
    assert edits == [] and plot.editor.selected == 1
    qtbot.keyClick(plot.plot_widget, Qt.Key.Key_Backspace)
    assert edits == [3] and plot.y.tolist() == [0, 1, 0]
    plot.set_editable(False)
    assert not plot.toolbar.edit_button.isChecked()
    qtbot.keyClick(plot.plot_widget, Qt.Key.Key_Delete)          # not editing: keys do nothing
    assert edits == [3]


def test_view_fits_new_data_but_keeps_the_users_zoom_between_frames(plot, spiral_net):
    perceptron, X, y = trained_perceptron("and")
    plot.set_points(X, y)
    plot.show_snapshot(snapshot_of(perceptron.as_network(), X))
    (x_low, x_high), (y_low, y_high) = plot.view.viewRange()
    assert x_low <= -0.1 and x_high >= 1.1 and y_low <= -0.1 and y_high >= 1.1
    plot.view.setRange(QRectF(0.5, 0.5, 0.4, 0.4), padding=0)         # the teacher zooms in
    zoomed = plot.view.viewRange()
    plot.show_snapshot(snapshot_of(perceptron.as_network(), X))        # next frame, same data
    np.testing.assert_allclose(plot.view.viewRange(), zoomed)
    network, data = spiral_net                                         # a new lesson's data
    plot.set_points(data.X, data.y)
    plot.show_snapshot(snapshot_of(network, data.X))
    (x_low, x_high), (y_low, y_high) = plot.view.viewRange()
    assert x_low <= data.X[:, 0].min() and x_high >= data.X[:, 0].max()
    assert y_low <= data.X[:, 1].min() and y_high >= data.X[:, 1].max()


def test_cached_markers_are_redrawn_when_points_change(plot, qtbot):
    from nnsim.ui.palette import CLASS_COLOURS

    def colour_at(x: float, y: float) -> tuple[int, int, int]:
        image = plot.plot_widget.grab().toImage()
        pos = widget_pos(plot, x, y)
        ratio = image.devicePixelRatio()
        c = image.pixelColor(int(pos.x() * ratio), int(pos.y() * ratio))
        return c.red(), c.green(), c.blue()

    plot.set_points(np.array([[0.0, 0.0], [1.5, 1.5]]), np.array([0, 1]))
    plot.view.setRange(QRectF(-1, -1, 3, 3), padding=0)
    assert colour_at(0.0, 0.0) == CLASS_COLOURS[0]
    plot.set_points(np.array([[1.0, 1.0], [1.5, 1.5]]), np.array([0, 1]))   # the view stays
    assert colour_at(1.0, 1.0) == CLASS_COLOURS[0]
    assert colour_at(0.0, 0.0) == (255, 255, 255)          # the old picture is gone


@pytest.mark.parametrize("theme", [None, PROJECTOR])
def test_the_top_tick_label_has_room_above_the_axis(plot, qtbot, theme):
    """A tick label is centred on its tick: with the axis flush with the widget's top the top
    label was cut in half (the issue's "top tick clipped")."""
    from PySide6.QtGui import QFontMetrics

    plot.set_title("")  # the app's plot has none: nothing else sits above the axis
    if theme is not None:
        plot.set_theme(theme)
    qtbot.wait(20)
    axis = plot.plot_item.getAxis("left")
    axis_top = plot.plot_widget.mapFromScene(axis.mapToScene(0, 0)).y()  # the axis line's top
    label = QFontMetrics(axis.style["tickFont"]).height()
    assert axis_top >= label / 2, (axis_top, label)
