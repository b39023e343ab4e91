"""The stepper's text: the worked example written out as the lecture writes it."""

import numpy as np
import pytest

from nnsim.core.explain import (
    backward_steps,
    describe_edge,
    describe_neuron,
    forward_steps,
    neuron_names,
    neuron_sum,
    prediction_text,
    short_number,
)
from nnsim.core.layers import Dense
from nnsim.core.lessons import load_lesson
from nnsim.core.network import Network


def worked_example() -> Network:
    model = load_lesson("worked-example").build_model(2)
    assert isinstance(model, Network)
    return model


def test_neuron_names():
    assert neuron_names([2, 3, 1]) == [["x1", "x2"], ["h1", "h2", "h3"], ["out"]]
    assert neuron_names([2, 2, 2, 3]) == [["x1", "x2"], ["h1_1", "h1_2"], ["h2_1", "h2_2"],
                                          ["o1", "o2", "o3"]]
    assert neuron_names([4, 1]) == [["x1", "x2", "x3", "x4"], ["out"]]


def test_worked_example_forward_steps_are_the_lecture_lines():
    steps = forward_steps(worked_example().forward_trace([0, 1]), target=1)
    assert [step.text for step in steps] == [
        "input: x1 = 0, x2 = 1, +1 (bias)",
        "h1 = sigmoid((0 x 0.351) + (1 x 1.076) + (1 x 1.116)) = sigmoid(2.192) = 0.899",
        "h2 = sigmoid((0 x -0.097) + (1 x -0.165) + (1 x 0.542)) = sigmoid(0.377) = 0.593",
        "h3 = sigmoid((0 x 0.457) + (1 x -0.165) + (1 x -0.331)) = sigmoid(-0.496) = 0.378",
        "out = sigmoid((0.899 x 0.383) + (0.593 x -0.327) + (0.378 x -0.329)) = "
        "sigmoid(0.026) = 0.506",
        "prediction 0.506, thresholded at 0.5: class 1 (target 1: right)",
    ]
    assert [(s.phase, s.layer, s.neuron) for s in steps] == [
        ("forward", 0, None), ("forward", 1, 0), ("forward", 1, 1), ("forward", 1, 2),
        ("forward", 2, 0), ("result", 2, None)]


def test_precision_and_threshold():
    steps = forward_steps(worked_example().forward_trace([0, 1]), precision=5, threshold=0.6,
                          target=1)
    assert steps[1].text.endswith("= sigmoid(2.19200) = 0.89952")
    assert steps[-1].text == ("prediction 0.50650, thresholded at 0.6: class 0 "
                              "(target 1: wrong)")


def test_worked_example_backward_steps():
    trace = worked_example().backward_trace([0, 1], 1, "sse", learning_rate=0.5)
    steps = backward_steps(trace)
    texts = [step.text for step in steps]
    assert texts[0] == "loss E = sse(out, target = [1]) = 0.121"
    assert texts[1].startswith("delta out = dE/dout x dout/dnet = (0.506 - 1) x 0.506 x "
                               "(1 - 0.506) = -0.493 x 0.249 = -0.123")
    assert texts[2].startswith("delta h1 = sigmoid'(net) x sum(w x delta) = 0.090 x ")
    assert "(0.383 x -0.123)" in texts[2] and texts[2].endswith(" = -0.004")
    assert ("dE/dw(h1->out) = delta x input = -0.123 x 0.899 = -0.110" in texts[5])
    assert "w(h1->out) = 0.383 - 0.500 x -0.110 = 0.438" in " ".join(texts)
    assert texts[-1] == "loss before the update 0.121, after 0.111"
    phases = [step.phase for step in steps]
    assert phases == (["loss"] + ["delta"] * 4 + ["gradient"] * 4 + ["update"] * 4
                      + ["result"])
    # the output layer has no bias: no dE/db(out) and no b(out) update
    assert not any("db(out)" in text or "b(out)" in text for text in texts)
    assert "dE/db(h1) = delta x 1 = -0.004" in texts[6]


def test_softmax_steps_say_how_the_delta_arises():
    net = Network([Dense(2, 2, "tanh", seed=0), Dense(2, 3, "softmax", seed=1)])
    forward = forward_steps(net.forward_trace([0.5, -1.0]))
    assert forward[3].text.startswith("o1: net = ")
    assert "softmax gives" in forward[3].text
    assert forward[-1].text.startswith("prediction: class ")
    trace = net.backward_trace([0.5, -1.0], [0, 0, 1], "categorical_crossentropy", 0.1)
    deltas = [s.text for s in backward_steps(trace) if s.phase == "delta" and s.layer == 2]
    assert len(deltas) == 3
    assert "softmax with cross-entropy: out - target" in deltas[0]
    np.testing.assert_allclose(trace.layers[1].delta, trace.forward.output - [0, 0, 1])


