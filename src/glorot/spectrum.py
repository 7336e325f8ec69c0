"""The input-output Jacobian of deep square networks, measured in batches.

J^L = D^L W^L ... D^1 W^1, h^l = W^l z^{l-1} + b^l, z^l = f(h^l),
D^l = diag(f'(h^l)) (Pennington, Schoenholz & Ganguli 2017). Weights are
Gaussian N(0, sigma_w^2 / n) or scaled orthogonal sigma_w Q (Q Haar), biases
N(0, sigma_b^2), the input of squared length n E[f(h)^2] at the fixed point q*
so that every layer's pre-activations have variance q*.

Many networks are measured at once (stacked products, ``numpy.matmul`` over a
leading batch axis), but every network draws its weights, biases and input
from its own stream keyed on its identity (glorot.seeding), and every stacked
product and eigenvalue problem is computed slice by slice: the numbers of a
network do not depend on the batch it is in (tested).

The eigenvalues of J J^T are those of the n x n Gram matrix J J^T
(``numpy.linalg.eigvalsh``, O(n^3), as for the per-layer Jacobians of
glorot.jacobian): cheaper than an SVD of J and exact to eps * lambda_max.
"""

import numpy as np

from . import activations, free_probability, initializers, seeding

QUANTITIES = ("mean", "variance", "lambda_max")


def network_generator(seed, name, activation, weights, q_star, network):
    """The stream of one network of the sweep ``name``."""
    return np.random.default_rng(
        seeding.seed_sequence(
            seed, "spectrum", name, activation, weights, repr(float(q_star)), network
        )
    )


def sample_layers(rng, weights, width, depth, sigma_w2, sigma_b2):
    """(W, b): arrays (depth, n, n) and (depth, n) of one network."""
    if weights == "gaussian":
        w = rng.standard_normal((depth, width, width)) * np.sqrt(sigma_w2 / width)
    else:
        w = np.sqrt(sigma_w2) * np.stack(
            [initializers.haar_orthogonal(rng, width) for _ in range(depth)]
        )
    b = rng.standard_normal((depth, width)) * np.sqrt(sigma_b2)
    return w, b


def sample_input(rng, width, length_sq):
    """An input of squared length ``width * length_sq`` in a random direction."""
    x = rng.standard_normal(width)
    return x * np.sqrt(width * length_sq / (x @ x))


def jacobian_eigenvalues(w, b, x, activation, depths):
    """Eigenvalues of J^L J^L^T at each L in ``depths`` for a batch of networks.

    w: (B, L_max, n, n), b: (B, L_max, n), x: (B, n). Returns a dict
    L -> array (B, n) of eigenvalues, ascending.
    """
    f, f_prime = activations.get(activation)
    batch, _, width, _ = w.shape
    z = x
    jac = np.broadcast_to(np.eye(width), (batch, width, width)).copy()
    out = {}
    with np.errstate(over="raise", invalid="raise"):
        for layer in range(max(depths)):
            h = np.matmul(w[:, layer], z[:, :, None])[:, :, 0] + b[:, layer]
            jac = np.matmul(f_prime(h)[:, :, None] * w[:, layer], jac)
            z = f(h)
            if layer + 1 in depths:
                gram = np.matmul(jac, np.swapaxes(jac, 1, 2))
                out[layer + 1] = np.clip(np.linalg.eigvalsh(gram), 0.0, None)
    return out


def measure(sweep, seed, name, activation, weights, q_star, networks):
    """Per network and depth: the eigenvalues of J J^T, measured in batches of
    ``sweep["batch"]`` networks. Returns dict depth -> array (networks, n)."""
    width, depths = sweep["width"], sorted(sweep["depths"])
    sigma_w2, sigma_b2 = free_probability.critical_point(activation, q_star)
    f, _ = activations.get(activation)
    length_sq = (q_star - sigma_b2) / sigma_w2
    result = {d: [] for d in depths}
    for start in range(0, len(networks), sweep["batch"]):
        ws, bs, xs = [], [], []
        for k in networks[start : start + sweep["batch"]]:
            rng = network_generator(seed, name, activation, weights, q_star, k)
            w, b = sample_layers(rng, weights, width, depths[-1], sigma_w2, sigma_b2)
            ws.append(w)
            bs.append(b)
            xs.append(sample_input(rng, width, length_sq))
        eig = jacobian_eigenvalues(np.stack(ws), np.stack(bs), np.stack(xs), activation, depths)
        for d in depths:
            result[d].append(eig[d])
    return {d: np.concatenate(v) for d, v in result.items()}


def eigenvalue_statistics(eigenvalues):
    """Per network: the mean, variance and largest of its eigenvalues of J J^T
    (the moments m_1 and m_2 - m_1^2 of its empirical spectral law)."""
    return {
        "mean": eigenvalues.mean(axis=1),
        "variance": eigenvalues.var(axis=1),
        "lambda_max": eigenvalues.max(axis=1),
    }


def predicted(activation, weights, q_star, depth):
    """Free-probability predictions {quantity: value} at infinite width."""
    sigma_w2, _ = free_probability.critical_point(activation, q_star)
    mean, variance = free_probability.jjt_moments(
        activation, weights, sigma_w2, q_star, depth
    )
    law = free_probability.product_law(activation, weights, sigma_w2, q_star, depth)
    return {"mean": mean, "variance": variance, "lambda_max": law.lambda_max()}
