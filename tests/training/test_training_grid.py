"""The boundary grid helper (nnsim.core.grid) that the loop and the boundary view share."""

import numpy as np
import pytest

from nnsim.core.grid import grid_extent, grid_maps, grid_points
from nnsim.core.network import Network


def test_extent_pads_the_data_range_and_never_collapses():
    X = np.array([[0.0, 2.0], [1.0, 2.0]])
    assert grid_extent(X) == pytest.approx((-0.1, 1.1, 1.5, 2.5))
    with pytest.raises(ValueError, match="at least 2 inputs"):
        grid_extent(np.zeros((3, 1)))


def test_points_are_y_major_so_they_reshape_to_image_rows():
    points = grid_points((0.0, 1.0, 10.0, 20.0), size=3)
    assert points.shape == (9, 2)
    np.testing.assert_allclose(points[:3], [[0, 10], [0.5, 10], [1, 10]])
    np.testing.assert_allclose(points.reshape(3, 3, 2)[2, 0], [0, 20])


def test_maps_of_a_2_3_1_network_are_its_forward_pass():
    net = Network.from_sizes([2, 3, 1], ["relu", "sigmoid"], seed=2)
    points = grid_points((-1.0, 1.0, -2.0, 2.0), size=5)
    maps = grid_maps(net, points, 5)
    np.testing.assert_allclose(maps.boundary, net.predict(points)[:, 0].reshape(5, 5))
    np.testing.assert_allclose(maps.outputs[0], maps.boundary)
    hidden = np.maximum(points @ net.layers[0].weights + net.layers[0].bias, 0)
    np.testing.assert_allclose(maps.neuron_maps[0], hidden.T.reshape(3, 5, 5))
    with pytest.raises(ValueError, match="2-input network"):
        grid_maps(Network.from_sizes([3, 1]), np.zeros((4, 3)), 2)
