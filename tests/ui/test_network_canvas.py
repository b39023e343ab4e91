"""The network canvas: edge colours follow weight signs, fills follow outputs, the mouse selects
and edits, big networks stay summarised, and a frame never creates graphics items."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QLabel

from nnsim.core.explain import describe_edge, describe_neuron
from nnsim.core.grid import grid_maps, grid_points
from nnsim.core.network import Network
from nnsim.core.snapshot import Snapshot
from nnsim.ui.canvas_edges import (
    LEVELS,
    buckets,
    edge_index,
    flat_values,
    layer_quotas,
    strongest,
)
from nnsim.ui.canvas_layout import NODE_DIAMETER, fitted_range, network_layout, tile_mosaic
from nnsim.ui.canvas_nodes import fill_positions
from nnsim.ui.network_canvas import NetworkCanvas
from nnsim.ui.palette import LIGHT, PROJECTOR

BIG = [784, 256, 128, 10]
BIG_ACTS = ["relu", "relu", "softmax"]


# -- layout and edge selection: pure functions ---------------------------------------------------

def test_fitted_range_keeps_the_margins_free_at_one_scale():
    # 10 x 5 units in a 300 x 200 px view, 20 px free on every side: 260 x 160 px remain,
    # so 10 / 260 units per pixel (the width decides) on both axes.
    x, y, w, h = fitted_range((0.0, 0.0, 10.0, 5.0), 300, 200, (20, 20, 20, 20))
    scale = 10 / 260
    assert (x, y) == pytest.approx((-20 * scale, -20 * scale))
    assert (w, h) == pytest.approx((300 * scale, 5 + 40 * scale))
    assert fitted_range((0.0, 0.0, 10.0, 5.0), 50, 50, (20, 20, 20, 20)) is None


@pytest.mark.parametrize("sizes", [[2, 3, 1], [2, 8, 8, 1], [64, 32, 16, 10], BIG])
def test_layout_is_pure_symmetric_and_inside_its_bounds(sizes):
    bias = [True] * (len(sizes) - 1)
    shape = {64: (8, 8), 784: (28, 28)}.get(sizes[0])
    first = network_layout(sizes, bias, shape)
    again = network_layout(list(sizes), list(bias), shape)
    x0, y0, w, h = first.bounds
    for one, two, n in zip(first.layers, again.layers, sizes, strict=True):
        np.testing.assert_array_equal(one.positions, two.positions)
        assert one.positions.shape == (n, 2)
        # Every node (and its +1 node) lies inside the bounds with its radius.
        points = one.positions if one.bias is None else np.vstack([one.positions, one.bias])
        assert (points[:, 0] - NODE_DIAMETER / 2 >= x0).all()
        assert (points[:, 0] + NODE_DIAMETER / 2 <= x0 + w).all()
        assert (points[:, 1] - NODE_DIAMETER / 2 >= y0).all()
        assert (points[:, 1] + NODE_DIAMETER / 2 <= y0 + h).all()
        assert (points[:, 1] > first.caption_y).all()
        # A layer and its +1 node are centred on y = 0: the drawing is mirror-symmetric.
        bottom = one.bias[1] if one.bias is not None else one.rect[1] + one.rect[3]
        assert one.rect[1] == pytest.approx(-bottom)
        if one.style == "circles":
            np.testing.assert_allclose(np.sort(points[:, 1]), np.sort(-points[:, 1]), atol=1e-9)
    xs = [layer.rect[0] for layer in first.layers]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)


def test_layout_styles_summarise_big_layers():
    layout = network_layout(BIG, [True] * 3, (28, 28))
    assert [layer.style for layer in layout.layers] == ["image", "column", "column", "circles"]
    picture = layout.layers[0]
    # Pixel (row 1, column 2) of the 28x28 picture is input 30, one cell right and down of 0.
    np.testing.assert_allclose(picture.positions[30] - picture.positions[0],
                               [2 * picture.cell, picture.cell])
    # The picture's edges leave from its right side, in reading order.
    assert (picture.outlets[:, 0] == picture.rect[0] + picture.rect[2]).all()
    assert (np.diff(picture.outlets[:, 1]) > 0).all()
    grid = network_layout(BIG, [True] * 3, (28, 28), grid_layers=True)
    assert [layer.style for layer in grid.layers] == ["image", "grid", "grid", "circles"]
    assert network_layout([2, 3, 1], [True, True]).layers[0].bias[1] > 0.0  # +1 below x1, x2


def test_tile_mosaic_places_each_tile_with_clear_gaps():
    tiles = np.arange(3 * 2 * 2, dtype=float).reshape(3, 2, 2)
    mosaic = tile_mosaic(tiles, rows=2, columns=2, pad=1)
    assert mosaic.shape == (8, 8)
    np.testing.assert_array_equal(mosaic[1:3, 5:7], tiles[1])
    assert np.isnan(mosaic[0]).all() and np.isnan(mosaic[5:7, 5:7]).all()  # 4th tile empty


def test_edges_are_indexed_like_the_flat_weights_and_bucketed_by_sign():
    w = np.array([[1.0, -2.0], [0.5, -0.1]])
    b = np.array([0.3, -4.0])
    index = edge_index([2, 2], [True])[0]
    values = flat_values([(w, b)])[0]
    for source, target, value in zip(index.source, index.target, values, strict=True):
        assert value == (b[target] if source < 0 else w[source, target])
    bucket = buckets(values, 4.0)
    assert ((bucket >= LEVELS) == (values >= 0)).all()
    assert bucket[values.argmax()] == 2 * LEVELS - 2 and bucket[values.argmin()] == LEVELS - 1
    assert layer_quotas([10, 200000, 1290], 2000) == [10, 995, 995]
    np.testing.assert_array_equal(strongest(values, 2), [1, 5])  # -2 and -4


# -- the widget ------------------------------------------------------------------------------------

def hand_snapshot() -> Snapshot:
    """1-2-1 without bias: x1 -> h1 +2, x1 -> h2 -2, h1 -> out -1.5, h2 -> out +1.5."""
    weights = ((np.array([[2.0, -2.0]]), None), (np.array([[-1.5], [1.5]]), None))
    activations = (np.array([1.0]), np.array([0.98, 0.02]), np.array([0.5]))
    gradients = ((np.array([[0.1, -0.2]]), None), (np.array([[0.3], [-0.4]]), None))
    return Snapshot(step=1, epoch=0, loss=0.1, weights=weights, activations=activations,
                    gradients=gradients)


@pytest.fixture
def canvas(qtbot):
    widget = NetworkCanvas()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def small(canvas):
    canvas.set_architecture([1, 2, 1], "sigmoid", False)
    canvas.show_snapshot(hand_snapshot())
    return canvas


def viewport_point(canvas: NetworkCanvas, x: float, y: float) -> QPoint:
    canvas.view_box.scene().prepareForPaint()  # apply a pending fit before mapping points
    scene = canvas.view_box.mapViewToScene(QPointF(x, y))
    return canvas.graphics_view.mapFromScene(scene)


def double_click(qtbot, canvas: NetworkCanvas, at: QPoint) -> None:
    """What a window system sends: press, release, double-click, release (QTest's mouseDClick
    alone sends no release, and pyqtgraph reports a click on release)."""
    viewport, left = canvas.graphics_view.viewport(), Qt.MouseButton.LeftButton
    qtbot.mouseClick(viewport, left, pos=at)
    qtbot.mouseDClick(viewport, left, pos=at)
    qtbot.mouseRelease(viewport, left, pos=at)


def colour_near(canvas: NetworkCanvas, x: float, y: float) -> tuple[int, int, int]:
    """The most saturated pixel within 2 px of a data point (edges are 1 px, antialiased)."""
    image = canvas.graphics_view.grab().toImage()
    at = viewport_point(canvas, x, y)
    best = (0, 0, 0)
    for dx in range(-2, 3):
        for dy in range(-2, 3):
            c = image.pixelColor(at.x() + dx, at.y() + dy)
            rgb = (c.red(), c.green(), c.blue())
            if abs(rgb[0] - rgb[2]) > abs(best[0] - best[2]):
                best = rgb
    return best


def midpoint(canvas: NetworkCanvas, a: tuple[int, int], b: tuple[int, int]) -> tuple[float, float]:
    (x0, y0), (x1, y1) = canvas.node_position(*a), canvas.node_position(*b)
    return (x0 + x1) / 2, (y0 + y1) / 2


def test_edge_colours_follow_the_weight_signs(small):
    drawn = small.drawn_edges()
    assert len(drawn["value"]) == 4
    for value, bucket in zip(drawn["value"], drawn["bucket"], strict=True):
        assert (bucket >= LEVELS) == (value > 0)
    for a, b, positive in (((0, 0), (1, 0), True), ((0, 0), (1, 1), False),
                           ((1, 0), (2, 0), False), ((1, 1), (2, 0), True)):
        r, _, blue = colour_near(small, *midpoint(small, a, b))
        if positive:
            assert r > blue + 80, (a, b, r, blue)   # orange
        else:
            assert blue > r + 60, (a, b, r, blue)   # blue


def test_node_fill_follows_the_outputs(small):
    x, y = small.node_position(1, 0)   # out 0.98 -> orange
    r, _, b = colour_near(small, x, y + 0.4 * NODE_DIAMETER / 2 * 2 * 0.6)
    assert r > b + 80
    x, y = small.node_position(1, 1)   # out 0.02 -> blue
    r, _, b = colour_near(small, x, y + 0.4 * NODE_DIAMETER / 2 * 2 * 0.6)
    assert b > r + 60
    np.testing.assert_allclose(fill_positions(np.array([0.0, 0.5, 1.0]), "sigmoid"),
                               [0.0, 0.5, 1.0])
    np.testing.assert_allclose(fill_positions(np.array([-2.0, 0.0, 1.0]), "relu"),
                               [0.0, 0.5, 0.75])


def test_clicking_a_neuron_emits_its_layer_and_index(small, qtbot):
    for layer, neuron in ((1, 1), (0, 0), (2, 0)):
        at = viewport_point(small, *small.node_position(layer, neuron))
        with qtbot.waitSignal(small.neuron_selected) as blocker:
            qtbot.mouseClick(small.graphics_view.viewport(), Qt.MouseButton.LeftButton, pos=at)
        assert blocker.args == [layer, neuron]


def test_double_clicking_an_edge_edits_its_weight(canvas, qtbot):
    canvas.set_architecture([2, 1], "sigmoid", True)
    weights = ((np.array([[0.5], [-0.25]]), np.array([0.1])),)
    canvas.show_snapshot(Snapshot(step=0, epoch=0, loss=0.0, weights=weights,
                                  activations=(np.array([1.0, 0.0]), np.array([0.6]))))
    asked = []
    canvas.ask_weight = lambda edge, current: asked.append((edge, current)) or 0.75
    for source, expected in ((1, -0.25), (-1, 0.1)):
        end = canvas.node_position(1, 0)
        start = canvas.node_position(0, source)  # -1: the +1 node below the inputs
        at = viewport_point(canvas, 0.3 * start[0] + 0.7 * end[0], 0.3 * start[1] + 0.7 * end[1])
        with qtbot.waitSignal(canvas.weight_edited) as blocker:
            double_click(qtbot, canvas, at)
        assert blocker.args == [1, source, 0, 0.75]
        assert asked[-1][1] == pytest.approx(expected)
    assert asked[0][0] == "x2 → out" and asked[1][0] == "+1 → out"


def test_hovering_explains_neurons_and_edges(small):
    snapshot = hand_snapshot()
    names = [["x1"], ["h1", "h2"], ["out"]]
    text = describe_neuron(names, ["sigmoid", "sigmoid"], snapshot.weights,
                           snapshot.activations, 2, 0)
    assert text == ("out\nnet = (0.980 x -1.500) + (0.020 x 1.500)\n    = -1.440\n"
                    "out = sigmoid(net) = sigmoid(-1.440) = 0.500")
    edge = describe_edge(names, snapshot.weights, 1, 0, 1, gradients=snapshot.gradients)
    assert edge == "weight x1 → h2\nw = -2\nlast gradient dE/dw = -0.200"
    small.view_box.scene().sigMouseMoved.emit(
        small.view_box.mapViewToScene(QPointF(*small.node_position(1, 0))))
    assert small._hover.isVisible() and small._hover.text().startswith("h1\nnet = (1 x 2)")


def test_big_network_draws_at_most_the_edge_limit_without_new_items(canvas):
    network = Network.from_sizes(BIG, BIG_ACTS, seed=0, initializer="he_normal")
    canvas.set_architecture(BIG, BIG_ACTS, True, (28, 28))
    canvas.set_edge_limit(2000)
    trace = network.forward_trace(np.random.default_rng(0).random(784))
    snapshot = Snapshot(step=0, epoch=0, loss=0.0, weights=tuple(network.get_weights()),
                        activations=(trace.x, *(layer.out for layer in trace.layers)))
    canvas.show_snapshot(snapshot)
    drawn = canvas.drawn_edges()
    assert 1900 <= len(drawn["value"]) <= 2000
    assert set(np.unique(drawn["layer"])) == {1, 2, 3}
    # The first layer's drawn edges are its strongest: none left out is stronger.
    first = np.abs(flat_values(snapshot.weights)[0])
    assert np.abs(drawn["value"][drawn["layer"] == 1]).min() >= np.sort(first)[-700]
    canvas.set_edge_limit(500)
    assert len(canvas.drawn_edges()["value"]) <= 500
    items = len(canvas.view_box.scene().items())
    for step in range(3):
        canvas.show_snapshot(snapshot)
        canvas.highlight(2, step, "forward")
        canvas.show_gradients(snapshot.weights)
        canvas.graphics_view.grab()
    assert len(canvas.view_box.scene().items()) == items


def test_weight_images_replace_the_edges_into_hidden_layers(canvas):
    network = Network.from_sizes([64, 32, 16, 10], BIG_ACTS, seed=0)
    canvas.set_architecture([64, 32, 16, 10], BIG_ACTS, True, (8, 8))
    snapshot = Snapshot(step=0, epoch=0, loss=0.0, weights=tuple(network.get_weights()))
    canvas.set_summary_mode("weight_images")
    canvas.show_snapshot(snapshot)
    assert set(np.unique(canvas.drawn_edges()["layer"])) == {3}
    tiles = canvas._tiles.tiles[1].item.image
    assert tiles.shape == (32 * 10, 10)   # 32 tiles of 8x8, each padded by 1 on every side
    np.testing.assert_allclose(tiles[1:9, 1:9], network.get_weights()[0][0][:, 0].reshape(8, 8))
    canvas.set_summary_mode("edges")
    assert set(np.unique(canvas.drawn_edges()["layer"])) == {1, 2, 3}
    with pytest.raises(ValueError, match="summary mode"):
        canvas.set_summary_mode("pictures")


def edge_contrast(canvas) -> int:
    """How far the strongest positive edges' colour is from the white background."""
    color = canvas._edges.base.curves[-1].opts["pen"].color()
    assert color.alpha() == 255  # opaque: blended lines cost 7-15x more to draw
    return sum(255 - channel for channel in (color.red(), color.green(), color.blue()))


