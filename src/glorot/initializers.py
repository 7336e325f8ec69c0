"""Weight initializations compared in the paper.

W^i has shape n_i x n_{i+1} (paper, Section 4.2.1): n_in = n_i is the fan-in,
n_out = n_{i+1} the fan-out. Biases start at 0.
"""

import numpy as np

from . import seeding

INITS = ("standard", "normalized", "he", "orthogonal")


def weight_variance(init, n_in, n_out):
    """Var[W] of one entry of an n_in x n_out weight matrix.

    - standard, eq. (1): U[-1/sqrt(n_in), 1/sqrt(n_in)], Var = 1 / (3 n_in) (eq. 15).
    - normalized, eq. (16): U[-sqrt(6/(n_in + n_out)), +...], Var = 2 / (n_in + n_out) (eq. 12).
    - he (He et al. 2015): N(0, 2 / n_in).
    - orthogonal (Saxe et al. 2014; ``torch.nn.init.orthogonal_``, gain 1):
      orthonormal rows or columns, whichever are fewer, so the sum of the
      squares is min(n_in, n_out) and Var = 1 / max(n_in, n_out).
    """
    if init == "standard":
        return 1.0 / (3.0 * n_in)
    if init == "normalized":
        return 2.0 / (n_in + n_out)
    if init == "he":
        return 2.0 / n_in
    if init == "orthogonal":
        return 1.0 / max(n_in, n_out)
    raise ValueError(f"unknown init {init!r}; expected one of {list(INITS)}")


def sample_weights(rng, init, n_in, n_out, dtype=np.float32):
    """Draw one n_in x n_out weight matrix W from ``init`` with generator ``rng``."""
    var_w = weight_variance(init, n_in, n_out)
    if init == "he":
        w = rng.normal(0.0, np.sqrt(var_w), size=(n_in, n_out))
    elif init == "orthogonal":
        w = semi_orthogonal(rng, n_in, n_out)
    else:
        # A uniform U[-a, a] has variance a^2 / 3.
        bound = np.sqrt(3.0 * var_w)
        w = rng.uniform(-bound, bound, size=(n_in, n_out))
    return w.astype(dtype, copy=False)


def haar_orthogonal(rng, n):
    """An n x n orthogonal matrix from the Haar measure: Q of the QR
    decomposition of a Gaussian matrix, each column's sign fixed by R's
    diagonal (Mezzadri 2007; without the fix Q is not Haar-distributed)."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def semi_orthogonal(rng, n_in, n_out):
    """An n_in x n_out matrix with orthonormal columns (n_in >= n_out) or rows:
    the first columns or rows of a Haar orthogonal matrix."""
    q = haar_orthogonal(rng, max(n_in, n_out))
    return q[:n_in, :n_out]


def sample_network(rng, init, widths, dtype=np.float32):
    """Weights W^0 .. W^d of a network with layer sizes ``widths`` = n_0 .. n_{d+1}."""
    return [
        sample_weights(rng, init, n_in, n_out, dtype)
        for n_in, n_out in zip(widths[:-1], widths[1:])
    ]


def for_network(experiment, seed, name, init, network):
    """The weights of network ``network`` of ``init`` in experiment ``name``,
    from its own stream (seed, "weights", name, init, network)."""
    return sample_network(
        seeding.weights_generator(seed, name, init, network),
        init,
        experiment["widths"],
        np.dtype(experiment["dtype"]),
    )
