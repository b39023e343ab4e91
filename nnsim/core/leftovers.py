"""Temporary files of atomic saves: named so they can be found again, and swept.

A save writes ``.<name>-XXXXXXXX.tmp`` beside the target and renames it over the target. A
save that fails removes its own; one killed mid-write (power cut, kill -9) cannot, so the next
save to the same target removes those older than a minute (never a save still running).
"""

from __future__ import annotations

import glob
import tempfile
import time
from pathlib import Path

STALE_SECONDS = 60.0
"""Older than this, a temporary file is a dead save's: a live one is seconds old."""


def temporary_beside(path: Path) -> tuple[int, Path]:
    """An open handle and the path of a new hidden temporary file next to ``path``."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp",
                                    dir=path.parent if str(path.parent) else ".")
    return handle, Path(name)


def sweep_leftovers(path: Path, stale_seconds: float = STALE_SECONDS) -> list[Path]:
    """Remove dead saves' temporary files for ``path``; the ones removed."""
    folder = path.parent if str(path.parent) else Path(".")
    pattern = f".{glob.escape(path.name)}-" + "?" * 8 + ".tmp"  # mkstemp's 8 random letters
    removed = []
    now = time.time()
    for leftover in folder.glob(pattern):
        try:
            if now - leftover.stat().st_mtime > stale_seconds:
                leftover.unlink()
                removed.append(leftover)
        except OSError:
            continue  # gone already, or not ours to remove: never fail a save over it
    return removed
