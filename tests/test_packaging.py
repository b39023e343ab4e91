"""Cheap checks of packaging/: the spec, the launcher entry, the icons and the build scripts.

Building the bundle takes minutes, so it happens in .ci/build_bundle, not here.
"""

from __future__ import annotations

import ast
import configparser
import importlib.util
import re
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage, QImageReader

import nnsim
from nnsim.core.resources import resource_path

REPO = Path(__file__).resolve().parent.parent
PACKAGING = REPO / "packaging"
SPEC = PACKAGING / "nnsim.spec"
ICONS = REPO / "resources" / "icons"
BLUE, ORANGE = (33, 102, 172), (230, 97, 1)  # nnsim/ui/palette.py NEGATIVE, POSITIVE


def _load_make_icons():
    # Loaded by path: "packaging" is also the name of a PyPI package.
    spec = importlib.util.spec_from_file_location("nnsim_make_icons", PACKAGING / "make_icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def make_icons():
    return _load_make_icons()


@pytest.fixture
def spec_namespace(monkeypatch) -> dict:
    """The spec's settings and helper functions, run without PyInstaller (up to Analysis)."""
    monkeypatch.setattr(sys, "path", list(sys.path))  # the spec prepends the repository
    tree = ast.parse(SPEC.read_text(encoding="utf-8"), filename=str(SPEC))
    head = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                and getattr(node.value.func, "id", "") == "Analysis":
            break
        head.append(node)
    namespace = {"SPECPATH": str(PACKAGING), "__name__": "nnsim_spec"}
    exec(compile(ast.Module(head, type_ignores=[]), str(SPEC), "exec"), namespace)
    return namespace


def _analysis_call() -> ast.Call:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    return next(node for node in ast.walk(tree) if isinstance(node, ast.Call)
                and getattr(node.func, "id", "") == "Analysis")


def _pixels(image: QImage) -> np.ndarray:
    """(height, width, 4) RGBA uint8 array of a QImage."""
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    data = np.frombuffer(bytes(rgba.constBits()), dtype=np.uint8)
    return data[: rgba.height() * rgba.bytesPerLine()].reshape(
        rgba.height(), rgba.bytesPerLine())[:, : rgba.width() * 4].reshape(
        rgba.height(), rgba.width(), 4)


def _near(pixels: np.ndarray, colour: tuple[int, int, int], tolerance: int = 12) -> int:
    """How many opaque pixels are within ``tolerance`` of ``colour`` in every channel."""
    close = np.all(np.abs(pixels[..., :3].astype(int) - colour) <= tolerance, axis=-1)
    return int(np.count_nonzero(close & (pixels[..., 3] == 255)))


# The spec ------------------------------------------------------------------------------------

def test_spec_is_one_windowed_folder_from_the_entry_script():
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    calls = {node.func.id: node for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert {"Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE"} <= calls.keys()
    exe = {keyword.arg: keyword.value for keyword in calls["EXE"].keywords}
    assert ast.literal_eval(exe["console"]) is False
    assert ast.literal_eval(exe["exclude_binaries"]) is True  # one folder, not one file
    assert "nnsim_entry.py" in ast.unparse(_analysis_call().args[0])


def test_spec_ships_resources_where_the_frozen_app_looks(monkeypatch, tmp_path):
    datas = next(k.value for k in _analysis_call().keywords if k.arg == "datas")
    (source, destination), = [element.elts for element in datas.elts]
    assert ast.unparse(source) == "str(ROOT / 'resources')"
    destination = ast.literal_eval(destination)
    lesson = tmp_path / destination / "lessons" / "frozen-only.toml"
    lesson.parent.mkdir(parents=True)
    lesson.write_text("", encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("lessons", "frozen-only.toml") == lesson


@pytest.mark.parametrize("destination", [
    "nnsim/resources/lessons/digits.toml",
    "nnsim/resources/icons/nnsim.svg",
    "PySide6/Qt/lib/libQt6Core.so.6",
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/platforms/libqwayland.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6/plugins/platforms/qwindows.dll",
    "PySide6/Qt/plugins/platforms/libqcocoa.dylib",
    "PySide6/Qt/plugins/styles/libqmacstyle.dylib",
    "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
    "PySide6/Qt/plugins/imageformats/libqsvg.so",
    "sklearn/datasets/data/digits.csv.gz",
    "sklearn/datasets/descr/digits.rst",
    "imageio_ffmpeg/binaries/__init__.py",
])
def test_spec_keeps_what_nnsim_needs(spec_namespace, destination):
    assert spec_namespace["_kept"](destination)


@pytest.mark.parametrize("destination", [
    "PySide6/Qt/translations/qtbase_de.qm",
    "PySide6/translations/qtbase_de.qm",
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
    "PySide6/Qt/plugins/imageformats/libqpdf.so",
    "PySide6/plugins/imageformats/qpdf.dll",
    "PySide6/Qt/plugins/platforms/libqeglfs.so",
    "PySide6/Qt/plugins/qmltooling/libqmldbg_debugger.so",
    "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
    "sklearn/datasets/data/iris.csv",
    "sklearn/datasets/images/china.jpg",
    "scipy/special/tests/data/boost.npz",
    "imageio_ffmpeg/binaries/ffmpeg-linux-x86_64-v7.1",  # 170 MB: MP4 uses a system ffmpeg
    "imageio_ffmpeg/binaries/ffmpeg-win-x86_64-v7.1.exe",
])
def test_spec_leaves_out_what_nnsim_never_uses(spec_namespace, destination):
    assert not spec_namespace["_kept"](destination)


@pytest.mark.parametrize("destination", ["libstdc++.so.6", "libgcc_s.so.1", "libexpat.so.1"])
def test_spec_leaves_the_c_runtime_to_the_linux_host(spec_namespace, destination, monkeypatch):
    """Copied from the Debian 12 build machine they needed glibc 2.36 (issue: Ubuntu 22.04)."""
    monkeypatch.setattr(sys, "platform", "linux")
    assert not spec_namespace["_kept"](destination)
    assert spec_namespace["_kept"]("libpython3.11.so.1.0")
    assert spec_namespace["_kept"]("PySide6/Qt/lib/libQt6Core.so.6")
    monkeypatch.setattr(sys, "platform", "win32")
    assert spec_namespace["_kept"](destination)  # only Linux hosts are sure to have them


def test_spec_excludes_unused_qt_modules_and_heavy_optional_packages(spec_namespace):
    excluded = set(spec_namespace["EXCLUDED_MODULES"])
    assert {"PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtNetwork", "PySide6.QtPdf",
            "matplotlib", "tkinter", "torch", "pandas"} <= excluded
    # What nnsim and pyqtgraph import must stay.
    assert not excluded & {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets",
                           "PySide6.QtSvg", "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets",
                           "PySide6.QtTest", "sklearn", "scipy", "numpy", "threadpoolctl"}


def test_spec_takes_the_version_from_the_package(spec_namespace):
    assert spec_namespace["__version__"] == nnsim.__version__


def test_entry_script_runs_the_nnsim_command_line():
    result = subprocess.run([sys.executable, str(PACKAGING / "nnsim_entry.py"), "--version"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"nnsim {nnsim.__version__}"


# Build scripts -------------------------------------------------------------------------------

@pytest.mark.parametrize("script", ["packaging/linux/build.sh", "packaging/macos/build.sh",
                                    ".ci/build_bundle", ".ci/check_wheel",
                                    ".ci/check_exports"])
def test_shell_scripts_are_executable_bash(script):
    path = REPO / script
    assert path.stat().st_mode & 0o111, f"{script} is not executable"
    result = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("script", ["packaging/linux/build.sh", "packaging/macos/build.sh",
                                    "packaging/windows/build.ps1"])
def test_build_scripts_read_the_version_from_the_package(script):
    text = (REPO / script).read_text(encoding="utf-8")
    assert "import nnsim; print(nnsim.__version__)" in text
    assert nnsim.__version__ not in text


def test_inno_setup_script_gets_the_version_passed_in():
    text = (PACKAGING / "windows" / "nnsim.iss").read_text(encoding="utf-8")
    assert "AppVersion={#AppVersion}" in text
    assert "/DAppVersion=$version" in (PACKAGING / "windows" / "build.ps1").read_text()
    assert nnsim.__version__ not in text
    assert 'Name: "{autoprograms}\\nnsim"; Filename: "{app}\\nnsim.exe"' in text  # Start menu
    assert "SetupIconFile=..\\..\\resources\\icons\\nnsim.ico" in text


# The Windows and macOS scripts have never run here: at least every path they name exists.
_NAMED_PATHS = re.compile(r"(?:\.\.[\\/]\.\.[\\/])?(?:packaging|resources)[\\/][\w.\\/-]+")


@pytest.mark.parametrize("script", ["packaging/macos/build.sh", "packaging/windows/build.ps1",
                                    "packaging/windows/nnsim.iss"])
def test_every_path_the_untried_scripts_name_exists(script):
    path = REPO / script
    named = _NAMED_PATHS.findall(path.read_text(encoding="utf-8"))
    assert named, script
    for name in named:
        # "..\..\x" is relative to the script (Inno Setup), the rest to the repository root.
        base = path.parent if name.startswith("..") else REPO
        target = (base / name.replace("\\", "/")).resolve()
        assert target.exists(), f"{script} names {name}, which is not in the repository"
    # And what the .iss packs is what PyInstaller writes (the spec's COLLECT name).
    if script.endswith(".iss"):
        text = path.read_text(encoding="utf-8")
        assert 'Source: "..\\..\\dist\\nnsim\\*"' in text
        assert 'name="nnsim"' in (PACKAGING / "nnsim.spec").read_text()


def test_the_glibc_floor_check_fails_above_the_recorded_floor(tmp_path, monkeypatch):
    """A real ELF file (this Python) in a folder: its floor is read, and a recorded floor below
    it fails the check while one above passes."""
    spec = importlib.util.spec_from_file_location("glibc_floor",
                                                  PACKAGING / "linux" / "glibc_floor.py")
    floor = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(floor)
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "python").write_bytes(Path(sys.executable).resolve().read_bytes())
    (bundle / "notes.txt").write_text("not ELF")
    assert floor.elf_files(bundle) == [bundle / "python"]
    needed = floor.needed_versions(bundle / "python")["GLIBC"]
    assert needed >= (2, 2)
    recorded = tmp_path / "GLIBC_FLOOR"
    monkeypatch.setattr(floor, "RECORDED", recorded)
    recorded.write_text("2.1\n")
    assert floor.main([str(bundle), "--check"]) == 1
    recorded.write_text("99.0\n")
    assert floor.main([str(bundle), "--check"]) == 0
    assert (PACKAGING / "linux" / "GLIBC_FLOOR").read_text().split()[0] == "2.35"


# Launcher entry and icons --------------------------------------------------------------------

def test_desktop_entry_has_the_keys_a_launcher_needs():
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(PACKAGING / "linux" / "nnsim.desktop", encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name"] == "nnsim"
    assert entry["Exec"] == "nnsim"
    assert entry["Icon"] == "nnsim"
    assert entry["Terminal"] == "false"
    categories = entry["Categories"].split(";")
    assert {"Education", "Science"} <= set(categories) and categories[-1] == ""
    assert entry["Comment"] and entry["GenericName"]


def test_deb_installs_every_icon_size_under_the_desktop_entry_icon_name():
    script = (PACKAGING / "linux" / "build.sh").read_text(encoding="utf-8")
    sizes = [int(size) for size in re.search(r"for size in ([\d ]+);", script).group(1).split()]
    assert {16, 32, 48, 256} <= set(sizes)
    assert "hicolor/${size}x$size/apps/nnsim.png" in script
    for size in sizes:
        image = QImage(str(ICONS / f"nnsim-{size}.png"))
        assert (image.width(), image.height()) == (size, size)


@pytest.mark.parametrize("size", [16, 32, 128])
def test_icon_renders_in_the_app_palette_on_a_rounded_tile(qapp, make_icons, size):
    pixels = _pixels(make_icons.render(size))
    assert pixels[0, 0, 3] == 0 and pixels[-1, -1, 3] == 0  # rounded corners are transparent
    assert pixels[size // 2, size // 2, 3] == 255
    assert np.count_nonzero(pixels[..., 3]) > 0.8 * size * size
    assert _near(pixels, BLUE) >= size * size // 100
    assert _near(pixels, ORANGE) >= size * size // 100


@pytest.mark.parametrize("size", [16, 32, 256])
def test_committed_pngs_match_the_svg(qapp, make_icons, size):
    fresh = _pixels(make_icons.render(size)).astype(int)
    committed = _pixels(QImage(str(ICONS / f"nnsim-{size}.png"))).astype(int)
    assert np.abs(fresh - committed).mean() < 3, "run python packaging/make_icons.py"


def test_ico_holds_the_windows_sizes_and_qt_reads_them(qapp, make_icons):
    data = (ICONS / "nnsim.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, len(make_icons.ICO_SIZES))
    sides = [data[6 + 16 * i] or 256 for i in range(count)]
    assert sides == sorted(make_icons.ICO_SIZES)
    reader = QImageReader(str(ICONS / "nnsim.ico"))
    assert reader.imageCount() == count
    reader.jumpToImage(sides.index(32))
    decoded = _pixels(reader.read()).astype(int)
    assert np.abs(decoded - _pixels(make_icons.render(32)).astype(int)).max() <= 1


def test_iconset_has_the_names_iconutil_expects(qapp, make_icons, tmp_path):
    written = {path.name for path in make_icons.write_iconset(tmp_path / "nnsim.iconset")}
    assert {"icon_16x16.png", "icon_16x16@2x.png", "icon_512x512.png",
            "icon_512x512@2x.png"} <= written
    assert QImage(str(tmp_path / "nnsim.iconset" / "icon_512x512@2x.png")).width() == 1024
