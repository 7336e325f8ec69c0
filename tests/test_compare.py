"""The agreement criterion, the coverage tables and summary.md, on hand-built
frames whose answers are known."""

import numpy as np
import pandas as pd
import pytest

from glorot import compare


def cell(
    quantity,
    layer,
    measured,
    se,
    glorot,
    printed=None,
    meanfield=None,
    activation="tanh",
    init="standard",
):
    return {
        "activation": activation,
        "init": init,
        "quantity": quantity,
        "layer": layer,
        "measured": measured,
        "ci_low": measured - 2.4 * se,
        "ci_high": measured + 2.4 * se,
        "standard_error": se,
        "networks": 8,
        "predicted_glorot": glorot,
        "predicted_glorot_printed": glorot if printed is None else printed,
        "predicted_meanfield": glorot if meanfield is None else meanfield,
    }


def test_criterion_is_three_standard_errors_plus_two_percent():
    measured, se = 10.0, 0.5
    edge = measured + 3 * se + 0.02 * measured  # 11.7
    assert compare.agrees(edge - 1e-9, measured, se)
    assert not compare.agrees(edge + 1e-9, measured, se)
    assert compare.agrees(measured - 1.7 + 1e-9, measured, se)
    assert not compare.agrees(measured - 1.7 - 1e-9, measured, se)
    # without sampling error, only the 2% floor
    assert compare.agrees(10.19, 10.0, 0.0) and not compare.agrees(10.21, 10.0, 0.0)
    # a missing prediction never agrees
    assert not compare.agrees(np.nan, 10.0, 0.5)
    assert compare.AGREE_STANDARD_ERRORS == 3 and compare.AGREE_RELATIVE == 0.02


def test_criterion_is_vectorized_and_symmetric_in_sign_of_the_miss():
    measured = np.array([1.0, 1.0, 100.0])
    se = np.array([0.01, 0.01, 0.0])
    got = compare.agrees(np.array([1.049, 0.951, 97.9]), measured, se)
    np.testing.assert_array_equal(got, [True, True, False])


def frame():
    rows = [
        cell("activation", 0, 1.0, 0.0, 1.0),  # no sampling error: not counted
        cell("activation", 1, 1.0, 0.01, 1.02, meanfield=1.0),  # 0.02 <= 0.03 + 0.02
        cell("activation", 2, 2.0, 0.01, 2.5, meanfield=2.0),  # ratio 1.25, 50 SE
        cell("backprop_gradient", 0, 4.0, 0.1, 3.0, printed=2.0, meanfield=4.1),
        cell("backprop_gradient", 1, 4.0, 0.1, 4.0, printed=np.nan, meanfield=4.0),
    ]
    return compare.with_agreement(pd.DataFrame(rows))


def test_agreement_columns_per_cell():
    t = frame()
    assert t["agrees_glorot"].tolist() == [True, True, False, False, True]
    assert t["agrees_glorot_printed"].tolist() == [True, True, False, False, False]
    assert t["agrees_meanfield"].all()
    assert t["ratio_glorot"].tolist() == pytest.approx([1.0, 1.02, 1.25, 0.75, 1.0])
    assert t["error_se_glorot"].iloc[2] == pytest.approx(50.0)
    assert np.isnan(t["error_se_glorot"].iloc[0])  # undefined without sampling error


def test_coverage_counts_shares_and_worst_misses():
    cov = compare.coverage(frame()).set_index("prediction")
    g = cov.loc["glorot"]
    assert (g["cells"], g["agree"], g["share"]) == (4, 2, 0.5)
    # largest miss in SE: activation[2] (+50) beats backprop_gradient[0] (-10)
    assert g["worst_error_se"] == pytest.approx(50.0)
    assert g["worst_error_se_cell"] == "activation[2]"
    # furthest ratio in log: 0.75 (log 0.288) beats 1.25 (log 0.223)
    assert g["worst_ratio"] == pytest.approx(0.75)
    assert g["worst_ratio_cell"] == "backprop_gradient[0]"
    p = cov.loc["glorot_printed"]
    assert (p["agree"], p["worst_ratio"], p["worst_ratio_cell"]) == (
        1,
        0.5,
        "backprop_gradient[0]",
    )
    assert cov.loc["meanfield", "share"] == 1.0
    assert list(compare.coverage(frame()).columns) == compare.AGREEMENT_COLUMNS


