"""What a valid config is, decided in one place: the JSON schema
(workflow/schemas/config.schema.yaml) for each key on its own, and this module
for what the schema cannot say. A bad value stops the workflow before any job
with one line naming the key and the value (``ConfigError``), never a
traceback and never a run on a value that means something else.

JSON Schema is laxer than the keys' meaning in three ways, tightened here:
``7.0`` counts as an integer (a seed of 7.0 would be hashed as "7.0" and give
other numbers than 7), ``.nan`` and ``.inf`` count as numbers, and mapping keys
are not checked at all (YAML reads ``2010:`` as an int and ``on:`` as True).
"""

import copy
import math
import re

import jsonschema
import yaml

from . import free_probability


class ConfigError(ValueError):
    pass


def _key_path(path):
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top level)"


def _is_integer(checker, value):
    # A whole number is an int, not 7.0 and not True.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(checker, value):
    # A number is finite: no schema key means "infinitely many" or "not a number".
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


_Validator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine_many(
        {"integer": _is_integer, "number": _is_number}
    ),
)

_TYPE_WORDS = {
    "integer": "must be a whole number written without a decimal point",
    "number": "must be a finite number",
    "string": "must be a string",
    "array": "must be a list",
    "object": "must be a mapping of keys to values",
}


def load_schema(schema_path):
    with open(schema_path) as handle:
        return yaml.safe_load(handle)


def check(config, schema_path):
    """Raise ConfigError unless ``config`` is valid; return a copy of it with
    the schema's defaults filled in.

    The message names the key (``experiments.paper.activations[0]``) and the
    offending value, without the schema dump of jsonschema's own message.
    """
    schema = load_schema(schema_path)
    _check_mapping_keys(config)
    error = jsonschema.exceptions.best_match(_Validator(schema).iter_errors(config))
    if error is not None:
        raise _schema_error(error)
    full = with_defaults(config, schema)
    check_consistency(full)
    return full


def _schema_error(error):
    key = _key_path(error.absolute_path)
    if error.validator == "required":
        return ConfigError(f"config key {key}: {error.message}")
    if error.validator == "additionalProperties":
        return ConfigError(f"config key {key}: {error.message} (see config/README.md)")
    if error.validator == "type" and isinstance(error.validator_value, str):
        words = _TYPE_WORDS.get(error.validator_value, error.message)
        if isinstance(error.instance, bool) and error.validator_value in (
            "integer",
            "number",
        ):
            # YAML reads true/false/yes/no/on/off as a bool, not as 1 and 0.
            words = "must be a number, not true or false"
        return ConfigError(f"config key {key} = {error.instance!r}: {words}")
    return ConfigError(f"config key {key} = {error.instance!r}: {error.message}")


