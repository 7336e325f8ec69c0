"""Singular values of the layer-to-layer Jacobians, eq. (17).

J^i = dz^{i+1}/dz^i for a hidden layer: z^{i+1} = f(z^i W^i), so
J^i = diag(f'(s^i)) (W^i)^T, an n_{i+1} x n_i matrix per example.
The paper reports the average singular value (about 0.8 with normalized
init, 0.5 with standard init, tanh, 5 x 1000).
"""

import numpy as np

from . import activations, network


def layer_jacobians(x, weights, activation):
    """J^i for i = 0..d-1 (the hidden layers) at each example of ``x``.

    Returns a list of arrays of shape (examples, n_{i+1}, n_i).
    """
    f, f_prime = activations.get(activation)
    s, _ = network.forward(x, weights, f)
    return [
        f_prime(s[i])[:, :, None] * weights[i].T[None, :, :]
        for i in range(len(weights) - 1)
    ]


def mean_singular_values(x, weights, activation):
    """Average singular value of J^i per example: array (examples, d).

    The singular values of J^i are the square roots of the eigenvalues of
    its Gram matrix, on whichever side is smaller. With d = f'(s^i):

        J^i J^i^T = diag(d) (W^i^T W^i) diag(d)          (n_{i+1} x n_{i+1})
        J^i^T J^i = W^i diag(d^2) W^i^T                  (n_i x n_i)

    W^i^T W^i is shared by every example (and activation), so the first form
    costs one scaling per example instead of a matrix product. Units with
    f'(s) = 0 exactly (relu) are zero rows of J^i: each adds one zero
    singular value and is left out of the eigenproblem. The Gram matrix is
    formed in float64 from the network's d and W^i, so J^i's entries are
    never rounded to the network's dtype (full SVDs of a float32 J^i moved
    the averages by up to 2e-10, relative, on the default config). An
    eigenvalue is exact to about eps * sigma_max^2, so a singular value sigma
    to eps * sigma_max^2 / (2 sigma): a small singular value loses digits,
    the average hardly (1e-15 relative against full SVDs of the same float64
    matrix; the tests compare the two).
    """
    f, f_prime = activations.get(activation)
    s, _ = network.forward(x, weights, f)
    per_layer = []
    for i in range(len(weights) - 1):
        w = weights[i].astype(np.float64)
        n_in, n_out = w.shape
        w_t_w = w.T @ w if n_out <= n_in else None
        d = f_prime(s[i]).astype(np.float64)
        means = np.empty(len(d))
        for e, d_e in enumerate(d):
            keep = np.flatnonzero(d_e)
            means[e] = _sqrt_eigenvalue_sum(
                _smaller_gram(w, w_t_w, d_e[keep], keep)
            ) / min(n_in, n_out)
        per_layer.append(means)
    return np.stack(per_layer, axis=1)


def _smaller_gram(w, w_t_w, d_kept, keep):
    """Gram matrix of A = W[:, keep] diag(d_kept) (J^i^T without its zero
    columns) on its smaller side."""
    if w_t_w is not None and len(keep) <= w.shape[0]:
        return d_kept[:, None] * w_t_w[np.ix_(keep, keep)] * d_kept[None, :]
    a = w[:, keep] * d_kept
    return a.T @ a if len(keep) <= w.shape[0] else a @ a.T


def _sqrt_eigenvalue_sum(gram):
    """Sum of the singular values whose squares are the eigenvalues of ``gram``.

    Rounding can leave an eigenvalue that is exactly 0 slightly negative;
    it is clipped to 0.
    """
    if gram.size == 0:
        return 0.0
    return np.sqrt(np.clip(np.linalg.eigvalsh(gram), 0.0, None)).sum()
