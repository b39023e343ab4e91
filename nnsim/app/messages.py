"""User messages declared once, shown by name (as Orange3 does), so wording stays consistent."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

TRAINING_FAILED = "Training stopped because of an error:\n\n{message}\n\nYour work is unchanged."


def warn(parent: QWidget | None, title: str, text: str) -> None:
    """A modal warning; in smoke or test runs it is still a plain dialog the caller may close."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok,
                      parent)
    box.setObjectName("nnsim-warning")
    box.open()


def message_for(error: BaseException, name: object) -> str:
    """One line for a file that cannot be used: its name first, unless the error says it."""
    text = str(error) or type(error).__name__
    if isinstance(error, MemoryError):
        text = "it asks for more memory than this computer has"
    label = str(name)
    return text if label in text or getattr(error, "filename", None) else f"{label}: {text}"
