"""Convolutional layers (the lecture's "D"): Conv2D, MaxPooling2D and Flatten, as Keras has them.

Inputs are (N, height, width, channels), channels last. The same interface as
``core/rnn.py``'s SimpleRNN: ``output_shape``, ``forward -> (out, cache)``,
``backward(grad_out, cache) -> (grad_in, grads)``, ``parameters``, ``spec``, ``copy``.

Conv2D is im2col: ``sliding_window_view`` lays every receptive field out as a row, and one
matrix product with the kernel (kh * kw * C, filters) gives every output; the kernel's
gradient is one product too. Only the input's gradient loops, over the kh * kw kernel offsets
(9 for 3x3), never over pixels or samples.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from nnsim.core.activations import get_activation

Array = np.ndarray


def _pair(value: int | tuple[int, int], what: str) -> tuple[int, int]:
    pair = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair) != 2 or any(int(v) < 1 for v in pair):
        raise ValueError(f"{what} must be a positive whole number or a pair of them, got "
                         f"{value!r}")
    return int(pair[0]), int(pair[1])


def _image_shape(layer: str, input_shape: tuple[int, ...]) -> tuple[int, int, int]:
    if len(input_shape) != 3:
        raise ValueError(f"{layer} needs (height, width, channels) inputs, got "
                         f"{tuple(input_shape)}")
    return int(input_shape[0]), int(input_shape[1]), int(input_shape[2])


class Conv2D:
    """``filters`` kernels of ``kernel_size`` slid over the image, each giving a feature map."""

    kind = "conv2d"

    def __init__(self, filters: int, kernel_size: int | tuple[int, int],
                 strides: int | tuple[int, int] = 1, padding: str = "valid",
                 activation: str = "relu", *, in_channels: int,
                 seed: int | np.random.Generator | None = None,
                 dtype: type | np.dtype = np.float64) -> None:
        if filters < 1 or in_channels < 1:
            raise ValueError(f"Conv2D needs at least 1 filter and 1 input channel, got "
                             f"{filters} filters and {in_channels} channels")
        if padding not in ("valid", "same"):
            raise ValueError(f"Conv2D padding is 'valid' or 'same', got {padding!r}")
        self.filters, self.in_channels = int(filters), int(in_channels)
        self.kernel_size = _pair(kernel_size, "Conv2D kernel_size")
        self.strides = _pair(strides, "Conv2D strides")
        self.padding = padding
        self.activation = get_activation(activation)
        if not self.activation.elementwise or self.activation.derivative is None:
            raise ValueError(f"Conv2D cannot train a {activation} activation by backprop")
        self.dtype = np.dtype(dtype)
        self.kernel: Array
        self.bias: Array
        self.initialize(seed)

    def initialize(self, seed: int | np.random.Generator | None = None) -> None:
        """Glorot-uniform kernels and zero biases, as Keras starts them."""
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        kh, kw = self.kernel_size
        fan_in, fan_out = kh * kw * self.in_channels, kh * kw * self.filters
        limit = math.sqrt(6.0 / (fan_in + fan_out))
        self.kernel = rng.uniform(-limit, limit, (kh, kw, self.in_channels, self.filters)) \
            .astype(self.dtype)
        self.bias = np.zeros(self.filters, dtype=self.dtype)

    def parameters(self) -> list[Array]:
        return [self.kernel, self.bias]

    def _padding(self, height: int, width: int) -> tuple[tuple[int, int], tuple[int, int]]:
        """(top, bottom), (left, right): none for "valid"; for "same" as Keras (the odd
        pixel at the bottom and right)."""
        if self.padding == "valid":
            return (0, 0), (0, 0)
        pads = []
        for size, kernel, stride in zip((height, width), self.kernel_size, self.strides,
                                        strict=True):
            out = math.ceil(size / stride)
            total = max((out - 1) * stride + kernel - size, 0)
            pads.append((total // 2, total - total // 2))
        return pads[0], pads[1]

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, int, int]:
        height, width, channels = _image_shape("Conv2D", input_shape)
        if channels != self.in_channels:
            raise ValueError(f"Conv2D expects {self.in_channels} channels, got {channels}")
        (top, bottom), (left, right) = self._padding(height, width)
        kh, kw = self.kernel_size
        if height + top + bottom < kh or width + left + right < kw:
            raise ValueError(f"Conv2D's {kh}x{kw} kernel is larger than its {height}x{width} "
                             "input")
        sh, sw = self.strides
        return ((height + top + bottom - kh) // sh + 1, (width + left + right - kw) // sw + 1,
                self.filters)

    def forward(self, x: Array) -> tuple[Array, tuple]:
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 4:
            raise ValueError(f"Conv2D needs (samples, height, width, channels) input, got "
                             f"{x.shape}")
        out_h, out_w, _ = self.output_shape(x.shape[1:])
        (top, bottom), (left, right) = self._padding(*x.shape[1:3])
        padded = x if top == bottom == left == right == 0 else \
            np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
        kh, kw = self.kernel_size
        sh, sw = self.strides
        windows = sliding_window_view(padded, (kh, kw), axis=(1, 2))[:, ::sh, ::sw]
        windows = windows[:, :out_h, :out_w]  # (N, oh, ow, C, kh, kw)
        n = len(x)
        columns = windows.transpose(0, 1, 2, 4, 5, 3).reshape(n * out_h * out_w, -1)
        net = columns @ self.kernel.reshape(-1, self.filters) + self.bias
        out = self.activation.function(net)
        shape = (n, out_h, out_w, self.filters)
        return out.reshape(shape), (x.shape, padded.shape, columns, net, out)

    def backward(self, grad_out: Array, cache: tuple, need_input: bool = True
                 ) -> tuple[Array | None, list[Array]]:
        """(dE/dx, [dE/dkernel, dE/dbias]); dE/dx is None when ``need_input`` is False (the
        first layer: nothing below it learns, and it is a third of the layer's work)."""
        x_shape, padded_shape, columns, net, out = cache
        n, out_h, out_w, _ = np.shape(grad_out)
        delta = self.activation.backward(net, out, np.reshape(grad_out, net.shape))
        grad_kernel = (columns.T @ delta).reshape(self.kernel.shape)
        grad_bias = delta.sum(axis=0)
        if not need_input:
            return None, [grad_kernel, grad_bias]
        kh, kw = self.kernel_size
        sh, sw = self.strides
        grad_columns = (delta @ self.kernel.reshape(-1, self.filters).T) \
            .reshape(n, out_h, out_w, kh, kw, self.in_channels)
        grad_padded = np.zeros(padded_shape, dtype=self.dtype)
        for i in range(kh):  # each kernel offset adds to a strided slice of the input
            for j in range(kw):
                grad_padded[:, i:i + sh * out_h:sh, j:j + sw * out_w:sw] += \
                    grad_columns[:, :, :, i, j]
        (top, _), (left, _) = self._padding(*x_shape[1:3])
        grad_x = grad_padded[:, top:top + x_shape[1], left:left + x_shape[2]]
        return grad_x, [grad_kernel, grad_bias]

    def spec(self) -> dict:
        return {"kind": self.kind, "filters": self.filters,
                "kernel_size": list(self.kernel_size), "strides": list(self.strides),
                "padding": self.padding, "activation": self.activation.name,
                "in_channels": self.in_channels}

    def copy(self) -> Conv2D:
        twin = Conv2D(self.filters, self.kernel_size, self.strides, self.padding,
                      self.activation.name, in_channels=self.in_channels, seed=0,
                      dtype=self.dtype)
        twin.kernel, twin.bias = self.kernel.copy(), self.bias.copy()
        return twin


class MaxPooling2D:
    """The largest value of each ``pool_size`` block, per channel (strides = the pool)."""

    kind = "max_pooling2d"

    def __init__(self, pool_size: int | tuple[int, int] = 2) -> None:
        self.pool_size = _pair(pool_size, "MaxPooling2D pool_size")

    def parameters(self) -> list[Array]:
        return []

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, int, int]:
        height, width, channels = _image_shape("MaxPooling2D", input_shape)
        ph, pw = self.pool_size
        if height % ph or width % pw:
            raise ValueError(f"MaxPooling2D's {ph}x{pw} pool does not divide the "
                             f"{height}x{width} map (Keras would drop the rest; choose a "
                             "pool that divides it)")
        return height // ph, width // pw, channels

    def _offsets(self) -> list[tuple[int, int]]:
        """The pool's cells in row-major order: the order ties are broken in."""
        ph, pw = self.pool_size
        return [(a, b) for a in range(ph) for b in range(pw)]

    def forward(self, x: Array) -> tuple[Array, tuple]:
        """The maximum over strided views (one per cell of the pool), not a reshaped copy:
        a view per cell costs a pass over the input, the copy and arg-max cost three."""
        x = np.asarray(x)
        if x.ndim != 4:
            raise ValueError(f"MaxPooling2D needs (samples, height, width, channels) input, "
                             f"got {x.shape}")
        self.output_shape(x.shape[1:])
        ph, pw = self.pool_size
        views = [x[:, a::ph, b::pw] for a, b in self._offsets()]
        out = views[0].copy()
        for view in views[1:]:
            np.maximum(out, view, out=out)
        winners, taken = [], np.zeros(out.shape, dtype=bool)
        for view in views:  # the first cell holding the maximum wins it (ties: row-major)
            won = (view == out) & ~taken
            taken |= won
            winners.append(won)
        return out, (x.shape, winners)

    def backward(self, grad_out: Array, cache: tuple) -> tuple[Array, list[Array]]:
        """The gradient goes to the one value that won each pool (the first of tied ones)."""
        shape, winners = cache
        ph, pw = self.pool_size
        grad_out = np.asarray(grad_out)
        grad = np.empty(shape, dtype=grad_out.dtype)
        for (a, b), won in zip(self._offsets(), winners, strict=True):
            np.multiply(grad_out, won, out=grad[:, a::ph, b::pw])
        return grad, []

    def spec(self) -> dict:
        return {"kind": self.kind, "pool_size": list(self.pool_size)}

    def copy(self) -> MaxPooling2D:
        return MaxPooling2D(self.pool_size)


class Flatten:
    """(N, h, w, c) to (N, h * w * c) in C order, for the Dense layers after it."""

    kind = "flatten"

    def parameters(self) -> list[Array]:
        return []

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int]:
        return (int(np.prod(input_shape)),)

    def forward(self, x: Array) -> tuple[Array, tuple]:
        x = np.asarray(x)
        return x.reshape(len(x), -1), (x.shape,)

    def backward(self, grad_out: Array, cache: tuple) -> tuple[Array, list[Array]]:
        return np.reshape(grad_out, cache[0]), []

    def spec(self) -> dict:
        return {"kind": self.kind}

    def copy(self) -> Flatten:
        return Flatten()
