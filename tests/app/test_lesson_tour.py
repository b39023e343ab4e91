"""The app holds together across lessons: every ordered pair of lessons, sessions, datasets.

Driven through the real main window with key presses and mouse strokes (the failures this
guards against only appeared when moving between lessons, never with a lesson opened fresh).
"""

from __future__ import annotations

import pytest

from nnsim.app.session_io import session_of
from nnsim.core.session import save_session
from nnsim.ui import guard
from tests.app.tour import LESSONS, check_views_show, draw_on_pad, train_a_little


def every_ordered_pair(names: list[str]) -> list[str]:
    """A walk that goes from each lesson to each lesson (itself too) exactly once: an Euler
    circuit of the complete directed graph with loops, so 100 pairs cost 101 loads."""
    unused = {a: list(names) for a in names}
    circuit, stack = [], [names[0]]
    while stack:
        here = stack[-1]
        if unused[here]:
            stack.append(unused[here].pop())
        else:
            circuit.append(stack.pop())
    return circuit[::-1]


def test_the_walk_covers_every_ordered_pair():
    walk = every_ordered_pair(LESSONS)
    pairs = set(zip(walk, walk[1:], strict=False))
    assert len(walk) == len(LESSONS) ** 2 + 1
    assert pairs == {(a, b) for a in LESSONS for b in LESSONS}


@pytest.fixture
def tour_app(make_app):
    guard.forget_reported_errors()
    return make_app()


def test_every_ordered_pair_of_lessons(tour_app, qtbot):
    app = tour_app
    for previous, name in zip(["backprop-xor", *every_ordered_pair(LESSONS)],
                              every_ordered_pair(LESSONS), strict=False):
        assert app.controller.load_lesson_safely(name), (previous, name)
        check_views_show(app, name)
        train_a_little(app, qtbot)
        if app.window.docks["digits"].isVisible():
            draw_on_pad(app, qtbot)
        app.controller.stop_training()


def test_opening_a_session_of_another_lesson(tour_app, qtbot, tmp_path):
    app = tour_app
    for index, saved in enumerate(LESSONS):
        other = LESSONS[(index + 3) % len(LESSONS)]
        app.controller.load_lesson_safely(saved)
        train_a_little(app, qtbot)
        app.controller.stop_training()
        if app.controller.workspace.state.trainable:
            path = save_session(session_of(app.controller), tmp_path / f"{saved}.nnsim")
            app.controller.load_lesson_safely(other)
            train_a_little(app, qtbot)
            assert app.sessions.open(path)
            check_views_show(app, saved)
            assert app.controller.history.epochs == app.controller.last_snapshot.epoch