def test_coverage_groups_by_activation_and_init():
    other = frame().assign(init="normalized", predicted_glorot=lambda t: t["measured"])
    cov = compare.coverage(compare.with_agreement(pd.concat([frame(), other])))
    glorot = cov[cov["prediction"] == "glorot"].set_index("init")
    assert (
        glorot.loc["normalized", "agree"] == 4 and glorot.loc["standard", "agree"] == 2
    )
    assert len(cov) == 3 * 2


def test_summary_reports_the_criterion_and_the_shares():
    text = compare.markdown_summary(frame(), "toy")
    assert "3 standard errors + 2% of measured" in text
    assert (
        "| glorot | tanh | standard | 2/4 (50%) | +50 (activation[2]) | 0.75 (backprop_gradient[0]) |"
        in text
    )
    assert "| meanfield | tanh | standard | 4/4 (100%) |" in text
    assert "| tanh | standard | activation | 1/2 | 1/2 | 2/2 |" in text


def per_network_moments():
    """Two networks of a d = 1 linear network whose variances halve going down."""
    rows = []
    for network, scale in enumerate([1.0, 1.2]):
        for layer, variance in enumerate([0.5 * scale, 1.0 * scale]):
            rows.append(
                ("linear", "standard", network, "backprop_gradient", layer, variance)
            )
            rows.append(
                ("linear", "standard", network, "activation", layer, 1.0 + network)
            )
    return pd.DataFrame(
        rows, columns=["activation", "init", "network", "quantity", "layer", "variance"]
    )


def test_layer_ratios_are_per_network_and_cancel_a_shared_factor():
    predictions = pd.DataFrame(
        [
            ("linear", "standard", q, layer, g, p, m)
            for q, values in {
                "backprop_gradient": [(0.25, 0.4, 0.5), (0.5, 0.5, 1.0)],
                "activation": [(1, 1, 1), (1, 1, 1)],
            }.items()
            for layer, (g, p, m) in enumerate(values)
        ],
        columns=compare.KEYS + compare.PREDICTIONS,
    )
    ratios = compare.layer_ratios(per_network_moments(), predictions)
    back = ratios[ratios["quantity"] == "backprop_gradient"].iloc[0]
    # the per-network ratio is 0.5 in both networks although their scales differ
    assert back["layer"] == 0 and back["measured"] == pytest.approx(0.5)
    assert back["standard_error"] == pytest.approx(0.0, abs=1e-15)
    assert back["predicted_glorot"] == pytest.approx(0.5)  # 0.25 / 0.5: the top cancels
    assert back["predicted_glorot_printed"] == pytest.approx(0.8)
    assert bool(back["agrees_glorot"]) and not bool(back["agrees_glorot_printed"])
    assert len(ratios) == 2  # one ratio (layer 0 over 1) per quantity


def test_confidence_interval_needs_two_networks():
    with pytest.raises(ValueError, match="at least 2 networks"):
        compare.mean_with_ci([1.0])


def test_underflow_cells_count_and_the_figure_draws_them_without_bands():
    """A cell measured as exactly 0 (float32 underflow) is a miss, not left
    out; the agreement figure skips its bands and ratio instead of failing."""
    from glorot import plotting

    rows = [
        cell("activation", 0, 1.0, 0.0, 1.0),  # the input, same in every network
        cell("activation", 1, 0.5, 0.01, 0.5),
        cell("activation", 2, 0.0, 0.0, 1e-30),  # underflow
        cell("backprop_gradient", 0, 4.0, 0.1, 4.0),
    ]
    t = compare.with_agreement(pd.DataFrame(rows))
    cov = compare.coverage(t).set_index("prediction").loc["glorot"]
    assert (cov["cells"], cov["agree"]) == (3, 2)
    fig = plotting.agreement_figure(t, "toy", ["tanh"], ["standard"])
    assert len(fig.axes) == 4
    plotting.plt.close(fig)
