"""Before Qt starts: is there a screen, and has this Linux the libraries Qt's window needs?

Without them Qt aborts (exit 134) with a hint that names ``xcb-cursor0`` whatever is actually
missing. Here the missing libraries are named with the ``apt-get install`` line that brings
them, in one line, exit status 2. Checked by loading each library, which is what Qt would do.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping

#: The shared libraries Qt's xcb platform plugin loads, with the Debian/Ubuntu package of each.
XCB_LIBRARIES = {
    "libxcb.so.1": "libxcb1", "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-util.so.1": "libxcb-util1", "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1", "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0", "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0", "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1", "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1", "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0", "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1", "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3", "libglib-2.0.so.0": "libglib2.0-0",
}
NO_DISPLAY = ("nnsim: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set). To run "
              "without a screen: QT_QPA_PLATFORM=offscreen nnsim --smoke")
MISSING = ("nnsim: Qt needs these libraries to open a window: {names}. Install them with: "
           "sudo apt-get install {packages}")


def _loads(name: str) -> bool:
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def platform_problem(environ: Mapping[str, str] = os.environ, platform: str = sys.platform,
                     loads: Callable[[str], bool] = _loads) -> str | None:
    """The one-line reason Qt could not open a window here, or None when it can."""
    if not platform.startswith("linux"):
        return None
    chosen = environ.get("QT_QPA_PLATFORM", "").split(":", 1)[0].strip()
    if chosen and chosen != "xcb":
        return None  # offscreen, wayland, vnc ...: Qt's own plugins, nothing to check here
    if not chosen and environ.get("WAYLAND_DISPLAY"):
        return None
    if not environ.get("DISPLAY"):
        return NO_DISPLAY
    missing = [name for name in XCB_LIBRARIES if not loads(name)]
    if not missing:
        return None
    return MISSING.format(names=", ".join(missing),
                          packages=" ".join(XCB_LIBRARIES[name] for name in missing))