def test_highlight_dims_the_other_edges(small):
    contrast = edge_contrast(small)
    small.highlight(2, 0, "forward")
    assert edge_contrast(small) < contrast / 3
    focus = small._edges.focus
    assert focus.counts.sum() == 2   # out's two incoming edges, in full colour
    assert small._nodes.ring.isVisible()
    small.highlight(1, 0, "delta")   # a hidden delta uses the edges leaving the neuron too
    assert focus.counts.sum() == 2
    small.clear_highlight()
    assert edge_contrast(small) == contrast
    assert focus.counts.sum() == 0 and not small._nodes.ring.isVisible()


def test_gradients_recolour_the_edges(small):
    snapshot = hand_snapshot()
    small.show_gradients(snapshot.gradients)
    drawn = small.drawn_edges()
    np.testing.assert_allclose(sorted(drawn["value"]), [-0.4, -0.2, 0.1, 0.3])
    small.show_gradients(None)
    np.testing.assert_allclose(sorted(small.drawn_edges()["value"]), [-2, -1.5, 1.5, 2])


def test_thumbnails_show_each_hidden_neurons_map(canvas):
    network = Network.from_sizes([2, 8, 8, 1], "tanh", seed=1)
    canvas.set_architecture([2, 8, 8, 1], "tanh", True)
    maps = grid_maps(network, grid_points((-1, 1, -1, 1), 20), 20).neuron_maps
    canvas.set_neuron_thumbnails(maps)
    strips = [mosaic.item for mosaic in canvas._tiles.thumbs if mosaic is not None]
    assert len(strips) == 2 and all(item.isVisible() for item in strips)
    image = strips[1].image   # 8 tiles of 20x20, padded by 1, the grid's lowest y on top
    np.testing.assert_allclose(image[22 * 3 + 1:22 * 3 + 21, 1:21], maps[1][3][::-1])
    hover = canvas.view_box.scene().sigMouseMoved.emit
    hover(canvas.view_box.mapViewToScene(QPointF(*canvas.node_position(2, 5))))
    big = canvas._tiles.big     # hovering a hidden neuron shows its map large
    assert big.isVisible()
    np.testing.assert_allclose(big.image, maps[1][5][::-1])
    hover(canvas.view_box.mapViewToScene(QPointF(*canvas.node_position(3, 0))))
    assert not big.isVisible()  # the output has no map
    before = len(canvas.view_box.scene().items())
    canvas.set_neuron_thumbnails(tuple(m * 0.5 for m in maps))
    assert len(canvas.view_box.scene().items()) == before
    canvas.set_neuron_thumbnails(None)
    assert canvas._tiles.thumbs == []


