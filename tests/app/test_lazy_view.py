"""Panels built when first needed: what a lesson never shows costs nothing at start."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QLabel, QWidget

from nnsim.app.lazy_view import LazyView
from nnsim.ui.palette import DARK


class ThemedLabel(QLabel):
    def __init__(self) -> None:
        super().__init__("built")
        self.themes: list = []

    def set_theme(self, theme) -> None:
        self.themes.append(theme)


def test_the_view_is_built_on_first_use_with_the_theme_and_newest_waiting_calls(qtbot):
    built: list[QWidget] = []
    lazy = LazyView(ThemedLabel, built.append)
    qtbot.addWidget(lazy)
    calls: list[str] = []
    lazy.set_theme(DARK)
    lazy.when_built("text", lambda view: calls.append("old text"))
    lazy.when_built("other", lambda view: calls.append("other"))
    lazy.when_built("text", lambda view: calls.append("new text"))
    assert not lazy.is_built and calls == [] and built == []

    view = lazy.view
    assert isinstance(view, ThemedLabel) and lazy.view is view
    assert built == [view] and view.themes == [DARK]
    assert calls == ["other", "new text"]
    lazy.when_built("text", lambda view: calls.append("now"))
    assert calls[-1] == "now"


def test_showing_the_stand_in_builds_the_view(qtbot):
    lazy = LazyView(ThemedLabel, lambda view: None)
    qtbot.addWidget(lazy)
    lazy.show()
    qtbot.waitUntil(lambda: lazy.is_built, timeout=2000)
    assert lazy.findChild(ThemedLabel) is lazy.view


def test_the_default_lesson_builds_none_of_the_lazy_panels(nnsim_app):
    assert nnsim_app.controller.lesson.name == "backprop-xor"
    assert not any(view.is_built for view in nnsim_app.window._lazy.values())


def test_the_xor_comparison_gets_the_points_it_missed_while_unbuilt(nnsim_app, qtbot):
    window = nnsim_app.window
    assert not window._lazy["comparison"].is_built
    assert nnsim_app.controller.load_lesson_safely("perceptron-xor")
    qtbot.waitUntil(lambda: window._lazy["comparison"].is_built, timeout=2000)
    data = nnsim_app.controller.data
    for plot in (window.comparison.left, window.comparison.right):
        np.testing.assert_array_equal(plot.X, data.X_train)
