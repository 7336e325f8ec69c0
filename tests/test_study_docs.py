"""The generated blocks of docs/propagation.md, docs/spectrum.md and the
README's depth and spectrum paragraphs (glorot.study_docs), on hand-built
tables whose answers are known, and the locked splice that writes them."""

import math
import threading
from pathlib import Path

import pandas as pd
import pytest

from glorot import derivation, study_docs

ROOT = Path(__file__).resolve().parent.parent
NAN = math.nan


def depth_row(activation, sigma_w2, quantity, verdict, measured=1.0, **extra):
    row = {
        "activation": activation,
        "sigma_w2": sigma_w2,
        "sigma_b2": "0.05",
        "quantity": quantity,
        "predicted": 1.0,
        "predicted_fit": NAN,
        "measured": measured,
        "ci_low": measured * 0.99,
        "ci_high": measured * 1.01,
        "ratio_low": 0.99,
        "ratio_high": 1.01,
        "half_width": 0.01,
        "verdict": verdict,
        "judged_on": "ratio",
        "networks": 16,
    }
    row.update(extra)
    return row


def depth_scales(extra_disagree=False):
    rows = [
        depth_row("tanh", "1.0", "chi1", "agree", half_width=0.004),
        depth_row("tanh", "2.0", "chi1", "agree", half_width=0.008),
        depth_row("relu", "2.0", "chi1", "agree", measured=0.5, half_width=0.006),
        depth_row(
            "tanh",
            "1.0",
            "xi_c",
            "disagree",
            measured=0.619,
            ci_low=0.618,
            ci_high=0.621,
            predicted=0.592,
            predicted_fit=0.593,
            ratio_low=0.955,
            ratio_high=0.959,
            half_width=0.002,
            judged_on="ratio to predicted_fit",
        ),
        depth_row(
            "tanh",
            "2.0",
            "xi_c",
            "disagree" if extra_disagree else "agree",
            measured=3.0,
            predicted=3.5,
            predicted_fit=3.4,
            judged_on="ratio to predicted_fit",
        ),
        depth_row(
            "relu",
            "2.0",
            "xi_c",
            "inconclusive",
            predicted=math.inf,
            half_width=NAN,
            judged_on="not judged: predicted 0 or inf",
        ),
        depth_row("tanh", "1.0", "xi_q", "inconclusive", measured=NAN, half_width=NAN),
    ]
    return pd.DataFrame(rows)


# --- counts -------------------------------------------------------------------------


def test_counts_come_with_median_and_largest_resolution():
    t = pd.DataFrame(
        {
            "verdict": ["agree", "agree", "disagree", "inconclusive"],
            "half_width": [0.01, 0.03, 0.02, NAN],
        }
    )
    c = study_docs.verdict_counts(t)
    assert (c["agree"], c["disagree"], c["inconclusive"], c["cells"]) == (2, 1, 1, 4)
    assert c["median"] == pytest.approx(0.02) and c["largest"] == pytest.approx(0.03)
    assert study_docs.counts_text(c) == (
        "2 agree, 1 disagree, 1 inconclusive (resolution: median 2%, largest 3%)"
    )


def test_an_empty_category_and_an_empty_table_are_said():
    empty = pd.DataFrame({"verdict": [], "half_width": []})
    assert study_docs.counts_text(study_docs.verdict_counts(empty)) == "no cells"
    assert study_docs.counts_cell(study_docs.verdict_counts(empty)) == "-"
    unresolved = pd.DataFrame({"verdict": ["inconclusive"], "half_width": [NAN]})
    text = study_docs.counts_text(study_docs.verdict_counts(unresolved))
    assert text.startswith("0 agree, 0 disagree, 1 inconclusive")
    assert "no cell has a finite resolution" in text


# --- depth scales -------------------------------------------------------------------