def test_theme_fit_and_an_unfitting_snapshot(small):
    small.set_theme(PROJECTOR)
    assert small._edges.base.curves[-1].opts["pen"].widthF() == 2.0
    small.set_theme(LIGHT)
    small.view_box.scaleBy((4, 4))
    small.fit_to_window()
    x0, y0, w, h = small._layout.bounds
    (left, right), (top, bottom) = small.view_box.viewRange()
    assert left <= x0 and right >= x0 + w and top <= y0 and bottom >= y0 + h
    with pytest.raises(ValueError, match="activation"):
        small.set_architecture([2, 3, 1], ["sigmoid"], True)


def test_a_snapshot_of_another_network_is_not_drawn_and_says_nothing(small):
    before = small.drawn_edges()
    picture = small.graphics_view.grab().toImage()
    wrong = Snapshot(step=0, epoch=0, loss=0.0, weights=((np.ones((64, 32)), None),),
                     activations=(np.ones(64), np.ones(32)))
    assert small.show_snapshot(wrong) is False
    np.testing.assert_array_equal(small.drawn_edges()["value"], before["value"])
    assert small.graphics_view.grab().toImage() == picture   # the last frame stays
    texts = [label.text() for label in small.findChildren(QLabel)]
    assert not any("(" in text or "64" in text or "snapshot" in text for text in texts), texts
    assert small.show_snapshot(hand_snapshot()) is True


