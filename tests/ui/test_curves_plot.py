"""CurvesPlot: the curves hold exactly the history, log scale, hover readout, export."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage

from nnsim.ui.curves_plot import CurvesPlot
from nnsim.ui.palette import LIGHT, PROJECTOR

HISTORY = {
    "loss": [0.9, 0.5, 0.3, 0.2],
    "val_loss": [1.0, 0.6, 0.4, 0.45],
    "accuracy": [0.5, 0.75, 0.75, 1.0],
    "val_accuracy": [0.25, 0.5, 0.75, 0.75],
}


@pytest.fixture
def plot(qtbot):
    widget = CurvesPlot()
    qtbot.addWidget(widget)
    widget.resize(420, 480)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_curves_hold_the_history_with_epochs_from_one(plot):
    assert plot.readout.text() == "No epochs trained yet."
    plot.show_history(HISTORY)
    assert "Move the mouse" in plot.readout.text()
    for key, values in HISTORY.items():
        item = plot.items[key]
        np.testing.assert_array_equal(item.xData, [1, 2, 3, 4])
        np.testing.assert_array_equal(item.yData, values)


def test_missing_keys_draw_nothing_and_leave_the_legend(plot):
    plot.show_history(HISTORY)
    plot.show_history({"loss": [2.0, 1.0, 0.5], "accuracy": [0.1, 0.2, 0.3]})
    assert plot.items["val_loss"].yData is None or len(plot.items["val_loss"].yData) == 0
    np.testing.assert_array_equal(plot.items["loss"].yData, [2.0, 1.0, 0.5])
    assert "training" in plot.legend.text and "validation" not in plot.legend.text
    plot.show_history({"val_accuracy": [0.5]})
    assert "validation" in plot.legend.text and "training" not in plot.legend.text
    plot.show_history(HISTORY)
    assert "training" in plot.legend.text and "validation" in plot.legend.text


def test_long_history_is_set_whole(plot):
    loss = np.linspace(2.0, 0.01, 20_000)
    plot.show_history({"loss": loss.tolist()})
    item = plot.items["loss"]
    assert len(item.xData) == 20_000 and item.xData[-1] == 20_000
    np.testing.assert_array_equal(item.yData, loss)


def test_log_checkbox_switches_the_loss_axis(plot, qtbot):
    plot.show_history(HISTORY)
    axis = plot.loss_plot.getAxis("left")
    assert not axis.logMode and not plot.is_log_scale()
    qtbot.mouseClick(plot.log_check, Qt.MouseButton.LeftButton)
    assert plot.log_check.isChecked()
    assert axis.logMode and plot.is_log_scale()
    assert not plot.accuracy_plot.getAxis("left").logMode
    # The data stays the history; the drawing is its logarithm.
    item = plot.items["loss"]
    np.testing.assert_array_equal(item.yData, HISTORY["loss"])
    qtbot.waitUntil(lambda: len(item.getData()[1]) == 4)
    np.testing.assert_allclose(item.getData()[1], np.log10(HISTORY["loss"]))
    plot.set_log_scale(False)
    assert not axis.logMode and not plot.log_check.isChecked()


def test_hover_marks_the_epoch_and_lists_its_values(plot, qtbot):
    plot.show_history(HISTORY)
    qtbot.waitUntil(lambda: plot.loss_plot.vb.viewRange()[0][1] >= 4)
    scene_point = plot.loss_plot.vb.mapViewToScene(QPointF(3.2, 0.5))
    plot.graphics.scene().sigMouseMoved.emit(scene_point)
    assert plot.cursors["loss"].isVisible() and plot.cursors["loss"].value() == 3
    assert plot.cursors["accuracy"].value() == 3
    x, y = plot.markers["loss"].getData()
    np.testing.assert_array_equal(x, [3, 3])
    np.testing.assert_array_equal(y, [0.3, 0.4])
    text = plot.readout.text()
    assert "epoch 3" in text.replace("&nbsp;", " ")
    for key in ("loss", "val_loss", "accuracy", "val_accuracy"):
        assert f"{key}&nbsp;{HISTORY[key][2]:.4g}" in text
    # Training goes on under the mouse: the mark follows the new figures of epoch 3.
    plot.show_history({key: [v / 2 for v in values] for key, values in HISTORY.items()})
    np.testing.assert_array_equal(plot.markers["loss"].getData()[1], [0.15, 0.2])
    assert "loss&nbsp;0.15" in plot.readout.text()


def test_real_mouse_move_over_the_plot_shows_the_epoch(plot, qtbot):
    plot.show_history(HISTORY)
    qtbot.waitUntil(lambda: plot.loss_plot.vb.viewRange()[0][1] >= 4)
    scene_point = plot.accuracy_plot.vb.mapViewToScene(QPointF(2.0, 0.6))
    view_point = plot.graphics.mapFromScene(scene_point)
    qtbot.mouseMove(plot.graphics.viewport(), QPoint(view_point.x(), view_point.y()))
    qtbot.waitUntil(lambda: plot.cursors["accuracy"].isVisible())
    assert plot.cursors["accuracy"].value() == 2


def test_leaving_the_plots_and_clear_hide_the_mark(plot):
    plot.show_history(HISTORY)
    plot.show_epoch(2)
    plot.graphics.scene().sigMouseMoved.emit(QPointF(-100, -100))
    assert not plot.cursors["loss"].isVisible()
    plot.show_epoch(99)  # clamped to the last epoch
    assert plot.cursors["loss"].value() == 4
    plot.clear()
    assert not plot.cursors["loss"].isVisible()
    for item in plot.items.values():
        assert item.yData is None or len(item.yData) == 0
    plot.show_epoch(1)  # nothing to show: no error, no mark
    assert not plot.cursors["loss"].isVisible()


def test_theme_scales_pens_and_fonts(plot):
    plot.set_theme(LIGHT)
    size = plot.font().pointSizeF()
    assert plot.items["loss"].opts["pen"].widthF() == 1
    plot.set_theme(PROJECTOR)
    assert plot.font().pointSizeF() == pytest.approx(size * PROJECTOR.font_scale)
    assert plot.items["loss"].opts["pen"].widthF() == PROJECTOR.stroke_scale
    assert plot.items["val_loss"].opts["pen"].style() == Qt.PenStyle.DashLine


def test_wide_dock_puts_the_plots_side_by_side(plot, qtbot):
    plot.resize(1000, 300)
    qtbot.waitUntil(lambda: plot._side_by_side)
    qtbot.waitUntil(lambda: abs(plot.loss_plot.sceneBoundingRect().top()
                                - plot.accuracy_plot.sceneBoundingRect().top()) < 1)
    plot.resize(400, 600)
    qtbot.waitUntil(lambda: plot.accuracy_plot.sceneBoundingRect().top()
                    > plot.loss_plot.sceneBoundingRect().bottom() - 1)


def test_export_png_and_svg(plot, tmp_path):
    plot.show_history(HISTORY)
    png, svg = tmp_path / "curves.png", tmp_path / "curves.svg"
    plot.export_png(png)
    image = QImage(str(png))
    width = plot.graphics.ci.sceneBoundingRect().width()
    assert image.width() == pytest.approx(2 * width, abs=2)
    assert image.pixelColor(2, 2).getRgb()[:3] == LIGHT.background
    plot.export_svg(svg)
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and "loss" in text


def test_export_to_a_missing_folder_raises_a_clear_oserror(plot, tmp_path):
    with pytest.raises(OSError, match="missing does not exist"):
        plot.export_png(tmp_path / "missing" / "curves.png")
    with pytest.raises(OSError, match="missing does not exist"):
        plot.export_svg(tmp_path / "missing" / "curves.svg")


def test_a_thinned_long_history_is_drawn_at_its_epochs(qtbot):
    from nnsim.core.history import history_view

    plot = CurvesPlot()
    qtbot.addWidget(plot)
    n = 50_000
    loss = list(np.linspace(1.0, 0.0, n))
    view = history_view({"loss": loss})
    plot.clear(n)
    plot.show_history(view)
    xs, ys = plot.items["loss"].getData()
    assert len(xs) == len(view["loss"]) < n and xs[-1] == n and xs[0] == 1
    plot.show_epoch(n - 10)  # a recent epoch is kept whole: its own value
    assert f"epoch&nbsp;{n - 10}" in plot.readout.text()
    assert f"{loss[n - 11]:.4g}" in plot.readout.text()
