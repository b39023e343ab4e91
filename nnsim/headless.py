"""The lecture's results on the command line: train a lesson, print a forward or backward pass.

Output follows the lecture's style (``[INFO] epoch=100, loss=0.4986981``) so students can set it
beside the slides. Nothing here imports Qt.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from nnsim.core.activations import LECTURE_ACTIVATIONS, get_activation
from nnsim.core.explain import backward_steps, forward_steps
from nnsim.core.explain_sequences import recurrent_steps
from nnsim.core.lecture_run import LectureRun, describe_run, epochs_to_match, weight_updates
from nnsim.core.lessons import Lesson, LessonData, dataset_width
from nnsim.core.metrics import classification_report, predicted_classes
from nnsim.core.network import Network
from nnsim.core.perceptron import Perceptron
from nnsim.core.sequences import decoded_symbols, sequence_text
from nnsim.training.blas_threads import one_blas_thread
from nnsim.training.control import TrainingControl
from nnsim.training.loop import TrainingJob, TrainingResult, run_training
from nnsim.training.verdicts import verdict

Print = Callable[[str], None]

@dataclass
class RunOptions:
    """Command-line overrides of a lesson's settings (None keeps the lesson's)."""

    epochs: int | None = None
    learning_rate: float | None = None
    batch_size: int | None = None
    seed: int | None = None
    data_path: str | None = None
    match_lecture: bool = False
    """Train for as many weight updates as the lesson's ``[lecture]`` run made."""


@contextmanager
def stop_on_interrupt(request_stop: Callable[[], None], say: Print) -> Iterator[None]:
    """The first Ctrl-C asks training to stop after the current step; a second one aborts."""
    def handler(signum: int, frame: object) -> None:
        say("[INFO] stopping after this step (Ctrl-C again to abort)")
        request_stop()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    try:
        previous = signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread: no signal handling, run anyway
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run_lesson(lesson: Lesson, options: RunOptions, say: Print = print) -> int:
    """Train a lesson headless and print its evaluation; returns the exit status."""
    say(f"[INFO] lesson {lesson.name}: {lesson.title}")
    if lesson.kind == "activations":
        print_activation_table(say)
        return 0
    if lesson.kind == "overview":
        say(lesson.notes)
        return 0
    seed = lesson.seed if options.seed is None else options.seed
    data = lesson.load_data(seed=seed, path=options.data_path)
    if lesson.kind == "perceptron":
        return _run_perceptron(lesson, data, options, seed, say)
    return _run_network(lesson, data, options, seed, say)


def print_activation_table(say: Print) -> None:
    """Each lecture activation at a few values of net."""
    grid = np.array([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0])
    say("[INFO] net:       " + " ".join(f"{z:8.3f}" for z in grid))
    for name in LECTURE_ACTIVATIONS:
        values = get_activation(name)(grid)
        say(f"[INFO] {name + ':':<11} " + " ".join(f"{v:8.4f}" for v in values))


def _train(lesson: Lesson, model: Network | Perceptron, data: LessonData, job_options: dict,
           say: Print, on_epoch_end: Callable[[int, dict[str, float]], object]
           ) -> TrainingResult:
    """Train through the app's own loop (one driver, one rule set for every verdict)."""
    validation = (data.X_test, data.y_test) if lesson.validation_split else (None, None)
    job = TrainingJob(model=model, X=data.X_train, y=data.y_train, X_val=validation[0],
                      y_val=validation[1], loss=lesson.loss, shuffle=lesson.shuffle,
                      grid=False, **job_options)
    control = TrainingControl()
    # One BLAS thread, as the app's trainer: on small nets OpenBLAS's thread hand-offs cost
    # more than they save (the digits lesson trains 2-3x faster), and results match the app.
    with one_blas_thread(model), stop_on_interrupt(control.request_stop, say):
        return run_training(job, control, lambda _snapshot: None, on_epoch_end=on_epoch_end,
                            ready=lambda: False)


def _say_verdict(result: TrainingResult, lesson: Lesson, perceptron: bool, right: int,
                 total: int, planned: int, say: Print) -> int:
    outcome = verdict(result.status, epochs=result.epochs, dataset=lesson.dataset,
                      perceptron=perceptron, reason=result.reason, right=right, total=total,
                      planned=planned)
    say(("[ERROR] " if outcome.problem else "[INFO] ") + outcome.text)
    return 1 if outcome.problem else 0


