"""The verdicts per cell, the tables that count them and summary.md, on
hand-built frames whose answers are known."""

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


def frame():
    """Cells of a d = 2 network (layers 0..2) with half-widths 1.2% or 2.4%."""
    rows = [
        cell("activation", 0, 1.0, 0.0, 1.0),  # the shared input: exact, width 0
        # ratio interval 1.0 / [0.976, 1.024]: half-width 2.4% > 2%: inconclusive
        cell("activation", 1, 1.0, 0.01, 1.0),
        cell("activation", 2, 2.0, 0.01, 2.5, meanfield=2.0),  # 1.25: disagree
        cell("backprop_gradient", 0, 4.0, 0.01, 3.0, printed=2.0, meanfield=4.04),
        cell("backprop_gradient", 1, 4.0, 0.02, 4.0, printed=np.nan, meanfield=4.0),
        cell("backprop_gradient", 2, 1.0, 0.5, 1.0),  # the top gradient: output
    ]
    return compare.join_predictions(
        pd.DataFrame(rows).drop(columns=compare.PREDICTIONS),
        pd.DataFrame(rows)[compare.KEYS + compare.PREDICTIONS],
    )


def test_verdict_columns_per_cell():
    t = frame()
    assert t["cells"].tolist() == [
        "exact",
        "hidden",
        "hidden",
        "hidden",
        "hidden",
        "output",
    ]
    assert t["verdict_glorot"].tolist() == [
        "agree",
        "inconclusive",
        "disagree",
        "disagree",
        "agree",
        "inconclusive",
    ]
    # a missing prediction is inconclusive
    assert t["verdict_glorot_printed"].iloc[4] == "inconclusive"
    # 4.04 / [3.976, 4.024]: [1.004, 1.016] inside the band
    assert t["verdict_meanfield"].iloc[3] == "agree"
    assert t["ratio_glorot"].tolist() == pytest.approx([1.0, 1.0, 1.25, 0.75, 1, 1])
    low, high = t["ratio_low_glorot"].iloc[1], t["ratio_high_glorot"].iloc[1]
    assert (low, high) == pytest.approx((1 / 1.024, 1 / 0.976))
    assert not any(c.startswith(("agrees_", "error_se_")) for c in t.columns)


def test_verdicts_follow_the_margin():
    """The margin is a parameter: 3% turns the inconclusive 2.4% cell into agree."""
    rows = pd.DataFrame([cell("activation", 1, 1.0, 0.01, 1.0)])
    table = compare.with_verdicts(rows, margin=0.03)
    assert table["verdict_glorot"].iloc[0] == "agree"
    assert compare.with_verdicts(rows)["verdict_glorot"].iloc[0] == "inconclusive"


def test_agreement_counts_verdicts_and_resolution_per_class():
    cov = compare.agreement(frame())
    assert list(cov.columns) == compare.AGREEMENT_COLUMNS
    hidden = cov[(cov["cells"] == "hidden") & (cov["init"] == "standard")]
    g = hidden.set_index("prediction").loc["glorot"]
    assert (g["count"], g["agree"], g["disagree"], g["inconclusive"]) == (4, 1, 2, 1)
    # furthest ratio in log: 0.75 (log 0.288) beats 1.25 (log 0.223)
    assert g["worst_ratio"] == pytest.approx(0.75)
    assert g["worst_ratio_cell"] == "backprop_gradient[0]"
    m = hidden.set_index("prediction").loc["meanfield"]
    assert (m["agree"], m["inconclusive"]) == (3, 1)
    widths = compare.verdicts.relative_half_width(
        frame()["ratio_low_meanfield"], frame()["ratio_high_meanfield"]
    )[1:5]
    assert m["median_half_width"] == pytest.approx(np.median(widths))
    assert m["max_half_width"] == pytest.approx(widths.max())
    exact = cov[(cov["cells"] == "exact") & (cov["init"] == "standard")]
    assert (exact["count"] == 1).all() and (exact["max_half_width"] == 0).all()
    # the same over every init and over everything
    overall = cov[(cov["activation"] == "all") & (cov["init"] == "all")]
    assert len(overall) == 3 * 3


def test_agreement_groups_by_activation_and_init():
    other = frame().assign(init="normalized", predicted_glorot=lambda t: t["measured"])
    cov = compare.agreement(compare.with_verdicts(pd.concat([frame(), other])))
    glorot = cov[
        (cov["prediction"] == "glorot")
        & (cov["cells"] == "hidden")
        & (cov["activation"] == "tanh")
    ]
    glorot = glorot.set_index("init")
    assert glorot.loc["normalized", "disagree"] == 0
    assert glorot.loc["standard", "disagree"] == 2
    assert glorot.loc["all", "count"] == 8


def test_summary_states_every_count_with_its_resolution():
    text = compare.markdown_summary(frame(), "toy")
    assert "[0.98, 1.02]" in text and "agreement_margin" in text
    assert (
        "| glorot | hidden | agrees within 2% in 1 of 4 cells (disagrees in 2, "
        "inconclusive in 1); median half-width" in text
    )
    assert "| tanh | standard | activation | 1/1/1 | 1/1/1 | 2/1/0 |" in text
    # every count line of the first table quotes a half-width
    first = text.split("## Per activation")[0]
    counts = [line for line in first.splitlines() if "agrees within" in line]
    assert counts and all("median half-width" in line for line in counts)


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
    # no spread over networks: a ratio interval of width 0 at 0.5
    assert back["verdict_glorot"] == "agree"
    assert back["verdict_glorot_printed"] == "disagree"
    assert len(ratios) == 2  # one ratio (layer 0 over 1) per quantity


def test_confidence_interval_needs_two_networks():
    with pytest.raises(ValueError, match="at least 2 networks"):
        compare.mean_with_ci([1.0])


def test_underflow_cells_count_and_the_figure_draws_them_without_intervals():
    """A cell measured as exactly 0 (float32 underflow) is counted, as
    inconclusive (its ratio is unbounded); the agreement figure skips its
    ratio instead of failing."""
    from glorot import plotting

    rows = [
        cell("activation", 0, 1.0, 0.0, 1.0),  # the input, same in every network
        cell("activation", 1, 0.5, 0.001, 0.5),
        cell("activation", 2, 0.0, 0.0, 1e-30),  # underflow
        cell("backprop_gradient", 0, 4.0, 0.001, 4.0),
    ]
    t = compare.with_verdicts(compare.with_cell_class(pd.DataFrame(rows)))
    cov = compare.agreement(t)
    cov = cov[(cov["cells"] == "hidden") & (cov["init"] == "standard")]
    cov = cov.set_index("prediction").loc["glorot"]
    assert (cov["count"], cov["agree"], cov["inconclusive"]) == (3, 2, 1)
    fig = plotting.agreement_figure(t, "toy", ["tanh"], ["standard"])
    assert len(fig.axes) == 4
    plotting.plt.close(fig)
