"""The NumPy engine: usable from a notebook, never imports Qt or other nnsim layers."""
