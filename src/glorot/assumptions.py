"""How well each assumption of the paper's derivation (Section 4.2.1) holds,
measured per network and layer from the per-network moments.

Every assumption is a ratio or share whose value is known when it holds
(``IDEAL``): the derivation of eq. (5)-(7) is exact when all of them sit at
their ideal values, and each deviation says which step breaks.
"""

import pandas as pd

from .compare import mean_with_ci
from .initializers import weight_variance

IDEAL = {
    # eq. (4), linear regime: f'(s) ~ 1
    "mean_f_prime": 1.0,
    "mean_f_prime_squared": 1.0,
    # zero means: E[z]^2 and E[dC/ds]^2 are negligible next to the second moments
    "activation_mean_share": 0.0,
    "backprop_gradient_mean_share": 0.0,
    # weights independent of the signal they multiply, forward:
    # E[(s^i)^2] = n_i Var[W^i] E[(z^i)^2]
    "forward_independence": 1.0,
    # and backward, eq. (2):
    # E[(dC/ds^i)^2] = E[f'(s^i)^2] n_{i+2} Var[W^{i+1}] E[(dC/ds^{i+1})^2]
    "backward_independence": 1.0,
    # the same within each example, then averaged over the examples: free of
    # the example-to-example covariance of f'(s)^2 and (dC/ds)^2, it tests
    # the gradient-independence approximation alone
    "backward_independence_per_example": 1.0,
    # z^i and dC/ds^i independent in eq. (3): E[z^2 g^2] = E[z^2] E[g^2].
    # Given one example the pooled product factorizes exactly; pooled over
    # examples it moves away from 1 where an example's scale |x|^2 drives both
    # (above 1 where both grow with it, below where f' < 1 shrinks the
    # gradient of the larger inputs, as in tanh networks on Shapeset-3x2);
    # the predictions take the product per example (glorot.theory).
    "square_independence": 1.0,
    # what eq. (7) as printed uses: Var[z g] = Var[z] Var[g]; with E[g] = 0
    # the exact form is E[z^2] Var[g], so z's mean alone moves this away from 1
    "weight_gradient_product": 1.0,
}


def _per_example_mean(row):
    """The mean of a per-example quantity, NaN where no example has one."""
    return row.mean if row.count > 0 else float("nan")


def _per_network(moments, widths, var_w):
    """Assumption values of one (activation, init, network): rows (assumption, layer, value)."""
    m = {
        (q, i): row
        for q, i, row in zip(
            moments["quantity"], moments["layer"], moments.itertuples(index=False)
        )
    }
    d = len(widths) - 2
    rows = []
    for i in range(d + 1):
        z, s = m["activation", i], m["preactivation", i]
        g, w = m["backprop_gradient", i], m["weight_gradient", i]
        rows += [
            ("activation_mean_share", i, z.mean**2 / z.mean_square),
            ("backprop_gradient_mean_share", i, g.mean**2 / g.mean_square),
            (
                "forward_independence",
                i,
                s.mean_square / (widths[i] * var_w[i] * z.mean_square),
            ),
            ("square_independence", i, w.mean_square / (z.mean_square * g.mean_square)),
            ("weight_gradient_product", i, w.variance / (z.variance * g.variance)),
        ]
        if i < d:
            fp = m["activation_derivative", i]
            g_up = m["backprop_gradient", i + 1]
            rows += [
                ("mean_f_prime", i, fp.mean),
                ("mean_f_prime_squared", i, fp.mean_square),
                (
                    "backward_independence",
                    i,
                    g.mean_square
                    / (
                        fp.mean_square * widths[i + 2] * var_w[i + 1] * g_up.mean_square
                    ),
                ),
                (
                    "backward_independence_per_example",
                    i,
                    _per_example_mean(m["backward_example_ratio", i]) / var_w[i + 1],
                ),
            ]
    return rows


def assumption_table(per_network, widths):
    """One row per (activation, init, assumption, layer): mean over networks with
    a 95% interval, and the ideal value."""
    values = []
    for (activation, init, network), group in per_network.groupby(
        ["activation", "init", "network"], sort=True
    ):
        var_w = [weight_variance(init, a, b) for a, b in zip(widths[:-1], widths[1:])]
        for assumption, layer, value in _per_network(group, widths, var_w):
            values.append((activation, init, assumption, layer, network, value))
    values = pd.DataFrame(
        values,
        columns=["activation", "init", "assumption", "layer", "network", "value"],
    )
    rows = []
    for key, group in values.groupby(
        ["activation", "init", "assumption", "layer"], sort=True
    ):
        mean, low, high, _ = mean_with_ci(group["value"].to_numpy())
        rows.append((*key, IDEAL[key[2]], mean, low, high, len(group)))
    return pd.DataFrame(
        rows,
        columns=[
            "activation",
            "init",
            "assumption",
            "layer",
            "ideal",
            "measured",
            "ci_low",
            "ci_high",
            "networks",
        ],
    )
