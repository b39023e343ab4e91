"""TrainingControl and LatestMailbox: the thread-safe primitives between GUI and trainer."""

import threading

import pytest

from nnsim.training.control import Change, TrainingControl
from nnsim.training.mailbox import LatestMailbox


def test_flags_start_clear_and_follow_requests():
    control = TrainingControl()
    assert not control.is_paused and not control.stop_requested and not control.has_changes
    control.pause()
    assert control.is_paused
    control.resume()
    assert not control.is_paused
    control.request_stop()
    assert control.stop_requested


def test_changes_are_queued_in_order_and_single_step_pauses():
    control = TrainingControl()
    control.set_learning_rate(0.25)
    control.set_speed(None)
    control.set_speed(12)
    control.set_batch_size(8)
    control.set_probe(3)
    control.single_step("batch")
    assert control.is_paused
    assert control.has_changes
    assert control.take_changes() == [
        Change("learning_rate", 0.25), Change("speed", None), Change("speed", 12.0),
        Change("batch_size", 8), Change("probe", 3), Change("single_step", "batch")]
    assert control.take_changes() == []
    assert not control.has_changes


@pytest.mark.parametrize("call, message", [
    (lambda c: c.set_learning_rate(0), "learning rate must be positive"),
    (lambda c: c.set_speed(-1), "speed must be positive"),
    (lambda c: c.set_batch_size(0), "batch size must be a whole number"),
    (lambda c: c.set_batch_size(2.5), "batch size must be a whole number"),
    (lambda c: c.set_probe(-1), "probe must be a row index"),
    (lambda c: c.single_step("row"), "expected one of sample, batch, epoch"),
])
def test_bad_requests_are_refused_in_the_gui_thread(call, message):
    control = TrainingControl()
    with pytest.raises(ValueError, match=message):
        call(control)
    assert not control.has_changes


def test_mailbox_keeps_only_the_newest_and_asks_for_one_notification():
    box = LatestMailbox()
    assert box.take() is None
    assert box.put(1) is True
    assert box.put(2) is False
    assert box.put(3) is False
    assert box.take() == 3
    assert box.take() is None
    assert box.put(4) is True


def test_mailbox_under_two_threads_loses_no_notification():
    box = LatestMailbox()
    notifications = []
    n_items = 20_000

    def produce():
        for i in range(1, n_items + 1):
            if box.put(i):
                notifications.append(i)

    producer = threading.Thread(target=produce)
    producer.start()
    taken = []
    while producer.is_alive() or taken[-1:] != [n_items]:
        item = box.take()
        if item is not None:
            taken.append(item)
    producer.join()
    # Items arrive in order and the last is never lost. Every take but the last empties the slot
    # for a put that then notifies, and the first put notifies: one notification per take.
    assert taken == sorted(taken)
    assert taken[-1] == n_items
    assert len(notifications) == len(taken)
