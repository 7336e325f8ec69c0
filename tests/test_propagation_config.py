"""Bad values of the `propagation` section are refused by name, before any job;
and the trainability runs (glorot.trainability)."""

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from glorot import trainability
from glorot.config import ConfigError, check

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"
CLUSTER = ROOT / "config" / "propagation_cluster.yaml"


def default_config():
    with open(ROOT / "config" / "config.yaml") as handle:
        return yaml.safe_load(handle)


def test_default_and_cluster_sections_are_valid():
    config = default_config()
    full = check(config, SCHEMA)
    assert full["propagation"]["name"] == "depth"
    with open(CLUSTER) as handle:
        config["propagation"] = yaml.safe_load(handle)["propagation"]
    check(config, SCHEMA)


@pytest.mark.parametrize(
    "edit, words",
    [
        (lambda p: p.update(sigma_w2=[1.0, -0.5]), ["propagation.sigma_w2[1]", "-0.5"]),
        (lambda p: p.update(sigma_w2=[0]), ["propagation.sigma_w2[0]", "0"]),
        (lambda p: p.update(sigma_b2=[-0.1]), ["propagation.sigma_b2[0]", "-0.1"]),
        (lambda p: p.update(depth=0), ["propagation.depth", "0"]),
        (lambda p: p.update(sigma_w2=[1, 1.0]), ["propagation.sigma_w2", "unique"]),
        (
            lambda p: p.update(width=20000, depth=200),
            ["propagation.width = 20000", "MB"],
        ),
        (
            lambda p: p.update(name="paper"),
            ["propagation.name = 'paper'", "experiment"],
        ),
        (lambda p: p.update(shapeset_pairs=600), ["propagation.shapeset_pairs = 600"]),
        (
            lambda p: p.update(gaussian_correlations=[1.5]),
            ["gaussian_correlations[0]", "1.5"],
        ),
        (
            lambda p: p.update(trainability={"depths": [0]}),
            ["trainability.depths[0]", "0"],
        ),
        (lambda p: p.pop("sigma_w2"), ["propagation", "sigma_w2", "required"]),
    ],
)
def test_bad_values_name_key_and_value(edit, words):
    config = copy.deepcopy(default_config())
    edit(config["propagation"])
    with pytest.raises(ConfigError) as error:
        check(config, SCHEMA)
    message = str(error.value)
    assert "\n" not in message
    for word in words:
        assert word in message


def test_initial_parameters_have_the_mean_field_variances():
    rng = np.random.default_rng(0)
    weights, biases = trainability.initial_parameters(rng, [400, 300, 300], 2.0, 0.5)
    w = np.concatenate([weights[1].ravel()])
    # Var of a sample of N Gaussians: relative sd sqrt(2 / N); 5 of them.
    assert abs(w.var() / (2.0 / 300) - 1) < 5 * np.sqrt(2 / w.size)
    b = np.concatenate(biases)
    assert abs(b.var() / 0.5 - 1) < 5 * np.sqrt(2 / b.size)


def test_short_training_fits_a_separable_task_and_counts_the_claim():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((200, 16)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    run = dict(
        rng=trainability.run_generator(0, "tanh", "1.0", "0.0", 2, 16),
        updates=300,
        batch_size=10,
        learning_rate=0.1,
    )
    result = trainability.train_short(
        (x, y), (x, y), [16, 16, 16, 9], "tanh", 1.0, 0.0, run
    )
    assert not result["diverged"]
    assert result["train_error"] < 0.1
    assert trainability.chance_error(y) == pytest.approx(1 - np.bincount(y).max() / 200)
    runs = pd.DataFrame(
        dict(
            activation="tanh",
            sigma_w2=["0.333", "1.0"],
            sigma_b2="0.05",
            depth=[40, 5],
            train_error=[0.9, 0.05],
            test_error=[0.9, 0.1],
        )
    )
    table = trainability.trainability_table(runs, y, y)
    counts = trainability.claim_counts(table, 6.0)
    # tanh at 0.333: xi_c = 0.82, depth 40 is beyond; at 1.0 xi_c = 3.6, 5 within.
    assert counts == {"within": (1, 1), "beyond": (0, 1)}
