"""Lessons: every bundled lesson loads and trains; the lecture's results hold with the lessons'
own settings; every broken lesson file gets one message naming the file, the key, what was
expected and how to fix it."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from nnsim.core.errors import LessonError
from nnsim.core.lessons import PANELS, Lesson, list_lessons, load_lesson, parse_lesson
from nnsim.core.network import Network
from nnsim.core.optimizers import SGD
from nnsim.core.perceptron import Perceptron

LESSONS = ["network-types", "activations", "perceptron-and", "perceptron-or", "perceptron-xor",
           "worked-example", "backprop-xor", "moons", "spiral", "digits", "mnist-keras",
           "cnn-mnist", "rbf-xor", "rbf-circles", "modular-experts", "rnn-parity",
           "seq2seq-reverse"]


def test_lessons_in_lecture_order():
    lessons = list_lessons()
    assert [lesson.name for lesson in lessons] == LESSONS
    assert [lesson.order for lesson in lessons] == sorted(lesson.order for lesson in lessons)
    for lesson in lessons:
        assert lesson.title and lesson.notes
        assert lesson.panels and set(lesson.panels) <= set(PANELS)
        assert lesson.path.name == f"{lesson.name}.toml"


@pytest.mark.parametrize("name", LESSONS)
def test_every_lesson_loads_and_trains_a_few_steps(name):
    lesson = load_lesson(name)
    assert isinstance(lesson, Lesson)
    if not lesson.has_model:
        with pytest.raises(LessonError, match=f"{name}.toml: the '{lesson.kind}' lesson has "
                                              "no model"):
            lesson.build_model(2)
        return
    data = lesson.load_data()
    X, y = data.X_train[:256], data.y_train[:256]
    model = lesson.build_model(X.shape[1])
    if lesson.kind == "perceptron":
        assert isinstance(model, Perceptron)
        before = model.weights.copy()
        mistakes = model.fit_epoch(X, y)
        assert mistakes > 0 and not np.array_equal(model.weights, before)
        return
    assert isinstance(model, Network)
    assert model.sizes[0] == X.shape[1]
    per_step = y.shape[1] if y.ndim == 2 else 1  # a sequence: the classes at every step
    assert model.sizes[-1] == (1 if data.n_classes == 2 else data.n_classes * per_step)
    before = model.get_weights()
    loss_before = model.loss(X, y, lesson.loss)
    history = model.fit(X, y, epochs=2, batch_size=lesson.batch_size,
                        optimizer=lesson.build_optimizer(), loss=lesson.loss, seed=lesson.seed)
    assert history.epochs == 2 and not history.diverged
    assert np.all(np.isfinite(history["loss"]))
    assert not np.array_equal(model.get_weights()[0][0], before[0][0])
    assert model.loss(X, y, lesson.loss) < loss_before


def test_worked_example_takes_the_lecture_weights():
    lesson = load_lesson("worked-example")
    model = lesson.build_model(2)
    hidden, output = model.layers
    np.testing.assert_array_equal(hidden.weights, [[0.351, -0.097, 0.457],
                                                   [1.076, -0.165, -0.165]])
    np.testing.assert_array_equal(hidden.bias, [1.116, 0.542, -0.331])
    np.testing.assert_array_equal(output.weights, [[0.383], [-0.327], [-0.329]])
    assert output.bias is None
    assert lesson.probe_input == (0.0, 1.0) and lesson.probe_target == 1.0
    trace = model.forward_trace(lesson.probe_input)
    assert [f"{v:.5f}"[:5] for v in trace.layers[0].out] == ["0.899", "0.593", "0.378"]
    assert f"{trace.output[0]:.5f}"[:5] == "0.506"
    assert int(trace.output[0] >= lesson.threshold) == 1


def train_lesson(name):
    """Train as the app and `nnsim run` do: the lesson's settings, one BLAS thread."""
    lesson = load_lesson(name)
    data = lesson.load_data()
    model = lesson.build_model(data.X_train.shape[1])
    with threadpool_limits(limits=1):
        history = model.fit(data.X_train, data.y_train, epochs=lesson.epochs,
                            batch_size=lesson.batch_size, optimizer=lesson.build_optimizer(),
                            loss=lesson.loss, shuffle=lesson.shuffle, seed=lesson.seed)
    return model, data, history


