"""The workflow end to end on a tiny config."""

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from glorot import study_docs
from workflow_helpers import (
    TINY_EXPERIMENT,
    copy_workflow,
    csv_files,
    snakemake,
    tiny_config,
)

pytestmark = pytest.mark.workflow

TINY = tiny_config()
ROOT = Path(__file__).resolve().parent.parent

COLUMNS = [
    "activation",
    "init",
    "quantity",
    "layer",
    "measured",
    "ci_low",
    "ci_high",
    "networks",
    "predicted_glorot",
    "predicted_glorot_printed",
    "predicted_meanfield",
]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    workdir = copy_workflow(tmp_path_factory.mktemp("cores2"), TINY)
    snakemake(workdir, "--cores", "2")
    return workdir


def table(workdir, experiment):
    return pd.read_csv(workdir / "results" / experiment / "variance_by_layer.csv")


def test_csv_contract(run):
    for name, exp in TINY["experiments"].items():
        t = table(run, name)
        assert list(t.columns[: len(COLUMNS) - 4]) == COLUMNS[: len(COLUMNS) - 4]
        assert set(COLUMNS) <= set(t.columns)
        d = len(exp["widths"]) - 2
        expected = {
            (a, i, q, layer)
            for a in exp["activations"]
            for i in exp["inits"]
            for q in [
                "activation",
                "preactivation",
                "backprop_gradient",
                "weight_gradient",
            ]
            for layer in range(d + 1)
        }
        assert (
            set(map(tuple, t[["activation", "init", "quantity", "layer"]].values))
            == expected
        )
        assert len(t) == len(expected)
        assert (t["networks"] == exp["networks"]).all()
        assert (t["ci_low"] <= t["measured"]).all() and (
            t["measured"] <= t["ci_high"]
        ).all()
        assert t[COLUMNS[4:]].notna().all().all()
        assert (
            (run / "results" / name / "summary.md")
            .read_text()
            .startswith("# Prediction")
        )


def test_corrected_glorot_prediction_within_sampling_error(run):
    t = table(run, "linear")
    acts = t[t["quantity"] == "activation"]
    z = (acts["predicted_glorot"] - acts["measured"]) / acts["standard_error"]
    assert (np.abs(z) < 4).all(), acts.assign(z=z).to_string()
    # The input layer is x itself, so its interval is tight around Var[x] = 1.
    assert acts.loc[acts["layer"] == 0, "measured"].item() == pytest.approx(1, rel=0.02)
    # The corrected linear regime is exact in expectation in a linear
    # network: no cell may reject it (a false "disagree" needs the 95%
    # interval to miss the truth by more than the margin).
    assert (t["verdict_glorot"] != "disagree").all(), t.to_string()


def pooled_tables(workdir):
    """The CSVs under results/ but the per-network blocks, whose file names
    say how the networks were grouped."""
    return {k: v for k, v in csv_files(workdir).items() if "/networks/" not in k}


def test_byte_identical_with_one_core_and_another_grouping(run, tmp_path):
    """One core instead of 2 and other blocks of networks per job (one
    network per job; 3 for `linear`, whose last block is shorter): the same
    bytes in every pooled table."""
    regrouped = {**TINY, "experiments": {**TINY["experiments"]}}
    for name, per_job in {"linear": 3, "small": 1}.items():
        regrouped["experiments"][name] = {
            **TINY["experiments"][name],
            "networks_per_job": per_job,
        }
    other = copy_workflow(tmp_path / "cores1", regrouped)
    snakemake(other, "--cores", "1")
    blocks = sorted(p.name for p in (other / "results/linear/networks").rglob("*"))
    assert "networks6-7_moments.csv" in blocks, blocks
    assert pooled_tables(other) == pooled_tables(run)


