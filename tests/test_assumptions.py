import numpy as np
import pandas as pd
import pytest

from glorot import activations, assumptions, measure, network
from glorot.initializers import weight_variance
from test_measure import WIDTHS, setup


def per_network_table(activation):
    weights, source = setup()
    moments, _ = measure.measure_network(weights, source, activation, 16)
    table = measure.moments_table(moments).assign(
        activation=activation, init="normalized", network=0
    )
    return table, weights, source


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_assumption_values_match_full_arrays(activation):
    table, weights, source = per_network_table(activation)
    var_w = [
        weight_variance("normalized", a, b) for a, b in zip(WIDTHS[:-1], WIDTHS[1:])
    ]
    values = {
        (name, layer): v
        for name, layer, v in assumptions._per_network(table, WIDTHS, var_w)
    }
    x, y = next(source.chunks(10**6))
    f, f_prime = activations.get(activation)
    s, z = network.forward(x, weights, f)
    g = network.backward(s, weights, f_prime, y)
    for i in range(len(weights)):
        wg = network.weight_gradient(z[i], g[i])
        e_z2, e_g2 = np.mean(z[i] ** 2), np.mean(g[i] ** 2)
        assert values["square_independence", i] == pytest.approx(
            np.mean(wg**2) / (e_z2 * e_g2), rel=1e-9
        )
        assert values["weight_gradient_product", i] == pytest.approx(
            wg.var() / (z[i].var() * g[i].var()), rel=1e-9
        )
        assert values["activation_mean_share", i] == pytest.approx(
            z[i].mean() ** 2 / e_z2, rel=1e-7
        )
        assert values["forward_independence", i] == pytest.approx(
            np.mean(s[i] ** 2) / (WIDTHS[i] * var_w[i] * e_z2), rel=1e-9
        )
        if i < len(weights) - 1:
            fp2 = np.mean(f_prime(s[i]) ** 2)
            assert values["mean_f_prime_squared", i] == pytest.approx(fp2, rel=1e-9)
            assert values["backward_independence", i] == pytest.approx(
                e_g2 / (fp2 * WIDTHS[i + 2] * var_w[i + 1] * np.mean(g[i + 1] ** 2)),
                rel=1e-9,
            )


def test_linear_network_has_ideal_linear_regime():
    table, _, _ = per_network_table("linear")
    tables = pd.concat([table.assign(network=k) for k in range(3)])
    result = assumptions.assumption_table(tables, WIDTHS)
    f_prime = result[
        result["assumption"].isin(["mean_f_prime", "mean_f_prime_squared"])
    ]
    assert len(f_prime) == 2 * (len(WIDTHS) - 2)
    assert (f_prime["measured"] == 1).all()
    assert set(result["assumption"]) == set(assumptions.IDEAL)
