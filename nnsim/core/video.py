"""Frames (H, W, 3 uint8 arrays) into a GIF or an MP4, whole or not at all.

MP4 goes through imageio's ffmpeg writer (the ``imageio-ffmpeg`` wheel carries the binary; the
Linux bundle leaves that 170 MB binary out and uses a system ffmpeg when there is one), GIF
through Pillow. The file is written under a temporary name beside the target and renamed over it
only once complete, so a cancelled or failed export never leaves half a video behind, and every
failure is one ``AnimationError`` naming the file. The imports happen on first use: the app
starts without them.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Any

import numpy as np

from nnsim.core.animation import AnimationError

Array = np.ndarray

NO_FFMPEG = ("no ffmpeg program is available to encode MP4 (the installed app leaves it out to "
             "stay small): save a .gif, install ffmpeg, or set IMAGEIO_FFMPEG_EXE to one")


def check_encoder(path: str | os.PathLike) -> None:
    """Raise AnimationError now, before any training or drawing, if ``path``'s format cannot
    be written here (an MP4 without ffmpeg, as in the installed app without a system one)."""
    if Path(path).suffix.lower() != ".mp4":
        return
    try:
        import imageio_ffmpeg

        imageio_ffmpeg.get_ffmpeg_exe()
    except ImportError as error:
        raise AnimationError(f"cannot write {path}: imageio-ffmpeg is needed for MP4 "
                             f"({error})") from error
    except RuntimeError as error:
        raise AnimationError(f"cannot write {path}: {NO_FFMPEG}") from error


class VideoWriter:
    """Append frames of one size, then ``close()`` to publish the file or ``abort()`` to drop
    it. Use as a context manager: an exception inside aborts."""

    def __init__(self, path: str | os.PathLike, size: tuple[int, int], fps: int) -> None:
        self.path = Path(path)
        self.size, self.fps, self.frames = (int(size[0]), int(size[1])), int(fps), 0
        suffix = self.path.suffix.lower()
        if suffix not in (".gif", ".mp4"):
            raise AnimationError(f"cannot write {self.path}: the name must end in .gif or .mp4")
        # The suffix stays last: ffmpeg picks the container by it.
        self.temporary = self.path.absolute().parent / \
            f".{self.path.stem}.{secrets.token_hex(4)}.part{suffix}"
        self._gif: list[Any] | None = None
        self._mp4: Any = None
        try:
            with open(self.temporary, "xb"):  # "x": never someone else's file
                pass
        except OSError as error:
            raise self._error(error) from error
        try:
            if suffix == ".gif":
                self._gif = []
            else:
                self._mp4 = self._open_mp4()
        except BaseException:
            self._remove()
            raise

    def _error(self, error: BaseException | str) -> AnimationError:
        if isinstance(error, OSError):
            text = error.strerror or str(error)
        else:
            text = str(error)
        return AnimationError(f"cannot write {self.path}: {text}")

    def _open_mp4(self) -> Any:
        check_encoder(self.path)
        try:
            import imageio.v2 as imageio
        except ImportError as error:
            raise self._error(f"imageio is needed for MP4 ({error})") from error
        try:
            # macro_block_size=1: keep the requested size (imageio would round 1080 to 1088).
            return imageio.get_writer(self.temporary, format="FFMPEG", mode="I", fps=self.fps,
                                      codec="libx264", pixelformat="yuv420p", quality=7,
                                      macro_block_size=1, ffmpeg_log_level="error")
        except (OSError, RuntimeError, ValueError) as error:
            raise self._error(error) from error

    def write(self, frame: Array) -> None:
        """Add one frame of exactly ``size`` (RGB, uint8)."""
        frame = np.asarray(frame)
        if frame.shape != (self.size[1], self.size[0], 3) or frame.dtype != np.uint8:
            raise ValueError(f"a frame must be {self.size[1]}x{self.size[0]}x3 uint8, got "
                             f"{frame.shape} {frame.dtype}")
        if self._gif is not None:
            from PIL import Image

            # One palette per frame, no dithering: flat colours stay flat (small deltas).
            self._gif.append(Image.fromarray(frame, "RGB").quantize(
                256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE))
        else:
            try:
                self._mp4.append_data(frame)
            except (OSError, RuntimeError) as error:
                self.abort()
                raise self._error(error) from error
        self.frames += 1

    def close(self) -> Path:
        """Finish the file and move it into place; the path written."""
        try:
            if self._gif is not None:
                if not self._gif:
                    raise AnimationError(f"cannot write {self.path}: no frames")
                first, *rest = self._gif
                # GIF counts delays in hundredths of a second.
                first.save(self.temporary, format="GIF", save_all=True, append_images=rest,
                           duration=max(round(100 / self.fps), 2) * 10, loop=0,
                           optimize=False, disposal=1)
                self._gif = None
            elif self._mp4 is not None:
                writer, self._mp4 = self._mp4, None
                writer.close()
            os.replace(self.temporary, self.path)
        except (OSError, RuntimeError, ValueError) as error:
            self._remove()
            raise self._error(error) from error
        except BaseException:
            self._remove()
            raise
        return self.path

    def abort(self) -> None:
        """Stop and remove the partial file (Cancel, or an error while rendering)."""
        self._gif = None
        if self._mp4 is not None:
            writer, self._mp4 = self._mp4, None
            with contextlib.suppress(Exception):
                writer.close()
        self._remove()

    def _remove(self) -> None:
        with contextlib.suppress(OSError):
            self.temporary.unlink(missing_ok=True)

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(self, kind: type | None, *_: object) -> None:
        if kind is not None:
            self.abort()
