"""Does mnist-keras reach the lecture? Its default run and ``--match-lecture`` on the sample.

The lecture's Keras run made 41,100 weight updates on 52,500 images and reached 0.92; the
lesson's default makes 3,000 on the bundled sample. This trains both through the CLI's own
path (``nnsim.headless.run_lesson``) and prints a Markdown table for bench/RESULTS.md:
validation accuracy, updates and wall time. Takes 2-3 minutes on one core.

    python bench/lecture_match.py
"""

from __future__ import annotations

import re
import time

from nnsim.core.lessons import load_lesson
from nnsim.headless import RunOptions, run_lesson


def _run(options: RunOptions) -> tuple[float, int, float]:
    lines: list[str] = []
    started = time.perf_counter()
    run_lesson(load_lesson("mnist-keras"), options, lines.append)
    seconds = time.perf_counter() - started
    text = "\n".join(lines)
    accuracy = re.search(r"validation accuracy: (\d\.\d+)", text)
    updates = re.search(r"after ([\d,]+) weight updates", text)
    assert accuracy and updates, text[-2000:]
    return float(accuracy.group(1)), int(updates.group(1).replace(",", "")), seconds


def main() -> None:
    lecture = load_lesson("mnist-keras").lecture
    assert lecture is not None
    print("| run | training images | weight updates | validation accuracy | seconds |")
    print("|---|---|---|---|---|")
    print(f"| the lecture (Keras, full MNIST) | {lecture.train_images:,} | "
          f"{lecture.updates:,} | {lecture.accuracy:.2f} | - |")
    for name, options in (("nnsim run mnist-keras", RunOptions()),
                          ("nnsim run mnist-keras --match-lecture",
                           RunOptions(match_lecture=True))):
        accuracy, updates, seconds = _run(options)
        print(f"| {name} | 3,750 (sample) | {updates:,} | {accuracy:.4f} | {seconds:.0f} |",
              flush=True)


if __name__ == "__main__":
    main()
