"""Every panel's figure export, with one error contract.

``export_figure(view, path, width)`` writes what a view shows as a PNG of the chosen pixel
width or as an SVG, by the file's suffix. The PNG is painted at a device pixel ratio of
width / on-screen width, so texts, pens and markers sized in screen pixels keep their share of
the figure: a 3840 px export looks like the panel, only sharper. The file appears whole or not
at all (written to a temporary file, then renamed), and every failure is one
``FigureExportError`` naming the file and what went wrong.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRectF, QSizeF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView, QWidget

MAX_WIDTH = 3840     # a 4K projector; larger pictures only cost memory
MIN_WIDTH = 16
SCREEN_SCALE = 2.0   # the default PNG: twice the on-screen size, sharp on slides

Source = QWidget | QGraphicsItem
Background = QColor | tuple[int, int, int] | None


class FigureExportError(OSError):
    """A figure could not be written; nothing was created. ``filename`` is the file and
    ``strerror`` what was wrong, so ``except OSError`` handlers read it as any file error."""

    def __init__(self, path: str | os.PathLike, problem: str,
                 code: int = errno.EIO) -> None:
        super().__init__(code, problem, str(path))

    def __str__(self) -> str:
        return f"cannot export {self.filename}: {self.strerror}"


def pen_scale(painter: QPainter) -> float:
    """How much wider a pen sized in screen pixels (cosmetic) must be drawn to keep its share
    of the figure: the pixel ratio of a PNG export, else 1.

    Qt draws cosmetic pens in device pixels, so a 3840 px export would thin 1 px edges to a
    quarter of their look. On screen nothing changes: wider pens cost 30-60x to draw.
    """
    device = painter.device()
    return device.devicePixelRatio() if isinstance(device, QImage) else 1.0


def export_figure(source: Source, path: str | os.PathLike, width: int | None = None, *,
                  background: Background = None,
                  title: str = "nnsim figure") -> Path:
    """Write ``source`` as shown to ``path`` (.png or .svg) and return the path.

    ``source`` is a QGraphicsView (its visible scene, no child widgets such as hover texts),
    another widget (with its children), or a graphics item (its scene rectangle). ``width``
    is the PNG's width in pixels (default twice the on-screen width, at most 3840; the height
    follows the aspect). ``background`` fills behind the drawing (default: the view's).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise FigureExportError(path, "the name must end in .png or .svg", errno.EINVAL)
    folder = path.absolute().parent
    if not folder.is_dir():
        raise FigureExportError(path, f"the folder {folder} does not exist", errno.ENOENT)
    if path.is_dir():
        raise FigureExportError(path, "a folder of that name is in the way", errno.EISDIR)
    if not isinstance(source, QWidget) and source.scene() is None:
        raise FigureExportError(path, "the figure is not shown in any view")
    size = _size(source)
    if size.width() < 1 or size.height() < 1:
        raise FigureExportError(path, "the figure has no size yet (show the panel first)")
    if width is not None and not MIN_WIDTH <= width <= MAX_WIDTH:
        raise FigureExportError(path, f"a width of {width} px is not between {MIN_WIDTH} and "
                                f"{MAX_WIDTH}", errno.EINVAL)
    if suffix == ".svg":
        data = _svg(source, size, background, title, path)
    else:
        pixels = width or min(max(round(SCREEN_SCALE * size.width()), MIN_WIDTH), MAX_WIDTH)
        data = _png(source, size, int(pixels), background, path)
    _write(path, data)
    return path


def _size(source: Source) -> QSizeF:
    """The figure's size on screen, in device-independent pixels."""
    if isinstance(source, QGraphicsView):
        return QSizeF(source.viewport().size())
    if isinstance(source, QWidget):
        return QSizeF(source.size())
    return source.sceneBoundingRect().size()


def _fill(source: Source, background: Background) -> QColor:
    if background is not None:
        return QColor(*background) if isinstance(background, tuple) else QColor(background)
    if isinstance(source, QGraphicsView):
        return source.backgroundBrush().color()
    if isinstance(source, QWidget):
        return source.palette().window().color()
    views = source.scene().views() if source.scene() is not None else []
    return views[0].backgroundBrush().color() if views else QColor(255, 255, 255)


def _draw(source: Source, painter: QPainter, size: QSizeF) -> None:
    """Paint ``source`` into (0, 0, size) of the painter's logical coordinates."""
    target = QRectF(0.0, 0.0, size.width(), size.height())
    if isinstance(source, QGraphicsView):
        _prepare(source.scene())
        painter.setRenderHints(source.renderHints(), True)
        source.render(painter, target, source.viewport().rect())
    elif isinstance(source, QWidget):
        source.render(painter, QPoint(0, 0))  # PySide6 wants the offset with a painter
    else:
        _prepare(source.scene())
        source.scene().render(painter, target, source.sceneBoundingRect())


def _prepare(scene: object) -> None:
    """pyqtgraph's scenes apply pending view ranges just before they paint."""
    prepare = getattr(scene, "prepareForPaint", None)
    if prepare is not None:
        prepare()


def render_image(source: Source, width: int | None = None, *,
                 background: Background = None) -> QImage:
    """``source`` as shown, as a picture ``width`` pixels wide (default twice its on-screen
    width): what Edit > Copy figure puts on the clipboard. Raises FigureExportError."""
    size = _size(source)
    if size.width() < 1 or size.height() < 1:
        raise FigureExportError("clipboard", "the figure has no size yet (show the panel first)")
    pixels = width or min(max(round(SCREEN_SCALE * size.width()), MIN_WIDTH), MAX_WIDTH)
    return _render(source, size, int(pixels), background, Path("clipboard"))


def _render(source: Source, size: QSizeF, width: int, background: Background,
            path: Path) -> QImage:
    ratio = width / size.width()
    height = max(1, round(size.height() * ratio))
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    if image.isNull():
        raise FigureExportError(path, f"no memory for a {width}x{height} picture", errno.ENOMEM)
    image.setDevicePixelRatio(ratio)
    image.fill(_fill(source, background))
    painter = QPainter()
    if not painter.begin(image):
        raise FigureExportError(path, "Qt could not paint the picture")
    try:
        _draw(source, painter, size)
    finally:
        painter.end()
    image.setDevicePixelRatio(1.0)  # the file holds plain pixels
    return image


def _png(source: Source, size: QSizeF, width: int, background: Background,
         path: Path) -> bytes:
    image = _render(source, size, width, background, path)
    return _encode(path, lambda device: image.save(device, "PNG"))


def _svg(source: Source, size: QSizeF, background: Background, title: str,
         path: Path) -> bytes:
    def paint(device: QBuffer) -> bool:
        generator = QSvgGenerator(QSvgGenerator.SvgVersion.Svg11)  # 1.1 keeps clip paths
        generator.setOutputDevice(device)
        dpi = source.logicalDpiX() if isinstance(source, QWidget) else 96
        generator.setResolution(dpi)  # fonts in points come out as on screen
        generator.setSize(size.toSize())
        generator.setViewBox(QRectF(0.0, 0.0, size.width(), size.height()))
        generator.setTitle(title)
        painter = QPainter()
        if not painter.begin(generator):
            return False
        try:
            painter.fillRect(QRectF(0.0, 0.0, size.width(), size.height()),
                             _fill(source, background))
            _draw(source, painter, size)
        finally:
            painter.end()
        return True

    return _encode(path, paint)


def _encode(path: Path, write: Callable[[QBuffer], bool]) -> bytes:
    """Run ``write(device)`` into memory: the file is touched only once it all worked."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    ok = write(buffer)
    buffer.close()
    if not ok or data.isEmpty():
        raise FigureExportError(path, "Qt could not encode the figure")
    return bytes(data.data())


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it over ``path``."""
    temporary = path.absolute().parent / f".{path.name}.{secrets.token_hex(4)}.part"
    created = False
    try:
        with open(temporary, "xb") as file:  # "x": never someone else's; mode as umask says
            created = True
            file.write(data)
        os.replace(temporary, path)
        created = False
    except OSError as error:
        raise FigureExportError(path, error.strerror or str(error),
                                error.errno or errno.EIO) from error
    finally:
        if created:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
