"""What a valid config is, decided in one place: the JSON schema
(workflow/schemas/config.schema.yaml) for each key on its own, and this module
for what the schema cannot say. A bad value stops the workflow before any job
with one line naming the key and the value (``ConfigError``), never a
traceback and never a run on a value that means something else.

``load`` is the one entry point of the workflow (workflow/rules/common.smk):
it reads the config files strictly (a key twice in one mapping is refused by
name, where YAML would keep the last silently), checks the config and returns
it with the schema's defaults filled in; that returned config is the one every
rule uses. The defaults live in the schema only.

JSON Schema is laxer than the keys' meaning in four ways, tightened here:
``7.0`` counts as an integer (a seed of 7.0 would be hashed as "7.0" and give
other numbers than 7), ``.nan`` and ``.inf`` count as numbers, integers may be
of any size (numpy's are 64-bit; one beyond float range cannot even be
compared with a float bound), and mapping keys are not checked at all (YAML
reads ``2010:`` as an int and ``on:`` as True).
"""

import copy
import math
import re

import jsonschema
import yaml

from . import resources, shapeset


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
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int beyond float range
        return False


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


class _StrictLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key given twice in one mapping."""

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            if isinstance(key, (str, int, float, bool)) and key in seen:
                raise ConfigError(
                    f"{key_node.start_mark.name}, line {line}: the key {key!r} "
                    f"appears twice in one mapping (first on line {seen[key]}); "
                    "YAML would keep only the last: remove or rename one"
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def read_yaml(path):
    """The YAML file at ``path``, a duplicate key refused by name
    (``ConfigError``); every YAML file the workflow reads goes through here."""
    with open(path) as handle:
        try:
            return yaml.load(handle, Loader=_StrictLoader)
        except yaml.YAMLError as error:
            raise ConfigError(f"{path}: not valid YAML: {error}") from None


def load_schema(schema_path):
    return read_yaml(schema_path)


def load(config, schema_path, config_files=()):
    """The config the workflow uses: ``config`` (what Snakemake read from
    ``config_files`` and ``--config``) checked, with the schema's defaults
    filled in. ``config_files`` are read again strictly, since Snakemake's
    own reading drops a duplicate key silently."""
    for path in config_files:
        read_yaml(path)
    return check(config, schema_path)


# Integers the code can hold: numpy's int64 (seeds, counts and widths end up
# in int64 arrays and columns).
INT_MIN, INT_MAX = -(2**63), 2**63 - 1


def check(config, schema_path):
    """Raise ConfigError unless ``config`` is valid; return a copy of it with
    the schema's defaults filled in.

    The message names the key (``experiments.paper.activations[0]``) and the
    offending value, without the schema dump of jsonschema's own message.
    """
    schema = load_schema(schema_path)
    _check_integers(config)
    _check_mapping_keys(config)
    _check_experiment_names(config)
    error = jsonschema.exceptions.best_match(_Validator(schema).iter_errors(config))
    if error is not None:
        raise _schema_error(error)
    full = _with_defaults(config, schema)
    check_consistency(full)
    return full


def _short(value, limit=40):
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def _check_integers(value, path=()):
    """Every integer within int64: beyond it numpy overflows (a training seed
    of 2^63 wraps in the tables) and, beyond float range, every comparison
    with a float bound raises."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check_integers(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_integers(item, (*path, i))
    elif isinstance(value, int) and not isinstance(value, bool):
        if not INT_MIN <= value <= INT_MAX:
            raise ConfigError(
                f"config key {_key_path(path)} = {_short(value)}: outside the "
                f"integers the code holds, {INT_MIN} .. {INT_MAX} (int64)"
            )


# An experiment's name is a folder under results/ and part of its files'
# names: letters, digits, _ and -, and short enough that the longest path
# component built from it stays within the usual file-name limit (255 bytes).
EXPERIMENT_NAME = re.compile(r"[A-Za-z0-9_-]+")
EXPERIMENT_NAME_MAX = 100


