"""Config checking: one short message naming the key and the bad value."""

import jsonschema
import yaml


class ConfigError(ValueError):
    pass


def _key_path(path):
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top level)"


def check(config, schema_path):
    """Raise ConfigError for the most relevant schema violation of ``config``.

    The message names the key (``experiments.paper.activations[0]``) and the
    offending value, without the schema dump of jsonschema's own message.
    """
    with open(schema_path) as handle:
        schema = yaml.safe_load(handle)
    validator = jsonschema.Draft202012Validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(config))
    if error is None:
        check_consistency(config)
        return
    key = _key_path(error.absolute_path)
    if error.validator == "required":
        raise ConfigError(f"config key {key}: {error.message}")
    if error.validator == "additionalProperties":
        raise ConfigError(f"config key {key}: {error.message} (see config/README.md)")
    raise ConfigError(f"config key {key} = {error.instance!r}: {error.message}")


def check_consistency(config):
    """Rules between keys that the schema cannot express."""
    for name, exp in config["experiments"].items():
        key = f"config key experiments.{name}"
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
        for quantity, bounds in exp.get("histograms", {}).items():
            if isinstance(bounds, list) and not bounds[0] < bounds[1]:
                raise ConfigError(
                    f"{key}.histograms.{quantity} = {bounds}: the range needs low < high"
                )
