"""The canvas's texts: sized from the nodes on screen, headings over every layer, "+1" inside
its node (or beside it when the node is small), and every glyph inside the item's bounds."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage

from nnsim.core.explain import neuron_names
from nnsim.ui.canvas_labels import CanvasLabels, label_sizes, layer_caption, network_labels
from nnsim.ui.canvas_layout import network_layout
from nnsim.ui.network_canvas import NetworkCanvas
from nnsim.ui.palette import PROJECTOR


def test_label_sizes_follow_the_nodes_up_to_the_themes_cap():
    assert label_sizes(50, 1.0) == {"node": 12.0, "side": 12.0, "bias": 14.0, "caption": 12.5}
    small = label_sizes(20, 1.0)
    assert small["node"] == pytest.approx(4.8) and small["bias"] == pytest.approx(7.6)
    big = label_sizes(400, PROJECTOR.font_scale)
    assert big["bias"] == pytest.approx(14 * 1.75) and big["caption"] == pytest.approx(21.875)


def test_captions_and_labels_of_a_network():
    sizes = [784, 256, 10]
    assert layer_caption(0, sizes, ["relu", "softmax"], (28, 28)) == "inputs\n28x28 = 784"
    assert layer_caption(1, sizes, ["relu", "softmax"]) == "hidden\n256, relu"
    assert layer_caption(2, [2, 3, 4, 1], ["tanh", "tanh", "sigmoid"]) == "hidden 2\n4, tanh"
    # The lecture's other types name their layers: RBF units, a mixture's experts.
    assert layer_caption(1, [2, 4, 1], ["gaussian", "sigmoid"]) == "RBF units\n4, gaussian"
    assert layer_caption(1, [2, 2, 1], ["sigmoid", "gate"]) == "experts\n2, sigmoid"
    assert layer_caption(2, [2, 2, 1], ["sigmoid", "gate"]) == "output\n1, gate"
    layout = network_layout([2, 3, 1], [True, True])
    labels = network_labels(layout, [2, 3, 1], neuron_names([2, 3, 1]), ["sigmoid"] * 2, None,
                            (True, True), 0.6)
    roles = [label.role for label in labels]
    assert roles.count("caption") == 3 and roles.count("bias") == 2 and roles.count("side") == 3
    bias = [label for label in labels if label.role == "bias"]
    assert [(b.x, b.y) for b in bias] == [tuple(layout.layers[k].bias) for k in (0, 1)]


def test_a_small_bias_node_has_its_plus_one_beside_it(qapp):
    layout = network_layout([2, 1], [True])
    [bias] = [label for label in network_labels(layout, [2, 1], neuron_names([2, 1]),
                                                ["sigmoid"], None, (False, False), 0.6)
              if label.role == "bias"]
    x = bias.x
    item = CanvasLabels()
    item.set_labels([bias], QColor(0, 0, 0), 0.6)
    item.fit(label_sizes(60, 1.0), (0.01, 0.01))
    assert (bias.x, bias.anchor) == (x, (0.5, 0.5)) and item.shown("bias")
    item.fit(label_sizes(15, 1.0), (0.04, 0.04))     # 5.7 px: left of the node, at 10 px
    assert bias.x == pytest.approx(x - 0.35) and bias.anchor == (1.0, 0.5)
    assert item.shown("bias") and not item.shown("node")


@pytest.mark.parametrize("size", [(900, 600), (420, 700), (1800, 1000)])
def test_every_glyph_lies_inside_the_items_bounds(qtbot, size):
    canvas = NetworkCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(*size)
    canvas.show()
    qtbot.waitExposed(canvas)
    canvas.set_architecture([2, 3, 1], "sigmoid", True)
    for item in canvas.view_box.addedItems + list(canvas.view_box.childGroup.childItems()):
        if item is not canvas._labels:
            item.hide()
    image = canvas.graphics_view.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.width(), 4)
    ys, xs = np.nonzero(data[..., :3].max(axis=2) < 200)
    assert len(xs) > 100   # three headings and two "+1"
    bounds = canvas._labels.boundingRect()
    box = canvas.graphics_view.mapFromScene(canvas.view_box.mapViewToScene(bounds)) \
        .boundingRect()
    inside = QRectF(box).adjusted(-1, -1, 1, 1)
    assert all(inside.contains(QPointF(float(x), float(y))) for x, y in zip(xs, ys,
                                                                          strict=True))



def test_crowded_headings_break_size_and_activation_onto_lines_of_their_own(qapp):
    """Headings too close at the projector's size would run into each other ("256,
    sigmoid128, sigmoid"): each takes three lines then, and two again given room."""
    labels_item = CanvasLabels()
    texts = ["hidden 1\n256, sigmoid", "hidden 2\n128, sigmoid", "output\n10, softmax"]
    labels = [network_labels(network_layout([2, 1], [False]), [2, 1], [["a", "b"], ["c"]],
                             ["sigmoid"], None, (False, False), 0.6)[0] for _ in texts]
    for k, (label, text) in enumerate(zip(labels, texts, strict=True)):
        label.text, label.x = text, float(k)
    labels_item.set_labels(labels, QColor(0, 0, 0), 0.6)
    sizes = label_sizes(100, PROJECTOR.font_scale)
    labels_item.fit(sizes, (1 / 400, 1 / 400), PROJECTOR.font_scale)  # 400 px per unit
    assert [len(lines) for lines in labels_item._lines] == [2, 2, 2]
    wide = [width for width, _ in labels_item._extents]
    apart = int(max(wide) + 8) - 1  # one pixel short of room for the widest pair
    labels_item.fit(sizes, (1 / apart, 1 / apart), PROJECTOR.font_scale)
    assert [len(lines) for lines in labels_item._lines] == [3, 3, 3]
    narrow = [width for width, _ in labels_item._extents]
    assert all((narrow[k] + narrow[k + 1]) / 2 + 8 <= apart for k in range(2))
    labels_item.fit(sizes, (1 / 400, 1 / 400), PROJECTOR.font_scale)  # 400 px apart
    assert [len(lines) for lines in labels_item._lines] == [2, 2, 2]