def test_one_more_disagreement_changes_the_count_and_is_named():
    before = study_docs.depth_scale_bullet(depth_scales(), "xi_c")
    after = study_docs.depth_scale_bullet(depth_scales(extra_disagree=True), "xi_c")
    assert "1 agree, 1 disagree, 1 inconclusive" in before
    assert "0 agree, 2 disagree, 1 inconclusive" in after
    assert "tanh 2.0: measured" not in before and "tanh 2.0: measured 3 [" in after
    # Judged against predicted_fit where judged_on says so, with the asymptote.
    assert "tanh 1.0: measured 0.619 [0.618, 0.621] against 0.593 predicted" in before
    assert "asymptotic 0.592" in before and "[0.955, 0.959]" in before


def test_inconclusive_rows_are_split_by_why():
    text = study_docs.depth_scale_bullet(depth_scales(), "xi_c")
    assert "1 not judged: predicted 0 or inf (relu 2.0)" in text
    xi_q = study_docs.depth_scale_bullet(depth_scales(), "xi_q")
    assert f"1 {study_docs.NOT_MEASURED} (tanh 1.0)" in xi_q
    assert "Measured from" not in xi_q


def test_a_measured_depth_scale_is_counted_like_any_other():
    """When xi_q gets measured values (another judged_on), nothing says
    'not measured' and the counts follow the verdicts."""
    t = depth_scales()
    t.loc[
        t["quantity"] == "xi_q", ["measured", "half_width", "verdict", "judged_on"]
    ] = [
        1.7,
        0.05,
        "inconclusive",
        "ratio to predicted_fit",
    ]
    text = study_docs.depth_scale_bullet(t, "xi_q")
    assert study_docs.NOT_MEASURED not in text
    assert f"1 {study_docs.ACROSS_MARGIN} (tanh 1.0)" in text
    assert "judged on `ratio to predicted_fit`" in text


def test_chi1_range_names_its_points():
    text = study_docs.depth_scale_bullet(depth_scales(), "chi1")
    assert "3 agree, 0 disagree, 0 inconclusive" in text
    assert "median 0.6%, largest 0.8%" in text
    assert "Measured from 0.5 (relu 2.0) to 1 (tanh 1.0)" in text


def test_quantities_in_the_page_order():
    text = study_docs.depth_scales_markdown(depth_scales())
    assert text.index("**chi_1**") < text.index("**xi_c**") < text.index("**xi_q**")


def test_critical_line_rows_by_value():
    table = pd.DataFrame(
        {
            "activation": ["tanh", "relu"],
            "sigma_b2": ["0.05", "0.05"],
            "predicted_sigma_w2": [1.7609, 2.0],
            "measured_sigma_w2": [1.7839, NAN],
            "ci_low": [1.7424, NAN],
            "ci_high": [1.8268, NAN],
            "predicted_grid_sigma_w2": [1.7814, 2.0],
            "half_width": [0.0236, NAN],
            "verdict": ["inconclusive", "inconclusive"],
        }
    )
    lines = study_docs.critical_line_markdown(table).splitlines()
    assert lines[0].startswith("- relu") and "does not cross 1" in lines[0]
    assert (
        "measured 1.784 [1.742, 1.827] against 1.781 on the grid "
        "(exact root 1.761): inconclusive, resolution 2.4%" in lines[1]
    )


def propagation_cells(disagree_layers):
    rows = []
    for activation in ("relu", "tanh"):
        for layer in range(1, 11):
            bad = activation == "relu" and layer in disagree_layers
            rows.append(
                {
                    "activation": activation,
                    "sigma_w2": "2.5",
                    "sigma_b2": "0.05",
                    "pair": "gaussian_c0.0",
                    "networks": 16,
                    "layer": layer,
                    "q_verdict": "disagree" if bad else "inconclusive",
                    "q_half_width": 0.05,
                    "c_verdict": "agree",
                    "c_half_width": 0.002,
                }
            )
    return pd.DataFrame(rows)