def test_backprop_xor_gets_all_four_rows_right():
    model, data, history = train_lesson("backprop-xor")
    out = model.predict(data.X_test)[:, 0]
    np.testing.assert_array_equal((out >= 0.5).astype(int), data.y_test)
    assert history["accuracy"][-1] == 1.0
    assert np.all(np.abs(out - data.y_test) < 0.2)


def test_digits_reaches_95_percent_on_held_out_images():
    model, data, history = train_lesson("digits")
    assert data.held_out and len(data.X_test) == 450
    accuracy = np.mean(model.predict(data.X_test).argmax(axis=1) == data.y_test)
    assert accuracy >= 0.95


@pytest.mark.parametrize(("name", "converges"), [("perceptron-and", True),
                                                 ("perceptron-or", True),
                                                 ("perceptron-xor", False)])
def test_perceptron_lessons(name, converges):
    lesson = load_lesson(name)
    data = lesson.load_data()
    model = lesson.build_model(2)
    history = model.fit(data.X_train, data.y_train, epochs=lesson.epochs)
    assert history.converged is converges
    assert (model.errors(data.X_test, data.y_test) == 0) is converges


def test_mnist_lesson_splits_a_quarter_off_for_validation():
    lesson = load_lesson("mnist-keras")
    data = lesson.load_data()
    assert data.held_out and data.image_shape == (28, 28)
    assert (len(data.X_train), len(data.X_test)) == (3750, 1250)
    assert np.bincount(data.y_test).tolist() == [125] * 10  # stratified


# -- broken lesson files ---------------------------------------------------------------------

GOOD = """
title = "Broken on purpose"
kind = "network"
panels = ["canvas"]

[dataset]
name = "xor"

[training]
learning_rate = 0.5
epochs = 10

[[model.layers]]
units = 3
activation = "sigmoid"
weights = [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]
bias_values = [0.0, 0.0, 0.0]

[[model.layers]]
units = 1
activation = "tanh"
"""


