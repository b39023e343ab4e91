"""Errors the GUI can show to a user as they are: each says what, where, and what was expected."""


class DatasetError(ValueError):
    """A dataset could not be found, read or used (bad name, option, file or contents)."""


class LessonError(ValueError):
    """A lesson file could not be read or does not describe a valid lesson."""