def test_prediction_text():
    assert prediction_text(np.array([0.4999])) == "prediction 0.499, thresholded at 0.5: class 0"
    assert prediction_text(np.array([0.1, 0.7, 0.2]), target=1) == (
        "prediction: class 1 (largest output, 0.700) (target 1: right)")


# -- hover texts ------------------------------------------------------------------------------

def probe_outputs(network: Network, x) -> tuple[np.ndarray, ...]:
    """Every layer's output for x, input first, as Snapshot.activations holds them."""
    trace = network.forward_trace(x)
    return (trace.x, *(layer.out for layer in trace.layers))


def test_neuron_sum_is_the_forward_pass_of_one_neuron():
    network = worked_example()
    weights, outputs = network.get_weights(), probe_outputs(network, [0, 1])
    trace = network.forward_trace([0, 1])
    for layer in (1, 2):
        for j in range(len(trace.layers[layer - 1].out)):
            step = neuron_sum(weights, outputs, layer, j)
            assert step.net == pytest.approx(trace.layers[layer - 1].net[j])
            assert step.out == pytest.approx(trace.layers[layer - 1].out[j])
    # h1 of the worked example by hand: 0 x 0.351 + 1 x 1.076 + 1.116 = 2.192 -> 0.8995
    h1 = neuron_sum(weights, outputs, 1, 0)
    assert h1.terms.tolist() == pytest.approx([0.0, 1.076], abs=1e-3)
    assert h1.bias == pytest.approx(1.116, abs=1e-3)
    assert h1.net == pytest.approx(2.192, abs=1e-3) and h1.out == pytest.approx(0.8995, abs=1e-4)


def test_hover_text_of_a_neuron_shows_the_sum_with_its_numbers():
    weights = ((np.array([[2.0, -2.0]]), None), (np.array([[-1.5], [1.5]]), None))
    outputs = (np.array([1.0]), np.array([0.98, 0.02]), np.array([0.5]))
    names = [["x1"], ["h1", "h2"], ["out"]]
    text = describe_neuron(names, ["sigmoid", "sigmoid"], weights, outputs, 2, 0)
    # net = 0.98 x -1.5 + 0.02 x 1.5 = -1.44
    assert text == ("out\nnet = (0.980 x -1.500) + (0.020 x 1.500)\n    = -1.440\n"
                    "out = sigmoid(net) = sigmoid(-1.440) = 0.500")
    assert describe_neuron(names, ["sigmoid"] * 2, weights, None, 1, 0) == "h1: no values yet"
    assert describe_neuron(names, ["sigmoid"] * 2, weights, outputs, 1, -1).startswith(
        "+1: the constant bias input of layer 2")


def test_hover_text_of_a_big_layer_keeps_the_largest_terms_and_the_pixel():
    x = np.zeros(16)
    x[[3, 9]] = [1.0, 0.5]
    w = np.full((16, 1), 0.01)
    w[3, 0], w[9, 0] = 2.0, -4.0
    outputs = (x, np.array([0.3]))
    names = neuron_names([16, 1])
    text = describe_neuron(names, ["relu"], ((w, np.array([0.25])),), outputs, 1, 0)
    assert "(1 x 2)" in text and "(0.500 x -4)" in text and "(11 smaller terms)" in text
    assert "(1 x 0.250)" in text and "    = 0.250" in text   # 2 - 2 + 0.25
    pixel = describe_neuron(names, ["relu"], ((w, None),), outputs, 0, 9, image_shape=(4, 4))
    assert pixel == "x10 = 0.500  input (pixel row 3, column 2)"


def test_hover_text_of_softmax_and_of_an_edge():
    network = Network([Dense(2, 3, "softmax", seed=2)])
    outputs = probe_outputs(network, [0.5, -1.0])
    text = describe_neuron(neuron_names([2, 3]), ["softmax"], network.get_weights(), outputs,
                           1, 2)
    assert text.endswith(f"out = softmax of the layer's nets = {short_number(outputs[1][2])}")
    weights = ((np.array([[0.5], [-0.25]]), np.array([0.1])),)
    names = [["x1", "x2"], ["out"]]
    assert describe_edge(names, weights, 1, -1, 0) == "bias +1 → out\nw = 0.100\nno gradient yet"
    assert describe_edge(names, weights, 1, 1, 0, gradients=weights) == (
        "weight x2 → out\nw = -0.250\nlast gradient dE/dw = -0.250")
    assert short_number(0.00012) == "1.20e-04" and short_number(0) == "0"
