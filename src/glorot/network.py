"""Forward and backward passes of the paper's feedforward network (Section 4.2.1).

Notation: z^0 = x, s^i = z^i W^i + b^i, z^{i+1} = f(s^i) for i < d, and
s^d are the logits of a softmax; the cost is C = -log P(y | x) per example.
Biases are 0 at initialization (the paper's setup), so b^i is left out.
Arrays hold one example per row.
"""

import numpy as np

from . import activations


def forward(x, weights, f, biases=None):
    """Pre-activations s^0 .. s^d and activations z^0 .. z^d for inputs ``x``:
    s^i = z^i W^i + b^i, with b^i = 0 when ``biases`` is None (initialization).

    Returns (s, z) as lists of length d + 1, z[0] = x.
    """
    z = [x]
    s = []
    for i, w in enumerate(weights):
        s_i = z[i] @ w
        if biases is not None:
            s_i += biases[i]
        s.append(s_i)
        if i < len(weights) - 1:
            z.append(f(s_i))
    return s, z


def softmax(logits):
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def nll_cost(logits, y):
    """C = -log softmax(s^d)_y per example."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -log_p[np.arange(len(y)), y]


def dcost_dlogits(logits, y):
    """dC/ds^d = softmax(s^d) - onehot(y), per example."""
    g = softmax(logits)
    g[np.arange(len(y)), y] -= 1
    return g


def backward(s, weights, f_prime, y):
    """Back-propagated gradients dC/ds^0 .. dC/ds^d, eq. (2):

    dC/ds^i_k = f'(s^i_k) W^{i+1}_{k,:} . dC/ds^{i+1}
    """
    d = len(weights) - 1
    dcost_ds = [None] * (d + 1)
    dcost_ds[d] = dcost_dlogits(s[d], y)
    for i in range(d - 1, -1, -1):
        dcost_ds[i] = f_prime(s[i]) * (dcost_ds[i + 1] @ weights[i + 1].T)
    return dcost_ds


def weight_gradient(z_i, dcost_ds_i):
    """Per-example weight gradients dC/dW^i_{l,k} = z^i_l dC/ds^i_k, eq. (3).

    Shape (examples, n_i, n_{i+1}): only for small inputs (tests, histograms);
    the moments never need it (see ``glorot.moments.weight_gradient_moments``).
    """
    return z_i[:, :, None] * dcost_ds_i[:, None, :]


# --- Fused passes for the measure stage -------------------------------------
#
# The functions above allocate every array they return. The measure stage runs
# the same passes chunk after chunk, so it uses the buffered versions below:
# the same operations in the same order (bit-identical results, checked by
# the tests), written into arrays allocated once, and f'(s) computed from the
# stored activations z = f(s) where that is the same arithmetic as f'(s).


def _tanh_into(s, out):
    return np.tanh(s, out=out)


def _relu_into(s, out):
    return np.maximum(s, 0, out=out)


def _tanh_prime_from_output(z, out):
    # tanh_prime(s) = 1 - tanh(s) ** 2, with tanh(s) = z.
    np.multiply(z, z, out=out)
    return np.subtract(1, out, out=out)


def _sigmoid_prime_from_output(z, out):
    # sigmoid_prime(s) = f * (1 - f), with f = sigmoid(s) = z.
    np.subtract(1, z, out=out)
    return np.multiply(z, out, out=out)


# f written into a buffer, and f' computed from the stored z = f(s), for the
# activations where that is the very arithmetic of glorot.activations
# (tanh_prime = 1 - tanh(s)**2, sigmoid_prime = f (1 - f)); the tests check
# that both give the same bits. Other activations use glorot.activations.
F_INTO = {"tanh": _tanh_into, "relu": _relu_into}
F_PRIME_FROM_OUTPUT = {
    "tanh": _tanh_prime_from_output,
    "sigmoid": _sigmoid_prime_from_output,
}


class _Buffers:
    """s^i, z^i (i >= 1), f'(s^i) and dC/ds^i of a chunk of up to ``rows``
    examples, allocated once; a shorter chunk uses the first rows."""

    def __init__(self, widths, rows, dtype):
        self.rows, self.dtype = rows, np.dtype(dtype)
        new = lambda n: np.empty((rows, n), dtype)  # noqa: E731
        self.s = [new(n) for n in widths[1:]]
        self.z = [None] + [new(n) for n in widths[1:-1]]
        self.f_prime = [new(n) for n in widths[1:-1]]
        self.dcost_ds = [new(n) for n in widths[1:-1]]

    def fits(self, rows, dtype):
        return rows <= self.rows and np.dtype(dtype) == self.dtype


def forward_backward(x, y, weights, activation, buffers=None):
    """Forward and backward pass of a chunk, as ``forward`` then ``backward``
    with ``activations.get(activation)``, into reusable buffers.

    Returns (s, z, f_prime, dcost_ds, buffers): s, z, dcost_ds as ``forward``
    and ``backward`` return them, f_prime[i] = f'(s^i) for i < d. The arrays
    are views of ``buffers``, overwritten by the next call with them.
    """
    f, f_prime = activations.get(activation)
    d = len(weights) - 1
    rows = len(x)
    dtype = np.result_type(x, *weights)
    widths = [x.shape[1]] + [w.shape[1] for w in weights]
    if buffers is None or not buffers.fits(rows, dtype):
        buffers = _Buffers(widths, max(rows, 1), dtype)
    f_into = F_INTO.get(activation)
    prime_from_output = F_PRIME_FROM_OUTPUT.get(activation)
    s, z, fp, g = [], [x], [], [None] * (d + 1)
    for i, w in enumerate(weights):
        s.append(np.matmul(z[i], w, out=buffers.s[i][:rows]))
        if i < d:
            out = buffers.z[i + 1][:rows]
            z.append(f_into(s[i], out) if f_into is not None else f(s[i]))
            out = buffers.f_prime[i][:rows]
            fp.append(
                prime_from_output(z[i + 1], out)
                if prime_from_output is not None
                else f_prime(s[i])
            )
    g[d] = dcost_dlogits(s[d], y)
    for i in range(d - 1, -1, -1):
        out = buffers.dcost_ds[i][:rows]
        np.matmul(g[i + 1], weights[i + 1].T, out=out)
        g[i] = np.multiply(fp[i], out, out=out)
    return s, z, fp, g, buffers