def test_second_run_does_nothing_and_one_experiment_reruns_alone(run, tmp_path):
    # Nothing but rule all, which checks the tables' provenance at the end of
    # every run (docs/guarantees.md).
    dry = snakemake(run, "--cores", "2", "-n").stdout
    assert "rule all:" in dry and "\n    output:" not in dry, dry
    changed = {**TINY, "experiments": {**TINY["experiments"]}}
    changed["experiments"]["small"] = {**TINY["experiments"]["small"], "examples": 50}
    copy_workflow(run, changed)
    dry = snakemake(run, "--cores", "2", "-n").stdout
    outputs = [
        line.split(":", 1)[1]
        for line in dry.splitlines()
        if line.strip().startswith("output:")
    ]
    # Only experiment "small" reruns: every output of the plan is one of its own,
    # among them its 2 blocks of 3 networks (one per init).
    assert outputs and all(
        "/small/" in line and "linear" not in line for line in outputs
    ), dry
    assert sum("_moments.csv" in line for line in outputs) == 2
    copy_workflow(run, TINY)


def planned_jobs(workdir):
    """(rule, output) of every job a dry run plans."""
    dry = snakemake(workdir, "--cores", "2", "-n").stdout
    jobs, rule = [], None
    for line in dry.splitlines():
        words = line.strip().split()
        if len(words) == 2 and words[0] in ("rule", "localrule"):
            rule = words[1].rstrip(":")
        elif words and words[0] == "output:" and rule:
            jobs += [(rule, out.rstrip(",")) for out in words[1:]]
    return jobs


PER_NETWORK_RULES = {"measure", "histograms", "jacobian", "minibatch"}


def test_extending_the_config_plans_only_the_new_jobs(run, tmp_path):
    """Issue 19: the per-network rules and predict rerun only when what their
    outputs depend on changes. After a finished run, more networks, another
    init, another experiment or another histogram look plan only the new
    per-network jobs (and the pooling rules that read them)."""
    import copy
    import shutil

    work = tmp_path / "extend"
    shutil.copytree(run, work, symlinks=True)

    def plan(change):
        config = copy.deepcopy(TINY)
        change(config["experiments"])
        copy_workflow(work, config)
        jobs = planned_jobs(work)
        return jobs, [out for rule, out in jobs if rule in PER_NETWORK_RULES]

    # 12 networks instead of 8: one new block of 4 (jacobian_networks and
    # histograms.networks stay 8), and predict does not rerun.
    jobs, new = plan(lambda e: e["linear"].update(networks=12))
    assert new and all("/linear/" in o and "networks8-11_" in o for o in new), jobs
    assert "predict" not in {rule for rule, _ in jobs}
    # another init: only its networks
    jobs, new = plan(
        lambda e: e["small"].update(inits=["standard", "normalized", "he"])
    )
    assert new and all("/small/networks/he/" in o for o in new), jobs
    # another experiment: only its networks
    jobs, new = plan(lambda e: e.update(extra={**e["small"], "networks": 2}))
    assert new and all("/extra/" in o for o in new), jobs
    # another look of the histograms: only the histograms
    jobs, new = plan(lambda e: e["small"].update(histograms={"bins": 20}))
    assert new and {r for r, _ in jobs} & PER_NETWORK_RULES == {"histograms"}, jobs
    assert "predict" not in {rule for rule, _ in jobs}
    # and the unchanged config plans nothing
    copy_workflow(work, TINY)
    assert planned_jobs(work) == []


def test_bad_config_fails_before_any_job(tmp_path):
    bad = {
        **TINY,
        "experiments": {
            "small": {**TINY["experiments"]["small"], "activations": ["swish"]}
        },
    }
    workdir = copy_workflow(tmp_path, bad)
    result = snakemake(workdir, "--cores", "1", check=False)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "experiments.small.activations[0]" in output and "'swish'" in output
    assert not (workdir / "results").exists()


def test_figures_are_drawn(run):
    figures = run / "results" / "figures"
    # "small" has tanh with standard and normalized init: Figures 6-8 too.
    for name in [
        "figure6",
        "figure7",
        "figure8",
        "variance_by_layer",
        "agreement",
        "jacobian",
    ]:
        for suffix in [".png", ".pdf"]:
            path = figures / "small" / f"{name}{suffix}"
            assert path.stat().st_size > 10_000, path
    assert not (figures / "linear" / "figure6.png").exists()
    assert (figures / "linear" / "variance_by_layer.png").exists()
    jac = pd.read_csv(run / "results" / "small" / "jacobian.csv")
    assert list(jac.columns) == [
        "activation",
        "init",
        "layer",
        "mean_singular_value",
        "ci_low",
        "ci_high",
        "networks",
        "predicted",
        "ratio_low",
        "ratio_high",
        "resolution",
        "verdict",
    ]
    assert len(jac) == 2 * 2 * 2  # activations x inits x hidden layers