def _check_experiment_names(config):
    experiments = config.get("experiments") if isinstance(config, dict) else None
    if not isinstance(experiments, dict):
        return
    for name in experiments:
        if not EXPERIMENT_NAME.fullmatch(name):
            raise ConfigError(
                f"config key experiments: the name {_short(name)} may hold only "
                "letters, digits, _ and - (it names the folder results/<name>/)"
            )
        if len(name) > EXPERIMENT_NAME_MAX:
            raise ConfigError(
                f"config key experiments: the name {_short(name)} is longer than "
                f"{EXPERIMENT_NAME_MAX} characters (it is part of file names, "
                "which the file system limits to 255 bytes)"
            )


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


def _with_defaults(config, schema):
    """A copy of ``config`` with every absent key that has a schema default
    filled in, recursively: the schema is the one home of the defaults."""
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
            pixels, classes = shapeset.N_PIXELS, len(shapeset.CLASS_NAMES)
            if widths[0] != pixels:
                raise ConfigError(
                    f"{key}.widths[0] = {widths[0]}: input shapeset has "
                    f"{shapeset.IMAGE_SIZE}x{shapeset.IMAGE_SIZE} = {pixels} pixels"
                )
            if widths[-1] != classes:
                raise ConfigError(
                    f"{key}.widths[{len(widths) - 1}] = {widths[-1]}: input "
                    f"shapeset has {classes} classes"
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
        _check_memory(f"experiments.{name}", resources.measure_mem_mb(exp), config)
    check_sweeps(config)
    training = config.get("training")
    if training is not None:
        if "training" in experiments:
            raise ConfigError(
                "config key experiments.training: an experiment named 'training' would "
                "share results/training/ with the training runs; rename the experiment"
            )
        check_training(training)
        _check_memory("training", resources.train_mem_mb(training), config)
    if config.get("propagation") is not None:
        check_propagation(config["propagation"], config)


def _check_memory(key, mem_mb, config):
    """Refuse a job whose estimated peak memory (``glorot.resources``) exceeds
    the config's budget, before any job starts rather than with a MemoryError
    mid-run."""
    budget = config["max_job_mem_mb"]
    if mem_mb > budget:
        raise ConfigError(
            f"config key {key}: one job of it needs about {mem_mb} MB "
            f"(glorot.resources), more than max_job_mem_mb = {budget}; make "
            "the widths, chunk_size or examples smaller, or raise max_job_mem_mb "
            "if the machine has the memory"
        )


def check_sweeps(config):
    """The spectrum and finite_width sweeps write results/<name>/ as the
    experiments do: every name once, none reserved; ranges finite."""
    from . import free_probability  # scipy, only for a config that has sweeps

    seen = {name: "experiments" for name in config["experiments"]}
    seen["training"] = "training"
    if config.get("propagation") is not None:
        seen[config["propagation"]["name"]] = "propagation"
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


def check_propagation(section, config):
    """Rules between keys of the ``propagation`` section (defaults filled in)."""
    name = section["name"]
    taken = dict(RESERVED_NAMES, **{e: "an experiment" for e in config["experiments"]})
    if config.get("training") is not None:
        taken["training"] = "the training runs"
    if name in taken:
        raise ConfigError(
            f"config key propagation.name = {name!r}: would share results/{name}/ "
            f"with {taken[name]}; rename it"
        )
    pairs = section["shapeset_pairs"]
    if 2 * pairs > section["shapeset_examples"]:
        raise ConfigError(
            f"config key propagation.shapeset_pairs = {pairs}: needs {2 * pairs} images, "
            f"more than propagation.shapeset_examples = {section['shapeset_examples']}"
        )
    columns = 2 * (len(section["gaussian_correlations"]) + pairs)
    _check_memory(
        f"propagation.width = {section['width']} with propagation.depth = "
        f"{section['depth']}",
        resources.propagation_mem_mb(section["width"], section["depth"], columns),
        config,
    )


# --- Which targets a config asks for -----------------------------------------
# Wildcard constraints built from the config, so that a target the config does
# not ask for (an init it does not configure) matches no rule instead of being
# built; the blocks of networks: glorot.blocks.experiment_constraint.


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
