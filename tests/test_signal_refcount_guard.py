"""Guard against the PySide6 6.12.0 + CPython 3.11 bug: every Signal.emit() dropped a reference
to True, and the interpreter aborted (bool_dealloc) after a few hundred emits."""

import sys

from PySide6.QtCore import QObject, Signal

EMITS = 500


class Emitter(QObject):
    value_changed = Signal(int)
    """Emitted with a new value."""


class Receiver(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.values: list[int] = []

    def record(self, value: int) -> None:
        self.values.append(value)


def test_signal_emit_keeps_refcount_of_true(qapp):
    emitter, receiver = Emitter(), Receiver()
    emitter.value_changed.connect(receiver.record)
    before = sys.getrefcount(True)
    for i in range(EMITS):
        emitter.value_changed.emit(i)
    after = sys.getrefcount(True)
    assert receiver.values == list(range(EMITS))
    # On the broken build the count falls by one per emit; it never legitimately falls by 500.
    assert after >= before - 10, f"refcount of True fell from {before} to {after}"