def _run_perceptron(lesson: Lesson, data: LessonData, options: RunOptions, seed: int,
                    say: Print) -> int:
    rate = lesson.learning_rate if options.learning_rate is None else options.learning_rate
    epochs = lesson.epochs if options.epochs is None else options.epochs
    model = Perceptron(data.X_train.shape[1], rate, seed=seed)
    say(f"[INFO] training perceptron on {lesson.dataset}: alpha={rate:g}, epochs={epochs}")

    def log(epoch: int, logs: dict[str, float]) -> None:
        weights = ", ".join(f"{w:.4f}" for w in model.weights)
        say(f"[INFO] epoch={epoch}, mistakes={int(logs['loss'])}, w=[{weights}]")

    result = _train(lesson, model, data, {"epochs": epochs, "batch_size": 1, "seed": seed},
                    say, log)
    say("[INFO] evaluating perceptron...")
    for x, target in zip(data.X_test, data.y_test, strict=True):
        net = float(model.net(x)[0])
        say(f"[INFO] data={_row(x)}, ground-truth={int(target)}, net={net:.4f}, "
            f"pred={int(model.predict(x)[0])}")
    right = len(data.y_test) - model.errors(data.X_test, data.y_test)
    say(f"[INFO] {right}/{len(data.y_test)} rows right")
    return _say_verdict(result, lesson, True, right, len(data.y_test), epochs, say)


def run_epochs(lesson: Lesson, options: RunOptions, rows: int, batch_size: int) -> int:
    """The epochs to train: the lesson's, ``--epochs``, or as many as match the lecture."""
    if not options.match_lecture:
        return lesson.epochs if options.epochs is None else options.epochs
    if lesson.lecture is None:
        raise ValueError(f"{lesson.name} has no lecture run to match (only lessons with a "
                         "[lecture] table have one, e.g. mnist-keras)")
    if options.epochs is not None:
        raise ValueError("give --epochs or --match-lecture, not both: --match-lecture sets "
                         "the epochs")
    return epochs_to_match(lesson.lecture.updates, rows, batch_size)


def _run_network(lesson: Lesson, data: LessonData, options: RunOptions, seed: int,
                 say: Print) -> int:
    model = lesson.build_model(data.X_train.shape[1], seed=seed, X=data.X_train)
    assert isinstance(model, Network)
    batch_size = lesson.batch_size if options.batch_size is None else options.batch_size
    rows = len(data.X_train)
    epochs = run_epochs(lesson, options, rows, batch_size)
    optimizer = lesson.build_optimizer(options.learning_rate)
    sizes = "-".join(str(s) for s in model.sizes)
    say(f"[INFO] training network {sizes} on {lesson.dataset} ({rows} rows): "
        f"loss={lesson.loss}, alpha={optimizer.learning_rate:g}, batch size={batch_size}, "
        f"epochs={epochs}")
    if lesson.lecture is not None:
        source = "the bundled sample" if options.data_path is None else options.data_path
        say(f"[INFO] data: {describe_run(rows, batch_size, epochs, source)}")
        say(f"[INFO] {lesson.lecture.describe()}")
    started = time.perf_counter()

    def log(epoch: int, logs: dict[str, float]) -> None:
        if lesson.validation_split:
            elapsed = time.perf_counter() - started
            left = elapsed / epoch * (epochs - epoch)
            figures = " - ".join(f"{key}: {value:.4f}" for key, value in logs.items())
            say(f"Epoch {epoch}/{epochs} - {elapsed:.1f}s elapsed, {left:.0f}s left - {figures}")
        elif epoch == 1 or epoch % lesson.log_every == 0 or epoch == epochs:
            say(f"[INFO] epoch={epoch}, loss={logs['loss']:.7f}")

    result = _train(lesson, model, data, {"epochs": epochs, "batch_size": batch_size,
                                          "optimizer": optimizer, "seed": seed}, say, log)
    evaluate_network(lesson, model, data, say)
    right, total = _score(model, data)
    if lesson.lecture is not None:
        compared = compare_with_lecture(lesson.lecture, right / total, rows, batch_size,
                                        result.epochs)
        say(f"[INFO] {compared}")
    code = _say_verdict(result, lesson, False, right, total, epochs, say)
    if lesson.report == "sequences":  # the last line, for scripts: held-out sequences right
        say(f"exact-sequence accuracy {right / total:.2f}")
    return code


def compare_with_lecture(lecture: LectureRun, accuracy: float, rows: int, batch_size: int,
                         epochs: int) -> str:
    """Our accuracy beside the lecture's, each with its number of weight updates."""
    updates = weight_updates(rows, batch_size, epochs)
    line = (f"validation accuracy {accuracy:.4f} after {updates:,} weight updates; the lecture "
            f"reached {lecture.accuracy:.2f} after {lecture.updates:,}")
    if updates < lecture.updates:
        line += " (--match-lecture trains as many)"
    return line


def _score(model: Network, data: LessonData) -> tuple[int, int]:
    """Held-out rows right: the class, or for sequences every step of the sequence."""
    out = model.predict(data.X_test)
    if np.ndim(data.y_test) == 2:
        decoded = decoded_symbols(out, data.y_test.shape[1])
        return int(np.count_nonzero(np.all(decoded == data.y_test, axis=1))), len(data.y_test)
    predicted = predicted_classes(out)
    return int(np.count_nonzero(predicted == data.y_test)), len(data.y_test)


