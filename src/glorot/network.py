"""Forward and backward passes of the paper's feedforward network (Section 4.2.1).

Notation: z^0 = x, s^i = z^i W^i + b^i, z^{i+1} = f(s^i) for i < d, and
s^d are the logits of a softmax; the cost is C = -log P(y | x) per example.
Biases are 0 at initialization (the paper's setup), so b^i is left out.
Arrays hold one example per row.
"""

import numpy as np


def forward(x, weights, f):
    """Pre-activations s^0 .. s^d and activations z^0 .. z^d for inputs ``x``.

    Returns (s, z) as lists of length d + 1, z[0] = x.
    """
    z = [x]
    s = []
    for i, w in enumerate(weights):
        s.append(z[i] @ w)
        if i < len(weights) - 1:
            z.append(f(s[i]))
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
