"""The truth table lists what the model computes per row, with a verdict in colour and symbol."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.core.formatting import number
from nnsim.core.lessons import load_lesson
from nnsim.core.network import Network
from nnsim.core.snapshot import Snapshot
from nnsim.ui.palette import DARK, PROJECTOR
from nnsim.ui.truth_table import COLUMNS, TruthTable, forward_rows


def snapshot(weights) -> Snapshot:
    return Snapshot(step=0, epoch=0, loss=0.0, weights=tuple(weights))


@pytest.fixture
def table(qtbot):
    widget = TruthTable()
    qtbot.addWidget(widget)
    return widget


def cells(table: TruthTable, column: str) -> list[str]:
    index = COLUMNS.index(column)
    return [table.table.item(row, index).text() for row in range(table.table.rowCount())]


def perceptron_on(gate: str):
    lesson = load_lesson(f"perceptron-{gate}")
    data = lesson.load_data()
    perceptron = lesson.build_model(2)
    perceptron.fit(data.X_train, data.y_train, lesson.epochs)
    return perceptron, data.X_train, data.y_train


def test_perceptron_on_and_lists_every_row_right(table):
    perceptron, X, y = perceptron_on("and")
    table.set_rows(X, y)
    table.set_architecture(perceptron.as_network().spec())
    table.show_snapshot(snapshot(perceptron.as_network().get_weights()))
    assert [table.table.horizontalHeaderItem(i).text() for i in range(7)] == list(COLUMNS)
    assert cells(table, "x1") == ["0", "0", "1", "1"]
    assert cells(table, "x2") == ["0", "1", "0", "1"]
    assert cells(table, "target") == ["0", "0", "0", "1"]
    assert cells(table, "prediction") == ["0", "0", "0", "1"]
    assert cells(table, "out") == ["0", "0", "0", "1"]
    nets = perceptron.net(X)
    for text, net in zip(cells(table, "net"), nets, strict=True):
        assert float(text) == pytest.approx(net, abs=1e-3)
    assert cells(table, "result") == ["✓ right"] * 4
    assert table.summary.text() == "4 of 4 right"


def test_perceptron_on_xor_marks_wrong_rows_by_symbol_and_colour(table):
    perceptron, X, y = perceptron_on("xor")
    table.set_rows(X, y)
    table.show_snapshot(snapshot(perceptron.as_network().get_weights()))   # default: step
    predictions = perceptron.predict(X).astype(int)
    results = cells(table, "result")
    assert results == ["✓ right" if p == t else "✗ wrong" for p, t in zip(predictions, y,
                                                                          strict=True)]
    assert "✗ wrong" in results
    column = COLUMNS.index("result")
    colours = {text: table.table.item(row, column).background().color().getRgb()[:3]
               for row, text in enumerate(results)}
    right, wrong = colours.get("✓ right"), colours["✗ wrong"]
    assert wrong[0] > wrong[1] > wrong[2]                  # vermillion tint
    if right is not None:
        assert right[1] > right[0]                         # green tint
    assert table.summary.text() == f"{int((predictions == y).sum())} of 4 right"


def test_network_rows_show_the_steppers_net_and_out(table):
    lesson = load_lesson("backprop-xor")
    data = lesson.load_data()
    network = lesson.build_model(2)
    network.fit(data.X_train, data.y_train, epochs=lesson.epochs, batch_size=1,
                optimizer=lesson.build_optimizer(), loss=lesson.loss, shuffle=lesson.shuffle)
    table.set_rows(data.X_train, data.y_train)
    table.set_architecture(network.spec())
    table.show_snapshot(snapshot(network.get_weights()))
    for row, x in enumerate(data.X_train):
        trace = network.forward_trace(x).layers[-1]
        assert cells(table, "net")[row] == number(trace.net[0], 3)
        assert cells(table, "out")[row] == number(trace.out[0], 3)
    assert cells(table, "result") == ["✓ right"] * 4
    table.set_precision(5)
    assert len(cells(table, "out")[0].split(".")[1]) == 5


def test_forward_rows_equals_network_predict():
    network = Network.from_sizes([2, 5, 3, 1], ["tanh", "relu", "sigmoid"], seed=2)
    X = np.random.default_rng(0).normal(size=(9, 2))
    net, out = forward_rows(network.get_weights(), [(n, None) for n in
                                                    ("tanh", "relu", "sigmoid")], X)
    np.testing.assert_allclose(out, network.predict(X))
    np.testing.assert_allclose(out, 1 / (1 + np.exp(-net)))


def test_clicking_a_row_reports_its_inputs_and_target(table, qtbot):
    table.set_rows(np.array([[0, 0], [0, 1], [1, 0], [1, 1]]), np.array([0, 1, 1, 0]))
    with qtbot.waitSignal(table.row_clicked) as clicked:
        table.table.cellClicked.emit(2, 4)
    row, target = clicked.args
    assert row.tolist() == [1.0, 0.0] and target == 1


def test_themes_change_font_and_tints(table):
    table.set_rows(np.array([[0, 0]]), np.array([1]))
    table.show_snapshot(snapshot([(np.zeros((2, 1)), np.array([1.0]))]))
    light = table.table.item(0, 6).background().color().getRgb()
    size = table.table.font().pointSizeF()
    table.set_theme(DARK)
    assert table.table.item(0, 6).background().color().getRgb() != light
    table.set_theme(PROJECTOR)
    assert table.table.font().pointSizeF() > size
