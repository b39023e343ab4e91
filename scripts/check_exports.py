"""Prove the exported scripts: the same predictions as nnsim, and the same weights after a step.

For each lesson and framework: ``nnsim export`` the lesson, run the script with another Python
(one that has Keras 3 and PyTorch, never nnsim's own environment), and compare its printed
outputs for the first rows with nnsim's ``predict``, then one full-batch SGD step without
shuffling (``--train --epochs 1 --batch-size N --no-shuffle --save``) with one nnsim step.

    python scripts/check_exports.py --peer-python /tmp/peers/bin/python
    python scripts/check_exports.py --targets numpy      # NumPy only: any Python with NumPy

Exit status 1 and a line per mismatch when anything differs by more than the tolerance.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from nnsim.cli import main as nnsim_main
from nnsim.core.export import PRINTED_ROWS, TARGETS
from nnsim.workspace.opening import open_lesson

LESSONS = ("worked-example", "backprop-xor", "digits")
TOLERANCE = 1e-5


def nnsim_reference(lesson: str) -> tuple[np.ndarray, list[np.ndarray]]:
    """nnsim's outputs for the first rows, and its weights after one full-batch step."""
    state = open_lesson(lesson)
    network, data = state.network, state.data
    X = data.X_train
    outputs = network.predict(X[:PRINTED_ROWS])
    stepped = network.copy()
    optimizer = state.optimizer
    optimizer.learning_rate = state.settings.learning_rate
    stepped.train_on_batch(X, data.y_train, optimizer, state.lesson.loss)
    return outputs, [p.astype(np.float64) for p in stepped.parameters()]


def printed_outputs(text: str) -> np.ndarray:
    rows = [line.split("->")[1].split() for line in text.splitlines() if line.startswith("x =")]
    return np.array(rows, dtype=np.float64)


def check(lesson: str, target: str, python: str, folder: Path) -> list[str]:
    script = folder / f"{lesson.replace('-', '_')}_{target}.py"
    with open(os.devnull, "w") as quiet:
        stdout, sys.stdout = sys.stdout, quiet
        try:
            nnsim_main(["export", lesson, "--to", target, str(script)])
        finally:
            sys.stdout = stdout
    env = {**os.environ, "KERAS_BACKEND": "torch"}
    expected, stepped = nnsim_reference(lesson)
    problems = []
    run = subprocess.run([python, str(script)], capture_output=True, text=True, env=env)
    if run.returncode != 0:
        return [f"{script.name}: exit {run.returncode}: {run.stderr.strip()[-500:]}"]
    got = printed_outputs(run.stdout)
    if got.shape != expected.shape or not np.allclose(got, expected, atol=TOLERANCE, rtol=0):
        problems.append(f"{script.name}: outputs {got.tolist()} != nnsim's {expected.tolist()}")
    after = folder / f"{script.stem}-after.npz"
    rows = len(open_lesson(lesson).data.X_train)
    train = subprocess.run([python, str(script), "--train", "--epochs", "1", "--batch-size",
                            str(rows), "--no-shuffle", "--save", str(after)],
                           capture_output=True, text=True, env=env)
    if train.returncode != 0:
        return problems + [f"{script.name} --train: exit {train.returncode}: "
                           f"{train.stderr.strip()[-500:]}"]
    with np.load(after, allow_pickle=False) as saved:
        theirs = [saved[name] for name in sorted(saved.files, key=lambda n: (n[1:], n[0] == "b"))]
    for index, (mine, other) in enumerate(zip(stepped, theirs, strict=True)):
        # 1e-5, relative to weights above 1: digits' full-batch step with the summed loss
        # moves output weights to about 60, where Keras differs by 4e-5 (7e-7 relative).
        worst = float(np.max(np.abs(mine - other) / np.maximum(1.0, np.abs(mine))))
        if worst > TOLERANCE:
            problems.append(f"{script.name}: parameter {index} after one step differs by "
                            f"{worst:.2e} (relative)")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-python", default=sys.executable)
    parser.add_argument("--targets", nargs="+", default=list(TARGETS), choices=TARGETS)
    parser.add_argument("--lessons", nargs="+", default=list(LESSONS))
    args = parser.parse_args(argv)
    started = time.perf_counter()
    problems = []
    with tempfile.TemporaryDirectory() as folder:
        for lesson in args.lessons:
            for target in args.targets:
                found = check(lesson, target, args.peer_python, Path(folder))
                problems += found
                print(f"check_exports: {lesson} -> {target}: "
                      f"{'OK' if not found else 'MISMATCH'}", flush=True)
    for problem in problems:
        print(f"check_exports: {problem}", file=sys.stderr)
    print(f"check_exports: {'failed' if problems else 'OK'} in "
          f"{time.perf_counter() - started:.0f} s")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
