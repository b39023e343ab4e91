"""Saving and opening ``.nnsim`` sessions from the window, with recent files.

Opening checks the whole file before anything changes, so a corrupt or foreign file leaves the
current work untouched.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog

from nnsim.app.controller import AppController
from nnsim.app.messages import warn
from nnsim.core.perceptron import Perceptron
from nnsim.core.session import Session, SessionError, load_session, save_session
from nnsim.workspace.opening import session_state

RECENT_KEY = "recent/sessions"
MAX_RECENT = 8
FILTER = "nnsim sessions (*.nnsim)"


def session_of(controller: AppController, view: dict | None = None) -> Session:
    """Everything needed to resume the controller's lesson."""
    assert controller.lesson is not None and controller.model is not None
    network = controller.network()
    return Session(
        lesson=str(controller.lesson.path) if controller.lesson.path.parent.name != "lessons"
        else controller.lesson.name,
        model_kind="perceptron" if isinstance(controller.model, Perceptron) else "network",
        architecture=network.spec(), weights=network.get_weights(),
        optimizer=controller.optimizer.get_config(),
        optimizer_state=controller.optimizer.get_state(),
        history={k: list(v) for k, v in controller.history.items()},
        seed=controller.settings.seed,
        training={"learning_rate": controller.settings.learning_rate,
                  "batch_size": controller.settings.batch_size,
                  "epochs": controller.settings.epochs},
        view=view or {}, epoch=controller.history.epochs, timeline=controller.state.timeline)


def restore_session(controller: AppController, session: Session,
                    path: str | Path = "session") -> None:
    """Open the session: its whole state is built and checked first, then swapped in, so a
    bad file raises ``SessionError`` and leaves the open work as it was."""
    controller.open_state(session_state(session, path, controller.watchable))


class SessionFiles:
    """File > Open/Save session and the recent-files menu."""

    def __init__(self, controller: AppController, settings: QSettings) -> None:
        self.controller, self.settings = controller, settings
        self.path: Path | None = None
        window = controller.window
        window.action_open.triggered.connect(self.open_dialog)
        window.action_save.triggered.connect(self.save)
        window.action_save_as.triggered.connect(self.save_as)
        self.update_recent_menu()

    def _folder(self) -> str:
        return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.controller.window, "Open session",
                                              self._folder(), FILTER)
        if path:
            self.open(path)

    def open(self, path: str | Path) -> bool:
        """Open a session; on any problem show it and keep the current work."""
        try:
            session = load_session(path)
        except SessionError as error:
            warn(self.controller.window, "Cannot open the session", str(error))
            return False
        try:
            restore_session(self.controller, session, path)
        except SessionError as error:
            warn(self.controller.window, "Cannot open the session", str(error))
            return False
        self.path = Path(path)
        self._remember(self.path)
        return True

    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        return self.save_to(self.path)

    def save_as(self) -> bool:
        name = self.controller.lesson.name if self.controller.lesson else "session"
        path, _ = QFileDialog.getSaveFileName(self.controller.window, "Save session",
                                              str(Path(self._folder()) / f"{name}.nnsim"),
                                              FILTER)
        return bool(path) and self.save_to(Path(path))

    def save_to(self, path: Path) -> bool:
        """Write atomically; training is paused for a consistent copy of the weights."""
        if self.controller.model is None:
            warn(self.controller.window, "Nothing to save", "This lesson has no model.")
            return False
        controller = self.controller
        resume = controller.runs.running_unpaused()
        controller.stop_training()
        try:
            written = save_session(session_of(controller), path)
        except SessionError as error:
            warn(controller.window, "Cannot save the session", str(error))
            return False
        finally:
            if resume:  # saving is a pause, not an end: training goes on from the saved state
                controller.start_training()
        self.path = written
        self._remember(written)
        self.controller.window.statusBar().showMessage(f"Saved {written}", 5000)
        return True

    def _remember(self, path: Path) -> None:
        recent = [p for p in self.recent() if p != str(path)]
        self.settings.setValue(RECENT_KEY, [str(path), *recent][:MAX_RECENT])
        self.update_recent_menu()

    def recent(self) -> list[str]:
        value = self.settings.value(RECENT_KEY, [])
        if isinstance(value, str):
            return [value]
        return [str(v) for v in (value or [])]

    def update_recent_menu(self) -> None:
        menu = self.controller.window.recent_menu
        menu.clear()
        for path in self.recent():
            action = menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda checked=False, p=path: self.open(p))
        menu.setEnabled(bool(self.recent()))