def write(tmp_path, text, name="broken.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_for(tmp_path, text):
    with pytest.raises(LessonError) as info:
        load_lesson(write(tmp_path, text))
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message  # one line
    assert message.startswith("broken.toml: ")  # names the file
    return message


def test_the_good_file_loads(tmp_path):
    lesson = load_lesson(write(tmp_path, GOOD))
    assert lesson.name == "broken" and lesson.epochs == 10 and lesson.batch_size == 1


def test_toml_syntax(tmp_path):
    message = error_for(tmp_path, GOOD.replace('epochs = 10', 'epochs = '))
    assert "not valid TOML" in message and "line" in message
    assert message.endswith("Fix the syntax there.")


@pytest.mark.parametrize(("old", "new", "key", "value"), [
    ('activation = "sigmoid"', 'activation = "sigmod"', "model.layers[0].activation",
     "'sigmod'"),
    ('name = "xor"', 'name = "xnor"', "dataset.name", "'xnor'"),
    ('panels = ["canvas"]', 'panels = ["canvas", "mystery"]', "panels", "'mystery'"),
    ('kind = "network"', 'kind = "net"', "kind", "'net'"),
    ('epochs = 10', 'epochs = 10\nloss = "l2"', "training.loss", "'l2'"),
])
def test_unknown_names(tmp_path, old, new, key, value):
    message = error_for(tmp_path, GOOD.replace(old, new))
    assert f"key '{key}'" in message
    assert f"unknown {'panel' if key == 'panels' else 'value'} {value}" in message
    assert "Expected one of:" in message or "Expected some of:" in message
    if key == "model.layers[0].activation":
        assert "sigmoid, tanh, relu" in message


def test_weights_of_the_wrong_shape(tmp_path):
    message = error_for(tmp_path, GOOD.replace("[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]",
                                               "[[0.1, 0.2], [0.4, 0.5]]"))
    assert "key 'model.layers[0].weights'" in message
    assert "shape (2, 2), expected (2, 3)" in message
    assert "one row per input, one column per neuron" in message
    assert "Fix the table of weights." in message


def test_ragged_weights(tmp_path):
    message = error_for(tmp_path, GOOD.replace("[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]",
                                               "[[0.1, 0.2, 0.3], [0.4]]"))
    assert "key 'model.layers[0].weights': not a rectangular table of numbers" in message
    assert "Write one list of numbers per input row." in message


def test_bias_values_of_the_wrong_shape_or_missing(tmp_path):
    message = error_for(tmp_path, GOOD.replace("bias_values = [0.0, 0.0, 0.0]",
                                               "bias_values = [0.0]"))
    assert "key 'model.layers[0].bias_values': shape (1,), expected (3,)" in message
    message = error_for(tmp_path, GOOD.replace("bias_values = [0.0, 0.0, 0.0]", ""))
    assert "key 'model.layers[0].bias_values': missing while weights are given" in message
    assert "Add the bias values or set bias = false." in message


@pytest.mark.parametrize(("old", "new", "key", "expected"), [
    ('title = "Broken on purpose"\n', "", "title", "a string in quotes"),
    ("learning_rate = 0.5\n", "", "training.learning_rate", "a number"),
    ("[training]", "[trainig]", "training", "a table"),
    ("units = 1", "unit = 1", "model.layers[1].units", "a whole number"),
])
def test_a_missing_key(tmp_path, old, new, key, expected):
    message = error_for(tmp_path, GOOD.replace(old, new))
    assert message == f"broken.toml: key '{key}': missing. Add it to the file ({expected})."


@pytest.mark.parametrize(("old", "new", "key", "problem"), [
    ("epochs = 10", 'epochs = "ten"', "training.epochs",
     "expected a whole number from 1 to 1,000,000, got 'ten'"),
    ("epochs = 10", "epochs = 0", "training.epochs",
     "expected a whole number from 1 to 1,000,000, got 0"),
    ("epochs = 10", "epochs = 9223372036854775807", "training.epochs",
     "expected a whole number from 1 to 1,000,000, got 9223372036854775807"),
    ("epochs = 10", "epochs = 10.0", "training.epochs",
     "expected a whole number from 1 to 1,000,000, got 10.0"),
    ("learning_rate = 0.5", "learning_rate = true", "training.learning_rate",
     "expected a finite number from 0.0001 to 10, got True"),
    ("learning_rate = 0.5", "learning_rate = nan", "training.learning_rate",
     "expected a finite number from 0.0001 to 10, got nan"),
    ("learning_rate = 0.5", "learning_rate = inf", "training.learning_rate",
     "expected a finite number from 0.0001 to 10, got inf"),
    ("learning_rate = 0.5", "learning_rate = 0", "training.learning_rate",
     "expected a finite number from 0.0001 to 10, got 0"),
    ("epochs = 10", "epochs = 10\nmomentum = 1.0", "training.momentum",
     "expected a finite number from 0 to 0.999, got 1.0"),
    ("epochs = 10", "epochs = 10\nmomentum = -nan", "training.momentum",
     "expected a finite number from 0 to 0.999, got nan"),
    ("epochs = 10", "epochs = 10\nbatch_size = 0", "training.batch_size",
     "expected a whole number from 1 to 65,536, got 0"),
    ("epochs = 10", "epochs = 10\nbatch_size = 65537", "training.batch_size",
     "expected a whole number from 1 to 65,536, got 65537"),
    ("epochs = 10", "epochs = 10\nseed = -1", "training.seed",
     "expected a whole number from 0 to 2,147,483,647, got -1"),
    ("epochs = 10", "epochs = 10\nseed = 2147483648", "training.seed",
     "expected a whole number from 0 to 2,147,483,647, got 2147483648"),
    ("epochs = 10", "epochs = 10\nlog_every = 0", "training.log_every",
     "expected a whole number from 1 to 1,000,000, got 0"),
    ('kind = "network"', 'kind = "network"\norder = -3', "order",
     "expected a whole number from 0 to 10,000, got -3"),
    ('name = "xor"', 'name = "xor"\ntest_size = 1.5', "dataset.test_size",
     "expected a finite number between 0 and 1 (both excluded), got 1.5"),
    ('name = "xor"', 'name = "xor"\nvalidation_split = 0', "dataset.validation_split",
     "expected a finite number between 0 and 1 (both excluded), got 0"),
    ("units = 3", "units = 513", "model.layers[0].units",
     "expected a whole number from 1 to 512, got 513"),
    ("units = 1", "units = 0", "model.layers[1].units",
     "expected a whole number from 1 to 512, got 0"),
    ('activation = "tanh"', 'activation = "leaky_relu"\nalpha = -0.5', "model.layers[1].alpha",
     "expected a finite number from 0 to 10, got -0.5"),
    ("[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]", "[[0.1, 0.2, 0.3], [0.4, nan, 0.6]]",
     "model.layers[0].weights",
     "value 2 of row 2 is nan, expected a finite number from -1e+06 to 1e+06"),
    ("[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]", "[[0.1, 0.2, 0.3], [0.4, 0.5, true]]",
     "model.layers[0].weights",
     "value 3 of row 2 is True, expected a finite number from -1e+06 to 1e+06"),
    ("bias_values = [0.0, 0.0, 0.0]", "bias_values = [0.0, -inf, 0.0]",
     "model.layers[0].bias_values",
     "value 2 is -inf, expected a finite number from -1e+06 to 1e+06"),
    ("[training]", "[evaluation]\nthreshold = nan\n\n[training]", "evaluation.threshold",
     "expected a finite number from -1e+06 to 1e+06, got nan"),
    ("[training]", '[evaluation]\ninput = [0, "one"]\n\n[training]', "evaluation.input",
     "value 2 is 'one', expected a finite number from -1e+06 to 1e+06"),
])
def test_wrong_values(tmp_path, old, new, key, problem):
    assert old in GOOD
    message = error_for(tmp_path, GOOD.replace(old, new))
    assert message.startswith(f"broken.toml: key '{key}': {problem}. ")


def test_too_many_layers(tmp_path):
    layer = '\n[[model.layers]]\nunits = 1\nactivation = "tanh"\n'
    message = error_for(tmp_path, GOOD + layer * 8)  # 2 + 8 layers
    assert message.startswith("broken.toml: key 'model.layers': 10 entries, expected from 1 to 9.")
    message = error_for(tmp_path, GOOD.split("[[model.layers]]")[0] + "[model]\nlayers = []\n")
    assert message.startswith("broken.toml: key 'model.layers': the list is empty.")


MOONS = GOOD.replace('name = "xor"', 'name = "moons"')


@pytest.mark.parametrize(("options", "key", "problem"), [
    ("{ n_samples = 1e9 }", "n_samples",
     "expected a whole number from 2 to 10,000, got 1000000000.0"),
    ("{ n_samples = 1000000000 }", "n_samples",
     "expected a whole number from 2 to 10,000, got 1000000000"),
    ("{ n_samples = 1 }", "n_samples", "expected a whole number from 2 to 10,000, got 1"),
    ("{ noise = -0.1 }", "noise", "expected a finite number from 0 to 10, got -0.1"),
    ("{ noise = inf }", "noise", "expected a finite number from 0 to 10, got inf"),
    ("{ seed = -2 }", "seed", "expected a whole number from 0 to 2,147,483,647, got -2"),
    ("{ turns = 2 }", "turns", "not an option of the moons dataset"),
    ("{ n_samples = 100, colour = 'red' }", "colour", "not an option of the moons dataset"),
])
def test_dataset_options_are_checked_before_loading(tmp_path, options, key, problem):
    text = MOONS.replace('name = "moons"', f'name = "moons"\noptions = {options}')
    message = error_for(tmp_path, text)
    assert message.startswith(f"broken.toml: key 'dataset.options.{key}': {problem}. ")
    if "not an option" in problem:
        assert message.endswith("It takes: n_samples, noise, seed.")


@pytest.mark.parametrize(("name", "options", "key", "problem"), [
    ("spiral", "{ turns = 0 }", "turns", "expected a finite number above 0 to 10, got 0"),
    ("circles", "{ factor = 1.0 }", "factor",
     "expected a finite number from 0 to 1 (excluded), got 1.0"),
    ("xor", "{ seed = 1 }", "seed", "not an option of the xor dataset"),
])
def test_options_of_other_datasets(tmp_path, name, options, key, problem):
    text = GOOD.replace('name = "xor"', f'name = "{name}"\noptions = {options}')
    message = error_for(tmp_path, text)
    assert message.startswith(f"broken.toml: key 'dataset.options.{key}': {problem}. ")


def test_deeply_nested_lists_are_a_lesson_error(tmp_path):
    message = error_for(tmp_path, GOOD + "deep = " + "[" * 200_000 + "\n")
    assert message == ("broken.toml: not valid TOML (lists or tables nested too deeply). "
                       "Fix the syntax there.")


def test_an_integer_too_long_to_read(tmp_path):
    message = error_for(tmp_path, GOOD.replace("epochs = 10", "epochs = " + "9" * 5000))
    assert message.startswith("broken.toml: not valid TOML (")


def test_a_file_too_large_is_not_parsed(tmp_path, monkeypatch):
    path = tmp_path / "broken.toml"
    path.write_text(GOOD + "#" * 4_000_000, encoding="utf-8")
    calls = []
    monkeypatch.setattr("tomllib.loads", lambda text: calls.append(text))
    with pytest.raises(LessonError, match=r"^broken\.toml: larger than 4,000,000 bytes"):
        load_lesson(path)
    assert calls == []


def test_probe_input_of_the_wrong_length(tmp_path):
    probe = "[evaluation]\ninput = [0, 1, 1]\n\n[training]"
    message = error_for(tmp_path, GOOD.replace("[training]", probe))
    assert "key 'evaluation.input': 3 values, expected 2" in message


def test_unknown_lesson_name_and_unreadable_files(tmp_path):
    with pytest.raises(LessonError, match="no lesson named 'backprop-xr'. Known lessons: "
                                          "network-types, activations, perceptron-and"):
        load_lesson("backprop-xr")
    with pytest.raises(LessonError, match="missing.toml: cannot be read"):
        load_lesson(tmp_path / "missing.toml")
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00title")
    with pytest.raises(LessonError, match="binary.toml: not a text file"):
        load_lesson(binary)


def test_parse_lesson_names_the_given_path(tmp_path):
    with pytest.raises(LessonError, match=r"^elsewhere\.toml: key 'title': missing"):
        parse_lesson(GOOD.replace('title = "Broken on purpose"\n', ""),
                     tmp_path / "elsewhere.toml")


def test_a_file_lesson_trains_like_a_bundled_one(tmp_path):
    lesson = load_lesson(write(tmp_path, GOOD))
    data = lesson.load_data()
    model = lesson.build_model(2)
    np.testing.assert_array_equal(model.layers[0].weights, [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
    history = model.fit(data.X_train, data.y_train, epochs=3, optimizer=SGD(0.5))
    assert history.epochs == 3
