import copy
import re
import json
import shutil
from pathlib import Path

import pytest
import yaml

from glorot import blocks
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
        (lambda e: e.update(target_resolution=0), ["target_resolution", "0"]),
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


def test_bad_standard_error_margin_names_key_and_value():
    config = default_config()
    config["standard_error_margin"] = 1.5
    with pytest.raises(ConfigError, match="standard_error_margin.*1.5"):
        check(config, SCHEMA)


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


# --- One home per fact: the schema is the source of names and defaults -----


def schema():
    from glorot.config import load_schema

    return load_schema(SCHEMA)


def test_activation_and_init_names_are_the_schemas():
    """The schema lists the names a config may use; the library implements
    exactly those (nothing the config check accepts is unknown to a job)."""
    from glorot.activations import ACTIVATIONS
    from glorot.initializers import INITS

    defs = schema()["$defs"]
    assert list(ACTIVATIONS) == defs["activation"]["enum"]
    assert list(INITS) == defs["init"]["enum"]


def _readme_tables():
    """(section, key) -> default cell of config/README.md's key tables."""
    rows, section = {}, None
    for line in (ROOT / "config" / "README.md").read_text().splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        elif line.startswith("| `") and section:
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            rows[section, cells[0].strip("`")] = cells[1]
    return rows


