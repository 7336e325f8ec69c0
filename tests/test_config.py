import copy
from pathlib import Path

import pytest
import yaml

from glorot.config import ConfigError, check

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"


def default_config():
    with open(ROOT / "config" / "config.yaml") as handle:
        return yaml.safe_load(handle)


def test_default_config_is_valid():
    check(default_config(), SCHEMA)


def broken(edit):
    config = default_config()
    edit(config["experiments"]["paper"])
    return config


@pytest.mark.parametrize(
    "edit, words",
    [
        (lambda e: e["activations"].append("swish"), ["activations[", "'swish'"]),
        (lambda e: e.update(widths=[1024, 0, 9]), ["widths[1]", "0"]),
        (lambda e: e.update(widths=[1024, 9]), ["widths", "[1024, 9]"]),
        (lambda e: e.update(networks=1), ["networks", "1"]),
        (lambda e: e.pop("examples"), ["examples", "required"]),
        (lambda e: e.update(examples="many"), ["examples", "'many'"]),
        (lambda e: e.update(inits=["xavier"]), ["inits[0]", "'xavier'"]),
        (lambda e: e.update(exampels=10), ["exampels"]),
        (lambda e: e.update(dtype="float16"), ["dtype", "'float16'"]),
    ],
)
def test_bad_values_name_key_and_value(edit, words):
    with pytest.raises(ConfigError) as error:
        check(broken(edit), SCHEMA)
    message = str(error.value)
    assert message.startswith("config key experiments.paper")
    for word in words:
        assert word in message
    assert "\n" not in message


def test_bad_experiment_name():
    config = default_config()
    config["experiments"]["a/b"] = copy.deepcopy(config["experiments"]["paper"])
    with pytest.raises(ConfigError, match="a/b"):
        check(config, SCHEMA)


@pytest.mark.parametrize(
    "edit, words",
    [
        (
            lambda e: e.update(input="shapeset", widths=[1000, 50, 9]),
            ["widths[0] = 1000", "1024"],
        ),
        (
            lambda e: e.update(input="shapeset", widths=[1024, 50, 10]),
            ["widths[2] = 10", "9 classes"],
        ),
        (
            lambda e: e.update(histograms={"activation": [1, -1]}),
            ["histograms.activation", "[1, -1]"],
        ),
    ],
)
def test_inconsistent_keys_name_key_and_value(edit, words):
    with pytest.raises(ConfigError) as error:
        check(broken(edit), SCHEMA)
    for word in words:
        assert word in str(error.value)


@pytest.mark.parametrize("value", [True, 7.0])
def test_a_whole_number_is_an_int(value):
    # bool is an int subclass in Python and 7.0 an integer to JSON Schema.
    config = default_config()
    config["seed"] = value
    with pytest.raises(ConfigError, match=f"seed = {value}"):
        check(config, SCHEMA)


@pytest.mark.parametrize(
    "edit, words",
    [
        (
            lambda t: t.update(test_examples=500, test_size=400),
            ["test_examples", "500"],
        ),
        (lambda t: t.update(histograms={"bins": 10, "range": [1.0, -1.0]}), ["range"]),
        (
            lambda t: t["models"].append(dict(t["models"][0])),
            ["models", "more than once"],
        ),
    ],
)
def test_config_rules_between_keys(edit, words):
    from glorot.config import ConfigError, check_training

    with open(ROOT / "config" / "config.yaml") as handle:
        config = yaml.safe_load(handle)["training"]
    check_training(config)
    edit(config)
    with pytest.raises(ConfigError) as error:
        check_training(config)
    for word in words:
        assert word in str(error.value)


def test_paper_config_is_complete_and_valid():
    from glorot.config import check

    with open(ROOT / "config" / "paper.yaml") as handle:
        paper = yaml.safe_load(handle)
    with open(ROOT / "config" / "config.yaml") as handle:
        default = yaml.safe_load(handle)
    check(paper, ROOT / "workflow" / "schemas" / "config.schema.yaml")
    assert paper["experiments"] == default["experiments"]
    assert paper["training"]["hidden_widths"] == [1000] * 5
    assert paper["training"]["batch_size"] == 10
    assert paper["training"]["updates"] >= 1_000_000
