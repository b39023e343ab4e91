"""Start the app: ``nnsim`` opens the window; ``nnsim --smoke`` proves it works and exits."""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from PySide6.QtCore import (
    QCoreApplication,
    QSize,
    Qt,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from nnsim import __version__
from nnsim.app.offscreen import configure_offscreen
from nnsim.app.platform_check import platform_problem
from nnsim.core.resources import resource_path


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with nnsim's names (QSettings and QStandardPaths use them)."""
    app = QApplication.instance()
    if app is None:
        configure_offscreen()
        app = QApplication(argv or [sys.argv[0]])
    QCoreApplication.setOrganizationName("nnsim")
    QCoreApplication.setApplicationName("nnsim")
    QCoreApplication.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName("nnsim")  # Wayland matches the window to nnsim.desktop
    try:
        icon = QIcon()
        for size in (16, 24, 32, 48, 64, 128, 256, 512):
            icon.addFile(str(resource_path("icons", f"nnsim-{size}.png")), QSize(size, size))
        app.setWindowIcon(icon)
    except FileNotFoundError:  # an icon is not worth refusing to start over
        pass
    return app  # type: ignore[return-value]


_shown_errors: set[tuple[str, str]] = set()


def _excepthook(kind: type[BaseException], error: BaseException, tb: object) -> None:
    """An unexpected error in a slot: print it, say so once, keep the window usable.

    It never raises (an error in the hook ends the process through "Error in sys.excepthook")
    and never runs a modal loop (a nested event loop inside a failing paint made the errors
    cascade): the message box is opened non-modally, once per kind of error.
    """
    try:
        text = "".join(traceback.format_exception(kind, error, tb))  # type: ignore[arg-type]
        print(text, file=sys.stderr)
        key = (kind.__name__, str(error))
        if key in _shown_errors or QApplication.instance() is None or \
                os.environ.get("NNSIM_NO_DIALOGS"):
            _shown_errors.add(key)
            return
        _shown_errors.add(key)
        box = QMessageBox(QMessageBox.Icon.Critical, "nnsim: unexpected error",
                          f"{error}\n\nYour work is unchanged. Details were printed to the "
                          "terminal.", QMessageBox.StandardButton.Ok)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
    except BaseException:  # noqa: BLE001 - the hook must never raise
        pass


#: Qt warnings that are noise to a user (the offscreen plugin says this once per window).
QUIET = ("This plugin does not support propagateSizeHints()",)


def _qt_message(kind: QtMsgType, context: object, message: str) -> None:
    """Qt's messages on stderr, less the ones that only alarm users."""
    if not any(noise in message for noise in QUIET):
        print(f"qt: {message}", file=sys.stderr)


def run_app(args: argparse.Namespace) -> int:
    """Open the main window (or run the smoke test) and run the event loop."""
    problem = platform_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    qInstallMessageHandler(_qt_message)
    app = make_application()
    if args.smoke:
        from nnsim.app.smoke import run_smoke

        return run_smoke(app, args.lesson, args.steps, args.screenshot)
    from nnsim.app.application import NnsimApp

    sys.excepthook = _excepthook
    nnsim = NnsimApp()
    nnsim.start(args.lesson)
    nnsim.window.show()
    if args.projector:
        QTimer.singleShot(0, lambda: nnsim.presentation.set_projector(True))
    return app.exec()