def test_headings_and_bias_labels_are_drawn(canvas):
    canvas.set_architecture([2, 3, 1], "sigmoid", True)
    for theme in (LIGHT, PROJECTOR, LIGHT):
        canvas.set_theme(theme)
        image = canvas.graphics_view.grab().toImage()
        for layer in (0, 1):   # "+1" inside each bias node: dark ink on the neutral fill
            assert ink_near(canvas, image, *canvas.node_position(layer, -1), 5) >= 6, theme
        for layer in range(3):  # a heading above each layer
            x, _ = canvas.node_position(layer, 0)
            assert ink_near(canvas, image, x, canvas._layout.caption_y, 12, above=True) >= 15


def ink_near(canvas: NetworkCanvas, image, x: float, y: float, half: int,
             above: bool = False) -> int:
    """Dark pixels (text, not the light edges and fills) in a box of 2*half+1 pixels around
    the data point (x, y), or in the box's width just above it."""
    at = viewport_point(canvas, x, y)
    rows = range(at.y() - 4 * half, at.y()) if above else range(at.y() - half, at.y() + half + 1)
    count = 0
    for py in rows:
        for px in range(at.x() - 2 * half, at.x() + 2 * half + 1):
            if 0 <= px < image.width() and 0 <= py < image.height() and \
                    image.pixelColor(px, py).lightness() < 90:
                count += 1
    return count


