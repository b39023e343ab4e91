"""Allow `python -m nnsim`, the same as the `nnsim` console script."""

from nnsim.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