def test_layer_ratio_verdict_favours_the_corrected_reading(run):
    """The derivation's verdict on the bounds of (6) and (7), from the
    layer-to-layer ratios of the linear network."""
    from glorot.derivation import ratio_verdict

    ratios = pd.read_csv(run / "results" / "linear" / "layer_ratios.csv")
    for quantity in ["backprop_gradient", "weight_gradient"]:
        verdict = ratio_verdict(ratios, quantity)
        assert verdict.endswith(": corrected"), verdict
    assumptions = pd.read_csv(run / "results" / "linear" / "assumptions.csv")
    assert (
        assumptions.loc[assumptions["assumption"] == "mean_f_prime", "measured"] == 1
    ).all()


def test_verdict_counts_and_layer_ratios(run):
    """agreement.csv counts the verdicts of variance_by_layer.csv per class of
    cells, and in the linear network the layer-to-layer ratios, free of the
    top gradient, never disagree with the corrected bounds and always with
    the printed ones."""
    from glorot import verdicts

    t = table(run, "linear")
    counts = pd.read_csv(run / "results" / "linear" / "agreement.csv")
    for row in counts[counts["init"] != "all"].itertuples(index=False):
        cells = t[(t["cells"] == row.cells) & (t["init"] == row.init)]
        for v in verdicts.VERDICTS:
            assert getattr(row, v) == (cells[f"verdict_{row.prediction}"] == v).sum()
        assert row.count == len(cells)
        h = verdicts.relative_half_width(
            cells[f"ratio_low_{row.prediction}"], cells[f"ratio_high_{row.prediction}"]
        )
        assert row.max_half_width == pytest.approx(h.max())
    ratios = pd.read_csv(run / "results" / "linear" / "layer_ratios.csv")
    gradients = ratios[
        ratios["quantity"].isin(["backprop_gradient", "weight_gradient"])
    ]
    assert (gradients["verdict_glorot"] != "disagree").all(), gradients.to_string()
    assert (
        gradients["verdict_glorot_printed"] == "disagree"
    ).all(), gradients.to_string()


def test_training_stage_runs(run):
    table = pd.read_csv(run / "results" / "training" / "table1.csv")
    assert table["model"].tolist() == ["Tanh", "Tanh N"]
    assert (table["updates"] == TINY["training"]["updates"]).all()
    for k in (9, 10, 11):
        assert (run / "results" / "figures" / "training" / f"figure{k}.png").exists()


# The training part with every model of the paper's Table 1.
TRAINING_CONFIG = {
    "seed": 5,
    "experiments": {"tiny": TINY_EXPERIMENT},
    "training": {
        "hidden_widths": [6, 6],
        "learning_rates": [0.01, 0.1],
        "updates": 60,
        "eval_every": 20,
        "checkpoint_every": 30,
        "test_examples": 20,
        "validation_size": 40,
        "test_size": 40,
        "block_size": 200,
        "histograms": {"bins": 10},
    },
}


@pytest.mark.workflow
def test_workflow_training_targets(tmp_path):
    workdir = copy_workflow(tmp_path, TRAINING_CONFIG)
    targets = ["results/training/table1.csv"] + [
        f"results/figures/training/figure{k}.png" for k in (2, 3, 4, 9, 10, 11)
    ]
    snakemake(workdir, "--cores", "2", *targets)
    table = pd.read_csv(workdir / "results/training/table1.csv")
    assert table["model"].tolist() == [
        "Softsign",
        "Softsign N",
        "Tanh",
        "Tanh N",
        "Sigmoid",
    ]
    assert (table["updates"] == 60).all()
    selection = pd.read_csv(workdir / "results/training/selection.csv")
    assert len(selection) == 10 and selection["selected"].sum() == 5
    runs = list((workdir / "results/training/runs").rglob("*.csv"))
    assert len(runs) == 20  # 5 models x 2 rates, curves and histograms
    assert not list((workdir / "results/training/checkpoints").glob("*"))
    for k in (2, 3, 4, 9, 10, 11):
        assert (workdir / f"results/figures/training/figure{k}.pdf").stat().st_size > 0


