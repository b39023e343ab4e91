"""StatusPanel: the Snapshot's figures as text, and progress against the epochs to train."""

import pytest

from nnsim.core.snapshot import Snapshot
from nnsim.ui.palette import LIGHT, PROJECTOR
from nnsim.ui.status_panel import StatusPanel, state_text, time_left_text


def snapshot(**changes) -> Snapshot:
    values = dict(step=1200, epoch=300, loss=0.08314, weights=(),
                  metrics={"loss": 0.08314, "accuracy": 0.975}, steps_per_second=4200.0,
                  epochs_total=1000, seconds_left=75.0, epoch_progress=0.5)
    values.update(changes)
    return Snapshot(**values)


@pytest.fixture
def panel(qtbot):
    widget = StatusPanel()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_shows_epoch_loss_accuracy_speed_state_and_progress(panel):
    panel.show_snapshot(snapshot())
    texts = {key: label.text() for key, label in panel.labels.items()}
    assert texts == {"epoch": "epoch 300 / 1,000", "loss": "loss 0.08314",
                     "accuracy": "accuracy 97.5 %", "speed": "4,200 steps/s",
                     "state": "running"}
    assert panel.progress.isVisibleTo(panel)
    assert panel.progress.value() == 300  # (300 + 0.5) / 1000 of 1000
    assert panel.progress.format() == "30 %, 1:15 left"


def test_until_stopped_hides_the_progress_bar(panel):
    panel.show_snapshot(snapshot(epochs_total=None, seconds_left=None, metrics={}))
    assert panel.labels["epoch"].text() == "epoch 300"
    assert panel.labels["accuracy"].text() == ""
    assert not panel.progress.isVisibleTo(panel)


def test_long_status_shows_its_first_word_and_the_rest_as_tooltip(panel):
    status = "diverged: lower the learning rate"
    panel.show_snapshot(snapshot(status=status, loss=float("nan"), seconds_left=None))
    assert panel.labels["state"].text() == "diverged"
    assert panel.labels["state"].toolTip() == status
    assert panel.labels["loss"].text() == "loss –"
    assert panel.progress.format() == "30 %"


def test_clear_and_time_format(panel):
    panel.show_snapshot(snapshot())
    panel.clear()
    assert panel.labels["loss"].text() == "" and panel.labels["state"].text() == "ready"
    assert time_left_text(3725.2) == "1:02:06 left"
    assert time_left_text(59.1) == "1:00 left"
    assert time_left_text(None) == "" and time_left_text(float("inf")) == ""
    assert state_text("finished") == "finished"


def test_projector_theme_reserves_wider_labels(panel):
    panel.set_theme(LIGHT)
    width = panel.labels["loss"].minimumWidth()
    panel.set_theme(PROJECTOR)
    assert panel.labels["loss"].minimumWidth() > 1.5 * width
