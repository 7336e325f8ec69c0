"""Config checking: one short message naming the key and the bad value."""

import copy

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
    error = jsonschema.exceptions.best_match(validator.iter_errors(copy.deepcopy(config)))
    if error is None:
        return
    key = _key_path(error.absolute_path)
    if error.validator == "required":
        raise ConfigError(f"config key {key}: {error.message}")
    if error.validator == "additionalProperties":
        raise ConfigError(f"config key {key}: {error.message} (see config/README.md)")
    raise ConfigError(f"config key {key} = {error.instance!r}: {error.message}")