def test_thumbnail_pixels_come_from_the_lookup_table(canvas):
    canvas.set_architecture([2, 3, 1], "sigmoid", True)
    maps = (np.stack([np.zeros((20, 20)), np.full((20, 20), 0.5), np.ones((20, 20))]),)
    canvas.set_neuron_thumbnails(maps)
    [strip] = [mosaic.item for mosaic in canvas._tiles.thumbs if mosaic is not None]
    image, lut = strip.qimage, np.asarray(strip.lut)
    tile = image.height() // 3

    def rgb(row: int) -> tuple[int, int, int]:
        color = image.pixelColor(image.width() // 2, row)
        return color.red(), color.green(), color.blue()

    assert rgb(tile // 2) == tuple(lut[0][:3])            # the lowest value: the table's start
    assert rgb(2 * tile + tile // 2) == tuple(lut[-1][:3])  # the highest: its end
    assert image.pixelColor(0, 0).alpha() == 0              # the NaN frame between tiles: clear


def test_zoom_then_fit_gives_back_the_same_picture(canvas):
    """Texts are laid out for their new size at once: after Fit they sat off-centre, laid
    out for the zoomed size, until the next frame."""
    network = Network.from_sizes([2, 8, 8, 1], "tanh", seed=3)
    trace = network.forward_trace([0.3, -0.7])
    canvas.set_architecture([2, 8, 8, 1], "tanh", True)
    canvas.show_snapshot(Snapshot(step=0, epoch=0, loss=0.0, weights=tuple(network.get_weights()),
                                  activations=(trace.x, *(layer.out for layer in trace.layers))))
    canvas.fit_to_window()
    before = canvas.graphics_view.grab().toImage()
    canvas.view_box.scaleBy((0.25, 0.25))   # zoom in: the values' font grows to its cap
    canvas.graphics_view.grab()
    canvas.fit_to_window()
    assert canvas.graphics_view.grab().toImage() == before


def test_the_too_big_to_edit_hint_goes_with_the_big_network(canvas, qtbot):
    """Double-clicking an edge of a big net explains why nothing opens; the hint must not
    stay on the next (small, editable) network."""
    from nnsim.ui.network_canvas import EDIT_LIMIT

    sizes = [8, 8, 2]
    assert 8 * 8 + 8 * 2 > EDIT_LIMIT
    canvas.set_architecture(sizes, "sigmoid", False)
    rng = np.random.default_rng(0)
    weights = ((rng.normal(size=(8, 8)), None), (rng.normal(size=(8, 2)), None))
    canvas.show_snapshot(Snapshot(step=0, epoch=0, loss=0.0, weights=weights))
    double_click(qtbot, canvas, viewport_point(canvas, *midpoint(canvas, (1, 0), (2, 0))))
    message = canvas._toolbar.message
    assert f"at most {EDIT_LIMIT} edges" in message.text()
    canvas.set_architecture([2, 1], "sigmoid", True)
    assert message.text() == ""


@pytest.mark.parametrize("width", [900, 260])
def test_hover_text_stays_inside_the_view_at_every_corner(canvas, qtbot, width):
    """The issue: the formula was cut at the canvas edge ("(1 x -0"). Near each corner, and
    on a canvas narrower than the formula, the whole box stays inside the view."""
    from nnsim.ui.canvas_hover import HoverText

    canvas.resize(width, 500)
    qtbot.wait(20)
    hover = canvas._hover
    assert isinstance(hover, HoverText)
    area = hover.parentWidget().rect()
    text = "h1\nnet = (1 x -0.123456) + (0 x 0.654321) + (1 x 0.5) + 0.25 = 0.626544\nout = 0.65"
    for x, y in ((2, 2), (area.width() - 2, 2), (2, area.height() - 2),
                 (area.width() - 2, area.height() - 2), (area.width() // 2, area.height() // 2)):
        hover.show_near(text, QPoint(x, y))
        box = hover.geometry()
        assert area.contains(box), (width, (x, y), box, area)
    hover.show_near("short", QPoint(10, 10))
    assert not hover.wordWrap()  # a short text is one line again
