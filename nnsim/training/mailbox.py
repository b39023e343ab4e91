"""A one-slot mailbox, newest wins: training never waits for drawing, a slow view skips frames."""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

T = TypeVar("T")


class LatestMailbox(Generic[T]):
    """Holds at most one item; ``put`` replaces an item not yet taken."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._item: T | None = None

    def put(self, item: T) -> bool:
        """Store ``item``; True when the slot was empty, i.e. the consumer needs telling.

        When the slot was full, a notification is already on its way and will find this newer
        item, so at most one notification is ever queued.
        """
        with self._lock:
            was_empty = self._item is None
            self._item = item
        return was_empty

    def take(self) -> T | None:
        """The newest item, emptying the slot; None when nothing arrived since the last take."""
        with self._lock:
            item, self._item = self._item, None
        return item
