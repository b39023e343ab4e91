"""The app trains in a child process by default, in a thread on request; drawing budgets."""

from __future__ import annotations

import pytest

from nnsim.app.controller import PROCESS_BUDGET_FACTOR, PROCESS_MAX_FPS, TRAINER_CHOICE
from nnsim.training.worker import TrainerProcess, TrainerThread


@pytest.fixture
def thread_app(make_app, monkeypatch):
    monkeypatch.setenv(TRAINER_CHOICE, "thread")
    return make_app()


def test_the_default_trainer_is_a_process_that_may_draw_twice_the_budget(nnsim_app):
    controller = nnsim_app.controller
    assert isinstance(controller.trainer, TrainerProcess)
    assert isinstance(controller.companion.trainer, TrainerThread)  # the side-by-side 2-2-1
    controller.set_drawing_budget(0.3)
    assert controller.pacer.budget_share == pytest.approx(PROCESS_BUDGET_FACTOR * 0.3)
    assert controller.pacer.max_fps == PROCESS_MAX_FPS
    controller.set_drawing_budget(0.5)
    assert controller.pacer.budget_share == pytest.approx(0.75)  # capped: input stays free


def test_a_thread_trainer_keeps_the_budget_and_halves_it_for_big_nets(thread_app, qtbot):
    controller = thread_app.controller
    assert isinstance(controller.trainer, TrainerThread)
    controller.set_drawing_budget(0.3)
    assert controller.pacer.budget_share == pytest.approx(0.3)
    assert controller.load_lesson_safely("mnist-keras")
    assert controller.pacer.budget_share == pytest.approx(0.15)
    assert controller.load_lesson_safely("backprop-xor")
    controller.settings.epochs = 0
    controller.start_training()
    qtbot.waitUntil(lambda: controller.last_snapshot.step > 100, timeout=30_000)
    assert controller.stop_training(2000)
