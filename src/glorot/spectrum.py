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
import pandas as pd

from .sweeps import NO_Q_STAR, q_value, runs  # noqa: F401 (re-exported)
from . import activations, compare, free_probability, initializers, seeding, verdicts

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
        eig = jacobian_eigenvalues(
            np.stack(ws), np.stack(bs), np.stack(xs), activation, depths
        )
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


# --- Which runs a sweep holds ------------------------------------------------

# linear and relu are critical at every scale: one run each, without a q*.
# --- Tables ------------------------------------------------------------------


def network_table(eigenvalues, networks):
    """One row per (network, depth): the mean, variance and largest eigenvalue
    of that network's J J^T. ``eigenvalues``: dict depth -> (networks, n)."""
    frames = []
    for depth, eig in sorted(eigenvalues.items()):
        stats = eigenvalue_statistics(eig)
        frames.append(
            pd.DataFrame({"network": list(networks), "depth": depth, **stats})
        )
    return pd.concat(frames, ignore_index=True)


def histogram_edges(sweep):
    low, high = sweep["range"]
    return np.linspace(low, high, sweep["bins"] + 1)


def histogram_table(eigenvalues, edges):
    """Counts of log10 of the singular values sqrt(lambda) per depth and bin,
    pooled over networks; the zeros (dead relu units, rounding) and the values
    outside the range counted apart (rows with bin -1: below, bins: above)."""
    rows = []
    for depth, eig in sorted(eigenvalues.items()):
        with np.errstate(divide="ignore"):
            y = 0.5 * np.log10(eig.ravel())
        counts, _ = np.histogram(y, edges)
        below = int(np.sum(y < edges[0]))
        above = int(np.sum(y > edges[-1]))
        for b, count in enumerate(counts):
            rows.append((depth, b, edges[b], edges[b + 1], int(count)))
        rows.append((depth, -1, -np.inf, edges[0], below))
        rows.append((depth, len(counts), edges[-1], np.inf, above))
    return pd.DataFrame(rows, columns=["depth", "bin", "low", "high", "count"])


def predicted_bin_probabilities(activation, weights, q_star, depth, edges, points=24):
    """The predicted probability of each bin of log10 sigma: the integral of the
    density of lambda = sigma^2 over the bin (``points`` per bin, trapezoid in
    log lambda). NaN where the law has no density: orthogonal weights at
    depth 1 (the law of f'^2 itself), except linear ones (all mass at 1)."""
    sigma_w2, _ = free_probability.critical_point(activation, q_star)
    if weights == "orthogonal" and activation == "linear":
        probability = np.zeros(len(edges) - 1)
        inside = (edges[:-1] <= 0) & (0 < edges[1:])
        probability[inside] = 1.0
        return probability
    if weights == "orthogonal" and depth == 1:
        return np.full(len(edges) - 1, np.nan)
    law = free_probability.product_law(activation, weights, sigma_w2, q_star, depth)
    y = np.linspace(edges[:-1], edges[1:], points)  # (points, bins)
    lam = 10.0 ** (2 * y)
    rho = law.density(lam.ravel()).reshape(lam.shape)
    # d lambda = lambda ln(10) 2 dy
    return np.trapezoid(rho * lam * 2 * np.log(10), y, axis=0)


SPECTRUM_COLUMNS = [
    "activation",
    "weights",
    "q_star",
    "width",
    "depth",
    "quantity",
    "predicted",
    "measured",
    "ci_low",
    "ci_high",
    "networks",
    "ratio_low",
    "ratio_high",
    "resolution",
    "verdict",
]
# A prediction of exactly 0 (the spectrum's variance of linear orthogonal
# networks) has no ratio; it agrees when the measurement is 0 to this many
# times the squared mean eigenvalue (float64 rounding of a product of L
# orthogonal matrices), otherwise it disagrees.
ZERO_TOLERANCE = 1e-9


def summarise(per_run, sweep, margin):
    """jacobian_spectrum.csv: one row per (activation, weights, q_star, depth,
    quantity), the mean over networks with its 95% Student-t interval against
    the free-probability prediction, judged by glorot.verdicts.
    ``per_run``: {(activation, weights, q_star label): network_table}."""
    rows = []
    for (activation, weights, label), table in sorted(per_run.items()):
        q_star = q_value(label)
        for depth, group in table.groupby("depth", sort=True):
            prediction = predicted(activation, weights, q_star, int(depth))
            for quantity in QUANTITIES:
                mean, low, high, _ = compare.mean_with_ci(group[quantity].to_numpy())
                rows.append(
                    (
                        activation,
                        weights,
                        "" if label == NO_Q_STAR else label,
                        sweep["width"],
                        int(depth),
                        quantity,
                        prediction[quantity],
                        mean,
                        low,
                        high,
                        len(group),
                    )
                )
    out = pd.DataFrame(rows, columns=SPECTRUM_COLUMNS[:11])
    r_low, r_high = verdicts.ratio_interval(
        out["predicted"], out["ci_low"], out["ci_high"]
    )
    out["ratio_low"], out["ratio_high"] = r_low, r_high
    out["resolution"] = verdicts.half_width(r_low, r_high)
    out["verdict"] = verdicts.verdict(r_low, r_high, margin)
    zero = out["predicted"] == 0
    small = out["ci_high"].abs() <= ZERO_TOLERANCE
    out.loc[zero, "verdict"] = np.where(small[zero], verdicts.AGREE, verdicts.DISAGREE)
    out.loc[zero, "resolution"] = out.loc[zero, "ci_high"].abs()
    return out


def histogram_summary(per_run, sweep):
    """spectrum_histograms.csv: per (activation, weights, q_star, depth, bin) of
    log10 sigma, the measured fraction of the singular values (over all n per
    network, zeros included) and the predicted probability of the bin."""
    edges = histogram_edges(sweep)
    frames = []
    for (activation, weights, label), table in sorted(per_run.items()):
        for depth, group in table.groupby("depth", sort=True):
            group = group.sort_values("bin")
            total = group["count"].sum()
            inner = group[(group["bin"] >= 0) & (group["bin"] < len(edges) - 1)]
            frames.append(
                pd.DataFrame(
                    {
                        "activation": activation,
                        "weights": weights,
                        "q_star": "" if label == NO_Q_STAR else label,
                        "depth": int(depth),
                        "bin": inner["bin"].to_numpy(),
                        "low": inner["low"].to_numpy(),
                        "high": inner["high"].to_numpy(),
                        "measured": inner["count"].to_numpy() / total,
                        "predicted": predicted_bin_probabilities(
                            activation, weights, q_value(label), int(depth), edges
                        ),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def read_table(path):
    """A table written by the spectrum rules, q_star as text ("" for linear
    and relu, the config's spelling otherwise)."""
    table = pd.read_csv(path, dtype={"q_star": str})
    table["q_star"] = table["q_star"].fillna("")
    return table