def test_per_layer_cells_name_the_longest_run():
    text = study_docs.per_layer_bullet(propagation_cells({2, 4, 5, 6}), "q", "q^l")
    assert "(20 cells: 2 points x 1 pairs x 10 layers)" in text
    assert "0 agree, 4 disagree, 16 inconclusive" in text
    assert "at 1 of 2 points, most at relu 2.5 (4)" in text
    assert "Longest run of consecutive disagreeing layers: 3" in text
    assert "layers 4-6" in text
    # Resolution 5% at 16 networks against the 2% margin: 16 x 2.5^2 = 100.
    assert "about 100 networks per point" in text
    alone = study_docs.per_layer_bullet(propagation_cells({2, 4}), "q", "q^l")
    assert "No two consecutive layers disagree" in alone
    none = study_docs.per_layer_bullet(propagation_cells(set()), "c", "c^l")
    assert "20 agree, 0 disagree, 0 inconclusive" in none and "Disagreeing" not in none


def test_longest_run():
    assert study_docs.longest_run([7, 1, 2, 3, 5, 6]) == (1, 3)
    assert study_docs.longest_run([]) == (None, 0)


# --- trainability -------------------------------------------------------------------


def trainability_table(fitted_beyond=False):
    rows = []
    xi = {"0.333": 0.8, "1.0": 3.6}
    for depth in (5, 10, 40):
        for s in ("0.333", "1.0"):
            ratio = depth / xi[s]
            learnt = s == "1.0" and (ratio <= 6 or fitted_beyond)
            rows.append(
                {
                    "activation": "tanh",
                    "sigma_w2": s,
                    "sigma_b2": "0.05",
                    "depth": depth,
                    "train_error": 0.5 if learnt else 0.819,
                    "test_error": 0.83,
                    "diverged": False,
                    "xi_c": xi[s],
                    "depth_over_xi_c": ratio,
                    "train_chance_error": 0.819,
                    "train_learnt": learnt,
                    "test_chance_error": 0.831,
                    "test_learnt": False,
                }
            )
    return pd.DataFrame(rows)


def test_trainability_table_bolds_the_fitted_runs():
    t = trainability_table()
    t.loc[
        (t["depth"] == 40) & (t["sigma_w2"] == "0.333"), ["diverged", "train_error"]
    ] = [
        True,
        NAN,
    ]
    lines = study_docs.trainability_markdown(t).splitlines()
    assert lines[0] == "| depth \\ $\\sigma_w^2$ | 0.333 | 1.0 |"
    assert lines[2] == "| 5 | 0.819 | **0.500** |"
    assert lines[4] == "| 40 | diverged | 0.819 |"
    assert lines[5] == "| predicted $\\xi_c$ | 0.8 | 3.6 |"


def test_claim_counts_follow_the_table():
    text = study_docs.claim_text(trainability_table())
    # depth/xi_c <= 6: (5, 1.0), (10, 1.0); beyond: the four others.
    assert "2 of the 2 runs with depth $\\le 6\\,\\xi_c$" in text
    assert "and 0 of the 4 beyond" in text
    assert "at $3\\,\\xi_c$: 2 of 2 within, 0 of 4 beyond" in text
    assert "No run fitted at $\\sigma_w^2$ = 0.333" in text
    assert "Beyond" not in text
    fitted = study_docs.claim_text(trainability_table(fitted_beyond=True))
    assert "and 1 of the 4 beyond" in fitted
    assert "Beyond $6\\,\\xi_c$ but fitted: depth 40 at 1.0 (11 $\\xi_c$)" in fitted


# --- eq. (17) -----------------------------------------------------------------------


def jacobian(verdicts_by_layer):
    rows = []
    for layer, verdict in enumerate(verdicts_by_layer):
        for init in ("standard", "normalized"):
            rows.append(
                {
                    "activation": "tanh",
                    "init": init,
                    "layer": layer,
                    "mean_singular_value": 0.5 if init == "standard" else 0.8,
                    "predicted": 0.76 if verdict == "disagree" else 0.5,
                    "resolution": 0.004,
                    "verdict": verdict if init == "normalized" else "agree",
                }
            )
    return pd.DataFrame(rows)


