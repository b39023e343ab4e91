"""Shared test set-up. Qt aborts the process without a display unless told to draw offscreen."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# A pretend screen of a laptop's size (nnsim.app.offscreen), set before pytest-qt makes the app.
from nnsim.app.offscreen import configure_offscreen  # noqa: E402

configure_offscreen()
