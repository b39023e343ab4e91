"""Whether a straight line (a hyperplane) separates two classes, decided exactly.

A perceptron that has not converged after its epochs may just need more of them; telling the
class "no straight line separates these classes" is only honest when a linear programme confirms
it: find w, b with s_i * (w . x_i + b) >= 1 for every row, s_i = +1 for class 1 and -1 otherwise.
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray


def linearly_separable(X: Array, y: Array) -> bool | None:
    """True or False when decided, None when SciPy is missing or the solver gives up."""
    try:
        from scipy.optimize import linprog
    except ImportError:
        return None
    X = np.atleast_2d(np.asarray(X, dtype=np.float64))
    signs = np.where(np.asarray(y).reshape(-1) == 1, 1.0, -1.0)
    rows = np.c_[X, np.ones(len(X))]
    result = linprog(np.zeros(rows.shape[1]), A_ub=-signs[:, None] * rows,
                     b_ub=-np.ones(len(X)), bounds=[(None, None)] * rows.shape[1],
                     method="highs")
    if result.status == 0:
        return True
    if result.status == 2:
        return False
    return None
