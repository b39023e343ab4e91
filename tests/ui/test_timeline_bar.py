"""TimelineBar: the marker says which epoch is shown, the slider forwards the user's epoch, and
nothing can be scrubbed while training runs or before anything is recorded."""

from __future__ import annotations

from PySide6.QtCore import Qt

from nnsim.ui.timeline_bar import TimelineBar, viewing_text


def test_the_marker_says_which_epoch_of_how_many():
    assert viewing_text(200, 1000, 1001) == "Viewing epoch 200 of 1,000"
    assert viewing_text(None, 1000, 1001) == "Latest: epoch 1,000"
    assert viewing_text(None, 0, 0).startswith("No epochs recorded yet")


def test_the_slider_forwards_what_the_user_chooses_only(qtbot):
    bar = TimelineBar()
    qtbot.addWidget(bar)
    chosen, steps, plays = [], [], []
    bar.epoch_chosen.connect(chosen.append)
    bar.step_requested.connect(steps.append)
    bar.play_toggled.connect(plays.append)
    bar.show_state(200, 1000, 1001)
    assert chosen == []  # the app placing the slider is not the user choosing
    assert bar.slider.value() == 200 and bar.slider.maximum() == 1000
    assert bar.label.text() == "Viewing epoch 200 of 1,000" and bar.label.styleSheet()
    qtbot.keyClick(bar.slider, Qt.Key.Key_Right)
    assert chosen == [201]
    qtbot.mouseClick(bar.back, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(bar.forward, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(bar.play, Qt.MouseButton.LeftButton)
    assert steps == [-1, 1] and plays == [True] and bar.play.text() == "Pause"
    bar.set_playing(False)
    assert plays == [True] and bar.play.text() == "Play"
    bar.show_state(None, 1000, 1001)
    assert bar.slider.value() == 1000 and bar.label.styleSheet() == ""


def test_training_and_an_empty_record_disable_scrubbing(qtbot):
    bar = TimelineBar()
    qtbot.addWidget(bar)
    bar.show_state(None, 0, 0)
    assert not bar.slider.isEnabled() and not bar.play.isEnabled()
    bar.show_state(None, 50, 51)
    assert bar.slider.isEnabled()
    bar.follow(73)
    assert not bar.slider.isEnabled() and bar.slider.value() == 73
    assert bar.label.text() == "Training: epoch 73"
