"""How frames are paced and split: start-to-start intervals, curves in a frame of their own."""

from __future__ import annotations

import dataclasses

import pytest

from nnsim.app import frame_pacer
from nnsim.app.frame_pacer import FramePacer


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def perf_counter(self) -> float:
        return self.now


def test_the_next_frame_may_start_one_interval_after_the_last_began(qtbot, monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(frame_pacer.time, "perf_counter", clock.perf_counter)
    drawn = []

    def draw(snapshot) -> None:
        drawn.append(snapshot)
        clock.now += 0.010  # each frame costs 10 ms

    pacer = FramePacer(draw, budget_share=0.25, max_fps=30.0)
    pacer.offer("first", urgent=True)
    assert drawn == ["first"]
    assert pacer.last_cost == pytest.approx(0.010)
    assert pacer.interval == pytest.approx(0.040)  # 10 ms is a quarter of 40 ms
    assert pacer._next_allowed == pytest.approx(100.040)  # from the start, not the end
    pacer.budget_share = 0.5
    assert pacer.interval == pytest.approx(1 / 30)  # the frame-rate cap


def test_a_frame_that_redraws_the_curves_leaves_the_canvas_to_the_next(nnsim_app, monkeypatch):
    controller, window = nnsim_app.controller, nnsim_app.window
    still = controller.last_snapshot
    running = dataclasses.replace(still, status="running", step=still.step + 1, epoch=2,
                                  history={"loss": [0.7, 0.6], "accuracy": [0.5, 0.75]})
    canvas_frames, curve_frames = [], []
    show_snapshot, show_history = window.canvas.show_snapshot, window.curves.show_history
    monkeypatch.setattr(window.canvas, "show_snapshot",
                        lambda s: canvas_frames.append(s) or show_snapshot(s))
    monkeypatch.setattr(window.curves, "show_history",
                        lambda h: curve_frames.append(h) or show_history(h))

    assert controller.views.visible("curves")
    controller.views._curves_drawn_at = 0.0  # the last curves were drawn long ago
    controller.runs.generation = controller.workspace.generation  # as if a run had sent it
    controller._draw(running)
    assert len(curve_frames) == 1 and canvas_frames == []
    controller.pacer.flush()  # the pacer kept the snapshot for the next frame
    assert canvas_frames == [running] and len(curve_frames) == 1
