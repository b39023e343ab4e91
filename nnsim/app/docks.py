"""The dockable panels: which view each is, where it docks, and which lesson panels it serves."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt


@dataclass(frozen=True)
class PanelSpec:
    """A dock: its key (lesson files name panels by it), title, area and tab group."""

    key: str
    title: str
    area: Qt.DockWidgetArea
    group: str


LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
RIGHT = Qt.DockWidgetArea.RightDockWidgetArea

PANELS: tuple[PanelSpec, ...] = (
    PanelSpec("lessons", "Lessons", LEFT, "lessons"),
    PanelSpec("training", "Training", LEFT, "training"),
    PanelSpec("boundary", "Decision boundary", RIGHT, "plots"),
    PanelSpec("comparison", "Perceptron vs network", RIGHT, "plots"),
    PanelSpec("gallery", "Activation functions", RIGHT, "plots"),
    PanelSpec("digits", "Digit pad", RIGHT, "plots"),
    PanelSpec("stepper", "Forward / backward stepper", RIGHT, "details"),
    PanelSpec("curves", "Loss and accuracy", RIGHT, "details"),
    PanelSpec("truth_table", "Truth table", RIGHT, "details"),
    PanelSpec("evaluation", "Evaluation", RIGHT, "plots"),
    PanelSpec("inspector", "Inspector", RIGHT, "details"),
    PanelSpec("editor", "Network editor", RIGHT, "details"),
)

#: Docks shown for every lesson (outside projector mode).
ALWAYS = ("lessons", "training")
