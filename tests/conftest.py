"""Shared test set-up. Qt aborts the process without a display unless told to draw offscreen."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