def evaluate_network(lesson: Lesson, model: Network, data: LessonData, say: Print) -> None:
    """Per-row predictions for small data, the classification report for images."""
    out = model.predict(data.X_test)
    predicted = predicted_classes(out)
    say("[INFO] evaluating network...")
    if lesson.report == "rows":
        for x, target, row in zip(data.X_test, data.y_test, out, strict=True):
            value = float(row[0]) if len(row) == 1 else float(row.max())
            say(f"[INFO] data={_row(x)}, ground-truth={int(target)}, pred={value:.4f}, "
                f"step={int(predicted_classes(row[np.newaxis])[0])}")
        right = int(np.count_nonzero(predicted == data.y_test))
        say(f"[INFO] {right}/{len(data.y_test)} rows right")
    elif lesson.report == "sequences":
        end = data.n_classes - 1  # the end symbol closes the vocabulary
        decoded = decoded_symbols(out, data.y_test.shape[1])
        for x, target, row in list(zip(data.X_test, data.y_test, decoded, strict=True))[:8]:
            mark = "right" if np.array_equal(row, target) else "wrong"
            say(f"[INFO] {sequence_text(x, end)} -> {sequence_text(row, end)} (target "
                f"{sequence_text(target, end)}): {mark}")
    elif lesson.report == "classification":
        which = "validation" if lesson.validation_split else "test"
        accuracy = float(np.mean(predicted == data.y_test))
        say(f"[INFO] {which} accuracy: {accuracy:.4f} on {len(data.y_test)} images")
        say(classification_report(data.y_test, predicted))


def _row(x: np.ndarray) -> str:
    return "[" + " ".join(f"{v:g}" for v in x) + "]"


def print_forward(lesson: Lesson, x: list[float] | None, precision: int, say: Print = print,
                  backward: bool = False, target: float | None = None,
                  learning_rate: float | None = None) -> int:
    """The forward pass neuron by neuron (and, with ``backward``, the chain rule)."""
    model = _stepper_model(lesson)
    kinds = {getattr(layer, "kind", "dense") for layer in model.layers}
    if not model.dense_only and not kinds & {"simple_rnn", "seq2seq"}:
        raise ValueError(f"{lesson.name} has {', '.join(sorted(kinds - {'dense'}))} layers: the "
                         "stepper prints Dense and recurrent networks step by step; see this "
                         f"one in the app (nnsim --lesson {lesson.name})")
    if backward and "seq2seq" in kinds:
        raise ValueError(f"{lesson.name}: an encoder-decoder's backward pass is "
                         "backpropagation through time of both networks; the stepper prints "
                         "it for SimpleRNN lessons (e.g. nnsim step rnn-parity --backward)")
    if backward and model.dense_only and model.layers[-1].activation.name == "step":
        raise ValueError(f"{lesson.name} is a perceptron: its step unit has no derivative, so "
                         "there is no backward pass; it learns by the delta rule (nnsim run)")
    sequence_target = None
    if x is None and lesson.probe_input is not None:
        x = list(lesson.probe_input)
    elif x is None:
        data = lesson.load_data()
        x = [float(v) for v in data.X_train[0]]
        if target is None and np.ndim(data.y_train) == 2:
            sequence_target = data.y_train[0]
        elif target is None:
            target = float(data.y_train[0])
    if len(x) != model.sizes[0]:
        raise ValueError(f"--input has {len(x)} values but {lesson.name} has "
                         f"{model.sizes[0]} inputs; give e.g. --input "
                         f"{','.join(['0'] * model.sizes[0])}")
    if target is None:
        target = lesson.probe_target
    say(f"forward pass of {lesson.name}, precision {precision} (truncated)")
    if not model.dense_only:  # a sequence: step by step through time
        for line in recurrent_steps(model, np.array(x), sequence_target if target is None
                                    else target, lesson.loss, precision, backward):
            say(line)
        return 0
    for step in forward_steps(model.forward_trace(x), precision, lesson.threshold, target):
        say(step.text)
    if backward:
        if target is None:
            raise ValueError("--backward needs --target T (the row's label)")
        rate = lesson.learning_rate if learning_rate is None else learning_rate
        trace = model.backward_trace(x, target, lesson.loss, rate)
        say(f"backward pass, loss {lesson.loss}, learning rate {rate:g}")
        for step in backward_steps(trace, precision):
            say(step.text)
    return 0


def _stepper_model(lesson: Lesson) -> Network:
    if not lesson.has_model:
        raise ValueError(f"{lesson.name} has no network to step through; try worked-example")
    model = lesson.build_model(dataset_width(lesson) or 2)
    return model.as_network() if isinstance(model, Perceptron) else model
