"""``nnsim --smoke``: open the window, train N steps through the real worker thread, save a
screenshot, exit 0. Proves an install works, offscreen or on a display."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QSettings
from PySide6.QtWidgets import QApplication

from nnsim.app.application import DEFAULT_LESSON, NnsimApp

TIMEOUT_MS = 120_000


def run_smoke(app: QApplication, lesson: str | None, steps: int,
              screenshot: str | None) -> int:
    """Returns the exit status: 0 when the window trained and the screenshot was written."""
    settings_file = Path(tempfile.mkdtemp(prefix="nnsim-smoke-")) / "settings.ini"
    nnsim = NnsimApp(QSettings(str(settings_file), QSettings.Format.IniFormat))
    window = nnsim.window
    if not nnsim.controller.load_lesson_safely(lesson or DEFAULT_LESSON):
        print(f"nnsim --smoke: cannot open lesson {lesson!r}", file=sys.stderr)
        return 2
    window.resize(1280, 800)
    window.show()
    controller = nnsim.controller
    timer = QElapsedTimer()
    timer.start()
    trained = 0
    if controller.model is not None and controller.lesson is not None \
            and controller.lesson.has_model:
        controller.settings.epochs = 0  # until stopped: the smoke run decides when
        controller.settings.max_steps = steps
        controller.settings.speed = None  # flat out: the smoke run proves training works
        if not controller.start_training():
            print("nnsim --smoke: training could not start", file=sys.stderr)
            return 1
        while controller.is_training and timer.elapsed() < TIMEOUT_MS:
            app.processEvents()
            time.sleep(0.002)
        if controller.is_training:
            print("nnsim --smoke: training did not finish in time", file=sys.stderr)
            controller.stop_training()
            return 1
        app.processEvents()
        trained = controller.last_snapshot.step if controller.last_snapshot else 0
    for _ in range(5):
        app.processEvents()
    controller.pacer.flush()
    app.processEvents()
    path = Path(screenshot) if screenshot else Path(tempfile.gettempdir()) / "nnsim-smoke.png"
    image = window.grab()
    if not image.save(str(path)):
        print(f"nnsim --smoke: cannot write the screenshot to {path}", file=sys.stderr)
        return 1
    print(f"nnsim --smoke: lesson {controller.lesson.name if controller.lesson else '?'}, "
          f"{trained} steps trained, screenshot {path} ({image.width()}x{image.height()})")
    window.close()
    return 0
