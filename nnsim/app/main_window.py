"""The main window: the network canvas in the centre, panels docked around it, menus, toolbar.

It only builds and lays out; ``AppController`` gives the actions and views their behaviour.
"""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QGraphicsItem,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from nnsim.app.docks import ALWAYS, PANELS
from nnsim.app.lazy_view import LazyView
from nnsim.core.datasets import CLOUD_NAMES
from nnsim.core.snapshot import Snapshot
from nnsim.ui.activation_gallery import ActivationGallery
from nnsim.ui.boundary_plot import BoundaryPlot, ComparisonView
from nnsim.ui.curves_plot import CurvesPlot
from nnsim.ui.digit_pad import DigitPad
from nnsim.ui.evaluation_panel import EvaluationPanel
from nnsim.ui.feature_maps import FeatureMapsView
from nnsim.ui.guard import guarded
from nnsim.ui.inspector import Inspector
from nnsim.ui.lesson_browser import LessonBrowser
from nnsim.ui.network_canvas import NetworkCanvas
from nnsim.ui.network_editor import NetworkEditor
from nnsim.ui.network_types import NetworkTypesPage
from nnsim.ui.seq2seq_view import Seq2SeqView
from nnsim.ui.status_panel import StatusPanel
from nnsim.ui.stepper_panel import StepperPanel
from nnsim.ui.training_controls import TrainingControls
from nnsim.ui.truth_table import TruthTable
from nnsim.ui.unrolled_view import UnrolledView

LAYOUT_VERSION = 1


def cache_axes(root: QWidget) -> None:
    """Keep each plot axis as a pixmap: pyqtgraph replays the axis's text as a QPicture on
    every repaint of its plot (5 ms an axis here), even when only the data moved."""
    for view in root.findChildren(pg.GraphicsView):
        for item in view.scene().items():
            if isinstance(item, pg.AxisItem):
                item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