def test_spectrum_and_finite_width_contract(run):
    spectrum = pd.read_csv(
        run / "results" / "spectrum_tiny" / "jacobian_spectrum.csv",
        keep_default_na=False,
    )
    assert list(spectrum.columns) == [
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
    keys = set(
        map(
            tuple,
            spectrum[["activation", "weights", "q_star", "depth", "quantity"]].values,
        )
    )
    expected = {
        (a, w, "0.5" if a == "tanh" else "", d, q)
        for a in ["relu", "tanh"]
        for w in ["gaussian", "orthogonal"]
        for d in [1, 3]
        for q in ["mean", "variance", "lambda_max"]
    }
    assert keys == expected
    assert set(spectrum["verdict"]) <= {"agree", "disagree", "inconclusive"}
    width = pd.read_csv(run / "results" / "width_tiny" / "finite_width.csv")
    assert {
        "predicted",
        "measured",
        "ci_low",
        "ci_high",
        "verdict",
        "resolution",
    } <= set(width.columns)
    assert set(width["quantity"]) == {
        "length_second_moment_ratio",
        "log_jacobian_variance",
        "length_mean",
    }
    assert set(width["width"]) == {4, 6} and set(width["layer"]) == {1, 2, 3}
    jac = pd.read_csv(run / "results" / "small" / "jacobian.csv")
    assert {"predicted", "verdict", "resolution"} <= set(jac.columns)
    assert jac["predicted"].notna().all()
    for png in [
        "spectrum_tiny/spectrum_histograms.png",
        "spectrum_tiny/spectrum_variance.png",
        "width_tiny/finite_width.png",
    ]:
        assert (run / "results" / "figures" / png).stat().st_size > 0


def test_spectrum_doc_fills_its_blocks(run):
    """The rule spectrum_doc rewrites the blocks of docs/spectrum.md and the
    README from the run's tables (the tiny config has no `paper` experiment:
    its eq. (17) block says so)."""
    for page in ("README.md", "docs/spectrum.md"):
        (run / page).parent.mkdir(exist_ok=True)
        shutil.copy(ROOT / page, run / page)
    snakemake(run, "--cores", "1", "results/logs/spectrum_doc.done")
    doc = (run / "docs/spectrum.md").read_text()
    spectrum = pd.read_csv(run / "results/spectrum_tiny/jacobian_spectrum.csv")
    assert f"; {len(spectrum)} cells)" in doc
    assert study_docs.NO_EQ17 in doc
    readme = (run / "README.md").read_text()
    begin, end = study_docs.markers("spectrum_doc", "readme")
    assert "Spectrum slice (agree / disagree / inconclusive)" in readme.split(begin)[1]
    assert readme.count(end) == 1


def test_standard_errors_contract(run):
    # Every forward cell of every experiment has a row; the linear network is
    # predicted exactly, the nonlinear ones (per-network Gaussian inputs) at
    # leading order (docs/spectrum.md, section 4), and every row has a verdict.
    from glorot import standard_errors

    for name, exp in TINY["experiments"].items():
        t = pd.read_csv(run / "results" / name / "standard_errors.csv")
        assert list(t.columns) == standard_errors.COLUMNS
        assert (t["networks"] == exp["networks"]).all()
        assert set(t["quantity"]) <= set(standard_errors.QUANTITIES)
        linear = t["activation"] == "linear"
        assert (t.loc[linear, "method"] == "exact").all()
        assert t.loc[linear, "predicted_sd"].gt(0).all()
        # relu's f'(s) has no first-order spread (glorot.standard_errors).
        unpredicted = (t["activation"] == "relu") & (
            t["quantity"] == "activation_derivative"
        )
        assert (t.loc[~linear & ~unpredicted, "method"] == "leading_order").all()
        assert (t.loc[unpredicted, "method"] == "none").all()
        assert t.loc[~unpredicted, "predicted_sd"].gt(0).all()
        assert t["verdict"].isin(["agree", "disagree", "inconclusive"]).all()
        counts = pd.read_csv(run / "results" / name / "standard_error_counts.csv")
        assert counts["count"].sum() == len(t)
