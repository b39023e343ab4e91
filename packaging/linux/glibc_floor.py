"""The oldest glibc a Linux bundle runs on: the newest GLIBC_ symbol version any file needs.

    python packaging/linux/glibc_floor.py dist/nnsim            # print the floor, per file
    python packaging/linux/glibc_floor.py dist/nnsim --check    # fail above GLIBC_FLOOR

Every ELF file in the folder is read with ``objdump -T`` (binutils). ``--check`` compares the
floor with the one recorded in ``packaging/linux/GLIBC_FLOOR`` and exits 1 when the bundle
needs a newer glibc (it would stop starting on the systems that file names), 2 when it cannot
tell. CI runs it after building the bundle.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

RECORDED = Path(__file__).with_name("GLIBC_FLOOR")
SYMBOL_VERSION = re.compile(r"\b(GLIBC|GLIBCXX|CXXABI)_(\d+(?:\.\d+)+)\b")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def elf_files(folder: Path) -> list[Path]:
    """Regular files under ``folder`` that start with the ELF magic number."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as file:
                if file.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def needed_versions(path: Path) -> dict[str, tuple[int, ...]]:
    """The newest GLIBC / GLIBCXX / CXXABI version ``path`` needs (absent: not needed)."""
    dump = subprocess.run(["objdump", "-T", str(path)], capture_output=True, text=True,
                          check=False).stdout
    newest: dict[str, tuple[int, ...]] = {}
    for line in dump.splitlines():
        if "*UND*" not in line:  # only symbols the file takes from elsewhere
            continue
        for family, version in SYMBOL_VERSION.findall(line):
            newest[family] = max(newest.get(family, ()), _version(version))
    return newest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--check", action="store_true",
                        help=f"fail when the floor is above {RECORDED.name}")
    args = parser.parse_args(argv)
    files = elf_files(args.folder)
    if not files:
        print(f"glibc_floor: no ELF files under {args.folder}", file=sys.stderr)
        return 2
    floors: dict[str, tuple[tuple[int, ...], Path]] = {}
    for path in files:
        for family, version in needed_versions(path).items():
            if version > floors.get(family, ((), path))[0]:
                floors[family] = (version, path)
    if "GLIBC" not in floors:
        print("glibc_floor: no GLIBC symbol versions found (is objdump installed?)",
              file=sys.stderr)
        return 2
    for family, (version, path) in sorted(floors.items()):
        print(f"glibc_floor: {family} {'.'.join(map(str, version))} "
              f"(needed by {path.relative_to(args.folder)})")
    if args.check:
        recorded = _version(RECORDED.read_text().split()[0])
        floor = floors["GLIBC"][0]
        if floor > recorded:
            print(f"glibc_floor: the bundle needs glibc {'.'.join(map(str, floor))}, above the "
                  f"recorded {'.'.join(map(str, recorded))} ({RECORDED}): it would no longer "
                  "start where it did. Leave the library out or record the new floor.",
                  file=sys.stderr)
            return 1
        print(f"glibc_floor: OK, within the recorded glibc {'.'.join(map(str, recorded))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