def _check_mapping_keys(value, path=()):
    """Every mapping key a string: experiment names become directories and
    wildcard values, and YAML turns ``2010:`` into an int and ``on:`` into True."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                where = _key_path(path)
                raise ConfigError(
                    f"config key {where}: the name {key!r} is read as "
                    f"type {type(key).__name__}, not a string (YAML reads unquoted "
                    "2010 as a number and on/off/yes/no as true/false); quote "
                    "the name in the YAML or rename it"
                )
            _check_mapping_keys(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_mapping_keys(item, (*path, i))


def with_defaults(config, schema):
    """A copy of ``config`` with every absent key that has a schema default
    filled in, recursively (the same defaults snakemake.utils.validate sets)."""
    defs = schema.get("$defs", {})

    def resolve(sub):
        while "$ref" in sub:
            sub = defs[sub["$ref"].split("/")[-1]]
        return sub

    def fill(value, sub):
        sub = resolve(sub)
        if isinstance(value, dict):
            properties = sub.get("properties", {})
            for key, prop in properties.items():
                # A default may sit beside a $ref ({$ref: range, default: [-1, 1]}).
                if key not in value and "default" in prop:
                    value[key] = copy.deepcopy(prop["default"])
                elif key not in value and "default" in resolve(prop):
                    value[key] = copy.deepcopy(resolve(prop)["default"])
                if key in value:
                    fill(value[key], prop)
            extra = sub.get("additionalProperties")
            if isinstance(extra, dict):
                for key in value:
                    if key not in properties:
                        fill(value[key], extra)
        elif isinstance(value, list) and isinstance(sub.get("items"), dict):
            for item in value:
                fill(item, sub["items"])
        return value

    return fill(copy.deepcopy(config), schema)


def _check_range(key, bounds):
    low, high = bounds
    if not low < high:
        raise ConfigError(
            f"config key {key} = {list(bounds)}: the range needs low < high"
        )
    if not math.isfinite(high - low):
        raise ConfigError(
            f"config key {key} = {list(bounds)}: the width high - low overflows "
            "to inf, so the bin edges would be NaN"
        )


# Folders of results/ that are not experiments (results/training/ is one only
# with a training section; checked below).
RESERVED_NAMES = {
    "data": "the Shapeset-3x2 splits",
    "figures": "the figures",
    "logs": "the logs",
}


def check_consistency(config):
    """Rules between keys that the schema cannot express (``config`` with its
    defaults filled in)."""
    experiments = config["experiments"]
    for name, exp in experiments.items():
        key = f"config key experiments.{name}"
        if name in RESERVED_NAMES:
            raise ConfigError(
                f"{key}: an experiment named '{name}' would share results/{name}/ "
                f"with {RESERVED_NAMES[name]}; rename the experiment"
            )
        widths = exp["widths"]
        if exp["input"] == "shapeset":
            if widths[0] != 1024:
                raise ConfigError(
                    f"{key}.widths[0] = {widths[0]}: input shapeset has 32x32 = 1024 pixels"
                )
            if widths[-1] != 9:
                raise ConfigError(
                    f"{key}.widths[{len(widths) - 1}] = {widths[-1]}: input shapeset has 9 classes"
                )
        if exp["jacobian_examples"] > exp["examples"]:
            raise ConfigError(
                f"{key}.jacobian_examples = {exp['jacobian_examples']}: more than the "
                f"network's examples (experiments.{name}.examples = {exp['examples']})"
            )
        wge = exp["histograms"]["weight_gradient_examples"]
        if wge > exp["examples"]:
            raise ConfigError(
                f"{key}.histograms.weight_gradient_examples = {wge}: more than the "
                f"network's examples (experiments.{name}.examples = {exp['examples']})"
            )
        for quantity, bounds in exp["histograms"].items():
            if isinstance(bounds, list):
                _check_range(f"experiments.{name}.histograms.{quantity}", bounds)
    check_sweeps(config)
    training = config.get("training")
    if training is not None:
        if "training" in experiments:
            raise ConfigError(
                "config key experiments.training: an experiment named 'training' would "
                "share results/training/ with the training runs; rename the experiment"
            )
        check_training(training)


def check_sweeps(config):
    """The spectrum and finite_width sweeps write results/<name>/ as the
    experiments do: every name once, none reserved; ranges finite."""
    seen = {name: "experiments" for name in config["experiments"]}
    seen["training"] = "training"
    for section in ("spectrum", "finite_width"):
        for name, sweep in (config.get(section) or {}).items():
            if name in RESERVED_NAMES or name in seen:
                other = RESERVED_NAMES.get(name) or f"{seen[name]}.{name}"
                raise ConfigError(
                    f"config key {section}.{name}: would share results/{name}/ "
                    f"with {other}; rename the sweep"
                )
            seen[name] = section
            if "range" in sweep:
                _check_range(f"{section}.{name}.range", sweep["range"])
            if section == "spectrum" and "tanh" in sweep["activations"]:
                for k, q_star in enumerate(sweep.get("q_star", [1.0])):
                    try:
                        free_probability.critical_point("tanh", q_star)
                    except ValueError as error:
                        raise ConfigError(
                            f"config key spectrum.{name}.q_star[{k}] = {q_star}: {error}"
                        ) from None


def check_training(training):
    """Rules between keys of the ``training`` section (defaults filled in)."""
    if training["test_examples"] > training["test_size"]:
        raise ConfigError(
            f"config key training.test_examples = {training['test_examples']}: more than "
            f"the test set (training.test_size = {training['test_size']})"
        )
    _check_range("training.histograms.range", training["histograms"]["range"])
    models = [(m["activation"], m["init"]) for m in training["models"]]
    for model in models:
        if models.count(model) > 1:
            raise ConfigError(
                f"config key training.models: {model} appears more than once"
            )


# --- Which targets a config asks for -----------------------------------------
# Wildcard constraints built from the config, so that a target the config does
# not ask for (network99 of a 3-network experiment, an init it does not
# configure) matches no rule instead of being built.


def _alternatives(values):
    return "|".join(re.escape(str(v)) for v in values)


def experiment_constraint(experiments):
    """Regex of the experiment names."""
    return _alternatives(experiments)


def init_constraint(config):
    """Regex of the inits some experiment or training model uses."""
    inits = {i for exp in config["experiments"].values() for i in exp["inits"]}
    inits |= {m["init"] for m in (config.get("training") or {}).get("models", [])}
    return _alternatives(sorted(inits))


def network_experiment_constraint(experiments):
    """Regex of the experiment wildcard of results/{experiment}/networks/{init}/
    network{network}_*: each name followed only by its own inits and networks
    (a lookahead, since a wildcard constraint cannot see the other wildcards)."""
    return "|".join(
        f"{re.escape(name)}(?=/networks/(?:{_alternatives(exp['inits'])})"
        f"/network(?:{_alternatives(range(exp['networks']))})_)"
        for name, exp in experiments.items()
    )


def training_activation_constraint(training, label):
    """Regex of the activation wildcard of the training runs
    results/training/runs/{activation}_{init}/lr{lr}_seed{seed} (and the
    checkpoints {activation}_{init}_lr{lr}_seed{seed}): each configured
    model followed by its own init, a configured rate and a configured seed.
    ``label`` writes a learning rate as in file names."""
    rates = _alternatives(label(lr) for lr in training["learning_rates"])
    seeds = _alternatives(training["seeds"])
    return "|".join(
        f"{re.escape(m['activation'])}(?=_{re.escape(m['init'])}[/_]lr(?:{rates})"
        f"_seed(?:{seeds})(?:\\.|_|$))"
        for m in training["models"]
    )


def training_seed_constraint(training):
    """Regex of the configured training seeds (one stored stream each)."""
    return _alternatives(training["seeds"])
