"""The layer rules of DESIGN.md, as import-linter contracts in pyproject.toml."""

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _lint_imports() -> str:
    beside_python = Path(sys.executable).parent / "lint-imports"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("lint-imports")
    assert found, "lint-imports not found: install the test extra (pip install -e '.[test]')"
    return found


def test_import_contracts_hold():
    result = subprocess.run(
        [_lint_imports(), "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