def _schema_keys(properties, prefix=""):
    """Dotted key -> its schema entry, nested mappings flattened."""
    defs = schema()["$defs"]
    out = {}
    for key, entry in properties.items():
        resolved = defs[entry["$ref"].split("/")[-1]] if "$ref" in entry else entry
        if resolved.get("type") == "object" and "properties" in resolved:
            out.update(_schema_keys(resolved["properties"], f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = {**resolved, **entry}
    return out


def _cell(entry, required):
    if "default" not in entry:
        return "required" if required else None
    default = entry["default"]
    # As YAML writes them: strings bare, booleans lower case.
    text = default if isinstance(default, str) else json.dumps(default)
    return f"`{text}`"


@pytest.mark.parametrize(
    "section, where",
    [("Top level", None), ("One experiment", "experiment"), ("Training", "training")],
)
def test_config_readme_tables_match_the_schema(section, where):
    """Every key of the schema has a row in config/README.md, every row is a
    key, and a default written there is the schema's (the one home)."""
    s = schema()
    if where is None:
        required = set(s["required"])
        # training's keys have their own table
        keys = {k: v for k, v in s["properties"].items() if k != "training"}
    else:
        sub = s["$defs"][where]
        required = set(sub.get("required", []))
        keys = _schema_keys(sub["properties"])
    rows = {k: v for (sec, k), v in _readme_tables().items() if sec == section}
    assert set(rows) == set(keys), (section, set(rows) ^ set(keys))
    for key, entry in keys.items():
        expected = _cell(entry, key in required)
        if rows[key].startswith("`") or expected == "required":
            assert rows[key] == expected, (key, rows[key], expected)


# --- Strict YAML, limits ------------------------------------------------------


def test_duplicate_keys_are_refused_by_name(tmp_path):
    from glorot.config import load

    text = (ROOT / "config" / "config.yaml").read_text()
    path = tmp_path / "config.yaml"
    doubled = re.sub(
        r"\n(    examples: \d+\n)", r"\n\1    examples: 50\n", text, count=1
    )
    assert doubled != text
    path.write_text(doubled)
    with pytest.raises(
        ConfigError, match=r"line \d+: the key 'examples' appears twice"
    ):
        load(default_config(), SCHEMA, [path])
    doubled = text.replace("experiments:\n", "experiments:\n  bounds: {}\n", 1)
    path.write_text(doubled)
    with pytest.raises(ConfigError, match="'bounds' appears twice"):
        load(default_config(), SCHEMA, [path])


@pytest.mark.parametrize(
    "name, words",
    [("a\n", ["may hold only", "'a\\n'"]), ("x" * 300, ["longer than 100"])],
)
def test_experiment_names_are_checked_whole(name, words):
    config = default_config()
    config["experiments"][name] = config["experiments"].pop("bounds")
    with pytest.raises(ConfigError) as error:
        check(config, SCHEMA)
    for word in words:
        assert word in str(error.value)


@pytest.mark.parametrize(
    "edit, words",
    [
        (lambda c: c["training"].update(seeds=[2**63]), ["training.seeds[0]", "int64"]),
        (lambda c: c.update(seed=-(2**63) - 1), ["seed", "int64"]),
        (
            lambda c: c["experiments"]["paper"].update(
                histograms={"activation": [-1, 10**400]}
            ),
            ["histograms.activation[1]", "characters", "int64"],
        ),
        (lambda c: c["training"].update(updates=10**30), ["training.updates", "int64"]),
    ],
)
def test_integers_outside_the_code_range_are_refused(edit, words):
    config = default_config()
    edit(config)
    with pytest.raises(ConfigError) as error:
        check(config, SCHEMA)
    for word in words:
        assert word in str(error.value)


def test_a_job_beyond_the_memory_budget_is_refused_with_its_estimate():
    from glorot.resources import measure_mem_mb

    config = default_config()
    exp = config["experiments"]["bounds"]
    exp["widths"] = [300, 200_000, 200_000, 10]
    full = check({**config, "max_job_mem_mb": 10**9}, SCHEMA)  # within a large budget
    estimate = measure_mem_mb(full["experiments"]["bounds"])
    assert estimate > 64000
    with pytest.raises(ConfigError) as error:
        check(config, SCHEMA)
    assert f"about {estimate} MB" in str(error.value)
    assert "max_job_mem_mb = 64000" in str(error.value)
    assert str(error.value).startswith("config key experiments.bounds")


def test_check_returns_the_config_with_the_schemas_defaults():
    full = check(default_config(), SCHEMA)
    assert full["max_job_mem_mb"] == schema()["properties"]["max_job_mem_mb"]["default"]
    assert full["experiments"]["bounds"]["histograms"]["bins"] == 200
    assert "dtype" not in default_config()["experiments"]["bounds"]
    assert full["experiments"]["bounds"]["dtype"] == "float32"


# --- The config file given is THE config (the workflow, dry runs) ----------


def _dry_run_jobs(workdir, *args):
    """rule -> jobs of a dry run, and its text."""
    from workflow_helpers import planned_jobs, snakemake

    result = snakemake(workdir, "-n", "--cores", "1", *args, check=False)
    output = result.stdout + result.stderr
    return result.returncode, planned_jobs(output), output


@pytest.mark.workflow
def test_configfile_replaces_the_default_config(tmp_path):
    """README's `snakemake --configfile .test/config/config.yaml` runs the
    tiny config alone: none of the default's experiments (paper, bounds) and
    only the tiny config's two training runs, not the default's 15."""
    from workflow_helpers import TEST_CONFIG_PATH, copy_workflow

    workdir = copy_workflow(tmp_path / "clone", default_config())
    shutil.copytree(ROOT / ".test", workdir / ".test")
    code, jobs, output = _dry_run_jobs(
        workdir, "--configfile", ".test/config/config.yaml"
    )
    assert code == 0, output
    tiny = check(yaml.safe_load(TEST_CONFIG_PATH.read_text()), SCHEMA)
    # One measure job per block of networks_per_job networks of each init.
    measure_jobs = sum(
        len(blocks.names(e["networks"], e["networks_per_job"])) * len(e["inits"])
        for e in tiny["experiments"].values()
    )
    assert jobs["measure"] == measure_jobs, jobs
    runs = len(tiny["training"]["models"]) * len(tiny["training"]["learning_rates"])
    assert jobs["train"] == runs == 2, jobs
    assert "results/paper/" not in output and "results/bounds/" not in output
    assert "results/linear/" in output and "results/small/" in output
    # Without --configfile, config/config.yaml (the default) is the config.
    code, jobs, output = _dry_run_jobs(workdir)
    assert code == 0, output
    assert "results/paper/" in output and jobs["train"] == 15, jobs


@pytest.mark.workflow
def test_a_duplicate_key_in_the_configfile_stops_before_any_job(tmp_path):
    from workflow_helpers import copy_workflow

    workdir = copy_workflow(tmp_path / "clone", default_config())
    text = (ROOT / ".test" / "config" / "config.yaml").read_text()
    (workdir / "dup.yaml").write_text(
        text.replace("    examples: 100\n", "    examples: 100\n    examples: 50\n")
    )
    code, jobs, output = _dry_run_jobs(workdir, "--configfile", "dup.yaml")
    assert code != 0
    assert "the key 'examples' appears twice" in output, output
    assert "Traceback" not in output
    assert not (workdir / "results").exists()


# --- Table 1 and the paper's other numbers: one home, glorot.paper ---------


def test_paper_notes_table1_is_glorot_paper():
    from glorot import paper

    text = (ROOT / "docs" / "paper-notes.md").read_text()
    section = text.split("## Table 1, Shapeset-3x2 column", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 2 and cells[1].replace(".", "").isdigit():
            rows[cells[0]] = float(cells[1])
    assert rows == {name: error for name, error in paper.TABLE1_SHAPESET.values()}


def test_captions_take_the_papers_numbers_from_glorot_paper():
    """The captions quote no Table 1 number (table1.csv has the paper's
    column); the Jacobian caption's values are glorot.paper's."""
    from glorot import paper

    report = ROOT / "workflow" / "report"
    for name, error in paper.TABLE1_SHAPESET.values():
        for caption in report.glob("*.rst"):
            assert f"{error:.1f}%" not in caption.read_text(), (caption, name)
    jacobian = " ".join((report / "jacobian.rst").read_text().split())
    for init, value in paper.JACOBIAN_AVERAGE_SINGULAR_VALUE.items():
        assert f"about {value} with {init} initialization" in jacobian


def test_parsing_the_snakefile_imports_neither_pandas_nor_scipy():
    """The glorot modules the .smk files import while Snakemake parses them
    (every `from glorot... import` at the top level of workflow/rules/)."""
    import re
    import subprocess
    import sys

    modules = set()
    for smk in (ROOT / "workflow" / "rules").glob("*.smk"):
        for line in smk.read_text().splitlines():
            match = re.match(r"from (glorot[\w.]*) import (\w+)?", line)
            if match:
                module = match.group(1)
                name = match.group(2)
                modules.add(module if module != "glorot" else f"glorot.{name}")
    assert "glorot.config" in modules and len(modules) >= 4, modules
    code = (
        f"import sys\nfor m in {sorted(modules)!r}: __import__(m)\n"
        "print(sorted(k for k in ('pandas', 'scipy', 'matplotlib') if k in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]", (modules, out.stdout)


def test_every_yaml_file_of_the_repository_reads_strictly():
    """The files Snakemake reads itself (profiles, environment, configs)
    have no duplicate key either: it would drop one silently."""
    from glorot.config import read_yaml

    files = [
        p
        for folder in ("config", "profiles", "workflow", ".test")
        for p in (ROOT / folder).rglob("*.y*ml")
    ]
    assert len(files) >= 5, files
    for path in files:
        read_yaml(path)
