"""One BLAS thread for a trainer, including the BLAS the fused weight update loads."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from threadpoolctl import threadpool_limits

from nnsim.core.blas_update import load_blas, wants_blas
from nnsim.core.network import Network
from nnsim.core.perceptron import Perceptron


@contextmanager
def one_blas_thread(model: Network | Perceptron) -> Iterator[None]:
    """Limit every BLAS library to one thread while training ``model``.

    On small nets OpenBLAS's thread hand-offs cost more than they save, and on large ones two
    threads leave no core to the GUI (DESIGN.md, 7). threadpoolctl limits only libraries
    already loaded, so SciPy's BLAS (the fused update of large layers) is loaded first.
    """
    if isinstance(model, Network) and wants_blas(model.sizes):
        load_blas()
    with threadpool_limits(limits=1):
        yield
