"""Finite-width fluctuations of deep networks at initialization (docs/spectrum.md).

For one input x (|x|^2 = n) and one unit direction u, a network of width n
and depth L with weights of variance sigma_w^2 / n and no bias gives, per
layer l, the squared activation length M_l = |z^l|^2 / n and the squared
length of the Jacobian-vector product |J^l u|^2, J^l = dz^l / dx.
Over networks: the ratio E[M_l^2] / E[M_l]^2 and Var[log |J^l u|^2]
(Hanin & Rolnick 2018; Hanin 2018; Roberts, Yaida & Hanin 2022).

Predictions:
- exact, Gaussian weights, relu (sigma_w^2 = 2) and linear (1): given the
  previous layer, |z^l|^2 = (sigma_w^2 |z^{l-1}|^2 / n) chi^2_K with K = n
  (linear) or K ~ Binomial(n, 1/2) (relu), independently per layer; the same
  holds for |J^l u|^2 (``exact_*``);
- leading order in 1/n, any activation and weights with i.i.d. rows
  (Gaussian or uniform): a linear-noise recursion around the mean-field
  length map (``leading_order_*``).

Measurement: a network only pushes x and u through its layers, so Gaussian
weights are drawn as the exact law of the pair (W z, W v), 2n numbers per
layer instead of n^2 (``low_rank_products``); uniform weights are drawn in
full (``uniform_products``).
"""

import numpy as np
import pandas as pd
from scipy import special, stats

from . import activations, compare, seeding, theory, verdicts

QUANTITIES = ("length_second_moment_ratio", "log_jacobian_variance")
WEIGHTS = ("gaussian", "uniform")
# sigma_w^2 = n Var[W] per activation: each critical (chi_1 = 1) without bias
# (tanh: sigma_w^2 = 1, where q^l decays like a power of l).
SIGMA_W2 = {"linear": 1.0, "relu": 2.0, "tanh": 1.0}
# E[w^4] / E[w^2]^2 of the weights' law.
KURTOSIS = {"gaussian": 3.0, "uniform": 9.0 / 5.0}


# --- Measurement -------------------------------------------------------------
#
# A network only pushes two vectors through each layer: the input's image z
# and the tangent v = J u. For Gaussian weights the pair (W z, W v) is drawn
# exactly from 2 n_out normals (``low_rank_products``); uniform weights have
# no such invariance and are drawn in full, n_out n_in numbers per layer
# (``uniform_products``). Each network draws from its own stream, in the
# same order whatever the batch: x, u, then its layers 1..L.


def sample_directions(rng, width):
    """x with |x|^2 = n and a unit u, both in random directions."""
    x = rng.standard_normal(width)
    u = rng.standard_normal(width)
    return x * np.sqrt(width / (x @ x)), u / np.sqrt(u @ u)


def gram_factor(z, v):
    """(a, c, d) per row of the batch with z = a e_1 and v = c e_1 + d e_2 for
    orthonormal e_1, e_2 (Gram-Schmidt): [[a, 0], [c, d]] is a square root
    L L^T = G of the Gram matrix G of (z, v). Exact when v is parallel to z
    (d = 0) and when z = 0 (a = c = 0, d = |v|, e_1 any unit vector), e.g.
    after a relu layer with no active unit. d is the norm of the residual
    v - c e_1, not sqrt(|v|^2 - c^2), which would cancel when v is nearly
    parallel to z."""
    a = np.sqrt(np.einsum("bi,bi->b", z, z))
    alive = a > 0
    safe = np.where(alive, a, 1.0)
    c = np.where(alive, np.einsum("bi,bi->b", v, z) / safe, 0.0)
    r = v - (c / safe)[:, None] * z
    d = np.sqrt(np.einsum("bi,bi->b", r, r))
    return a, c, d


def low_rank_products(g, z, v, sigma_w2):
    """(W z, W v), each (B, n_out), for W of i.i.d. N(0, sigma_w^2 / n_in)
    entries independent of (z, v), exactly in law, from g: (B, n_out, 2)
    standard normals.

    With z = a e_1, v = c e_1 + d e_2 (``gram_factor``): W z = a W e_1 and
    W v = c W e_1 + d W e_2, and (W e_1, W e_2) are two independent
    N(0, sigma_w^2 / n_in I) vectors for any orthonormal e_1, e_2 chosen
    independently of W (the law of W is invariant under W -> W O). So the
    rows of (W z, W v) are i.i.d. N(0, (sigma_w^2 / n_in) G): 2 n_out draws
    instead of n_out n_in, at every width and every layer (W^l is
    independent of the earlier layers that made z and v)."""
    a, c, d = gram_factor(z, v)
    scale = np.sqrt(sigma_w2 / z.shape[1])
    g1, g2 = g[..., 0], g[..., 1]
    h = (scale * a)[:, None] * g1
    y = scale * (c[:, None] * g1 + d[:, None] * g2)
    return h, y


