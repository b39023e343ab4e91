"""A fresh nnsim window per test, with settings in a temporary file (never the user's)."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QSettings

os.environ.setdefault("NNSIM_NO_DIALOGS", "1")


@pytest.fixture
def make_app(qtbot, tmp_path):
    """Opens nnsim windows (settings in a temporary file) and closes them after the test."""
    from nnsim.app.application import NnsimApp
    from nnsim.app.main import make_application

    make_application()
    apps = []

    def make(watchable: bool = False) -> NnsimApp:
        settings = QSettings(str(tmp_path / f"settings-{len(apps)}.ini"),
                             QSettings.Format.IniFormat)
        # Unlimited speed unless a test asks for the lecture pace (it would slow every run).
        settings.setValue("training/watchable", watchable)
        app = NnsimApp(settings)
        qtbot.addWidget(app.window)
        app.start("backprop-xor")
        app.window.show()
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.controller.stop_training(2000)
        app.window.close()


@pytest.fixture
def nnsim_app(make_app):
    return make_app()


def warnings_shown(window) -> list[str]:
    """Texts of the warning boxes the window has opened."""
    from PySide6.QtWidgets import QMessageBox

    return [box.text() for box in window.findChildren(QMessageBox, "nnsim-warning")]


def run_over(controller) -> bool:
    """The run has ended and its end was handled (history folded, verdict shown): the trainer
    reports not running before its `finished` reaches the window."""
    return not controller.is_training and not controller.workspace.status.is_active