def test_eq17_names_its_disagreements_and_their_layers():
    text = study_docs.eq17_markdown(jacobian(["disagree", "agree"]))
    assert (
        "the paper's 0.5 (tanh, standard init) measured 0.500 over the 2 layers" in text
    )
    assert "1 agree, 1 disagree, 0 inconclusive" in text
    assert "(1, all at layer 0): tanh normalized layer 0 (predicted 5% low)" in text
    two = study_docs.eq17_markdown(jacobian(["disagree", "agree", "disagree"]))
    assert "(2, at layers 0 and 2)" in two
    assert "No cell disagrees" in study_docs.eq17_markdown(jacobian(["agree"]))


# --- spectrum and finite width ------------------------------------------------------


def spectrum_table():
    rows = []
    for weights in ("gaussian", "orthogonal"):
        for depth in (2, 32):
            for quantity in ("mean", "lambda_max"):
                disagree = quantity == "lambda_max" and depth == 32
                rows.append(
                    {
                        "activation": "linear",
                        "weights": weights,
                        "width": 128,
                        "depth": depth,
                        "quantity": quantity,
                        "networks": 12,
                        "predicted": 10.0 if disagree else 1.0,
                        "measured": 5.0 if disagree else 1.0,
                        "resolution": 0.01,
                        "verdict": "disagree" if disagree else "agree",
                    }
                )
    return pd.DataFrame(rows)


def test_spectrum_counts_per_depth_and_side():
    text = study_docs.spectrum_markdown(spectrum_table(), 0.02)
    assert "(n = 128, L = 2 and 32, 12 networks, margin 0.02; 8 cells)" in text
    assert "lambda_max 2 agree, 2 disagree, 0 inconclusive" in text
    assert "lambda_max: 2 of its 2 disagreements measured below the prediction" in text
    assert "| lambda_max | gaussian | 1 / 0 / 0 | 0 / 1 / 0 |" in text


def test_finite_width_locates_disagreements():
    rows = []
    for layer in range(1, 5):
        rows.append(
            {
                "activation": "relu",
                "weights": "gaussian",
                "width": 8,
                "layer": layer,
                "quantity": "length_second_moment_ratio",
                "method": "exact",
                "networks": 2000 - layer,
                "predicted": 2.0,
                "measured": 1.5 if layer >= 3 else 2.0,
                "resolution": 0.05,
                "verdict": "disagree" if layer >= 3 else "agree",
            }
        )
    text = study_docs.finite_width_markdown(pd.DataFrame(rows), 0.1)
    assert "1996-1999 networks" in text and "margin 0.1; 4 cells" in text
    assert "| length_second_moment_ratio | exact | 2 / 2 / 0 | 5% |" in text
    assert "relu gaussian 8: 2, 3-4 | 2 of 2 |" in text


# --- writing the pages ----------------------------------------------------------------


def test_splice_file_rewrites_each_block_and_says_whether_it_changed(tmp_path):
    a, b = study_docs.markers("r", "a"), study_docs.markers("r", "b")
    page = tmp_path / "page.md"
    page.write_text(f"head\n{a[0]}\nold\n{a[1]}\nmiddle\n{b[0]}\n{b[1]}\ntail\n")
    assert derivation.splice_file(page, {a: "new a", b: "new b"})
    assert page.read_text() == (
        f"head\n{a[0]}\nnew a\n{a[1]}\nmiddle\n{b[0]}\nnew b\n{b[1]}\ntail\n"
    )
    assert not derivation.splice_file(page, {a: "new a"})
    with pytest.raises(ValueError):
        derivation.splice_file(page, {study_docs.markers("r", "c"): "x"})


