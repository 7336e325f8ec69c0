"""The depth study's rules on a tiny config: the output contract, the
sigmas verbatim, and the same bytes whatever the grouping of networks into
jobs and --cores."""

import copy
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from glorot import provenance, study_docs
from workflow_helpers import TINY_EXPERIMENT, copy_workflow, snakemake

ROOT = Path(__file__).resolve().parent.parent

TABLES = ["propagation", "depth_scales", "critical_line"]
CONFIG = {
    "seed": 3,
    "experiments": {"tiny": TINY_EXPERIMENT},
    "propagation": {
        "name": "depth",
        "activations": ["tanh", "relu"],
        "sigma_w2": [1, 2.5],
        "sigma_b2": [0.05],
        "width": 16,
        "depth": 6,
        "networks": 4,
        "networks_per_job": 4,
        "gaussian_correlations": [0.0, 0.9],
        "shapeset_pairs": 1,
        "shapeset_examples": 10,
        "bootstrap": 20,
        "trainability": {
            "depths": [2, 3],
            "width": 8,
            "updates": 20,
            "train_examples": 30,
            "test_examples": 30,
        },
    },
}
TARGETS = [f"results/depth/{t}.csv" for t in TABLES + ["trainability"]] + [
    f"results/figures/depth/{f}.png"
    for f in ("phase_diagram", "xi_c", "correlation_depth", "trainability")
]


@pytest.mark.workflow
def test_propagation_contract_and_grouping(tmp_path):
    first = copy_workflow(tmp_path / "a", CONFIG)
    for page in ("README.md", "docs/propagation.md"):
        (first / page).parent.mkdir(exist_ok=True)
        shutil.copy(ROOT / page, first / page)
    snakemake(first, "--cores", "2", *TARGETS, "results/logs/propagation_doc.done")
    scales = pd.read_csv(first / "results/depth/depth_scales.csv", dtype=str)
    assert set(scales["quantity"]) == {"q_star", "chi1", "c_star", "xi_q", "xi_c"}
    # The config's values verbatim: 1 stays "1", 2.5 stays "2.5".
    assert set(scales["sigma_w2"]) == {"1", "2.5"}
    for column in ["predicted", "measured", "ci_low", "ci_high", "verdict"]:
        assert column in scales
    line = pd.read_csv(first / "results/depth/critical_line.csv")
    assert list(line.columns[:6]) == [
        "activation",
        "sigma_b2",
        "predicted_sigma_w2",
        "measured_sigma_w2",
        "ci_low",
        "ci_high",
    ]
    prop = pd.read_csv(first / "results/depth/propagation.csv")
    assert len(prop) == 2 * 2 * 3 * 6  # activations x sigma_w2 x pairs x layers
    assert {"q_measured", "q_predicted", "c_measured", "c_predicted"} <= set(prop)
    trained = pd.read_csv(first / "results/depth/trainability.csv")
    assert len(trained) == 2 * 2
    # The rule propagation_doc filled its blocks from these tables.
    doc = (first / "docs/propagation.md").read_text()
    assert "width 16, depth 6, 4 networks per point" in doc
    assert "- **chi_1** (4 points):" in doc
    assert "| depth \\ $\\sigma_w^2$ | 1 | 2.5 |" in doc
    begin, _ = study_docs.markers("propagation_doc", "readme")
    readme = (first / "README.md").read_text()
    assert "Trained briefly on Shapeset-3x2" in readme.split(begin)[1]

    regrouped = copy.deepcopy(CONFIG)
    regrouped["propagation"]["networks_per_job"] = 3
    second = copy_workflow(tmp_path / "b", regrouped)
    snakemake(second, "--cores", "1", *[f"results/depth/{t}.csv" for t in TABLES])
    for table in TABLES:
        path = f"results/depth/{table}.csv"
        assert (first / path).read_bytes() == (second / path).read_bytes()

    # A network file of the same config but an older format (no length
    # factor), its record matching its bytes: refused by name, not a KeyError.
    records = sorted((second / "results/depth/propagation/networks").glob("*.csv"))
    old = pd.read_csv(records[0], dtype=str).drop(columns="length_factor")
    old.to_csv(records[0], index=False)
    record = json.loads(Path(f"{records[0]}.prov").read_text())
    record["sha256"] = provenance.file_digest(records[0])
    Path(f"{records[0]}.prov").write_text(json.dumps(record))
    result = snakemake(
        second,
        "--cores",
        "1",
        "--forcerun",
        "propagation_tables",
        "--",
        "results/depth/depth_scales.csv",
        check=False,
    )
    assert result.returncode != 0
    log = (second / "results/logs/depth/propagation_tables.log").read_text()
    assert records[0].name in log and "expected" in log


@pytest.mark.workflow
def test_bad_propagation_value_fails_before_any_job(tmp_path):
    bad = copy.deepcopy(CONFIG)
    bad["propagation"]["depth"] = 0
    workdir = copy_workflow(tmp_path, bad)
    result = snakemake(workdir, "--cores", "1", "-n", check=False)
    assert result.returncode != 0
    assert "propagation.depth = 0" in result.stdout + result.stderr
    assert not (workdir / "results").exists()
