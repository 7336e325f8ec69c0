"""The generated documents: docs/derivation.md and docs/agreement.md render
from small hand-built tables, and every number they state is the table's."""

from pathlib import Path

import jinja2
import jinja2.meta
import numpy as np
import pandas as pd
import pytest

from glorot import compare, derivation
from glorot.quantities import VARIANCE_QUANTITIES

ROOT = Path(__file__).resolve().parents[1]


def variance_table(
    activation="linear", inits=("standard", "normalized"), d=2, classes=10
):
    """A d = 2 table whose measured values are the corrected predictions times
    1.01 (95% interval 1.005-1.015), except the printed ones, which are 2x off."""
    rows = []
    for init in inits:
        for quantity in VARIANCE_QUANTITIES:
            for layer in range(d + 1):
                value = 0.1 * (layer + 1) * (2 if init == "normalized" else 1)
                rows.append(
                    {
                        "activation": activation,
                        "init": init,
                        "quantity": quantity,
                        "layer": layer,
                        "measured": value * 1.01,
                        "ci_low": value * 1.005,
                        "ci_high": value * 1.015,
                        "standard_error": value * 0.0025,
                        "networks": 8,
                        "predicted_glorot": value,
                        "predicted_glorot_printed": 2 * value,
                        "predicted_meanfield": value,
                    }
                )
    return compare.with_verdicts(compare.with_cell_class(pd.DataFrame(rows)))


def test_criterion_text_quotes_the_margin():
    text = derivation.criterion_text()
    assert "$[0.98, 1.02]$" in text and "2%" in text
    assert "$[0.95, 1.05]$" in derivation.criterion_text(0.05)


def test_bounds_table_gives_ratio_intervals_and_verdicts():
    text = derivation.bounds_markdown(variance_table(), "backprop_gradient")
    lines = text.splitlines()
    assert len(lines) == 2 + 2 * 3
    # layer 0 of the standard init: measured 0.101, corrected 0.1 (ratio 0.99
    # [0.985, 0.995]), printed 0.2 (ratio 1.98 [1.97, 1.99])
    assert (
        "| standard | 0 | 0.101 [0.1, 0.101] | 0.1 | 0.99 [0.985, 0.995] | agree "
        "| 0.2 | 1.98 [1.97, 1.99] | **disagree** |" in lines
    )


def ratios_table():
    rows = []
    for init, (corr, printed) in {
        "standard": (0.5, 0.5),
        "normalized": (0.4, 1.2),
    }.items():
        for layer in range(2):
            rows.append(
                dict(
                    activation="linear",
                    init=init,
                    quantity="backprop_gradient",
                    layer=layer,
                    measured=corr,
                    ci_low=corr * 0.99,
                    ci_high=corr * 1.01,
                    standard_error=corr * 0.01,
                    networks=8,
                    predicted_glorot=corr,
                    predicted_glorot_printed=printed,
                    predicted_meanfield=corr,
                )
            )
    return compare.with_verdicts(pd.DataFrame(rows))


def test_ratio_verdict_counts_each_reading():
    text = derivation.ratio_verdict(ratios_table(), "backprop_gradient")
    # the printed reading is right in the 2 standard ratios (equal factors), wrong in the others
    assert text.startswith(
        "the corrected reading agrees with 4 of the 4 measured ratios and "
        "disagrees with 0, the printed one agrees with 2 and disagrees with 2 "
        "(median half-width 1"
    )
    assert text.endswith(": corrected")
    t = ratios_table().assign(predicted_glorot_printed=lambda t: t["predicted_glorot"])
    t = compare.with_verdicts(t)
    assert derivation.ratio_verdict(t, "backprop_gradient").endswith(
        "cannot tell the readings apart"
    )
    t = t.assign(predicted_glorot=lambda t: 2 * t["measured"])
    t = compare.with_verdicts(t)
    assert derivation.ratio_verdict(t, "backprop_gradient").endswith(": printed")


def test_readings_differ_and_nearer_counts():
    t = variance_table()
    assert derivation.readings_differ_text(t, "backprop_gradient") == "6 of 6"
    assert derivation.nearer_text(t) == "0 of 6 (normalized), 0 of 6 (standard)"


