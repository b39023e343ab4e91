"""A fake clock for the training loop: every train step takes 1 ms, every sleep as long as asked."""

from __future__ import annotations

import pytest


class FakeClock:
    """Simulated time. ``tick(model)`` makes each of the model's steps advance it by ``step``."""

    def __init__(self, step: float = 0.001) -> None:
        self.now = 0.0
        self.step = step
        self.sleeps: list[float] = []
        self.on_sleep = None

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds
        if self.on_sleep is not None:
            self.on_sleep()

    def tick(self, model, attribute: str = "train_step") -> None:
        """Wrap the model's step method (train_step or update) so it costs ``step`` seconds."""
        original = getattr(model, attribute)

        def timed(*args, **kwargs):
            self.now += self.step
            return original(*args, **kwargs)

        setattr(model, attribute, timed)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
