"""What a run's end means, in one sentence: the only place verdicts are worded.

The command line and the app both end a run through ``training.loop`` and say its outcome
with :func:`verdict`, so "not separable" is only ever said when the linear programme proved it
(``separability.py``), and a run that simply ran out of epochs says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from nnsim.training.loop import CONVERGED, DIVERGED, FINISHED, NOT_SEPARABLE, STOPPED


@dataclass(frozen=True)
class Verdict:
    """A run's outcome: ``kind`` is the status word, ``text`` the sentence, ``problem`` whether
    it is bad news the user must act on (divergence)."""

    kind: str
    text: str
    problem: bool = False


def verdict(status: str, *, epochs: int, dataset: str | None = None, perceptron: bool = False,
            reason: str = "", right: int | None = None, total: int | None = None,
            planned: int | None = None) -> Verdict:
    """The sentence for a run that ended with ``status`` after ``epochs`` epochs (of
    ``planned``, when it had an end)."""
    name = dataset.upper() if dataset else "These classes"
    count = f"{epochs:,} epoch" + ("" if epochs == 1 else "s")
    if status == NOT_SEPARABLE:
        return Verdict("not separable", f"{name} is not linearly separable: no straight line "
                       "separates its classes (a linear programme proves it), so no weights "
                       "make the perceptron right on every row. Add a hidden layer (see the "
                       "backprop-xor lesson).")
    if status == DIVERGED:
        return Verdict("diverged", f"Training diverged: {reason or 'the loss became unusable'}."
                       " The weights of the last good step are kept; lower the learning rate "
                       "and train again.", problem=True)
    if status == CONVERGED:
        if perceptron:
            return Verdict("converged", f"Converged: epoch {epochs} made no mistake, so the "
                           "line separates the classes.")
        return Verdict("converged", f"Converged after {count}.")
    score = "" if right is None or total is None else f" ({right} of {total} right)"
    if status == STOPPED:
        of = f"{epochs:,} of {planned:,} epochs" if planned else count
        return Verdict("stopped", f"Stopped after {of}{score}.")
    if status == FINISHED and perceptron:
        return Verdict("not converged", f"Not converged in {count}{score}: a straight "
                       "line does separate these classes, so more epochs (or a larger "
                       "learning rate) will find it.")
    return Verdict("finished", f"Finished {count}{score}.")


__all__ = ["Verdict", "verdict"]