def assumptions_table():
    rows = []
    for init in ("standard", "normalized"):
        for layer in range(3):
            for name, value in {
                "activation_mean_share": 0.75 if layer == 0 else 0.001,
                "forward_independence": 1.0 + 0.03 * layer,
                "backward_independence": 1.0
                + 0.1 * (layer == 0) * (init == "normalized"),
                "mean_f_prime": 0.9 + 0.03 * layer,
                "square_independence": 0.95,
                "weight_gradient_product": 3.8 if layer == 0 else 0.95,
                "backprop_gradient_mean_share": 1e-4,
            }.items():
                rows.append(
                    dict(
                        activation="tanh",
                        init=init,
                        assumption=name,
                        layer=layer,
                        ideal=0.0 if "share" in name else 1.0,
                        measured=value,
                        ci_low=value - 0.02,
                        ci_high=value + 0.02,
                        networks=8,
                    )
                )
    return pd.DataFrame(rows)


def test_assumption_numbers():
    a = assumptions_table()
    assert derivation.input_second_moment_ratio(a, "tanh") == pytest.approx(4.0)
    assert derivation.assumption_range(a, "forward_independence") == "1-1.06"
    assert derivation.ideal_inside_text(a, "forward_independence") == "2 of 6"
    assert (
        "1-1.1 for tanh (furthest from 1: normalized init, layer 0)"
        in derivation.backward_text(a)
    )
    table = derivation.f_prime_markdown(a)
    assert "| tanh | standard | 0.900 | 0.930 | 0.960 |" in table.splitlines()


def agreement_table():
    return compare.agreement(
        pd.concat(
            [variance_table(), variance_table(activation="tanh", inits=("standard",))]
        )
    )


def test_coverage_markdown_and_context_quote_the_resolution():
    agreement = agreement_table()
    table = derivation.coverage_markdown(agreement)
    # 12 cells per (activation, init): 8 hidden, 2 exact, 2 output
    assert (
        "| linear | standard | 8/8 (±0.5%) | 0/8 (±0.5%), 8 disagree, worst 1.98 "
        "activation[1] | 8/8 (±0.5%) |" in table
    )
    context = derivation.coverage_context(agreement)
    assert context["share_glorot"].startswith(
        "agrees within 2% in 24 of 24 cells (disagrees in 0, inconclusive in 0); "
        "median half-width 0.5%"
    )
    assert context["share_glorot_printed"].startswith("agrees within 2% in 0 of 24")
    assert context["share_meanfield_exact"].startswith("agrees within 2% in 6 of 6")
    assert context["by_activation_glorot"]["tanh"]["count"] == "8/8"
    assert context["resolution"]["tanh"][0] == "0.5%"


def test_splice_replaces_only_the_block():
    begin, end = derivation.README_BEGIN, derivation.README_END
    text = f"intro\n{begin}\nold claim\n{end}\nrest\n"
    assert (
        derivation.splice(text, "new numbers\n")
        == f"intro\n{begin}\nnew numbers\n{end}\nrest\n"
    )
    with pytest.raises(ValueError):
        derivation.splice("no markers", "x")


def test_readme_has_the_generated_block():
    readme = (ROOT / "README.md").read_text()
    assert (
        readme.count(derivation.README_BEGIN) == 1
        and readme.count(derivation.README_END) == 1
    )


def test_derivation_template_renders_with_every_variable():
    """Every placeholder of the template is filled (StrictUndefined) and none
    is left over; the numbers come through verbatim."""
    source = (ROOT / "workflow/report/derivation.md.j2").read_text()
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    names = jinja2.meta.find_undeclared_variables(env.parse(source))
    context = {name: f"<{name}>" for name in names}
    context["criterion"] = derivation.criterion_text()
    context["ratio_eq6"] = derivation.ratio_markdown(
        ratios_table(), "backprop_gradient"
    )
    text = env.from_string(source).render(**context)
    for name in names - {"criterion", "ratio_eq6"}:
        assert f"<{name}>" in text
    assert (
        "| normalized | 0 | 0.4 [0.396, 0.404] | 0.4 | agree | 1.2 | **disagree** |"
        in text
    )
    assert "the whole 95% interval of the ratio predicted / measured lies in" in text
    for claim in ("misprint", "(13)", "gradient-independence", "f(0) = 0", "1 - 2|s|"):
        assert claim in text


