"""Find the bundled resources (lessons, data, models, icons) wherever nnsim runs from.

The same ``resources/`` folder sits in three places:

- a frozen PyInstaller bundle: ``sys._MEIPASS/nnsim/resources`` or ``sys._MEIPASS/resources``;
- an installed wheel: ``nnsim/resources`` beside the package (see pyproject's force-include);
- a source checkout or editable install: ``<repo>/resources`` next to ``pyproject.toml``.
"""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # .../nnsim


def _candidate_roots() -> list[Path]:
    """Resource folders to try, most specific first."""
    roots: list[Path] = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        roots += [Path(bundle) / "nnsim" / "resources", Path(bundle) / "resources"]
    roots.append(_PACKAGE_DIR / "resources")
    checkout = _PACKAGE_DIR.parent
    # Only trust <repo>/resources when it really is nnsim's checkout, not a stray folder
    # named "resources" in site-packages.
    if (checkout / "pyproject.toml").is_file():
        roots.append(checkout / "resources")
    return roots


def resource_path(*parts: str) -> Path:
    """Return the path of a bundled resource, e.g. ``resource_path("data", "mnist_5k.npz")``.

    With no arguments it returns the resources folder itself. Raises FileNotFoundError naming
    the missing resource and every place that was searched.
    """
    relative = Path(*parts) if parts else Path()
    roots = _candidate_roots()
    for root in roots:
        if root.is_dir() and (root / relative).exists():
            return root / relative
    wanted = f"resource '{relative.as_posix()}'" if parts else "the resources folder"
    searched = "\n".join(f"  {root}" for root in roots)
    raise FileNotFoundError(
        f"nnsim could not find {wanted}. Searched:\n{searched}\n"
        "Reinstall nnsim, or run it from a source checkout that has its resources/ folder."
    )
