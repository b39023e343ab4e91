"""The seq2seq-reverse centre view: milliseconds of the GUI thread per frame drawn.

Each frame is what training shows: ``Seq2SeqView.show_snapshot`` (encoder and decoder states,
the decoded sequence against the target, the probabilities) then a repaint, on an untrained
EncoderDecoder(6 symbols, 32 units) over 5 steps, offscreen at the view's size in the window.

    QT_QPA_PLATFORM=offscreen python bench/seq2seq_view_bench.py

A benchmark, not a test: figures depend on the machine and what else runs on it.
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from nnsim.core.seq2seq import EncoderDecoder  # noqa: E402
from nnsim.ui.seq2seq_view import Seq2SeqView  # noqa: E402


def main(frames: int = 200, repeats: int = 3) -> None:
    app = QApplication.instance() or QApplication([])
    layer = EncoderDecoder(6, 32, seed=0)
    shown = layer.handover(np.array([3.0, 1.0, 4.0, 5.0, 5.0]))
    target = np.array([4, 1, 3, 5, 5])
    view = Seq2SeqView()
    view.resize(530, 650)
    view.show()
    view.set_model(lambda _snapshot: (shown, target), 5)
    for _ in range(5):  # first drawing of every item
        view.show_snapshot(None)
        app.processEvents()
    times = []
    for _ in range(repeats):
        begun = time.perf_counter()
        for _ in range(frames):
            view.show_snapshot(None)
            view.repaint()
            app.processEvents()
        times.append((time.perf_counter() - begun) / frames * 1000)
    print(f"seq2seq view: {statistics.median(times):.2f} ms a frame (median of {repeats} x "
          f"{frames} frames)")


if __name__ == "__main__":
    main()