def test_minibatch_markdown_and_last_weight_gradient():
    mb = pd.DataFrame(
        [("tanh", "standard", i, 10, 1.2, 1.1, 1.3, 0.05, 8) for i in range(2)],
        columns=[
            "activation",
            "init",
            "layer",
            "batch_size",
            "ratio",
            "ci_low",
            "ci_high",
            "standard_error",
            "networks",
        ],
    )
    assert (
        "| standard | 1.2 [1.1, 1.3] | 1.2 [1.1, 1.3] |"
        in derivation.minibatch_markdown(mb, "tanh")
    )
    assert derivation.minibatch_range(mb) == "1.2"
    # The spread across layers: 1 here; 1.5 / 1.2 = 1.25 for a sigmoid row.
    assert derivation.minibatch_layer_spread(mb) == "1 (tanh, standard init)"
    uneven = pd.concat(
        [mb, mb.assign(activation="sigmoid", ratio=[1.2, 1.5])], ignore_index=True
    )
    assert derivation.minibatch_layer_spread(uneven) == "1.25 (sigmoid, standard init)"
    ratios = ratios_table().assign(quantity="weight_gradient", activation="tanh")
    ratios = ratios.assign(
        measured=0.01,
        ci_low=0.008,
        ci_high=0.0125,
        predicted_glorot=0.009,
        predicted_meanfield=0.01,
    )
    text = derivation.last_weight_gradient_markdown(ratios, "tanh")
    assert "| standard | 100 [80, 125] | 111 | 100 |" in text


def test_minibatch_ratio_is_one_for_independent_examples_and_exact_for_a_hand_case():
    from glorot.minibatch import minibatch_moments

    rng = np.random.default_rng(5)
    z, g = rng.standard_normal((20, 4)) + 0.3, rng.standard_normal((20, 3))
    per_example, minibatch = minibatch_moments(z, g, 5)
    w = z[:, :, None] * g[:, None, :]
    assert per_example == pytest.approx(w.var(), rel=1e-12)
    assert minibatch == pytest.approx(
        w.reshape(4, 5, 4, 3).mean(axis=1).var(), rel=1e-12
    )
    # identical examples: the average is each of them, so B Var[G] / Var = B
    same = np.repeat(z[:1], 5, axis=0), np.repeat(g[:1], 5, axis=0)
    pe, mb = minibatch_moments(*same, 5)
    assert mb == pytest.approx(pe, rel=1e-12)
    # independent examples: B Var[G] / Var[dC/dW] = 1, up to the sampling
    # error (4 standard errors over 40 replicates) and the bias of
    # subtracting the pooled mean (at most B / examples = 0.25%)
    ratios = []
    for _ in range(40):
        z, g = rng.standard_normal((2000, 4)) + 0.3, rng.standard_normal((2000, 3))
        pe, mb = minibatch_moments(z, g, 5)
        ratios.append(5 * mb / pe)
    ratios = np.array(ratios)
    se = ratios.std(ddof=1) / np.sqrt(len(ratios))
    assert abs(ratios.mean() - 1) <= 4 * se + 5 / 2000, (ratios.mean(), se)
    # and the test can fail: correlated examples (a shared component) do not pass
    shared = rng.standard_normal((1, 4))
    pe, mb = minibatch_moments(z + 3 * shared, g + 3 * rng.standard_normal((1, 3)), 5)
    assert abs(5 * mb / pe - 1) > 4 * se + 5 / 2000


def test_minibatch_summary_refuses_missing_networks():
    from glorot.minibatch import summarise

    exp = {
        "widths": [3, 4, 2],
        "activations": ["tanh"],
        "inits": ["standard"],
        "networks": 2,
        "minibatch_networks": 8,
    }
    rows = [
        ("tanh", "standard", k, layer, 1.0 + 0.1 * k, 10)
        for k in range(2)
        for layer in range(2)
    ]
    table = pd.DataFrame(
        rows, columns=["activation", "init", "network", "layer", "ratio", "batch_size"]
    )
    out = summarise(table, exp)
    assert out["ratio"].tolist() == pytest.approx([1.05, 1.05])
    with pytest.raises(ValueError, match="rerun rule minibatch"):
        summarise(table.iloc[1:], exp)


def test_derivation_script_fills_exactly_the_template_variables():
    """The rule's script passes every placeholder of the template and nothing
    else (StrictUndefined would stop the docs rule only at the end of a run)."""
    import ast

    source = (ROOT / "workflow/report/derivation.md.j2").read_text()
    env = jinja2.Environment()
    names = jinja2.meta.find_undeclared_variables(env.parse(source))
    script = ast.parse((ROOT / "workflow/scripts/derivation.py").read_text())
    renders = [
        node
        for node in ast.walk(script)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "render"
    ]
    assert len(renders) == 1
    assert {k.arg for k in renders[0].keywords} == names
