"""The evaluation panel: report table, confusion-matrix heatmap, the images behind a cell."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnsim.ui.evaluation_panel import HINT, EvaluationPanel, shade
from nnsim.ui.palette import DARK, LIGHT, NEGATIVE, POSITIVE

Y_TRUE = np.array([0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2])
Y_PRED = np.array([0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 0, 0])
# Each image shows its index as its brightest pixel, so thumbnails can be traced back.
IMAGES = np.zeros((12, 16))
IMAGES[np.arange(12), np.arange(12)] = 1.0


@pytest.fixture
def panel(qtbot):
    widget = EvaluationPanel()
    qtbot.addWidget(widget)
    widget.resize(500, 900)
    widget.show()
    qtbot.waitExposed(widget)
    widget.show_evaluation(Y_TRUE, Y_PRED, IMAGES, (4, 4))
    return widget


def cell(panel, row, column):
    return panel.table.item(row, column).text()


def test_report_table_holds_scikit_learns_numbers(panel):
    assert panel.summary.text() == "Accuracy 0.750 on 12 test images: 3 wrong."
    labels = [panel.table.verticalHeaderItem(r).text() for r in range(panel.table.rowCount())]
    assert labels == ["0", "1", "2", "accuracy", "macro avg", "weighted avg"]
    # class 0: 3 right of 5 predicted (precision 0.6), 3 of 4 found (recall 0.75)
    assert [cell(panel, 0, c) for c in range(4)] == ["0.600", "0.750", "0.667", "4"]
    assert [cell(panel, 2, c) for c in range(4)] == ["1.000", "0.600", "0.750", "5"]
    assert [cell(panel, 3, c) for c in range(4)] == ["", "", "0.750", "12"]
    assert "weighted avg" in panel.report_text()


def test_confusion_matrix_counts_and_colours(panel):
    np.testing.assert_array_equal(panel.counts, [[3, 1, 0], [0, 3, 0], [2, 0, 3]])
    assert [t.toPlainText() for t in panel.texts] == ["3", "1", "", "", "3", "", "2", "", "3"]
    rgb = panel.heatmap.image
    assert rgb.shape == (3, 3, 3)
    assert tuple(rgb[1, 1]) == NEGATIVE  # every 1 found: full blue
    assert tuple(rgb[0, 2]) == LIGHT.background  # no count: background
    orange = np.asarray(POSITIVE) - np.asarray(LIGHT.background)
    assert np.dot(rgb[2, 0].astype(float) - LIGHT.background, orange) > 0  # a mistake: orange
    _, strength = shade(np.array([[400, 1], [0, 10]]), LIGHT)
    assert strength[0, 1] == 0.25  # one mistake among 401 still shows


def test_clicking_a_cell_shows_its_images(qtbot, panel):
    view = panel.matrix_view
    with qtbot.waitSignal(panel.cell_selected, timeout=1000) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                         pos=panel.cell_centre(2, 0))
    assert blocker.args == [2, 0]
    assert panel.cell_title.text() == "True 2, predicted 0 (wrong): 2 test images"
    mosaic = panel.thumbnails.image
    assert mosaic.shape == (4, 9)  # two 4x4 thumbnails, one pixel apart
    # images 10 and 11: their bright pixel sits at index 10 and 11 of each 16-pixel image
    assert mosaic[2, 2] == 1.0 and mosaic[2, 5 + 3] == 1.0
    assert panel.frame.isVisible() and panel.frame.rect().topLeft().toTuple() == (0, 2)


def test_without_images_a_cell_still_reports_its_count(qtbot, panel):
    panel.show_evaluation(Y_TRUE, Y_PRED)
    assert panel.cell_title.text() == HINT
    panel.select_cell(0, 1)
    assert panel.cell_title.text().startswith("True 0, predicted 1 (wrong): 1 test image;")
    assert "no images" in panel.cell_title.text()


def test_bad_input_gives_a_message_not_a_traceback(panel):
    panel.show_evaluation(np.array([1, 2, 3]), np.array([1, 2]))
    assert "Cannot evaluate: 3 true labels and 2 predictions" in panel.summary.text()


def test_export_png_and_dark_theme(qtbot, panel, tmp_path):
    panel.set_theme(DARK)
    path = tmp_path / "evaluation.png"
    assert panel.export_png(path)
    from PySide6.QtGui import QImage

    image = QImage(str(path))  # twice the panel's size on screen, for slides
    assert (image.width(), image.height()) == (2 * panel.width(), 2 * panel.height())
    assert panel.export_png(tmp_path / "wide.png", width=3000)
    assert QImage(str(tmp_path / "wide.png")).width() == 3000
    assert tuple(panel.heatmap.image[0, 2]) == DARK.background
