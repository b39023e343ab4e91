"""Render the app icon (resources/icons/nnsim.svg) to PNGs, a Windows .ico and a macOS iconset.

Run it after changing the SVG and commit the results:

    python packaging/make_icons.py                      # PNGs and nnsim.ico in resources/icons/
    python packaging/make_icons.py --iconset build/nnsim.iconset   # for iconutil on macOS

The PNGs are rendered by Qt's own SVG renderer, so they match what the app draws. The .ico
container is written here (a header, a directory, then 32-bit bitmaps of 16 to 48 px and a PNG at
256 px, as Windows icon tools write it), so no image library beyond Qt is needed.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
SVG = ICONS / "nnsim.svg"
SMALL_SVG = ICONS / "nnsim-small.svg"  # a simplified drawing that stays legible at 16-24 px
SMALL_UP_TO = 24
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 256)  # the sizes Windows asks for
# iconutil's names: icon_<n>x<n>.png and icon_<n>x<n>@2x.png (twice the pixels).
ICONSET_SIZES = (16, 32, 128, 256, 512)


def render(size: int, svg: Path | None = None) -> QImage:
    """The icon as a size x size ARGB image with a transparent background."""
    if svg is None:
        svg = SMALL_SVG if size <= SMALL_UP_TO else SVG
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not a valid SVG file")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def png_bytes(image: QImage) -> bytes:
    """The image encoded as PNG."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError("Qt could not encode a PNG")
    buffer.close()
    return bytes(data)


def bmp_entry(image: QImage) -> bytes:
    """One .ico image in the classic form: a 32-bit BGRA DIB, bottom-up, then a 1-bit AND mask.

    Every Windows version and icon tool reads this; only the 256 px entry is stored as PNG.
    """
    width, height = image.width(), image.height()
    argb = image.convertToFormat(QImage.Format.Format_ARGB32)
    row_bytes = width * 4
    pixels = bytes(argb.constBits())[: row_bytes * height]  # B, G, R, A per pixel (little-endian)
    rows = [pixels[y * row_bytes:(y + 1) * row_bytes] for y in range(height)]
    mask_row_bytes = ((width + 31) // 32) * 4
    mask_rows = []
    for row in rows:
        bits = bytearray(mask_row_bytes)
        for x in range(width):
            if row[4 * x + 3] == 0:  # fully transparent: masked out for old renderers
                bits[x // 8] |= 0x80 >> (x % 8)
        mask_rows.append(bytes(bits))
    header = struct.pack("<IiiHHIIiiII", 40, width, 2 * height, 1, 32, 0,
                         (row_bytes + mask_row_bytes) * height, 0, 0, 0, 0)
    return header + b"".join(reversed(rows)) + b"".join(reversed(mask_rows))


def ico_bytes(images: dict[int, QImage]) -> bytes:
    """An .ico file: ICONDIR, one ICONDIRENTRY per size, then the images (PNG from 256 px)."""
    blobs = {size: png_bytes(image) if size >= 256 else bmp_entry(image)
             for size, image in sorted(images.items())}
    header = struct.pack("<HHH", 0, 1, len(blobs))  # reserved, type 1 = icon, image count
    offset = len(header) + 16 * len(blobs)
    entries, data = b"", b""
    for size, blob in blobs.items():
        side = 0 if size >= 256 else size  # 0 means 256 in the directory
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset)
        data += blob
        offset += len(blob)
    return header + entries + data


def write_icons(folder: Path = ICONS) -> list[Path]:
    """Write nnsim-<size>.png for every size and nnsim.ico into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    images = {size: render(size) for size in sorted(set(PNG_SIZES) | set(ICO_SIZES))}
    for size in PNG_SIZES:
        path = folder / f"nnsim-{size}.png"
        path.write_bytes(png_bytes(images[size]))
        written.append(path)
    ico = folder / "nnsim.ico"
    ico.write_bytes(ico_bytes({size: images[size] for size in ICO_SIZES}))
    written.append(ico)
    return written


def write_iconset(folder: Path) -> list[Path]:
    """Write a macOS .iconset folder; ``iconutil -c icns <folder>`` turns it into an .icns."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for size in ICONSET_SIZES:
        for scale, suffix in ((1, ""), (2, "@2x")):
            path = folder / f"icon_{size}x{size}{suffix}.png"
            path.write_bytes(png_bytes(render(size * scale)))
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iconset", type=Path, help="write a macOS .iconset folder here")
    parser.add_argument("--out", type=Path, default=ICONS,
                        help="folder for the PNGs and nnsim.ico (default resources/icons)")
    args = parser.parse_args(argv)
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    paths = write_iconset(args.iconset) if args.iconset else write_icons(args.out)
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
