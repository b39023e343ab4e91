"""W += inputs^T @ delta as one BLAS call: GEMM with beta = 1 accumulates into W.

NumPy's ``np.dot`` always writes a fresh product, so the plain update costs a GEMM into a
temporary plus a pass that reads W and the temporary and writes W back. On a large layer that
pass is memory-bound: on 784-256-128-10 it was 10-15 % of an epoch. SciPy's BLAS wrappers
(SciPy comes with scikit-learn) expose GEMM's ``beta`` and update W where it lies.

W of shape (n_in, n_out) in C order is W^T in Fortran order, so the call works on
W^T += delta^T @ inputs with every operand Fortran-ordered as the wrapper wants it: no copies.
Small layers keep NumPy: there a wrapper's call overhead outweighs the pass it saves.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Array = np.ndarray

FUSED_MIN_WEIGHTS = 16_384
"""Weight arrays with fewer elements than this update with NumPy."""

_GEMM: dict[str, Callable | None] = {}


def load_blas() -> bool:
    """Import SciPy's BLAS now; True if it is there.

    A trainer calls this before limiting BLAS threads (threadpoolctl limits only the
    libraries already loaded), so the GEMMs here run on one thread like the rest.
    """
    if "float32" not in _GEMM:
        try:
            from scipy.linalg import blas
        except ImportError:  # pragma: no cover - SciPy comes with scikit-learn
            _GEMM.update(float32=None, float64=None)
        else:
            _GEMM.update(float32=blas.sgemm, float64=blas.dgemm)
    return _GEMM["float32"] is not None


def wants_blas(sizes: list[int]) -> bool:
    """True if a network of these layer sizes has a layer big enough for the fused update."""
    return any(a * b >= FUSED_MIN_WEIGHTS for a, b in zip(sizes, sizes[1:], strict=False))


def add_product(weights: Array, inputs: Array, delta: Array) -> bool:
    """``weights += inputs.T @ delta`` in place by one GEMM; False (nothing done) where the
    arrays don't suit it, so the caller updates with NumPy instead."""
    if weights.size < FUSED_MIN_WEIGHTS or not load_blas():
        return False
    gemm = _GEMM.get(weights.dtype.name)
    if (gemm is None or inputs.dtype != weights.dtype or delta.dtype != weights.dtype
            or not (weights.flags.c_contiguous and weights.flags.writeable)
            or not (inputs.flags.c_contiguous and delta.flags.c_contiguous)):
        return False
    gemm(1.0, delta.T, inputs.T, beta=1.0, c=weights.T, overwrite_c=True, trans_b=True)
    return True
