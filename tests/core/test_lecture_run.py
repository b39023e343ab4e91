"""Weight updates counted as the lecture counts them: one per mini-batch, the last one short."""

import math

import pytest

from nnsim.core.lecture_run import batches_per_epoch, epochs_to_match, weight_updates
from nnsim.core.lessons import load_lesson


def test_the_lectures_run_is_41100_updates():
    # 70,000 MNIST images split 75/25: 52,500 to train on, 17,500 to test (the lecture).
    assert 70_000 * 0.75 == 52_500
    assert batches_per_epoch(52_500, 128) == 411  # 410 full batches and one of 20
    assert weight_updates(52_500, 128, 100) == 41_100


def test_epochs_to_match_is_the_fewest_epochs_with_as_many_updates():
    for updates, rows, batch in [(41_100, 3_750, 128), (1, 1, 1), (1000, 999, 10), (7, 64, 8)]:
        epochs = epochs_to_match(updates, rows, batch)
        assert weight_updates(rows, batch, epochs) >= updates
        assert weight_updates(rows, batch, epochs - 1) < updates
    assert epochs_to_match(41_100, 3_750, 128) == math.ceil(41_100 / 30) == 1_370


def test_nonsense_counts_are_refused():
    with pytest.raises(ValueError, match="at least one row"):
        batches_per_epoch(0, 128)
    with pytest.raises(ValueError, match="batch size"):
        weight_updates(10, 0, 1)


def test_the_mnist_lesson_states_the_lectures_figures_and_its_own():
    lesson = load_lesson("mnist-keras")
    lecture = lesson.lecture
    assert (lecture.train_images, lecture.test_images, lecture.epochs, lecture.batch_size,
            lecture.accuracy) == (52_500, 17_500, 100, 128, 0.92)
    assert lecture.test_images / (lecture.train_images + lecture.test_images) == \
        lesson.validation_split
    data = lesson.load_data()
    rows = len(data.X_train)
    assert rows == 3_750 and len(data.X_test) == 1_250
    ours = weight_updates(rows, lesson.batch_size, lesson.epochs)
    for figure in (f"{rows:,} for training", f"{ours:,} weight updates", "41,100 weight",
                   f"{epochs_to_match(41_100, rows, lesson.batch_size):,} epochs", "75/25"):
        assert figure in " ".join(lesson.notes.split()), figure
    assert load_lesson("backprop-xor").lecture is None
