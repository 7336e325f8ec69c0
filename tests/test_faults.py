"""Faults a new user or a tired cluster user meets (issue: "no silent wrong
result"): a value that is not what its key means, a damaged cached file, a
damaged checkpoint, float32's limits, a killed run, two runs at once. Each ends
either in one clear message or in the tables a clean run gives; never exit code
0 with other numbers."""

import copy
import math

import pytest
import yaml

from glorot.config import ConfigError, check
from workflow_helpers import ROOT, copy_workflow, snakemake

SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"

# Small enough that a whole run takes seconds: 2 inits x 3 networks.
TINY = {
    "seed": 7,
    "experiments": {
        "tiny": {
            "widths": [6, 5, 4, 3],
            "activations": ["tanh"],
            "inits": ["standard", "normalized"],
            "input": "gaussian",
            "examples": 40,
            "networks": 3,
            "histograms": {"bins": 10},
        },
    },
}

TRAINING = {
    "hidden_widths": [4],
    "models": [{"activation": "tanh", "init": "normalized"}],
    "learning_rates": [0.1],
    "updates": 40,
    "batch_size": 5,
    "eval_every": 20,
    "checkpoint_every": 10,
    "test_examples": 20,
    "validation_size": 30,
    "test_size": 30,
    "block_size": 50,
    "histograms": {"bins": 10},
}


def tiny(**training):
    config = copy.deepcopy(TINY)
    if training:
        config["training"] = {**copy.deepcopy(TRAINING), **training}
    return config


# --- Config: every value is what its key means -------------------------------


def edited(edit):
    config = tiny(seeds=[0])
    edit(config, config["experiments"]["tiny"], config["training"])
    return config


BAD_VALUES = {
    # JSON Schema counts 7.0 as an integer; the seed would be hashed as "7.0".
    "seed 7.0": (lambda c, e, t: c.update(seed=7.0), ["seed = 7.0", "whole number"]),
    "float width": (lambda c, e, t: e.update(widths=[6, 5.0, 3]), ["widths[1] = 5.0"]),
    "float examples": (lambda c, e, t: e.update(examples=40.0), ["examples = 40.0"]),
    "float networks": (lambda c, e, t: e.update(networks=3.0), ["networks = 3.0"]),
    "float updates": (
        lambda c, e, t: t.update(updates=40.0),
        ["training.updates = 40.0"],
    ),
    "float run seed": (
        lambda c, e, t: t.update(seeds=[0.0]),
        ["training.seeds[0] = 0.0"],
    ),
    "infinite range": (
        lambda c, e, t: e["histograms"].update(activation=[-math.inf, math.inf]),
        ["histograms.activation[", "inf", "finite"],
    ),
    "range of infinite width": (
        lambda c, e, t: e["histograms"].update(activation=[-1e308, 1e308]),
        ["histograms.activation = [-1e+308, 1e+308]", "width"],
    ),
    "training range of infinite width": (
        lambda c, e, t: t["histograms"].update(range=[-1e308, 1e308]),
        ["training.histograms.range", "width"],
    ),
    "nan learning rate": (
        lambda c, e, t: t.update(learning_rates=[math.nan]),
        ["training.learning_rates[0] = nan", "finite"],
    ),
    "infinite learning rate": (
        lambda c, e, t: t.update(learning_rates=[math.inf]),
        ["training.learning_rates[0] = inf"],
    ),
    "jacobian examples beyond examples": (
        lambda c, e, t: e.update(jacobian_examples=41),
        ["jacobian_examples = 41", "examples = 40"],
    ),
    "experiment named training": (
        lambda c, e, t: c["experiments"].update(training=copy.deepcopy(e)),
        ["experiments.training"],
    ),
    "int experiment name": (
        lambda c, e, t: c["experiments"].update({2010: copy.deepcopy(e)}),
        ["experiments", "2010", "string"],
    ),
    "bool experiment name": (
        lambda c, e, t: c["experiments"].update({True: copy.deepcopy(e)}),
        ["experiments", "True", "string"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_VALUES))
def test_config_refuses_a_value_that_is_not_what_its_key_means(case):
    edit, words = BAD_VALUES[case]
    with pytest.raises(ConfigError) as error:
        check(edited(edit), SCHEMA)
    message = str(error.value)
    assert message.startswith("config key ") and "\n" not in message
    for word in words:
        assert word in message, message


def test_config_check_fills_the_defaults_before_the_rules_between_keys():
    # jacobian_examples defaults to 3: more than 2 examples.
    config = tiny()
    config["experiments"]["tiny"]["examples"] = 2
    with pytest.raises(ConfigError, match="jacobian_examples = 3"):
        check(config, SCHEMA)


# The YAML a user writes, read as the workflow reads it: names that YAML turns
# into a number or a bool, whole numbers written as floats, .nan and .inf.
YAML_CASES = {
    "2010: experiment name": ("experiments:\n  tiny:", "experiments:\n  2010:", "2010"),
    "on: experiment name": ("experiments:\n  tiny:", "experiments:\n  on:", "True"),
    "seed: 7.0": ("seed: 7\n", "seed: 7.0\n", "seed = 7.0"),
    "examples: 40.0": ("examples: 40\n", "examples: 40.0\n", "examples = 40.0"),
    "learning_rates: [.nan]": (
        "learning_rates:\n  - 0.1",
        "learning_rates:\n  - .nan",
        "nan",
    ),
    "range [-.inf, .inf]": (
        "bins: 10\n",
        "bins: 10\n      activation: [-.inf, .inf]\n",
        "histograms.activation[",
    ),
}


@pytest.mark.workflow
@pytest.mark.parametrize("case", list(YAML_CASES))
def test_bad_yaml_stops_before_any_job_with_one_message(case, tmp_path):
    old, new, word = YAML_CASES[case]
    workdir = copy_workflow(tmp_path, tiny(seeds=[0]))
    path = workdir / "config" / "config.yaml"
    text = path.read_text()
    assert old in text, text
    path.write_text(text.replace(old, new, 1))
    result = snakemake(workdir, "--cores", "1", check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "config key" in output and word in output, output
    assert "Traceback" not in output, output
    assert not (workdir / "results").exists()


@pytest.mark.workflow
@pytest.mark.parametrize(
    "target",
    [
        "results/tiny/networks/standard/network99_moments.csv",  # 3 networks
        "results/tiny/networks/he/network0_moments.csv",  # init not configured
        "results/tiny/networks/normalized/network3_jacobian.csv",
        "results/training/runs/tanh_standard/lr0.1_seed0.csv",  # model not configured
        "results/training/runs/tanh_normalized/lr0.3_seed0.csv",  # rate not configured
        "results/training/runs/tanh_normalized/lr0.1_seed1.csv",  # seed not configured
    ],
)
def test_a_target_the_config_does_not_ask_for_is_not_built(target, tmp_path):
    workdir = copy_workflow(tmp_path, tiny(seeds=[0]))
    result = snakemake(workdir, "--cores", "1", target, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"No rule to produce {target}" in output, output
    assert not (workdir / "results").exists()
