"""The gallery draws the engine's own activations, their slopes, saturation and a net marker."""

import numpy as np
import pytest

from nnsim.core.activations import LECTURE_ACTIVATIONS, get_activation
from nnsim.ui.activation_gallery import SATURATION, ActivationGallery
from nnsim.ui.palette import LIGHT, PROJECTOR


@pytest.fixture
def gallery(qtbot):
    widget = ActivationGallery()
    qtbot.addWidget(widget)
    return widget


def test_curves_equal_the_engine_functions_and_derivatives(gallery):
    for name in LECTURE_ACTIVATIONS:
        z, f, df = gallery.curve_data(name)
        activation = get_activation(name)
        np.testing.assert_array_equal(f, activation.function(z))
        if name == "step":
            np.testing.assert_array_equal(df, 0.0)
        else:
            np.testing.assert_array_equal(df, activation.derivative(z, f))
        function, derivative = gallery.curves[name]
        np.testing.assert_array_equal(function.getData()[1], f)
        np.testing.assert_array_equal(derivative.getData()[1], df)
    _, f, df = gallery.curve_data("sigmoid")
    assert f[300] == 0.5 and df[300] == 0.25  # z = 0


def test_alpha_sliders_reshape_leaky_relu_and_elu(gallery):
    gallery.alpha_sliders["leaky_relu"].setValue(20)
    z, f, df = gallery.curve_data("leaky_relu")
    assert gallery.alpha("leaky_relu") == 0.2
    np.testing.assert_allclose(f[z < 0], 0.2 * z[z < 0])
    np.testing.assert_array_equal(gallery.curves["leaky_relu"][1].getData()[1], df)
    assert gallery.saturated("leaky_relu") == []  # slope 0.2 is no longer saturated
    gallery.set_alpha("elu", 2.5)
    assert gallery.alpha_sliders["elu"].value() == 250
    z, f, _ = gallery.curve_data("elu")
    np.testing.assert_allclose(f, get_activation("elu", 2.5).function(z))
    assert f[0] == pytest.approx(2.5 * np.expm1(-6.0))


def test_saturation_regions_are_where_the_slope_vanishes(gallery):
    for name in LECTURE_ACTIVATIONS:
        z, _, df = gallery.curve_data(name)
        shaded = np.zeros_like(z, dtype=bool)
        for low, high in gallery.saturated(name):
            shaded |= (z >= low) & (z <= high)
        np.testing.assert_array_equal(shaded, np.abs(df) < SATURATION)
    (left, right) = gallery.saturated("sigmoid")
    # sigmoid' = s(1 - s) < 0.05 where s < (1 - sqrt(0.8)) / 2, i.e. |z| > 2.887
    assert left[0] == -6 and left[1] == pytest.approx(-2.887, abs=0.02)
    assert right == pytest.approx((2.887, 6.0), abs=0.02)
    assert gallery.saturated("relu") == [(-6.0, 0.0)]  # relu'(0) is taken as 0


def test_z_slider_marks_every_plot_and_a_selected_neuron_one(gallery):
    gallery.set_z(1.5)
    for name in LECTURE_ACTIVATIONS:
        activation = get_activation(name)
        x, y = gallery.marker_points(name)
        f = activation.function(np.array(1.5))
        assert list(x) == [1.5, 1.5] and y[0] == pytest.approx(f)
    gallery.show_point("tanh", 0.5)
    assert not gallery.z_slider.isEnabled()
    x, y = gallery.marker_points("tanh")
    assert list(x) == [0.5, 0.5]
    assert y == pytest.approx([np.tanh(0.5), 1 - np.tanh(0.5) ** 2])
    assert all(gallery.marker_points(n) is None for n in LECTURE_ACTIVATIONS if n != "tanh")
    assert "tanh at net = 0.500: out = 0.462, f'(net) = 0.786" in gallery.info.text()
    gallery.show_point("softmax", 1.0)
    assert "softmax is not in the gallery" in gallery.info.text()
    assert gallery.marker_points("sigmoid") is not None and gallery.z_slider.isEnabled()
    gallery.show_point("elu", -1.0, alpha=0.5)
    assert gallery.alpha("elu") == 0.5
    assert gallery.marker_points("elu")[1][0] == pytest.approx(0.5 * np.expm1(-1.0))
    gallery.show_point(None, None)
    assert all(gallery.marker_points(n) is not None for n in LECTURE_ACTIVATIONS)


def test_projector_theme_enlarges_text_and_strokes(gallery):
    small = gallery.font().pointSizeF()
    gallery.set_theme(PROJECTOR)
    assert gallery.font().pointSizeF() == pytest.approx(small * PROJECTOR.font_scale)
    assert gallery.curves["sigmoid"][0].opts["pen"].widthF() == PROJECTOR.stroke_scale
    gallery.set_theme(LIGHT)
    assert gallery.font().pointSizeF() == pytest.approx(small)
