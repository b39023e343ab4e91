"""Errors the GUI can show to a user as they are: each says what, where, and what was expected.

Every reader of a file (lesson, session, points CSV, IDX images, pretrained model) raises only
these, never a raw TypeError, MemoryError or BadZipFile, and its message starts with the file's
name, then the key, line, member or part that is wrong, then the problem and how to fix it::

    broken.toml: key 'training.epochs': expected a whole number from 1 to 1,000,000, got 0. ...
    xor.nnsim: member 'W0.npy': shape (3, 8), expected (2, 8). ...
    points.csv, line 4: column x2 is 'abc', not a number. ...

They subclass ValueError, so code that caught ValueError before still catches them.
"""


class NnsimFileError(ValueError):
    """A file nnsim reads is missing, unreadable, too large or not what it should be."""


class DatasetError(NnsimFileError):
    """A dataset could not be found, read or used (bad name, option, file or contents)."""


class LessonError(NnsimFileError):
    """A lesson file could not be read or does not describe a valid lesson."""


class SessionError(NnsimFileError):
    """A session file could not be written, read or understood."""


class ModelFileError(NnsimFileError):
    """A pretrained model (its description or its weights file) could not be read."""
