"""Projector mode (F5): headings and "+1" stay readable, the lesson's main panel shares the
screen, and leaving it gives back the very layout and canvas view the teacher had."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from nnsim.app.presentation import STACK_TWO_PANELS_FROM
from nnsim.core.lessons import list_lessons


def settle(qtbot, app) -> None:
    """Let the window manager's resizes, the panel widening and the layout restore run."""
    qtbot.wait(200)
    last = None

    def stable() -> bool:
        nonlocal last
        now = view_state(app)
        same, last = now == last, now
        return same

    qtbot.waitUntil(stable, timeout=5000)


def view_state(app) -> dict:
    """What the teacher sees of the canvas and the docks, rounded past float noise."""
    window, canvas = app.window, app.window.canvas
    canvas.view_box.scene().prepareForPaint()   # apply a pending range first
    (x0, x1), (y0, y1) = canvas.view_box.viewRange()
    return {"range": tuple(round(v, 3) for v in (x0, x1, y0, y1)),
            "window": window.geometry().getRect(),
            "canvas": canvas.geometry().getRect(),
            "docks": {key: dock.geometry().getRect() for key, dock in window.docks.items()
                      if dock.isVisible()}}


def ink(image, x: int, y: int, width: int, height: int) -> int:
    """Dark pixels (text) in a rectangle of the image, clipped to it."""
    return sum(image.pixelColor(px, py).lightness() < 90
               for py in range(max(y, 0), min(y + height, image.height()))
               for px in range(max(x, 0), min(x + width, image.width())))


def drawn_texts(app) -> dict[str, list[int]]:
    """Ink where each layer's heading (above its nodes) and each "+1" node's text is drawn."""
    canvas = app.window.canvas
    image = canvas.graphics_view.grab().toImage()

    def pixel(x: float, y: float):
        return canvas.graphics_view.mapFromScene(canvas.view_box.mapViewToScene(QPointF(x, y)))

    found: dict[str, list[int]] = {"caption": [], "bias": []}
    for layer in range(3):   # 2-2-1, biases on the inputs and the hidden layer
        at = pixel(canvas.node_position(layer, 0)[0], canvas._layout.caption_y)
        found["caption"].append(ink(image, at.x() - 25, at.y() - 30, 50, 30))
        if layer < 2:
            at = pixel(*canvas.node_position(layer, -1))
            found["bias"].append(ink(image, at.x() - 8, at.y() - 6, 16, 12))
    return found


def assert_texts_drawn(app) -> None:
    texts = drawn_texts(app)
    assert len(texts["caption"]) == 3 and len(texts["bias"]) == 2, texts   # 2-2-1 with biases
    assert min(texts["caption"]) >= 20, texts
    assert min(texts["bias"]) >= 6, texts


def test_projector_round_trip_keeps_the_canvas_and_its_texts(nnsim_app, qtbot):
    window, presentation = nnsim_app.window, nnsim_app.presentation
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    settle(qtbot, nnsim_app)
    before = view_state(nnsim_app)
    assert_texts_drawn(nnsim_app)

    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: presentation.projector and window.isFullScreen())
    settle(qtbot, nnsim_app)
    assert_texts_drawn(nnsim_app)
    main = window.docks[presentation.main_panel]
    assert presentation.main_panel == "boundary" and main.isVisible()
    assert main.width() >= 0.35 * window.width()     # beside the canvas, not a sliver
    assert [key for key, dock in window.docks.items() if dock.isVisible()] == ["boundary"]

    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: not presentation.projector and not window.isFullScreen())
    settle(qtbot, nnsim_app)
    assert view_state(nnsim_app) == before
    assert_texts_drawn(nnsim_app)

    # Fit (F) brings a zoomed view back to the whole network.
    window.canvas.view_box.scaleBy((3, 3))
    assert view_state(nnsim_app)["range"] != before["range"]
    qtbot.keyClick(window, Qt.Key.Key_F)
    assert view_state(nnsim_app)["range"] == before["range"]


@pytest.mark.parametrize("name", [lesson.name for lesson in list_lessons()])
def test_projector_round_trip_on_every_lesson_keeps_the_window(nnsim_app, qtbot, name):
    """F5 twice on each lesson: leaving projector mode restored the dock layout from inside a
    resize event while restoreState itself resized the window, and Qt crashed (moons, spiral)."""
    from tests.app.tour import check_views_show

    window, controller = nnsim_app.window, nnsim_app.controller
    assert controller.load_lesson_safely(name)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    panels = {key for key, dock in window.docks.items() if dock.isVisible()}
    QTest.keyClick(window, Qt.Key.Key_F5)
    qtbot.wait(300)
    assert nnsim_app.presentation.projector and window.isFullScreen()
    QTest.keyClick(window, Qt.Key.Key_F5)
    qtbot.wait(1200)  # the layout is restored again as the window settles
    assert not nnsim_app.presentation.projector
    assert {key for key, dock in window.docks.items() if dock.isVisible()} == panels
    check_views_show(nnsim_app, name)


@pytest.mark.parametrize("name", ["digits", "mnist-keras"])
def test_projector_mode_keeps_the_digit_pad_beside_the_main_panel(nnsim_app, qtbot, name):
    window = nnsim_app.window
    nnsim_app.controller.load_lesson_safely(name)
    nnsim_app.presentation.set_projector(True)
    qtbot.wait(200)
    shown = {key for key, dock in window.docks.items() if dock.isVisible()}
    assert shown == {"curves", "digits"}  # the main panel (curves) and the pad
    assert not window.docks["digits"].visibleRegion().isEmpty()
    nnsim_app.presentation.set_projector(False)
    qtbot.wait(300)


def test_a_small_projector_gives_the_main_panel_and_the_pad_tabs_of_full_height(nnsim_app,
                                                                                qtbot):
    """Below 1400 px the curves and the pad, stacked, were each too short to read (mnist-keras
    at 1280x800): they share the column as tabs, the pad in front (the class watches what is
    drawn on it); F5 again restores."""
    window = nnsim_app.window
    window.resize(1280, 800)
    nnsim_app.controller.load_lesson_safely("mnist-keras")
    settle(qtbot, nnsim_app)
    before = seen_docks(nnsim_app)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    settle(qtbot, nnsim_app)
    curves, pad = window.docks["curves"], window.docks["digits"]
    if window.screen().geometry().height() < STACK_TWO_PANELS_FROM:
        assert pad in window.tabifiedDockWidgets(curves)
        assert not pad.visibleRegion().isEmpty() and curves.visibleRegion().isEmpty()
        assert pad.height() > 0.6 * window.height()
    else:  # a big screen keeps both in view
        assert not pad.visibleRegion().isEmpty()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    settle(qtbot, nnsim_app)
    assert seen_docks(nnsim_app) == before


def seen_docks(app) -> dict:
    """Where the docks the teacher can see are (a tab behind another is not seen)."""
    return {key: dock.geometry().getRect() for key, dock in app.window.docks.items()
            if not dock.visibleRegion().isEmpty()}
