"""Qt's offscreen platform with a screen of a real size (1280x800 unless told otherwise).

Plain ``QT_QPA_PLATFORM=offscreen`` reports an 800x800 screen, which no laptop or projector
has; the window keeps itself inside the screen, so smoke runs and tests would draw a squeezed
window. ``offscreen:configfile=...`` describes the screen Qt should pretend to have.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import MutableMapping

SIZE_VARIABLE = "NNSIM_OFFSCREEN_SIZE"
"""WIDTHxHEIGHT of the pretend screen, e.g. 1920x1080."""


def configure_offscreen(environ: MutableMapping[str, str] = os.environ) -> None:
    """Give a bare ``offscreen`` platform a screen of ``NNSIM_OFFSCREEN_SIZE`` (or 1280x800).

    Must run before the QApplication is made; other platforms are left alone.
    """
    if environ.get("QT_QPA_PLATFORM", "").strip() != "offscreen":
        return
    width, _, height = environ.get(SIZE_VARIABLE, "1280x800").partition("x")
    screen = {"name": "nnsim-offscreen", "x": 0, "y": 0, "width": int(width),
              "height": int(height), "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
    handle, path = tempfile.mkstemp(prefix="nnsim-offscreen-", suffix=".json")
    with os.fdopen(handle, "w") as stream:
        json.dump({"screens": [screen]}, stream)
    environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={path}"
