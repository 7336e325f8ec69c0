"""Weight initializations compared in the paper.

W^i has shape n_i x n_{i+1} (paper, Section 4.2.1): n_in = n_i is the fan-in,
n_out = n_{i+1} the fan-out. Biases start at 0.
"""

import numpy as np

from . import seeding

INITS = ("standard", "normalized", "he")


def weight_variance(init, n_in, n_out):
    """Var[W] of one entry of an n_in x n_out weight matrix.

    - standard, eq. (1): U[-1/sqrt(n_in), 1/sqrt(n_in)], Var = 1 / (3 n_in) (eq. 15).
    - normalized, eq. (16): U[-sqrt(6/(n_in + n_out)), +...], Var = 2 / (n_in + n_out) (eq. 12).
    - he (He et al. 2015): N(0, 2 / n_in).
    """
    if init == "standard":
        return 1.0 / (3.0 * n_in)
    if init == "normalized":
        return 2.0 / (n_in + n_out)
    if init == "he":
        return 2.0 / n_in
    raise ValueError(f"unknown init {init!r}; expected one of {list(INITS)}")


def sample_weights(rng, init, n_in, n_out, dtype=np.float32):
    """Draw one n_in x n_out weight matrix W from ``init`` with generator ``rng``."""
    var_w = weight_variance(init, n_in, n_out)
    if init == "he":
        w = rng.normal(0.0, np.sqrt(var_w), size=(n_in, n_out))
    else:
        # A uniform U[-a, a] has variance a^2 / 3.
        bound = np.sqrt(3.0 * var_w)
        w = rng.uniform(-bound, bound, size=(n_in, n_out))
    return w.astype(dtype, copy=False)


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
