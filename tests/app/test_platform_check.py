"""First run on a bare Linux: one line naming what is missing, exit status 2, no Qt abort."""

from __future__ import annotations

import os
import subprocess
import sys

from nnsim.app.platform_check import NO_DISPLAY, XCB_LIBRARIES, platform_problem


def test_names_only_the_missing_libraries_and_their_packages():
    missing = {"libxcb-icccm.so.4", "libxcb-keysyms.so.1"}
    text = platform_problem({"DISPLAY": ":0"}, "linux", lambda name: name not in missing)
    assert text == ("nnsim: Qt needs these libraries to open a window: libxcb-icccm.so.4, "
                    "libxcb-keysyms.so.1. Install them with: sudo apt-get install "
                    "libxcb-icccm4 libxcb-keysyms1")


def test_nothing_to_say_when_every_library_loads_or_qt_draws_elsewhere():
    assert platform_problem({"DISPLAY": ":0"}, "linux", lambda name: True) is None
    never = lambda name: False  # noqa: E731 - nothing loads
    assert platform_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", never) is None
    assert platform_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux", never) is None
    assert platform_problem({}, "darwin", never) is None
    assert platform_problem({}, "linux", never) == NO_DISPLAY
    assert platform_problem({"QT_QPA_PLATFORM": "xcb"}, "linux", never) == NO_DISPLAY


def test_the_table_lists_what_this_qt_plugin_really_loads():
    """Every library the installed xcb plugin links to (ldd) is in the table, or is part of
    Qt itself or of the C library."""
    import PySide6

    plugin = os.path.join(os.path.dirname(PySide6.__file__), "Qt", "plugins", "platforms",
                          "libqxcb.so")
    if not sys.platform.startswith("linux") or not os.path.exists(plugin):
        return
    listed = subprocess.run(["ldd", plugin], capture_output=True, text=True).stdout
    needed = {line.split()[0] for line in listed.splitlines() if "=>" in line}
    ours = {name for name in needed if name.startswith(("libxcb", "libX11-xcb", "libxkb"))}
    assert ours <= set(XCB_LIBRARIES), ours - set(XCB_LIBRARIES)


def test_no_display_is_one_line_and_status_2():
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "nnsim"], capture_output=True, text=True,
                            env=env, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == NO_DISPLAY and result.stdout == ""


def test_smoke_output_has_no_qt_noise(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-m", "nnsim", "--smoke", "--steps", "5",
                             "--screenshot", str(tmp_path / "s.png")], capture_output=True,
                            text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "propagateSizeHints" not in result.stdout + result.stderr