class MainWindow(QMainWindow):
    """nnsim's window. Views are attributes (``canvas``, ``curves`` ...); docks by panel key."""

    def __init__(self, settings: QSettings | None = None) -> None:
        super().__init__()
        self.settings = settings if settings is not None else QSettings()
        self.setWindowTitle("nnsim")
        self.setObjectName("nnsim-main-window")
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks
                            | QMainWindow.DockOption.AllowTabbedDocks)
        self.canvas = NetworkCanvas()
        self.feature_maps = FeatureMapsView()
        self.types_page = NetworkTypesPage()
        self.unrolled = UnrolledView()
        self.seq2seq = Seq2SeqView()
        self.central = QStackedWidget()
        for view in (self.canvas, self.feature_maps, self.types_page, self.unrolled,
                     self.seq2seq):
            self.central.addWidget(view)
        self.setCentralWidget(self.central)
        self.lessons = LessonBrowser()
        self.controls = TrainingControls()
        self.curves = CurvesPlot()
        self.editor = NetworkEditor()
        self.stepper = StepperPanel()
        # Panels most lessons never show are built when first shown or used (LazyView).
        self._lazy: dict[str, LazyView] = {
            key: LazyView(factory, cache_axes) for key, factory in (
                ("gallery", ActivationGallery), ("comparison", ComparisonView),
                ("digits", DigitPad), ("evaluation", EvaluationPanel),
                ("inspector", Inspector))}
        self.boundary = BoundaryPlot()
        self.truth_table = TruthTable()
        self.status = StatusPanel()
        self.statusBar().addPermanentWidget(self.status, 1)
        self.views: dict[str, QWidget] = {
            "lessons": self.lessons, "training": self.controls, "curves": self.curves,
            "editor": self.editor, "stepper": self.stepper, "boundary": self.boundary,
            "truth_table": self.truth_table, **self._lazy}
        self.docks: dict[str, QDockWidget] = {}
        self.lesson_panels: tuple[str, ...] = ()
        self.close_hooks: list = []
        self._build_docks()
        cache_axes(self)
        self.default_state = self.saveState(LAYOUT_VERSION)
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self.resize(1280, 800)

    def show_central(self, view: QWidget) -> None:
        """The centre shows the network canvas, a CNN's feature maps, an RNN unrolled or the
        types page."""
        self.central.setCurrentWidget(view)

    def show_model_frame(self, snapshot: Snapshot) -> bool:
        """Draw a frame in whichever view the centre shows; False if it could not."""
        shown = self.central.currentWidget()
        if shown is self.feature_maps:
            return self.feature_maps.show_snapshot(snapshot)
        if shown is self.canvas:
            return self.canvas.show_snapshot(snapshot)
        if shown is self.unrolled:
            return self.unrolled.show_snapshot(snapshot)
        if shown is self.seq2seq:
            return self.seq2seq.show_snapshot(snapshot)
        return False  # the types page draws no model

    def when_built(self, panel: str, key: str, call: Callable[[QWidget], object]) -> None:
        """Run ``call(view)`` on a panel's view now, or when it is first built (LazyView)."""
        self._lazy[panel].when_built(key, call)

    @property
    def inspector(self) -> Inspector:
        return self._lazy["inspector"].view

    @property
    def gallery(self) -> ActivationGallery:
        return self._lazy["gallery"].view

    @property
    def comparison(self) -> ComparisonView:
        return self._lazy["comparison"].view

    @property
    def digit_pad(self) -> DigitPad:
        return self._lazy["digits"].view

    @property
    def evaluation(self) -> EvaluationPanel:
        return self._lazy["evaluation"].view

    @guarded()
    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Once the window manager has framed the window, keep the frame on the screen."""
        super().showEvent(event)
        QTimer.singleShot(100, self._fit_to_screen)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Stop training and remember the layout before the window goes."""
        for hook in self.close_hooks:
            hook()
        self.save_layout()
        super().closeEvent(event)

    # -- layout ------------------------------------------------------------------------------

    def _build_docks(self) -> None:
        first_in_group: dict[str, QDockWidget] = {}
        for spec in PANELS:
            dock = QDockWidget(spec.title, self)
            dock.setObjectName(f"dock-{spec.key}")
            dock.setWidget(self.views[spec.key])
            dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
            self.addDockWidget(spec.area, dock)
            if spec.group in first_in_group:
                self.tabifyDockWidget(first_in_group[spec.group], dock)
            else:
                first_in_group[spec.group] = dock
            self.docks[spec.key] = dock
            # Hidden until a lesson asks for it, so no dock's minimum size inflates the window.
            dock.setVisible(spec.key in ALWAYS)
        self.resizeDocks([self.docks["lessons"], self.docks["boundary"]], [300, 430],
                         Qt.Orientation.Horizontal)
        # The training controls need only their own height; the lesson list (15 lessons and
        # their notes) takes the rest of the left column.
        self.resizeDocks([self.docks["lessons"], self.docks["training"]], [1000, 1],
                         Qt.Orientation.Vertical)

    def show_panels(self, keys: tuple[str, ...] | list[str]) -> None:
        """Show the lesson's panels (and the always-shown ones), hide the rest, raise the first
        panel of each tab group."""
        self.lesson_panels = tuple(keys)
        wanted = set(keys) | set(ALWAYS)
        for spec in PANELS:
            self.docks[spec.key].setVisible(spec.key in wanted)
        # Raise after Qt has laid the newly shown tabs out, first-named panel last (on top).
        order = [k for k in reversed(keys) if k in self.docks]
        QTimer.singleShot(0, lambda: [self.docks[k].raise_() for k in order])

    def reset_layout(self) -> None:
        """Back to the layout the window was built with, showing the open lesson's panels."""
        self.restoreState(self.default_state, LAYOUT_VERSION)
        self.show_panels(self.lesson_panels)
        self.fit_to_screen()

    def fit_to_screen(self) -> None:
        """Keep the whole frame on the screen: docks' minimum sizes must never push the
        window wider or taller than the available screen (the right-hand docks then hide
        off-screen). Runs now and once more after Qt has laid newly shown docks out."""
        self._fit_to_screen()
        QTimer.singleShot(0, self._fit_to_screen)

    def _fit_to_screen(self) -> None:
        screen = self.screen()
        if screen is None or self.isFullScreen():
            return
        available = screen.availableGeometry()
        frame, inner = self.frameGeometry(), self.geometry()
        if self.isMaximized() and frame.height() <= available.height() + 2 and \
                frame.width() <= available.width() + 2:
            return  # the window manager keeps a maximized window on the screen
        extra_w, extra_h = frame.width() - inner.width(), frame.height() - inner.height()
        width = min(inner.width(), available.width() - extra_w)
        height = min(inner.height(), available.height() - extra_h)
        if (width, height) != (inner.width(), inner.height()):
            if self.isMaximized():
                self.showNormal()
            self.resize(width, height)
        frame = self.frameGeometry()
        if not available.contains(frame):
            x = min(max(frame.x(), available.x()), available.right() - frame.width() + 1)
            y = min(max(frame.y(), available.y()), available.bottom() - frame.height() + 1)
            self.move(x, y)

    def restore_layout(self) -> None:
        """Geometry and dock layout from the last session (QSettings)."""
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state, LAYOUT_VERSION)

    def save_layout(self) -> None:
        """Remember geometry and dock layout for next time."""
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState(LAYOUT_VERSION))

    # -- actions and menus -------------------------------------------------------------------

    def _action(self, text: str, shortcut: str | QKeySequence.StandardKey | None = None,
                tip: str = "", checkable: bool = False) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(f"{tip} ({action.shortcut().toString()})"
                              if shortcut is not None else tip)
        action.setCheckable(checkable)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        Key = QKeySequence.StandardKey
        self.action_open = self._action("&Open session…", Key.Open, "Open a saved session")
        self.action_save = self._action("&Save session", Key.Save, "Save this session")
        self.action_save_as = self._action("Save session &as…", Key.SaveAs,
                                           "Save this session under a new name")
        self.action_open_dataset = self._action("Open &dataset…", "Ctrl+D",
                                                "Read MNIST from its IDX files")
        self.action_open_lesson = self._action("Open &lesson file…", "Ctrl+L",
                                               "Open a lesson .toml file")
        self.action_export = self._action("&Export figures…", "Ctrl+E",
                                          "Save the canvas and every plot as PNG and SVG")
        self.action_export_animation = self._action(
            "Export a&nimation…", None, "The run as a GIF or MP4 video, epoch by epoch")
        self.action_export_model = self._action(
            "Export &model…", None, "The network as a NumPy, Keras or PyTorch script")
        self.action_quit = self._action("&Quit", Key.Quit, "Close nnsim")
        self.action_undo = self._action("&Undo", Key.Undo, "Undo the last weight change")
        self.action_redo = self._action("&Redo", Key.Redo, "Redo the weight change")
        self.action_copy_figure = self._action("&Copy figure", "Ctrl+Shift+C",
                                               "Copy the panel under the mouse as a picture")
        self.action_preferences = self._action("&Preferences…", Key.Preferences,
                                               "Theme and drawing settings")
        self.action_train = self._action("&Train", "Space", "Train or pause", checkable=True)
        self.action_step_sample = self._action("Step one &sample", "S",
                                               "Train on one sample, then pause")
        self.action_step_batch = self._action("Step one &batch", "B",
                                              "Train on one mini-batch, then pause")
        self.action_step_epoch = self._action("Step one &epoch", "E",
                                              "Train one epoch, then pause")
        self.action_reset = self._action("&Reset weights", "R",
                                         "New weights from the lesson's seed")
        self.action_reset_random = self._action("Reset with a &new seed", "Shift+R",
                                                "New weights from a fresh random seed")
        self.action_pretrained = self._action("Load &pretrained model", None,
                                              "The shipped digits or MNIST network")
        self.action_match_lecture = self._action(
            "Train as long as the &lecture", None,
            "As many weight updates as the lecture's own run, at unlimited speed")
        self.action_evaluate = self._action("E&valuate now", None,
                                            "Classification report on the held-out rows")
        self.action_projector = self._action("&Projector mode", "F5",
                                             "Full screen, large and high contrast",
                                             checkable=True)
        self.action_zoom_in = self._action("&Larger interface", "Ctrl+=", "Scale up")
        self.action_zoom_in.setShortcuts([QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])
        self.action_zoom_out = self._action("S&maller interface", "Ctrl+-", "Scale down")
        self.action_zoom_reset = self._action("&Actual size", "Ctrl+0", "Scale 100 %")
        self.action_fit = self._action("&Fit canvas to window", "F", "Fit the network")
        self.action_reset_layout = self._action("Reset &layout", None, "Default panel layout")
        self.action_shortcuts = self._action("&Keyboard shortcuts", "F1", "List the keys")
        self.action_about = self._action("&About nnsim", None, "Version and licences")

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for action in (self.action_open, self.action_save, self.action_save_as):
            file_menu.addAction(action)
        self.recent_menu = QMenu("Open &recent", self)
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        for action in (self.action_open_lesson, self.action_open_dataset, self.action_export,
                       self.action_export_animation, self.action_export_model):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.action_quit)
        edit_menu = bar.addMenu("&Edit")
        for action in (self.action_undo, self.action_redo):
            edit_menu.addAction(action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.action_copy_figure)
        edit_menu.addSeparator()
        edit_menu.addAction(self.action_preferences)
        train_menu = bar.addMenu("&Train")
        for action in (self.action_train, self.action_step_sample, self.action_step_batch,
                       self.action_step_epoch, self.action_reset, self.action_reset_random):
            train_menu.addAction(action)
        train_menu.addSeparator()
        train_menu.addAction(self.action_match_lecture)
        train_menu.addAction(self.action_evaluate)
        train_menu.addAction(self.action_pretrained)
        self.data_menu = bar.addMenu("&Data")
        self.cloud_actions = QActionGroup(self)
        for name in CLOUD_NAMES:
            action = self.cloud_actions.addAction(name.capitalize())
            action.setData(name)
            action.setCheckable(True)
            self.data_menu.addAction(action)
        self.data_menu.addSeparator()
        noise_menu = self.data_menu.addMenu("&Noise")
        self.noise_actions = QActionGroup(self)
        for noise in (0.0, 0.05, 0.1, 0.15, 0.2, 0.3):
            action = self.noise_actions.addAction(f"{noise:g}")
            action.setData(noise)
            action.setCheckable(True)
            noise_menu.addAction(action)
        self.action_resample = self._action("New &sample", "Ctrl+R",
                                            "Draw the points again with a new seed")
        self.data_menu.addAction(self.action_resample)
        self.view_menu = bar.addMenu("&View")
        panels = self.view_menu.addMenu("&Panels")
        for spec in PANELS:
            panels.addAction(self.docks[spec.key].toggleViewAction())
        self.view_menu.addAction(self.action_reset_layout)
        self.view_menu.addSeparator()
        for action in (self.action_projector, self.action_zoom_in, self.action_zoom_out,
                       self.action_zoom_reset, self.action_fit):
            self.view_menu.addAction(action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.action_shortcuts)
        help_menu.addAction(self.action_about)

    def _build_toolbar(self) -> None:
        self.toolbar = QToolBar("Main", self)
        self.toolbar.setObjectName("toolbar-main")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.action_train, self.action_step_sample, self.action_step_batch,
                       self.action_step_epoch, self.action_reset):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        editor = self.docks["editor"].toggleViewAction()  # one click from the main window
        editor.setText("Network editor")
        editor.setToolTip("Show or hide the network editor: layers, units, activations")
        self.toolbar.addAction(editor)
        for action in (self.action_fit, self.action_projector):
            self.toolbar.addAction(action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