def uniform_products(u01, z, v, sigma_w2):
    """(W z, W v) for W = s (2 U - 1) with U: (B, n_out, n_in) uniform on
    [0, 1) (drawn in full), s = sqrt(3 sigma_w^2 / n_in): U[-s, s] has
    variance s^2 / 3. Computed as s (2 U z - sum_j z_j), one product, so the
    n_out n_in weights are not rescaled in memory (the same numbers up to
    rounding)."""
    s = np.sqrt(3.0 * sigma_w2 / z.shape[1])
    zv = np.stack([z, v], axis=2)
    hv = s * (2.0 * np.matmul(u01, zv) - zv.sum(axis=1)[:, None, :])
    return hv[..., 0], hv[..., 1]


def gaussian_products(w, z, v, sigma_w2):
    """(W z, W v) from W's standard normals w: (B, n_out, n_in) drawn in
    full: the reference for ``low_rank_products`` (tests, benchmark)."""
    scale = np.sqrt(sigma_w2 / z.shape[1])
    hv = scale * np.matmul(w, np.stack([z, v], axis=2))
    return hv[..., 0], hv[..., 1]


def full_draw_layers(width, depth):
    """Layers a network draws per call in full draws: as many as fit in
    FULL_DRAW_NUMBERS (so small widths do not pay one call per layer), at
    least 1. The stream is consumed in the same order whatever this is."""
    return max(1, min(depth, FULL_DRAW_NUMBERS // (width * width)))


def layer_sampler(rngs, weights, width, depth, sigma_w2, full_draw=False):
    """products(layer, z, v) -> (h, y) = (W^l z, W^l v) for the batch whose
    streams are ``rngs``: low-rank for Gaussian weights (each network draws
    its (L, n, 2) normals at once), full draws for uniform weights (and for
    Gaussian ones with ``full_draw``), a few layers (``full_draw_layers``)
    per network at a time, so the batch's layers stay in cache."""
    if weights == "gaussian" and not full_draw:
        g = np.stack([rng.standard_normal((depth, width, 2)) for rng in rngs])
        return lambda layer, z, v: low_rank_products(g[:, layer], z, v, sigma_w2)
    if weights not in WEIGHTS:
        raise ValueError(
            f"unknown weights {weights!r}; expected one of {list(WEIGHTS)}"
        )
    chunk = full_draw_layers(width, depth)
    buf = np.empty((len(rngs), chunk, width, width))
    draw, products = {
        "gaussian": (lambda rng, out: rng.standard_normal(out=out), gaussian_products),
        "uniform": (lambda rng, out: rng.random(out=out), uniform_products),
    }[weights]

    def full(layer, z, v):
        k = layer % chunk
        if k == 0:
            layers = min(chunk, depth - layer)
            for rng, out in zip(rngs, buf):
                draw(rng, out[:layers])
        return products(buf[:, k], z, v, sigma_w2)

    return full


def propagate(products, x, u, activation, depth):
    """M_l and log |J^l u|^2 for l = 1..L of a batch of networks.

    products(layer, z, v) -> (W^l z, W^l v) (``layer_sampler``); x, u:
    (B, n). Forward mode: v^l = D^l W^l v^{l-1}, v^0 = u. Returns two arrays
    (B, L); log 0 = -inf for a network whose Jacobian vanished (every relu
    unit of a layer dead).
    """
    f, f_prime = activations.get(activation)
    batch, width = x.shape
    z, v = x, u
    m = np.empty((batch, depth))
    log_j = np.empty((batch, depth))
    with np.errstate(over="raise", invalid="raise", divide="ignore"):
        for layer in range(depth):
            h, y = products(layer, z, v)
            z, v = f(h), f_prime(h) * y
            m[:, layer] = np.einsum("bi,bi->b", z, z) / width
            log_j[:, layer] = np.log(np.einsum("bi,bi->b", v, v))
    return m, log_j


def measure(
    generator, weights, width, depth, activation, networks, batch, full_draw=False
):
    """(M, log |Ju|^2), arrays (networks, depth), in batches of ``batch``
    networks; ``generator(k)`` is network k's random stream. ``full_draw``
    draws Gaussian weights in full instead of the exact low-rank pair."""
    sigma_w2 = SIGMA_W2[activation]
    m, log_j = [], []
    for start in range(0, len(networks), batch):
        rngs = [generator(k) for k in networks[start : start + batch]]
        xs, us = zip(*(sample_directions(rng, width) for rng in rngs))
        products = layer_sampler(rngs, weights, width, depth, sigma_w2, full_draw)
        mb, jb = propagate(products, np.stack(xs), np.stack(us), activation, depth)
        m.append(mb)
        log_j.append(jb)
    return np.concatenate(m), np.concatenate(log_j)


def second_moment_ratio(m, level=0.95):
    """E[M^2] / E[M]^2 per column of ``m`` (networks x layers) with a delta-method
    interval: R = a / b^2 with a = mean(M^2), b = mean(M) has influence
    M^2 / b^2 - 2 a M / b^3 per network. Returns (R, low, high)."""
    a, b = (m**2).mean(axis=0), m.mean(axis=0)
    influence = m**2 / b**2 - 2 * a * m / b**3
    se = influence.std(axis=0, ddof=1) / np.sqrt(len(m))
    ratio = a / b**2
    half = stats.norm.ppf((1 + level) / 2) * se
    return ratio, ratio - half, ratio + half


def variance_with_ci(values, level=0.95):
    """Sample variance per column with the interval from its standard error
    sqrt((m_4 - s^4) / N) (m_4 the fourth central moment). Returns (var, low,
    high, N)."""
    n = len(values)
    centred = values - values.mean(axis=0)
    var = centred.var(axis=0, ddof=1)
    m4 = (centred**4).mean(axis=0)
    se = np.sqrt(np.maximum(m4 - var**2, 0.0) / n)
    half = stats.norm.ppf((1 + level) / 2) * se
    return var, var - half, var + half


# --- Exact predictions: Gaussian weights, relu and linear ---------------------


def _degrees_of_freedom(activation, width):
    """Law of K, the chi-square's degrees of freedom: (values, probabilities)."""
    if activation == "linear":
        return np.array([width]), np.ones(1)
    if activation == "relu":
        k = np.arange(width + 1)
        return k, stats.binom.pmf(k, width, 0.5)
    raise ValueError(f"no exact prediction for {activation!r}")


def exact_second_moment_ratio(activation, width, depth):
    """E[M_l^2] / E[M_l]^2, l = 1..depth, exactly: per layer
    E[(chi^2_K)^2] / E[chi^2_K]^2 = E[K^2 + 2K] / E[K]^2, i.e. 1 + 2/n
    (linear) and 1 + 5/n (relu), and the layers multiply."""
    k, p = _degrees_of_freedom(activation, width)
    factor = (p @ (k**2 + 2 * k)) / (p @ k) ** 2
    return factor ** np.arange(1, depth + 1)


def exact_length_moments(activation, width, depth, k):
    """E[M_l^k], l = 1..depth, exactly (M_0 = |x|^2 / n = 1): M_l =
    (sigma_w^2 / n) M_{l-1} chi^2_K with K independent of M_{l-1} and
    E[(chi^2_K)^k | K] = K (K + 2) ... (K + 2k - 2), so each layer multiplies
    E[M^k] by (sigma_w^2 / n)^k E_K[prod_{j<k} (K + 2j)]. k = 2 over k = 1
    squared is ``exact_second_moment_ratio``; k up to 4 gives the ratio's
    exact sampling error (tests)."""
    K, p = _degrees_of_freedom(activation, width)
    rising = np.prod([K + 2.0 * j for j in range(k)], axis=0)
    factor = (SIGMA_W2[activation] / width) ** k * (p @ rising)
    return factor ** np.arange(1, depth + 1)


def exact_log_jacobian_variance(activation, width, depth):
    """Var[log |J^l u|^2], l = 1..depth, exactly, given that J^l u != 0 (relu:
    every layer has K >= 1; the networks with K = 0 somewhere are left out of
    the measurement). Var[log chi^2_k] = psi_1(k / 2) (trigamma), E[log chi^2_k]
    = psi(k / 2) + log 2, so per layer E_K[psi_1(K/2)] + Var_K[psi(K/2)] and
    the layers add."""
    k, p = _degrees_of_freedom(activation, width)
    alive = k >= 1
    k, p = k[alive], p[alive] / p[alive].sum()
    digamma = special.digamma(k / 2)
    per_layer = p @ special.polygamma(1, k / 2) + p @ digamma**2 - (p @ digamma) ** 2
    return per_layer * np.arange(1, depth + 1)


def dead_probability(activation, width):
    """P(J^l u = 0 at a given layer): 2^-n for relu, 0 otherwise."""
    return 0.5**width if activation == "relu" else 0.0


# --- Leading order in 1/n ----------------------------------------------------


def _expect(g, q):
    return theory.gaussian_expectation(g, q)


def _edgeworth(g, q, c4):
    """E[g(s)] for s of variance q and fourth cumulant c4, to first order in
    c4: E_G[g] + c4 / 24 E_G[g^(4)] = E_G[g] + c4 / (24 q^2) E_G[g(s) He_4(s / sqrt q)]
    (Gaussian integration by parts; He_4(u) = u^4 - 6 u^2 + 3)."""
    base = _expect(g, q)
    if c4 == 0.0:
        return base
    he4 = _expect(lambda s: g(s) * ((s**2 / q) ** 2 - 6 * s**2 / q + 3), q)
    return base + c4 / 24 * he4 / q**2


def leading_order(activation, weights, width, depth, m_0=1.0):
    """Predictions per layer l = 1..depth at leading order in 1/n per layer:
    (ratio, log_var, mean) of E[M_l^2] / E[M_l]^2, Var[log |J^l u|^2], E[M_l].

    Given layer l-1 the n units are i.i.d. (the rows of W are), so
    M_l = G(M_{l-1}) + eps_l, G(m) = E[f(h)^2], h of variance q = sigma_w^2 m,
    Var[eps_l | M_{l-1}] = Var[f(h)^2] / n. Linearised around the mean field:
    delta M_l = G'(m) delta M_{l-1} + eps_l; the noise's variance is taken at
    E[M_{l-1}^2] (a factor E[M_{l-1}^2] / m^2), which makes the ratio the
    exact product (1 + a / n)^l for relu and linear with Gaussian weights.
    The Jacobian's factor per layer, X = sigma_w^2 / n sum_i f'(h_i)^2 y_i^2
    with y_i = (W v)_i independent of h_i at leading order: Var[log X] from
    ``log_factor_variance``. log |J^l u|^2 also moves with
    the layer's length, c_l delta M_{l-1}, c_l = d log mu_1 / dm, and
    Cov[eps, log X] = Cov[f(h)^2, f'(h)^2] / (n mu_1).

    The weights' kurtosis kappa enters through the fourth cumulant of
    h_i = sum_j W_ij z_j, c4 = (kappa - 3) sigma_w^4 sum_j z_j^4 / n^2 =
    (kappa - 3) q^2 k_z / (n + 2), k_z = E[z^4] / E[z^2]^2 of the previous
    layer (3 for the Gaussian input; sum_j g_j^4 / (sum_j g_j^2)^2 has mean
    3 / (n + 2) for a Gaussian g, hence n + 2): an O(1/n^2) term per layer of
    the ratio, the same for y_i = (W v)_i with k_v = 3 mu_2 / mu_1^2, an
    O(1/n) shift of the mean for tanh (Edgeworth, ``_edgeworth``), none for
    relu and linear, whose E[f(h)^2] needs only Var[h].
    """
    f, f_prime = activations.get(activation)
    sigma_w2 = SIGMA_W2[activation]
    excess = KURTOSIS[weights] - 3.0
    n = float(width)
    m = m_0  # the mean field
    shift_m = m_0  # E[M_l] with its 1/n shifts
    k_z = k_v = 3.0  # the Gaussian input x and direction u
    var_m, var_j, cov_mj, ratio_prev = 0.0, 0.0, 0.0, 1.0
    ratio, log_var, mean = [], [], []
    for _ in range(depth):
        q = sigma_w2 * m
        c4 = excess * q**2 * k_z / (n + 2)

        def moments(qq, c4=c4):
            return (
                _edgeworth(lambda s: f(s) ** 2, qq, c4),
                _edgeworth(lambda s: f(s) ** 4, qq, c4),
            )

        f2, f4 = moments(q)
        g_gauss = _expect(lambda s: f(s) ** 2, q)
        mu_1 = _expect(lambda s: f_prime(s) ** 2, q)
        mu_2 = _expect(lambda s: f_prime(s) ** 4, q)
        f2fp2 = _expect(lambda s: f(s) ** 2 * f_prime(s) ** 2, q)
        # G'(m), G''(m) and d log mu_1 / dm by central differences.
        dm = 1e-4 * m
        g_up = _expect(lambda s: f(s) ** 2, sigma_w2 * (m + dm))
        g_down = _expect(lambda s: f(s) ** 2, sigma_w2 * (m - dm))
        g_prime = (g_up - g_down) / (2 * dm)
        g_second = (g_up - 2 * g_gauss + g_down) / dm**2
        c = (
            np.log(_expect(lambda s: f_prime(s) ** 2, sigma_w2 * (m + dm)))
            - np.log(_expect(lambda s: f_prime(s) ** 2, sigma_w2 * (m - dm)))
        ) / (2 * dm)
        var_eps = (f4 - f2**2) / n * ratio_prev
        var_eta = log_factor_variance(
            activation, width, mu_1, mu_2, 3 + excess * k_v / (n + 2)
        )
        cov_eps_eta = (f2fp2 - f2 * mu_1) / (n * mu_1)
        # The mean's 1/n shifts: the kurtosis (f2 - G(m)), and the curvature
        # of G times Var[M_{l-1}], both carried on by G'.
        shift_m = f2 + g_prime * (shift_m - m) + g_second / 2 * var_m
        var_j, cov_mj, var_m = (
            var_j + c**2 * var_m + 2 * c * cov_mj + var_eta,
            g_prime * (cov_mj + c * var_m) + cov_eps_eta,
            g_prime**2 * var_m + var_eps,
        )
        k_z = f4 / f2**2
        k_v = 3 * mu_2 / mu_1**2
        m = g_gauss
        ratio_prev = 1 + var_m / m**2
        ratio.append(ratio_prev)
        log_var.append(var_j)
        mean.append(shift_m)
    return np.array(ratio), np.array(log_var), np.array(mean)


def log_factor_variance(activation, width, mu_1, mu_2, kappa_y):
    """Var[log X] of one layer's Jacobian factor X = sum_i t_i y_i^2 (up to a
    constant), t_i = f'(h_i)^2, y_i i.i.d. of kurtosis ``kappa_y``.

    Given the t_i, X is taken as a Gamma variable of the same relative
    variance (kappa_y - 1) sum t^2 / (sum t)^2, so Var[log X | t] = psi_1(alpha),
    alpha = (sum t)^2 / ((kappa_y - 1) sum t^2): exact for Gaussian y (a
    chi-square) when t is 0 or 1. relu: t is 0/1, sum t = K ~ Binomial(n, 1/2)
    given K >= 1, alpha = K / (kappa_y - 1), and the law of total variance over
    K is summed exactly. Otherwise sum t and sum t^2 are replaced by n mu_1 and
    n mu_2 in alpha, and Var[log sum t] = (mu_2 / mu_1^2 - 1) / n is added
    (leading order)."""
    if activation == "relu":
        k = np.arange(1, width + 1)
        p = stats.binom.pmf(k, width, 0.5)
        p = p / p.sum()
        alpha = k / (kappa_y - 1)
        mean_log = special.digamma(alpha) - np.log(alpha) + np.log(k)
        return float(
            p @ special.polygamma(1, alpha) + p @ mean_log**2 - (p @ mean_log) ** 2
        )
    alpha = width * mu_1**2 / ((kappa_y - 1) * mu_2)
    return float(special.polygamma(1, alpha)) + (mu_2 / mu_1**2 - 1) / width


def mean_field_length(activation, depth, m_0=1.0):
    """m_l = E[f(h)^2], h ~ N(0, sigma_w^2 m_{l-1}), l = 1..depth (no 1/n)."""
    f, _ = activations.get(activation)
    m, out = m_0, []
    for _ in range(depth):
        m = _expect(lambda s: f(s) ** 2, SIGMA_W2[activation] * m)
        out.append(m)
    return np.array(out)


def is_exact(activation, weights):
    return weights == "gaussian" and activation in ("linear", "relu")


def predicted(activation, weights, width, depth):
    """{quantity: array over layers 1..depth}, exact where it exists."""
    if is_exact(activation, weights):
        return {
            "length_second_moment_ratio": exact_second_moment_ratio(
                activation, width, depth
            ),
            "log_jacobian_variance": exact_log_jacobian_variance(
                activation, width, depth
            ),
        }
    ratio, log_var, _ = leading_order(activation, weights, width, depth)
    return {"length_second_moment_ratio": ratio, "log_jacobian_variance": log_var}


# --- Tables ------------------------------------------------------------------

MEASURED_COLUMNS = [
    "activation",
    "weights",
    "width",
    "layer",
    "quantity",
    "measured",
    "ci_low",
    "ci_high",
    "networks",
]


def network_generator(seed, name, activation, weights, width, network):
    """The stream of network ``network`` of one (activation, weights, width).

    SFC64 rather than numpy's default PCG64: the uniform weights are drawn in
    full and their draws are the sweep's floor, which SFC64 halves (uniform
    doubles of the same 53-bit law; benchmarks/spectrum_speed.py)."""
    return np.random.Generator(
        np.random.SFC64(
            seeding.seed_sequence(
                seed, "finite_width", name, activation, weights, width, network
            )
        )
    )


# Bytes of random numbers a batch holds at once: the low-rank normals of
# whole networks, or a few full layers per network (kept small, so the
# layers are still in cache when the products read them).
LOW_RANK_BATCH_BYTES = 64 << 20
FULL_DRAW_BATCH_BYTES = 4 << 20
# Numbers a network draws per call in full draws (256 KB).
FULL_DRAW_NUMBERS = 1 << 15


def batch_size(sweep, width, weights, full_draw=False):
    """Networks per stacked product: the config's ``batch``, capped so that
    the batch's random numbers stay under the bytes above. The numbers do
    not depend on it."""
    if weights == "gaussian" and not full_draw:
        per_network, cap = sweep["depth"] * width * 2 * 8, LOW_RANK_BATCH_BYTES
    else:
        layers = full_draw_layers(width, sweep["depth"])
        per_network, cap = layers * width * width * 8, FULL_DRAW_BATCH_BYTES
    return max(1, min(sweep["batch"], cap // per_network))


def measured_table(activation, weights, width, m, log_j):
    """Per layer l = 1..L: E[M^2] / E[M]^2 (delta-method interval), Var[log |Ju|^2]
    over the networks whose Jacobian did not vanish, and E[M] (Student-t)."""
    rows = []
    ratio, r_low, r_high = second_moment_ratio(m)
    for layer in range(m.shape[1]):
        key = (activation, weights, width, layer + 1)
        rows.append(
            (
                *key,
                "length_second_moment_ratio",
                ratio[layer],
                r_low[layer],
                r_high[layer],
                len(m),
            )
        )
        alive = log_j[:, layer][np.isfinite(log_j[:, layer])]
        var, low, high = variance_with_ci(alive[:, None])
        rows.append(
            (*key, "log_jacobian_variance", var[0], low[0], high[0], len(alive))
        )
        mean, low, high, _ = compare.mean_with_ci(m[:, layer])
        rows.append((*key, "length_mean", mean, low, high, len(m)))
    return pd.DataFrame(rows, columns=MEASURED_COLUMNS)


def predicted_column(table):
    """The prediction of each row of a measured table (exact where it exists)."""
    out = np.empty(len(table))
    for (activation, weights, width), group in table.groupby(
        ["activation", "weights", "width"], sort=False
    ):
        depth = int(group["layer"].max())
        p = predicted(activation, weights, int(width), depth)
        _, _, p["length_mean"] = leading_order(activation, weights, int(width), depth)
        for idx, row in group.iterrows():
            out[table.index.get_loc(idx)] = p[row["quantity"]][int(row["layer"]) - 1]
    return out


def judge(table, margin):
    """finite_width.csv: the measured table with ``predicted``, ``method``
    (exact or leading_order), the ratio interval, its half-width (resolution)
    and the verdict (glorot.verdicts)."""
    out = table.copy()
    out.insert(5, "predicted", predicted_column(table))
    exact = [
        is_exact(a, w) and q != "length_mean"
        for a, w, q in zip(out["activation"], out["weights"], out["quantity"])
    ]
    out.insert(6, "method", np.where(exact, "exact", "leading_order"))
    low, high = verdicts.ratio_interval(out["predicted"], out["ci_low"], out["ci_high"])
    out["ratio_low"], out["ratio_high"] = low, high
    out["resolution"] = verdicts.half_width(low, high)
    out["verdict"] = verdicts.verdict(low, high, margin)
    return out
