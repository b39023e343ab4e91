"""``nnsim``: with no arguments the app opens; subcommands reproduce the lecture headless."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from nnsim import __version__
from nnsim.core.animation import DEFAULT_FPS, DEFAULT_MAX_FRAMES, DEFAULT_SIZE, PANELS, parse_size
from nnsim.core.errors import DatasetError, LessonError


class UsageError(Exception):
    """A bad command line: reported in one line with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not argparse's usage block
        raise UsageError(message)


def _floats(text: str) -> list[float]:
    try:
        return [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected numbers separated by commas such as 0,1; got {text!r}") from None


def _positive(kind: type) -> object:
    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be above 0, got {text}")
        return value
    return parse


def _video_size(text: str) -> tuple[int, int]:
    try:
        return parse_size(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _precision(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 0 <= value <= 12:
        raise argparse.ArgumentTypeError(f"must be between 0 and 12, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The command line; the app's own options sit at the top level."""
    parser = _Parser(prog="nnsim", description="A visual neural-network simulator for "
                     "teaching Neural Network Basics.")
    parser.add_argument("--version", action="version", version=f"nnsim {__version__}")
    parser.add_argument("--smoke", action="store_true",
                        help="open the window, train a few steps, save a screenshot, exit")
    parser.add_argument("--lesson", help="the lesson to open (default backprop-xor)")
    parser.add_argument("--steps", type=_positive(int), default=200,
                        help="training steps in --smoke mode (default 200)")
    parser.add_argument("--screenshot", help="where --smoke saves a PNG of the window")
    parser.add_argument("--projector", action="store_true", help="start in projector mode")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    commands.add_parser("lessons", help="list the lessons, one per line")

    run = commands.add_parser("run", help="train a lesson headless and evaluate it")
    run.add_argument("lesson")
    run.add_argument("--epochs", type=_positive(int))
    run.add_argument("--lr", type=_positive(float), help="learning rate")
    run.add_argument("--batch-size", type=_positive(int))
    run.add_argument("--seed", type=int)
    run.add_argument("--data", help="folder with the MNIST IDX files (mnist lessons)")
    run.add_argument("--match-lecture", action="store_true",
                     help="train for as many weight updates as the lecture's run (mnist-keras)")

    export = commands.add_parser(
        "export", help="write a lesson's or session's network as a NumPy, Keras or PyTorch script")
    export.add_argument("source", help="a lesson name, a lesson .toml or a saved .nnsim session")
    export.add_argument("--to", required=True, choices=["numpy", "keras", "pytorch"])
    export.add_argument("out", help="the script to write, e.g. xor_keras.py (and .npz beside)")

    animate = commands.add_parser(
        "animate", help="write a GIF or MP4 of a run, drawn offscreen from its checkpoints")
    animate.add_argument("source", help="a lesson name or .toml (trained first), or a saved "
                         ".nnsim session with a recorded timeline")
    animate.add_argument("--out", required=True, help="the video to write: run.mp4 or run.gif")
    animate.add_argument("--panel", choices=PANELS,
                         help="what each frame shows (default canvas+boundary where possible)")
    animate.add_argument("--size", type=_video_size, default=DEFAULT_SIZE,
                         help="WIDTHxHEIGHT in pixels, at most 1920x1080 (default 1280x720)")
    animate.add_argument("--fps", type=int, default=DEFAULT_FPS,
                         help="frames a second, 1 to 60 (default 30)")
    animate.add_argument("--epochs", type=_positive(int), help="train the lesson this long")
    animate.add_argument("--first", type=int, help="the first epoch shown (default the first)")
    animate.add_argument("--last", type=int, help="the last epoch shown (default the last)")
    animate.add_argument("--frames", type=_positive(int), default=DEFAULT_MAX_FRAMES,
                         help="at most this many frames, spread over the epochs (default 300)")

    for name, text in (("forward", "print the forward pass neuron by neuron"),
                       ("step", "print the forward (and backward) pass step by step")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("lesson")
        sub.add_argument("--input", type=_floats, help="the input row, e.g. 0,1")
        sub.add_argument("--precision", type=_precision, default=3,
                         help="decimals, truncated toward zero (default 3)")
        if name == "step":
            sub.add_argument("--backward", action="store_true",
                             help="continue with the chain rule and the update")
            sub.add_argument("--target", type=float, help="the row's label (with --backward)")
            sub.add_argument("--lr", type=_positive(float), help="learning rate for the update")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``nnsim`` command; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
        return _dispatch(args)
    except UsageError as error:
        print(f"nnsim: error: {error}", file=sys.stderr)
        return 2
    except (LessonError, DatasetError, ValueError, FileNotFoundError) as error:
        print(f"nnsim: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("nnsim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `nnsim run ... | head`: the reader has what it wanted
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - so the exit flush stays quiet
        return 0


def _dispatch(args: argparse.Namespace) -> int:
    from nnsim.core.lessons import list_lessons, load_lesson

    if args.command is None:
        return _open_app(args)
    if args.command == "lessons":
        for lesson in list_lessons():
            print(f"{lesson.name:<16} {lesson.title}")
        return 0
    if args.command == "export":
        return _export(args)
    if args.command == "animate":
        from nnsim.app.animation_cli import animate

        return animate(args.source, args.out, args.panel, args.size, args.fps, args.epochs,
                       args.first, args.last, args.frames)
    from nnsim import headless

    lesson = load_lesson(args.lesson)
    if args.command == "run":
        options = headless.RunOptions(epochs=args.epochs, learning_rate=args.lr,
                                      batch_size=args.batch_size, seed=args.seed,
                                      data_path=args.data, match_lecture=args.match_lecture)
        return headless.run_lesson(lesson, options)
    if args.command == "forward":
        return headless.print_forward(lesson, args.input, args.precision)
    return headless.print_forward(lesson, args.input, args.precision, backward=args.backward,
                                  target=args.target, learning_rate=args.lr)


def _export(args: argparse.Namespace) -> int:
    from nnsim.core.export import Training, export_network
    from nnsim.core.network import Network
    from nnsim.workspace.opening import open_lesson, open_session

    source = Path(args.source)
    state = open_session(source) if source.suffix == ".nnsim" else open_lesson(args.source)
    if not isinstance(state.model, Network):
        raise ValueError(f"{args.source}: a perceptron learns by the delta rule, which no "
                         "framework trains; export a network lesson (e.g. backprop-xor)")
    data, settings = state.data, state.settings
    training = Training(loss=state.lesson.loss, learning_rate=settings.learning_rate,
                        momentum=state.optimizer.momentum, epochs=settings.epochs or 1,
                        batch_size=settings.batch_size)
    targets = state.network.as_targets(data.y_train, len(data.X_train))
    written = export_network(state.network, data.X_train, targets, training, args.to,
                             args.out, title=f"{state.lesson.title} ({state.lesson.name})")
    for path in written:
        print(f"wrote {path}")
    print(f"run it: python {written[0]}  (add --train to continue training)")
    return 0


def _open_app(args: argparse.Namespace) -> int:
    try:
        from nnsim.app.main import run_app
    except ImportError:
        from nnsim.core.lessons import list_lessons

        print("nnsim: the window is not built yet; lessons:")
        for lesson in list_lessons():
            print(f"  {lesson.name:<16} {lesson.title}")
        return 0
    return run_app(args)


if __name__ == "__main__":
    sys.exit(main())
