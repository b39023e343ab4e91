"""EvaluationPanel: the classification report and confusion matrix of a trained classifier.

The report is scikit-learn's (precision, recall, f1 and support per class, then accuracy, macro
and weighted averages), as a table. The confusion matrix is a heatmap with its counts written in:
each row is shaded by its share of the true class, correct cells blue, mistakes orange (the
palette's two hues), so a few confusions stand out against hundreds of right answers. Clicking a
cell shows the test images behind it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from nnsim.core import metrics
from nnsim.ui.figure_export import export_figure
from nnsim.ui.palette import LIGHT, NEGATIVE, POSITIVE, Theme

COLUMNS = ("precision", "recall", "f1-score", "support")
SUMMARY_ROWS = ("accuracy", "macro avg", "weighted avg")
MAX_THUMBNAILS = 60
THUMBNAIL_COLUMNS = 10
HINT = "Click a cell of the confusion matrix to see its test images."


def shade(counts: np.ndarray, theme: Theme) -> tuple[np.ndarray, np.ndarray]:
    """RGB cells (rows, cols, 3) and their strength in [0, 1] for a confusion matrix.

    Strength is the square root of the cell's share of its true class, at least 0.25 for any
    count, so a single confusion among hundreds stays visible while the diagonal stays near full.
    """
    totals = counts.sum(axis=1, keepdims=True)
    share = np.divide(counts, totals, out=np.zeros(counts.shape), where=totals > 0)
    strength = np.where(counts > 0, np.maximum(np.sqrt(share), 0.25), 0.0)
    colour = np.where(np.eye(len(counts), dtype=bool)[..., None], NEGATIVE, POSITIVE)
    background = np.asarray(theme.background, dtype=float)
    rgb = background * (1 - strength[..., None]) + colour * strength[..., None]
    return rgb.astype(np.uint8), strength


EMPTY = "Train or load a model, then evaluate it on the test images."


class EvaluationPanel(QWidget):
    """Classification report, confusion-matrix heatmap and the images behind a chosen cell."""

    cell_selected = Signal(int, int)
    """A confusion-matrix cell was chosen: (true class, predicted class)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = LIGHT
        self._base_point_size = self.font().pointSizeF()
        self.counts = np.zeros((0, 0), dtype=np.int64)
        self.y_true = self.y_pred = np.zeros(0, dtype=np.int64)
        self.images: np.ndarray | None = None
        self.image_shape: tuple[int, int] | None = None
        self.selected: tuple[int, int] | None = None
        self.texts: list[pg.TextItem] = []

        self.summary = QLabel(EMPTY)
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

        self.matrix_view = pg.GraphicsLayoutWidget()
        self.matrix_plot = self.matrix_view.addPlot()
        self.matrix_plot.setAspectLocked(True)
        self.matrix_plot.invertY(True)
        self.matrix_plot.setMouseEnabled(False, False)
        self.matrix_plot.setMenuEnabled(False)
        self.matrix_plot.hideButtons()
        self.heatmap = pg.ImageItem(axisOrder="row-major")
        self.matrix_plot.addItem(self.heatmap)
        self.frame = pg.QtWidgets.QGraphicsRectItem(0, 0, 1, 1)
        self.frame.setVisible(False)
        self.matrix_plot.addItem(self.frame)
        self.matrix_view.scene().sigMouseClicked.connect(self._on_click)

        self.cell_title = QLabel(HINT)
        self.cell_title.setWordWrap(True)
        self.thumbnail_view = pg.GraphicsLayoutWidget()
        self.thumbnail_box = self.thumbnail_view.addViewBox(invertY=True)
        self.thumbnail_box.setMouseEnabled(False, False)
        self.thumbnail_box.sigResized.connect(self._place_thumbnails)
        self.thumbnails = pg.ImageItem(axisOrder="row-major")
        self.thumbnail_box.addItem(self.thumbnails)
        self.thumbnail_view.setMinimumHeight(90)

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.cell_title)
        lower_layout.addWidget(self.thumbnail_view, 1)
        # The matrix and its images on one tab, the report on another: stacked in one column
        # the report's rows left the matrix a sliver at 1280x800.
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        for part, stretch in ((self.matrix_view, 3), (lower, 1)):
            self.splitter.addWidget(part)
            self.splitter.setStretchFactor(self.splitter.count() - 1, stretch)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.splitter, "Confusion matrix")
        self.tabs.addTab(self.table, "Report per class")
        # Small minimums: this panel shares a tab group with the digit pad, and a group is as
        # tall as its tallest member needs; a report's rows must scroll, not grow the window.
        self.matrix_view.setMinimumHeight(160)
        lower.setMinimumHeight(60)
        self.thumbnail_view.setMinimumHeight(40)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        self.set_theme(LIGHT)

    # -- public API --------------------------------------------------------------------------

    def show_evaluation(self, y_true: np.ndarray, y_pred: np.ndarray,
                        images: np.ndarray | None = None,
                        image_shape: tuple[int, int] | None = None) -> None:
        """Report and confusion matrix of predicted against true labels; ``images`` are the rows."""
        self.y_true = np.asarray(y_true).astype(np.int64).reshape(-1)
        self.y_pred = np.asarray(y_pred).astype(np.int64).reshape(-1)
        if self.y_true.shape != self.y_pred.shape or not self.y_true.size:
            self.summary.setText(f"Cannot evaluate: {self.y_true.size} true labels and "
                                 f"{self.y_pred.size} predictions; expected the same number, "
                                 "at least one.")
            return
        can_show = (images is not None and image_shape is not None
                    and len(images) == len(self.y_true)
                    and int(np.prod(image_shape)) == np.asarray(images[0]).size)
        self.images = np.asarray(images) if can_show else None
        self.image_shape = tuple(image_shape) if can_show else None
        n_classes = int(max(self.y_true.max(), self.y_pred.max())) + 1
        self.counts = metrics.confusion_matrix(self.y_true, self.y_pred, n_classes)
        accuracy = metrics.accuracy(self.y_true, self.y_pred)
        wrong = int(np.count_nonzero(self.y_true != self.y_pred))
        self.summary.setText(f"Accuracy {accuracy:.3f} on {self.y_true.size} test images: "
                             f"{wrong} wrong.")
        self._fill_table(metrics.classification_report(self.y_true, self.y_pred,
                                                       output_dict=True, digits=3))
        self._build_matrix(n_classes)
        self._draw_matrix()
        self.selected = None
        self.frame.setVisible(False)
        self.cell_title.setText(HINT)
        self.thumbnails.clear()

    def clear(self) -> None:
        """Nothing evaluated (a new lesson, new rows or a new model): no stale report."""
        self.counts = np.zeros((0, 0), dtype=np.int64)
        self.y_true = self.y_pred = np.zeros(0, dtype=np.int64)
        self.images, self.image_shape, self.selected = None, None, None
        self.summary.setText(EMPTY)
        self.table.setRowCount(0)
        self.heatmap.clear()
        for text in self.texts:
            self.matrix_plot.removeItem(text)
        self.texts = []
        self.frame.setVisible(False)
        self.cell_title.setText(HINT)
        self.thumbnails.clear()

    def select_cell(self, true_class: int, predicted_class: int) -> None:
        """Show the test images of ``true_class`` that were predicted as ``predicted_class``."""
        n = len(self.counts)
        if not (0 <= true_class < n and 0 <= predicted_class < n):
            return
        self.selected = (true_class, predicted_class)
        self.frame.setRect(predicted_class, true_class, 1, 1)
        self.frame.setVisible(True)
        rows = np.flatnonzero((self.y_true == true_class) & (self.y_pred == predicted_class))
        verdict = "right" if true_class == predicted_class else "wrong"
        title = (f"True {true_class}, predicted {predicted_class} ({verdict}): "
                 f"{len(rows)} test image{'s' if len(rows) != 1 else ''}")
        if self.images is None:
            self.thumbnails.clear()
            title += "; this data set has no images to show."
        elif not len(rows):
            self.thumbnails.clear()
        else:
            if len(rows) > MAX_THUMBNAILS:
                title += f", the first {MAX_THUMBNAILS} shown"
            self.thumbnails.setImage(self._mosaic(rows[:MAX_THUMBNAILS]), levels=(0, 1))
            self._place_thumbnails()
        self.cell_title.setText(title)
        self.cell_selected.emit(true_class, predicted_class)

    def report_text(self) -> str:
        """scikit-learn's classification report as text, for copying."""
        if not self.y_true.size:
            return ""
        return metrics.classification_report(self.y_true, self.y_pred, digits=3)

    def set_theme(self, theme: Theme) -> None:
        """Colours and font sizes of the theme (projector: larger)."""
        self._theme = theme
        background, foreground = QColor(*theme.background), QColor(*theme.foreground)
        for view in (self.matrix_view, self.thumbnail_view):
            view.setBackground(background)
        font = QFont(self.font())
        font.setPointSizeF(self._base_point_size * theme.font_scale)
        for axis in ("left", "bottom"):
            item = self.matrix_plot.getAxis(axis)
            item.setTextPen(foreground)
            item.setPen(QColor(*theme.grid))
            item.setStyle(tickFont=font)
        self.table.setFont(font)
        self.matrix_plot.setLabel("bottom", "predicted class", color=foreground.name())
        self.matrix_plot.setLabel("left", "true class", color=foreground.name())
        self._fit_table()
        self.frame.setPen(pg.mkPen(foreground, width=2 * theme.stroke_scale))
        lut = np.linspace(theme.background, theme.foreground, 256).astype(np.uint8)
        self.thumbnails.setLookupTable(lut)
        if len(self.counts):
            self._build_matrix(len(self.counts))
            self._draw_matrix()

    def export_png(self, path: str | Path, width: int | None = None) -> bool:
        """Save the panel as it looks now, ``width`` pixels wide (default twice its size on
        screen). Raises FigureExportError (an OSError) naming the file and the problem."""
        export_figure(self, path, width)
        return True

    # -- drawing -----------------------------------------------------------------------------

    def _fill_table(self, report: dict) -> None:
        classes = [key for key in report if key not in SUMMARY_ROWS]
        labels = classes + list(SUMMARY_ROWS)
        self.table.setRowCount(len(labels))
        self.table.setVerticalHeaderLabels(labels)
        total = len(self.y_true)
        for row, label in enumerate(labels):
            values = report[label]
            if label == "accuracy":  # one number, shown under f1 as scikit-learn prints it
                values = {"f1-score": values, "support": total}
            for column, key in enumerate(COLUMNS):
                value = values.get(key)
                text = "" if value is None else (f"{int(value)}" if key == "support"
                                                 else f"{value:.3f}")
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self._fit_table()

    def _fit_table(self) -> None:
        """Tall enough for every row: the report reads as a whole, without scrolling."""
        self.table.resizeRowsToContents()
        height = (self.table.horizontalHeader().sizeHint().height()
                  + sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
                  + 2 * self.table.frameWidth())
        self.table.setFixedHeight(height)

    def _build_matrix(self, n_classes: int) -> None:
        """One text item per cell, made again only when the number of classes changes."""
        for text in self.texts:
            self.matrix_plot.removeItem(text)
        font = QFont(self.font())
        font.setPointSizeF(self._base_point_size * self._theme.font_scale
                           * (0.9 if n_classes > 6 else 1.2))
        self.texts = []
        for index in range(n_classes * n_classes):
            text = pg.TextItem(anchor=(0.5, 0.5))
            text.setFont(font)
            text.setPos(index % n_classes + 0.5, index // n_classes + 0.5)
            self.matrix_plot.addItem(text)
            self.texts.append(text)
        ticks = [(i + 0.5, str(i)) for i in range(n_classes)]
        for axis in ("left", "bottom"):
            self.matrix_plot.getAxis(axis).setTicks([ticks])
        self.matrix_plot.setRange(xRange=(0, n_classes), yRange=(0, n_classes), padding=0.02)

    def _draw_matrix(self) -> None:
        rgb, strength = shade(self.counts, self._theme)
        self.heatmap.setImage(rgb, levels=(0, 255))
        self.heatmap.setRect(0, 0, len(self.counts), len(self.counts))
        light, dark = QColor(255, 255, 255), QColor(*self._theme.foreground)
        for text, count, level in zip(self.texts, self.counts.ravel(), strength.ravel(),
                                      strict=True):
            text.setText(str(count) if count else "")
            text.setColor(light if level > 0.6 else dark)

    def _mosaic(self, rows: np.ndarray) -> np.ndarray:
        """The chosen images in a grid, one blank pixel between them, values in [0, 1]."""
        height, width = self.image_shape
        images = self.images[rows].reshape(len(rows), height, width).astype(float)
        peak = images.max()
        images = images / peak if peak > 0 else images
        columns = min(THUMBNAIL_COLUMNS, len(rows))
        n_rows = -(-len(rows) // columns)
        mosaic = np.zeros((n_rows * (height + 1) - 1, columns * (width + 1) - 1))
        for index, image in enumerate(images):
            top, left = (index // columns) * (height + 1), (index % columns) * (width + 1)
            mosaic[top:top + height, left:left + width] = image
        return mosaic

    def _place_thumbnails(self) -> None:
        """Top left, square pixels, a full row's width whatever the count: one thumbnail size."""
        if self.image_shape is None:
            return
        size = self.thumbnail_box.size()
        if size.width() <= 0 or size.height() <= 0:
            return
        full_width = THUMBNAIL_COLUMNS * (self.image_shape[1] + 1) + 1
        height = full_width * size.height() / size.width()
        self.thumbnail_box.setRange(xRange=(-1, full_width - 1), yRange=(-1, height - 1),
                                    padding=0)

    def _on_click(self, event: object) -> None:
        if not len(self.counts):
            return
        point = self.matrix_plot.vb.mapSceneToView(event.scenePos())
        self.select_cell(int(np.floor(point.y())), int(np.floor(point.x())))

    def cell_centre(self, true_class: int, predicted_class: int) -> QPoint:
        """Where a cell's centre is on the matrix view's viewport (for tests and tours)."""
        scene = self.matrix_plot.vb.mapViewToScene(QPointF(predicted_class + 0.5,
                                                           true_class + 0.5))
        return self.matrix_view.mapFromScene(scene)


if __name__ == "__main__":
    import sys

    from PySide6.QtWidgets import QApplication

    from nnsim.core import pretrained
    from nnsim.core.lessons import load_lesson

    app = QApplication(sys.argv)
    data = load_lesson("digits").load_data()
    predicted = metrics.predicted_classes(pretrained.load("digits").predict(data.X_test))
    panel = EvaluationPanel()
    panel.show_evaluation(data.y_test, predicted, data.X_test, data.image_shape)
    panel.resize(520, 900)
    panel.setWindowTitle("EvaluationPanel (pretrained digits model)")
    panel.show()
    sys.exit(app.exec())