def test_concurrent_splices_of_one_page_keep_both(tmp_path):
    """Two jobs rewriting different blocks of the README at once."""
    blocks = [study_docs.markers(f"rule{i}", "readme") for i in range(8)]
    page = tmp_path / "README.md"
    page.write_text("".join(f"{b}\n{e}\n" for b, e in blocks))
    threads = [
        threading.Thread(
            target=derivation.splice_file, args=(page, {m: f"block {i} " * 2000})
        )
        for i, m in enumerate(blocks)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    text = page.read_text()
    assert all(f"block {i} " in text for i in range(len(blocks)))


def test_the_pages_have_the_rules_markers_once():
    pages = {
        "propagation_doc": {
            "docs/propagation.md": ("default run", "trainability"),
            "README.md": ("readme",),
        },
        "spectrum_doc": {
            "docs/spectrum.md": ("eq17", "slices", "standard_errors"),
            "README.md": ("readme",),
        },
    }
    for rule, by_page in pages.items():
        for page, blocks in by_page.items():
            text = (ROOT / page).read_text()
            for block in blocks:
                for marker in study_docs.markers(rule, block):
                    assert text.count(marker) == 1, (page, marker)


def test_readme_line_counts_each_quantity_with_its_resolution():
    line = pd.DataFrame(
        {
            "activation": ["relu"],
            "sigma_b2": ["0.05"],
            "half_width": [0.0062],
            "verdict": ["agree"],
        }
    )
    text = study_docs.propagation_readme(depth_scales(), line, trainability_table())
    assert "chi_1 3 agree / 0 disagree of 3 (median resolution 0.6%)" in text
    assert "xi_q 0 agree / 0 disagree of 1 (none measured)" in text
    assert "relu agree (resolution 0.62%)" in text
    assert "2 of 2 networks within 6 xi_c fitted their training split, 0 of 4" in text
    assert "Trained briefly" not in study_docs.propagation_readme(depth_scales(), line)


def standard_error_rows(verdicts_hidden, ratio_missing=None):
    rows = []
    for k, verdict in enumerate(verdicts_hidden):
        low, high = (0.95, 1.05) if verdict != "disagree" else (1.12, 1.2)
        rows.append(
            {
                "activation": "tanh" if k % 2 else "relu",
                "init": "standard",
                "quantity": "activation",
                "layer": k + 1,
                "cells": "hidden",
                "method": "leading_order",
                "networks": 400,
                "ratio": (low + high) / 2,
                "ratio_low": low,
                "ratio_high": high,
                "half_width": (high - low) / 2,
                "verdict": verdict,
            }
        )
    rows.append(
        dict(
            rows[0],
            quantity="backprop_gradient",
            method="none",
            ratio=NAN,
            ratio_low=NAN,
            ratio_high=NAN,
            half_width=NAN,
            verdict="inconclusive",
        )
    )
    return pd.DataFrame(rows)


def test_standard_errors_block_counts_and_names_the_misses():
    table = standard_error_rows(["agree", "agree", "inconclusive"])
    text = study_docs.standard_errors_markdown({"paper": table}, 0.1)
    assert (
        "hidden cells, leading order (3): 2 agree, 0 disagree, 1 inconclusive" in text
    )
    assert "3 of 3 ratio intervals hold 1" in text
    assert "Not predicted (method none): 1 cells" in text
    worse = standard_error_rows(["agree", "disagree", "inconclusive"])
    text = study_docs.standard_errors_markdown({"paper": worse}, 0.1)
    assert "1 agree, 1 disagree, 1 inconclusive" in text
    assert "2 of 3 ratio intervals hold 1 (not: tanh standard activation 2)" in text
    readme = study_docs.standard_errors_readme("paper", worse, 0.1)
    assert "1 / 1 / 1 of 3" in readme


def test_networks_to_resolve_scales_as_the_square_of_the_resolution():
    counts = {"median": 0.053}
    text = study_docs.networks_to_resolve(counts, [16, 16], 0.02)
    # 16 x (5.3 / 2)^2 = 112.36: 113 networks.
    assert "about 113 networks per point" in text
    assert study_docs.networks_to_resolve({"median": 0.01}, [16], 0.02) == ""
