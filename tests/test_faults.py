"""Faults a new user or a tired cluster user meets (issue: "no silent wrong
result"): a value that is not what its key means, a damaged cached file, a
damaged checkpoint, float32's limits, a killed run, two runs at once. Each ends
either in one clear message or in the tables a clean run gives; never exit code
0 with other numbers."""

import copy
import math
from pathlib import Path

import pytest

from glorot.config import ConfigError, check
from training_helpers import TINY_RUN, run_bytes, tiny_sets
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
            # one network per job: a damaged file is one network's
            "networks_per_job": 1,
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
    "weight-gradient examples beyond examples": (
        lambda c, e, t: e["histograms"].update(weight_gradient_examples=41),
        ["histograms.weight_gradient_examples = 41", "examples = 40"],
    ),
    "experiment named training": (
        lambda c, e, t: c["experiments"].update(training=copy.deepcopy(e)),
        ["experiments.training"],
    ),
    "experiment named figures": (
        lambda c, e, t: c["experiments"].update(figures=copy.deepcopy(e)),
        ["experiments.figures", "results/figures/"],
    ),
    "int experiment name": (
        lambda c, e, t: c["experiments"].update({2010: copy.deepcopy(e)}),
        ["experiments", "2010", "string"],
    ),
    "bool networks": (
        lambda c, e, t: e.update(networks=True),
        ["networks = True", "not true or false"],
    ),
    "bool learning rate": (
        lambda c, e, t: t.update(learning_rates=[False]),
        ["learning_rates[0] = False", "not true or false"],
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
        "results/tiny/networks/standard/networks99-99_moments.csv",  # 3 networks
        "results/tiny/networks/standard/networks0-2_moments.csv",  # 1 per job
        "results/tiny/networks/he/networks0-0_moments.csv",  # init not configured
        "results/tiny/networks/normalized/networks3-3_jacobian.csv",
        "results/tiny/networks/standard/networks3-3_minibatch.csv",
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


# --- Cached intermediates: a damaged file stops the run, naming it ----------

TABLES = [
    "results/tiny/variance_by_layer.csv",
    "results/tiny/assumptions.csv",
    "results/tiny/histograms.csv",
    "results/tiny/jacobian.csv",
    "results/tiny/minibatch.csv",
    "results/tiny/standard_errors.csv",
]


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """A finished run of the tiny config and the bytes of its tables."""
    workdir = copy_workflow(tmp_path_factory.mktemp("clean"), tiny())
    snakemake(workdir, "--cores", "2", *TABLES)
    return workdir, {t: (workdir / t).read_bytes() for t in TABLES}


def half_the_lines(path):
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[: len(lines) // 2]))


def a_nan(path):
    lines = path.read_text().splitlines(keepends=True)
    fields = lines[2].rstrip("\n").split(",")
    fields[-1] = "nan"
    lines[2] = ",".join(fields) + "\n"
    path.write_text("".join(lines))


def empty(path):
    path.write_text("")


def cut_mid_line(path):
    text = path.read_text()
    path.write_text(text[: len(text) // 2 + 3])


def another_network(path):
    # network 2's file replaced by network 1's: right shape, wrong network.
    path.write_bytes(
        path.with_name(path.name.replace("networks2-2", "networks1-1")).read_bytes()
    )


# (file under results/tiny/networks/, reader, rule that made it)
KINDS = {
    "moments": ("standard/networks1-1_moments.csv", "network_moments", "measure"),
    "histograms": (
        "normalized/networks1-1_histograms.csv",
        "network_histograms",
        "histograms",
    ),
    "jacobian": (
        "normalized/networks2-2_jacobian.csv",
        "network_jacobians",
        "jacobian",
    ),
    "minibatch": (
        "standard/networks0-0_minibatch.csv",
        "network_minibatch",
        "minibatch",
    ),
}
DAMAGES = [half_the_lines, a_nan, empty, cut_mid_line, another_network]


@pytest.mark.workflow
@pytest.mark.parametrize("damage", DAMAGES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("kind", list(KINDS))
def test_the_reader_of_cached_files_names_a_damaged_one(kind, damage, networks):
    """Every kind of per-network file, every kind of damage: refused with
    the file's name and how to redo it (the readers every pooling rule uses)."""
    from glorot import cached
    from glorot.config import check

    name, reader, maker = KINDS[kind]
    if damage is another_network:
        name = name.replace("networks1-1", "networks2-2")
        name = name.replace("networks0-0", "networks2-2")
    exp = check(tiny(), SCHEMA)["experiments"]["tiny"]
    suffix = name.split("_", 1)[1]
    paths = sorted(str(p) for p in networks.rglob(f"*_{suffix}"))
    read = getattr(cached, reader)
    read(paths, exp)  # the clean files pass
    damage(networks / name)
    with pytest.raises(cached.DamagedFile) as error:
        read(paths, exp)
    message = str(error.value)
    assert str(networks / name) in message and "delete it" in message
    assert f"--forcerun {maker}" in message


@pytest.mark.workflow
def test_damaged_cached_files_stop_the_run_and_deleting_them_recovers(clean, tmp_path):
    """One damaged file per pooling rule: each rule stops naming its file, no
    table is made from them, and the recovery the message names (delete the
    file, rerun) gives the clean run's tables."""
    import shutil

    source, tables = clean
    workdir = tmp_path / "run"
    shutil.copytree(source, workdir, symlinks=True)
    damaged = {
        "compare": ("standard/networks1-1_moments.csv", half_the_lines),
        "pool_histograms": ("normalized/networks1-1_histograms.csv", cut_mid_line),
        "jacobian_table": ("normalized/networks2-2_jacobian.csv", a_nan),
        "minibatch_table": ("standard/networks0-0_minibatch.csv", empty),
    }
    for name, damage in damaged.values():
        damage(workdir / "results/tiny/networks" / name)
    result = snakemake(workdir, "--cores", "2", "--keep-going", *TABLES, check=False)
    assert result.returncode != 0, "a damaged file was used"
    for rule, (name, _) in damaged.items():
        log = (workdir / "results/logs/tiny" / f"{rule}.log").read_text()
        assert f"results/tiny/networks/{name}" in log and "delete it" in log, log
    for table in TABLES:
        path = workdir / table
        assert not path.exists() or path.read_bytes() == tables[table], table
    for name, _ in damaged.values():
        (workdir / "results/tiny/networks" / name).unlink()
    snakemake(workdir, "--cores", "2", *TABLES)
    for table in TABLES:
        assert (workdir / table).read_bytes() == tables[table], table


# --- float32's limits: underflow reported, overflow refused -----------------


def noted_cells(summary):
    """(activation, init, quantity, layer) named in summary.md's limits section."""
    section = summary.split("## Cells at the limits of float32", 1)[1]
    cells = set()
    for line in section.splitlines():
        if not line.startswith("- "):
            continue
        activation, init, rest = line[2:].split(", ", 2)
        quantity, ranges = rest.split(": layers ", 1)
        for part in ranges.split(" (")[0].split(", "):
            low, _, high = part.partition("-")
            for layer in range(int(low), int(high or low) + 1):
                cells.add((activation, init, quantity, layer))
    return cells


@pytest.mark.workflow
def test_underflow_to_zero_is_named_in_the_log_summary_and_figure(tmp_path):
    import numpy as np
    import pandas as pd

    # 49 hidden relu layers of 4 units: the variance falls by about 6 per
    # layer and the deep layers are exact zeros in float32.
    config = {
        "seed": 7,
        "experiments": {
            "deep": {
                "widths": [4] * 50 + [3],
                "activations": ["relu"],
                "inits": ["standard"],
                "input": "gaussian",
                "examples": 20,
                "networks": 2,
                "histograms": {"bins": 10},
            }
        },
    }
    workdir = copy_workflow(tmp_path, config)
    snakemake(
        workdir,
        "--cores",
        "2",
        "results/deep/summary.md",
        "results/figures/deep/variance_by_layer.png",
        "results/figures/deep/agreement.png",
    )
    table = pd.read_csv(workdir / "results/deep/variance_by_layer.csv")
    # the point ratios predicted / measured (their intervals are unbounded
    # wherever the measured interval holds 0, underflow or not)
    ratios = table.filter(regex="^ratio_(glorot|glorot_printed|meanfield)$").to_numpy()
    zero = table[table["measured"] == 0]
    assert len(zero) > 0 and np.isinf(ratios).any()  # the case this test is about
    summary = (workdir / "results/deep/summary.md").read_text()
    assert "## Cells at the limits of float32" in summary
    inf_rows = table[np.isinf(ratios).any(axis=1)]
    keys = ["activation", "init", "quantity", "layer"]
    assert set(map(tuple, inf_rows[keys].values)) <= noted_cells(summary)
    compare_log = (workdir / "results/logs/deep/compare.log").read_text()
    assert "at the limits of float32: relu, standard, activation: layers" in compare_log
    # Each figure says which points it leaves out (the variance figure has no
    # pre-activation panels).
    drawn = zero[zero["quantity"] != "preactivation"]
    logs = workdir / "results/logs/deep"
    figure_log = (logs / "figure_variance_by_layer.log").read_text()
    assert f"{len(drawn)} measured points are 0 and not drawn" in figure_log
    agreement_log = (logs / "figure_agreement.log").read_text()
    assert f"{len(zero)} cells have measured 0 and are not drawn" in agreement_log


@pytest.mark.workflow
def test_overflow_stops_the_measure_job_with_one_clear_message(tmp_path):
    # He init doubles a linear network's variance per layer: 400 layers
    # overflow float32 (about 2^256 > 3.4e38 squared).
    config = {
        "seed": 7,
        "experiments": {
            "huge": {
                "widths": [5] * 401 + [3],
                "activations": ["linear"],
                "inits": ["he"],
                "input": "gaussian",
                "examples": 10,
                "networks": 2,
                "histograms": {"bins": 10},
            }
        },
    }
    workdir = copy_workflow(tmp_path, config)
    target = "results/huge/networks/he/networks0-1_moments.csv"
    result = snakemake(workdir, "--cores", "1", target, check=False)
    assert result.returncode != 0
    log = (workdir / "results/logs/huge/measure/he/networks0-1.log").read_text()
    assert "exceeded float32's largest number" in log and "dtype: float64" in log, log
    assert not (workdir / target).exists()


# --- A killed run, two runs at once --------------------------------------------


def readme_recovery_commands():
    """The commands of docs/guarantees.md's "After an interrupted run" block."""
    text = (ROOT / "docs" / "guarantees.md").read_text()
    assert (
        "**After an interrupted run**" in text
    ), "docs/guarantees.md documents no recovery"
    block = text.split("**After an interrupted run**", 1)[1].split("```bash\n", 1)[1]
    block = block.split("```", 1)[0]
    return [line.split()[1:] for line in block.splitlines() if line.strip()]


def start(workdir, *args):
    import subprocess

    from workflow_helpers import SNAKEMAKE, local_environment

    # Its own session: the kill below reaches Snakemake and every job it
    # started, as losing the node would.
    return subprocess.Popen(
        [str(SNAKEMAKE), *args],
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env=local_environment(),
    )


def wait_for(condition, process, seconds=120):
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        assert process.poll() is None, "the run ended before the test could act"
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.mark.workflow
def test_kill_9_mid_run_then_the_readme_recovery_gives_the_same_tables(clean, tmp_path):
    import os
    import signal

    _, tables = clean
    commands = readme_recovery_commands()
    workdir = copy_workflow(tmp_path, tiny())
    networks = workdir / "results/tiny/networks"
    process = start(workdir, "--cores", "2", *TABLES)
    wait_for(lambda: len(list(networks.rglob("*_moments.csv"))) >= 1, process)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert not all((workdir / t).exists() for t in TABLES), "killed too late"
    # As the README says: unlock, then rerun the incomplete jobs.
    assert commands[0] == ["--unlock"]
    for command in commands:
        snakemake(workdir, *command, *([] if "--unlock" in command else TABLES))
    for table in TABLES:
        assert (workdir / table).read_bytes() == tables[table], table


@pytest.mark.workflow
def test_two_runs_at_once_in_one_directory(clean, tmp_path):
    import os
    import signal

    _, tables = clean
    readme = (ROOT / "docs" / "guarantees.md").read_text()
    workdir = copy_workflow(tmp_path, tiny())
    targets = ["results/tiny/jacobian.csv"]
    first = start(workdir, "--cores", "1", *targets)
    wait_for(lambda: any((workdir / ".snakemake/locks").glob("*.lock")), first)
    # Paused with its lock held, so that the second surely starts mid-run
    # however fast or loaded the machine is.
    os.killpg(first.pid, signal.SIGSTOP)
    try:
        second = snakemake(workdir, "--cores", "1", *targets, check=False)
        still_running = first.poll() is None
    finally:
        os.killpg(first.pid, signal.SIGCONT)
    output = first.communicate()[0]
    assert first.returncode == 0, output
    # The second is refused at once, with the message docs/guarantees.md quotes.
    assert still_running, "the first run ended before the second started"
    assert second.returncode != 0
    assert "Directory cannot be locked" in second.stdout + second.stderr
    assert "Directory cannot be locked" in readme
    for table in targets:
        assert (workdir / table).read_bytes() == tables[table], table
    # Started again once the first is done, it finds nothing to do.
    again = snakemake(workdir, "--cores", "1", *targets)
    assert "Nothing to be done" in again.stdout + again.stderr


TRAINING_TABLES = ["results/training/selection.csv", "results/training/table1.csv"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A finished tiny training run and the bytes of its tables."""
    workdir = copy_workflow(tmp_path_factory.mktemp("trained"), tiny(seeds=[0]))
    snakemake(workdir, "--cores", "2", *TRAINING_TABLES)
    return workdir, {t: (workdir / t).read_bytes() for t in TRAINING_TABLES}


RUN = "results/training/runs/tanh_normalized/lr0.1_seed0"


def another_rate(path):
    # The run of another learning rate: right shape, wrong run.
    text = path.read_text()
    path.write_text(text.replace(",0.1,0,", ",0.3,0,"))


@pytest.mark.workflow
@pytest.mark.parametrize(
    "damage",
    [half_the_lines, a_nan, empty, cut_mid_line, another_rate],
    ids=lambda f: f.__name__,
)
@pytest.mark.parametrize("kind", ["curves", "histograms"])
def test_the_reader_of_run_tables_names_a_damaged_one(kind, damage, trained, tmp_path):
    import shutil

    from glorot import cached
    from glorot.config import check

    source, _ = trained
    runs = tmp_path / "results/training/runs"
    shutil.copytree(source / "results/training/runs", runs)
    training = check(tiny(seeds=[0]), SCHEMA)["training"]
    ending = ".csv" if kind == "curves" else "_histograms.csv"
    path = tmp_path / f"{RUN}{ending}"
    read = getattr(cached, f"training_{kind}")
    read([str(path)], training)  # the clean file passes
    damage(path)
    with pytest.raises(cached.DamagedFile) as error:
        read([str(path)], training)
    message = str(error.value)
    assert str(path) in message and "delete it" in message
    assert "--forcerun train" in message


@pytest.mark.workflow
@pytest.mark.parametrize("ending", [".csv", "_histograms.csv"])
def test_a_damaged_run_table_stops_the_run(ending, trained, tmp_path):
    import shutil

    source, tables = trained
    workdir = tmp_path / "run"
    shutil.copytree(source, workdir, symlinks=True)
    half_the_lines(workdir / f"{RUN}{ending}")
    result = snakemake(workdir, "--cores", "1", *TRAINING_TABLES, check=False)
    assert result.returncode != 0, "a damaged run table was used"
    log = (workdir / "results/logs/training/selection.log").read_text()
    assert f"{RUN}{ending}" in log and "delete it" in log, log
    for table in TRAINING_TABLES:
        path = workdir / table
        assert not path.exists() or path.read_bytes() == tables[table], table


# --- A checkpoint that cannot be read ------------------------------------------


# The tiny run of test_training.py (tests/training_helpers.py).
@pytest.fixture(scope="module")
def sets():
    return tiny_sets()


def truncated(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def garbage(path):
    path.write_bytes(b"not a checkpoint\n")


@pytest.mark.parametrize(
    "stop_after, damage, resumed_at",
    [
        (100, truncated, None),  # the only checkpoint (70) damaged: from 0
        (230, truncated, 140),  # the last (210) damaged: from the one before
        (230, garbage, 140),
        (230, empty, 140),
        (230, "both", None),  # both damaged: from the beginning
    ],
    ids=["only", "last-truncated", "last-garbage", "last-empty", "both"],
)
def test_an_unreadable_checkpoint_is_set_aside_and_the_run_ends_with_the_same_bytes(
    stop_after, damage, resumed_at, sets, tmp_path, caplog
):
    import logging

    from glorot import training

    run = training.Run(**TINY_RUN)
    expected = run_bytes(training.train(run, *sets), tmp_path, "whole")
    checkpoint = tmp_path / "run.npz"
    assert (
        training.train(run, *sets, checkpoint=checkpoint, stop_after=stop_after) is None
    )
    previous = tmp_path / "run.previous.npz"
    if damage == "both":
        truncated(checkpoint)
        truncated(previous)
    else:
        damage(checkpoint)
    caplog.set_level(logging.INFO)
    resumed = training.train(run, *sets, checkpoint=checkpoint)
    assert run_bytes(resumed, tmp_path, "resumed") == expected
    aside = tmp_path / "run.corrupt-1.npz"
    assert aside.exists()
    assert f"checkpoint {checkpoint} cannot be read" in caplog.text
    assert f"set aside as {aside}" in caplog.text
    if damage == "both":
        assert (tmp_path / "run.previous.corrupt-1.npz").exists()
    if resumed_at is None:
        assert "resuming" not in caplog.text
    else:
        assert (
            f"resuming from checkpoint {previous} at update {resumed_at}" in caplog.text
        )
    # The run's own checkpoints are gone; the set-aside ones stay.
    assert not checkpoint.exists() and not previous.exists()


@pytest.mark.workflow
def test_a_damaged_checkpoint_in_the_workflow_is_set_aside(trained, tmp_path):
    """A truncated checkpoint where a train job finds it: the job sets it
    aside, logs it, and the tables are the clean run's."""
    source, tables = trained
    workdir = copy_workflow(tmp_path, tiny(seeds=[0]))
    checkpoints = workdir / "results/training/checkpoints"
    checkpoints.mkdir(parents=True)
    (checkpoints / "tanh_normalized_lr0.1_seed0.npz").write_bytes(b"PK\x03\x04 cut")
    snakemake(workdir, "--cores", "2", *TRAINING_TABLES)
    for table in TRAINING_TABLES:
        assert (workdir / table).read_bytes() == tables[table], table
    log = workdir / "results/logs/training/train/tanh_normalized/lr0.1_seed0.log"
    assert "set aside as results/training/checkpoints/" in log.read_text()
    assert [p.name for p in checkpoints.iterdir()] == [
        "tanh_normalized_lr0.1_seed0.corrupt-1.npz"
    ]


@pytest.mark.workflow
def test_a_damaged_data_split_stops_the_run_and_deleting_it_recovers(trained, tmp_path):
    import shutil

    source, tables = trained
    workdir = tmp_path / "run"
    shutil.copytree(source, workdir, symlinks=True)
    split = workdir / "results/data/shapeset/test_seed7_n30_unit.npz"
    truncated(split)
    result = snakemake(workdir, "--cores", "1", *TRAINING_TABLES, check=False)
    assert result.returncode != 0, "a damaged split was used"
    log = workdir / "results/logs/training/train/tanh_normalized/lr0.1_seed0.log"
    text = log.read_text()
    assert str(split.relative_to(workdir)) in text and "delete it" in text, text
    split.unlink()
    snakemake(workdir, "--cores", "1", *TRAINING_TABLES)
    for table in TRAINING_TABLES:
        assert (workdir / table).read_bytes() == tables[table], table


@pytest.mark.workflow
@pytest.mark.parametrize(
    "damage", [half_the_lines, a_nan, empty, cut_mid_line], ids=lambda f: f.__name__
)
def test_the_reader_of_predictions_names_a_damaged_file(damage, clean, tmp_path):
    import shutil

    from glorot import cached
    from glorot.config import check

    source, _ = clean
    path = tmp_path / "results/tiny/predictions.csv"
    path.parent.mkdir(parents=True)
    copy_with_record(source / "results/tiny/predictions.csv", path)
    exp = check(tiny(), SCHEMA)["experiments"]["tiny"]
    cached.predictions(path, exp)  # the clean file passes
    damage(path)
    with pytest.raises(cached.DamagedFile) as error:
        cached.predictions(path, exp)
    assert str(path) in str(error.value) and "--forcerun predict" in str(error.value)


def diverged_run_table(path, training, stop):
    """A curves table of a run of ``training`` that diverged at update
    ``stop``: every record before it, then its one "diverged" row."""
    from glorot import cached

    rows = [
        ("tanh", "normalized", 0.1, 0, u, "ok", q, k, 0.5)
        for u in cached._record_updates(training)
        if u < stop
        for q, k in sorted(cached._record_rows(len(training["hidden_widths"]), u))
    ]
    rows.append(("tanh", "normalized", 0.1, 0, stop, "diverged", "train_cost", "", ""))
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [",".join(cached.CURVE_COLUMNS)] + [",".join(map(str, r)) for r in rows]
    path.write_text("\n".join(lines) + "\n")


def test_a_diverged_run_missing_its_last_record_is_refused(tmp_path):
    # Diverged at update 35 of 40 (eval_every 20): records at 0 and 20. Without
    # the one at 20 it is still a prefix of the config's records, and was read.
    from glorot import cached

    from glorot import provenance

    training = check(tiny(seeds=[0]), SCHEMA)["training"]
    path = tmp_path / f"{RUN}.csv"
    diverged_run_table(path, training, stop=35)
    provenance.seal(path, rule="train")
    cached.training_curves([str(path)], training)  # the whole table passes
    lines = path.read_text().splitlines()
    path.write_text("\n".join(line for line in lines if ",20,ok," not in line) + "\n")
    with pytest.raises(cached.DamagedFile, match="records updates"):
        cached.training_curves([str(path)], training)


@pytest.mark.workflow
def test_a_run_histograms_table_missing_its_last_record_is_refused(trained, tmp_path):
    # Cut after a whole record, the table still holds the config's first
    # records; only the run's curves say that it recorded one more.
    import shutil

    from glorot import cached

    source, _ = trained
    runs = tmp_path / "results/training/runs"
    shutil.copytree(source / "results/training/runs", runs)
    training = check(tiny(seeds=[0]), SCHEMA)["training"]
    curves = cached.training_curves([str(tmp_path / f"{RUN}.csv")], training)
    path = tmp_path / f"{RUN}_histograms.csv"
    cached.training_histograms([str(path)], training, curves=curves)
    last = f",{training['updates']},"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(line for line in lines if last not in line) + "\n")
    with pytest.raises(cached.DamagedFile, match="records updates"):
        cached.training_histograms([str(path)], training, curves=curves)


@pytest.mark.workflow
@pytest.mark.parametrize(
    "kind, column", [("moments", "variance"), ("minibatch", "per_example")]
)
def test_a_negative_variance_in_a_cached_file_is_refused(kind, column, networks):
    # A finite number in every cell, the right rows and counts: only the sign
    # of one variance is wrong, and it was read.
    import pandas as pd

    from glorot import cached

    name, reader, _ = KINDS[kind]
    exp = check(tiny(), SCHEMA)["experiments"]["tiny"]
    suffix = name.split("_", 1)[1]
    paths = sorted(str(p) for p in networks.rglob(f"*_{suffix}"))
    table = pd.read_csv(networks / name)
    table.loc[0, column] = -table.loc[0, column] - 1.0
    table.to_csv(networks / name, index=False)
    with pytest.raises(cached.DamagedFile, match=f"{column} = .*>= 0"):
        getattr(cached, reader)(paths, exp)


def test_a_checkpoint_made_with_other_evaluation_sets_is_not_resumed(sets, tmp_path):
    # validation_size and test_size are not part of the Run: a checkpoint left
    # by an interrupted run, then a config with another validation_size, must
    # give the new config's bytes, not old records mixed with new ones.
    from glorot import training

    run = training.Run(**TINY_RUN)
    validation, test = sets
    checkpoint = tmp_path / "run.npz"
    training.train(run, validation, test, checkpoint=checkpoint, stop_after=150)
    assert checkpoint.exists()
    smaller = validation[0][:40], validation[1][:40]
    fresh = training.train(run, smaller, test)
    resumed = training.train(run, smaller, test, checkpoint=checkpoint)
    assert run_bytes(resumed, tmp_path, "a") == run_bytes(fresh, tmp_path, "b")


# --- Provenance: a stale, copied or edited file is refused (issue 22) --------
# Each file a rule writes has a record <file>.prov (glorot.provenance): the
# digest of its bytes, its path, the config values and inputs it was made
# from. The content checks above see the shape of a file; these faults have
# the right shape.

FLOATS = "%.17g"  # as glorot.workflow_io writes, so an edit looks like a table


@pytest.fixture
def networks(clean, tmp_path):
    """A copy of the clean run's per-network files, to damage."""
    import shutil

    copy = tmp_path / "results/tiny/networks"
    shutil.copytree(clean[0] / "results/tiny/networks", copy)
    return copy


def rewrite(path, edit):
    """Edit the CSV at ``path`` with pandas and write it as the workflow does:
    a plausible table, only some numbers changed."""
    import pandas as pd

    table = pd.read_csv(path)
    edit(table)
    table.to_csv(path, index=False, float_format=FLOATS, lineterminator="\n")


def copy_with_record(source, dest):
    """Copy a file and, where it has one, its provenance record."""
    import shutil

    shutil.copy(source, dest)
    if Path(f"{source}.prov").exists():
        shutil.copy(f"{source}.prov", f"{dest}.prov")


def variance_times_1_1(table):
    table.loc[3, "variance"] *= 1.1


def jacobian_times_1_5(table):
    table.loc[0, "mean_singular_value"] *= 1.5


def counts_moved_between_bins(table):
    # The same total per histogram: one value moved to the next bin.
    row = int(table.index[table["count"] > 0][0])
    table.loc[row, "count"] -= 1
    table.loc[row + 1, "count"] += 1


# (file under results/tiny/networks/, reader, edit)
PLAUSIBLE_EDITS = {
    "variance x1.1": ("standard/networks1-1_moments.csv", "network_moments"),
    "jacobian x1.5": ("normalized/networks2-2_jacobian.csv", "network_jacobians"),
    "counts moved between bins": (
        "normalized/networks1-1_histograms.csv",
        "network_histograms",
    ),
}
EDITS = {
    "variance x1.1": variance_times_1_1,
    "jacobian x1.5": jacobian_times_1_5,
    "counts moved between bins": counts_moved_between_bins,
}


@pytest.mark.workflow
@pytest.mark.parametrize("case", list(PLAUSIBLE_EDITS))
def test_a_plausible_edit_of_a_cached_file_is_refused(case, networks):
    from glorot import cached

    name, reader = PLAUSIBLE_EDITS[case]
    exp = check(tiny(), SCHEMA)["experiments"]["tiny"]
    suffix = name.split("_", 1)[1]
    paths = sorted(str(p) for p in networks.rglob(f"*_{suffix}"))
    read = getattr(cached, reader)
    read(paths, exp)  # the clean files pass
    rewrite(networks / name, EDITS[case])
    with pytest.raises(cached.DamagedFile) as error:
        read(paths, exp)
    message = str(error.value)
    assert str(networks / name) in message and "bytes are not those" in message


@pytest.mark.workflow
def test_a_prediction_x2_is_refused(clean, tmp_path):
    from glorot import cached

    source, _ = clean
    path = tmp_path / "results/tiny/predictions.csv"
    path.parent.mkdir(parents=True)
    copy_with_record(source / "results/tiny/predictions.csv", path)
    exp = check(tiny(), SCHEMA)["experiments"]["tiny"]
    cached.predictions(path, exp)  # the clean file passes

    def times_2(table):
        table.loc[5, "predicted_glorot"] *= 2

    rewrite(path, times_2)
    with pytest.raises(cached.DamagedFile, match="bytes are not those"):
        cached.predictions(path, exp)


@pytest.fixture(scope="module")
def other_seed(tmp_path_factory):
    """network1's moments file of the tiny config under seed 8, not 7."""
    config = tiny()
    config["seed"] = 8
    workdir = copy_workflow(tmp_path_factory.mktemp("seed8"), config)
    target = "results/tiny/networks/standard/networks1-1_moments.csv"
    snakemake(workdir, "--cores", "1", target)
    return workdir / target


@pytest.fixture
def reading_job():
    """The reading job's config is the tiny one (as in rule compare)."""
    config = check(tiny(), SCHEMA)
    try:
        from glorot import provenance
    except ImportError:  # main, before the provenance records
        yield config
        return
    provenance.set_job(provenance.Job(rule="compare", current=config))
    yield config
    provenance.set_job(None)


@pytest.mark.workflow
@pytest.mark.parametrize("record", [True, False], ids=["with-record", "file-only"])
def test_another_seeds_network_file_copied_in_is_refused(
    record, other_seed, reading_job, networks
):
    import shutil

    from glorot import cached

    paths = sorted(str(p) for p in networks.rglob("*_moments.csv"))
    exp = reading_job["experiments"]["tiny"]
    cached.network_moments(paths, exp)  # the clean files pass
    dest = networks / "standard/networks1-1_moments.csv"
    if record:
        copy_with_record(other_seed, dest)
    else:
        shutil.copy(other_seed, dest)
    with pytest.raises(cached.DamagedFile) as error:
        cached.network_moments(paths, exp)
    message = str(error.value)
    assert str(dest) in message and "--forcerun measure" in message
    if record:
        assert "seed = 8, the config now says 7" in message, message
    else:
        assert "bytes are not those" in message, message


@pytest.mark.workflow
def test_network1s_file_copied_as_network2s_is_refused(networks):
    # The network column made to fit: the content check cannot tell.
    import shutil

    from glorot import cached

    paths = sorted(str(p) for p in networks.rglob("*_jacobian.csv"))
    exp = check(tiny(), SCHEMA)["experiments"]["tiny"]
    dest = networks / "standard/networks2-2_jacobian.csv"
    shutil.copy(networks / "standard/networks1-1_jacobian.csv", dest)
    rewrite(dest, lambda table: table.__setitem__("network", 2))
    with pytest.raises(cached.DamagedFile, match="bytes are not those"):
        cached.network_jacobians(paths, exp)


@pytest.mark.workflow
def test_a_record_naming_another_file_is_refused(networks):
    # network1's jacobian file and record both copied as network2's, and the
    # record's digest matching: only the path it names tells.
    import json
    import shutil

    from glorot import cached, provenance

    dest = networks / "standard/networks2-2_jacobian.csv"
    shutil.copy(networks / "standard/networks1-1_jacobian.csv", dest)
    rewrite(dest, lambda table: table.__setitem__("network", 2))
    record = json.loads(
        (networks / "standard/networks1-1_jacobian.csv.prov").read_text()
    )
    record["sha256"] = provenance.file_digest(dest)
    Path(f"{dest}.prov").write_text(json.dumps(record))
    paths = sorted(str(p) for p in networks.rglob("*_jacobian.csv"))
    exp = check(tiny(), SCHEMA)["experiments"]["tiny"]
    with pytest.raises(cached.DamagedFile, match="is a copy of .*networks1-1_jacobian"):
        cached.network_jacobians(paths, exp)


@pytest.mark.workflow
def test_a_missing_record_is_refused(networks):
    from glorot import cached

    (networks / "normalized/networks0-0_minibatch.csv.prov").unlink()
    paths = sorted(str(p) for p in networks.rglob("*_minibatch.csv"))
    exp = check(tiny(), SCHEMA)["experiments"]["tiny"]
    with pytest.raises(cached.DamagedFile, match="no provenance record"):
        cached.network_minibatch(paths, exp)


@pytest.mark.workflow
def test_a_directory_where_a_cached_file_belongs_is_a_damaged_file(networks):
    from glorot import cached

    path = networks / "standard/networks1-1_moments.csv"
    path.unlink()
    path.mkdir()
    paths = sorted(str(p) for p in networks.rglob("*_moments.csv"))
    exp = check(tiny(), SCHEMA)["experiments"]["tiny"]
    with pytest.raises(cached.DamagedFile) as error:
        cached.network_moments(paths, exp)
    assert str(path) in str(error.value) and "IsADirectoryError" in str(error.value)


@pytest.mark.workflow
def test_more_networks_redo_no_finished_job(clean, tmp_path):
    """An extension: the finished per-network files stay valid (their params
    and provenance records do not hold the number of networks) and are not
    redone."""
    import shutil

    source, _ = clean
    workdir = tmp_path / "run"
    shutil.copytree(source, workdir, symlinks=True)
    finished = workdir / "results/tiny/networks/standard/networks1-1_moments.csv"
    before = finished.stat().st_mtime_ns
    more = tiny()
    more["experiments"]["tiny"]["networks"] = 4
    copy_workflow(workdir, more)
    snakemake(workdir, "--cores", "2", *TABLES)
    assert finished.stat().st_mtime_ns == before, "a finished job was redone"
    assert (workdir / "results/tiny/networks/standard/networks3-3_moments.csv").exists()


@pytest.mark.workflow
def test_a_config_change_with_snakemake_metadata_gone_is_refused(clean, tmp_path):
    """With .snakemake/ deleted and --rerun-triggers mtime (as on shared
    cluster file systems), another seed makes every table stale: Snakemake
    finds nothing to redo, and the run ends refusing them by name, with the
    rule that remakes them."""
    import shutil

    source, _ = clean
    workdir = tmp_path / "run"
    shutil.copytree(source, workdir, symlinks=True)
    shutil.rmtree(workdir / ".snakemake")
    reseeded = tiny()
    reseeded["seed"] = 8
    copy_workflow(workdir, reseeded)
    mtime = ["--rerun-triggers", "mtime"]
    result = snakemake(workdir, "--cores", "2", *mtime, check=False)
    assert result.returncode != 0, "stale tables accepted"
    log = (workdir / "results/logs/all.log").read_text()
    assert (
        "networks1-1_moments.csv: was made with seed = 7, the config now says 8" in log
    )
    assert "--forcerun measure" in log, log


@pytest.mark.workflow
def test_a_truncated_final_table_is_not_drawn(clean, tmp_path):
    # The pooled histograms cut after a whole line: Figure 6 was redrawn with
    # an empty panel, exit 0.
    import shutil

    source, _ = clean
    workdir = tmp_path / "run"
    shutil.copytree(source, workdir, symlinks=True)
    path = workdir / "results/tiny/histograms.csv"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[: len(lines) // 2]))
    target = "results/figures/tiny/figure6.png"
    result = snakemake(workdir, "--cores", "1", target, check=False)
    assert result.returncode != 0, "a truncated table was drawn"
    log = workdir / "results/logs/tiny/figure_layer_histograms/figure6.log"
    text = log.read_text() if log.exists() else result.stdout + result.stderr
    assert "results/tiny/histograms.csv" in text and "delete it" in text, text
    assert not (workdir / target).exists()


@pytest.mark.workflow
def test_an_edited_selection_is_not_made_into_table1(trained, tmp_path):
    # Table 1 lost a model when selection.csv was edited.
    import shutil

    source, _ = trained
    workdir = tmp_path / "run"
    shutil.copytree(source, workdir, symlinks=True)
    rewrite(
        workdir / "results/training/selection.csv",
        lambda table: table.__setitem__("selected", False),
    )
    (workdir / "results/training/table1.csv").unlink()
    result = snakemake(
        workdir, "--cores", "1", "results/training/table1.csv", check=False
    )
    assert result.returncode != 0, "an edited selection.csv was used"
    log = (workdir / "results/logs/training/table1.log").read_text()
    assert "results/training/selection.csv" in log and "bytes are not" in log, log


@pytest.mark.workflow
def test_an_edited_final_test_error_is_refused(trained, tmp_path):
    # A run's final test_error set to 0.1: Table 1 printed 10%.
    import shutil

    from glorot import cached

    source, _ = trained
    runs = tmp_path / "results/training/runs"
    shutil.copytree(source / "results/training/runs", runs)
    path = tmp_path / f"{RUN}.csv"
    training = check(tiny(seeds=[0]), SCHEMA)["training"]

    def test_error_01(table):
        last = table.index[table["quantity"] == "test_error"][-1]
        table.loc[last, "value"] = 0.1

    rewrite(path, test_error_01)
    with pytest.raises(cached.DamagedFile, match="bytes are not those"):
        cached.training_curves([str(path)], training)


def test_a_checkpoint_with_edited_weights_is_not_resumed(sets, tmp_path, caplog):
    # Weights x1.05 in the last checkpoint: the run resumed from it ("resuming"
    # in the log) and its tables changed. Now it is set aside like an
    # unreadable one, and the run ends with the bytes of an uninterrupted run.
    import logging

    import numpy as np

    from glorot import training

    run = training.Run(**TINY_RUN)
    expected = run_bytes(training.train(run, *sets), tmp_path, "whole")
    checkpoint = tmp_path / "run.npz"
    training.train(run, *sets, checkpoint=checkpoint, stop_after=230)
    with np.load(checkpoint) as data:
        arrays = {key: data[key] for key in data.files}
    arrays["weights_0"] = arrays["weights_0"] * np.float32(1.05)
    np.savez(checkpoint, **arrays)
    caplog.set_level(logging.INFO)
    resumed = training.train(run, *sets, checkpoint=checkpoint)
    assert run_bytes(resumed, tmp_path, "resumed") == expected
    assert (tmp_path / "run.corrupt-1.npz").exists()
    assert "set aside" in caplog.text


def test_a_training_seed_beyond_int64_is_read_back(sets, tmp_path):
    # A run of seed 2^63 finished, then the selection step called its own
    # tables damaged (int64 overflow), and deleting them looped forever.
    from glorot import cached, training

    try:
        from glorot import provenance
    except ImportError:  # main, before the provenance records
        provenance = None
    run = training.Run(**{**TINY_RUN, "run_seed": 2**63, "updates": 80})
    directory = tmp_path / "results/training/runs/tanh_normalized"
    directory.mkdir(parents=True)
    curves = directory / f"lr0.05_seed{2**63}.csv"
    histograms = directory / f"lr0.05_seed{2**63}_histograms.csv"
    training.train(run, *sets).write(curves, histograms)
    if provenance is not None:
        provenance.seal(curves, rule="train")
        provenance.seal(histograms, rule="train")
    config = {
        "hidden_widths": list(run.widths[1:-1]),
        "updates": run.updates,
        "eval_every": run.eval_every,
        "test_examples": run.test_examples,
        "histograms": {"bins": run.histogram_bins, "range": [-1.0, 1.0]},
    }
    table = cached.training_curves([str(curves)], config)
    assert set(table["seed"]) == {2**63}
    cached.training_histograms([str(histograms)], config, curves=table)
    selection = training.select_learning_rates(training.final_values(table))
    assert selection["selected"].any()


def test_float64_overflow_in_predict_gets_the_float_limit_message():
    from glorot import limits, predict, theory

    widths = [5] * 1100 + [3]  # He doubles the variance per layer: 2^1100
    moments = theory.InputMoments.gaussian(widths[0])
    with pytest.raises(limits.OverflowInNetwork, match="float64's largest number"):
        predict.prediction_table(widths, ["he"], ["linear"], moments)


def test_float32_overflow_in_measure_is_found_by_value():
    from glorot import initializers, inputs, limits, measure

    config = check(tiny(), SCHEMA)
    exp = {**config["experiments"]["tiny"], "widths": [5] * 401 + [3]}
    exp["inits"], exp["activations"] = ["he"], ["linear"]
    weights = initializers.for_network(exp, 7, "huge", "he", 0)
    source = inputs.for_network(exp, 7, "huge", 0)
    with pytest.raises(limits.ValuesNotFinite):
        measure.measure_network(weights, source, "linear", 10)


# A job whose log is opened, then another process fills the disk, then the
# job logs and writes its table.
FULL_DISK = r"""
import sys
import pandas as pd
from glorot import workflow_io
directory = sys.argv[1]
log = workflow_io.start(f"{directory}/job.log", 1)
try:
    with open(f"{directory}/filler", "wb") as handle:
        while True:
            handle.write(b"x" * 4096)
            handle.flush()
except OSError:
    pass
log.info("started")
workflow_io.write_table(pd.DataFrame({"x": range(1000)}), f"{directory}/table.csv")
"""


def test_a_full_disk_is_named_in_the_jobs_log(tmp_path):
    """The log opened first, then the disk (a 256 kB tmpfs) full: the job's
    log keeps its lines and says "no space left", naming the file (it was
    empty)."""
    import shutil
    import subprocess
    import sys

    if shutil.which("unshare") is None:
        pytest.skip("needs unshare to mount a small tmpfs")
    directory = tmp_path / "disk"
    directory.mkdir()
    script = tmp_path / "job.py"
    script.write_text(FULL_DISK)
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", f"mount -t tmpfs -o size=256k t {directory}"],
        capture_output=True,
    )
    if probe.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    command = (
        f"mount -t tmpfs -o size=256k t {directory} && "
        f"{sys.executable} {script} {directory}; echo LOG; cat {directory}/job.log"
    )
    result = subprocess.run(
        ["unshare", "-rm", "sh", "-c", command], capture_output=True, text=True
    )
    log = result.stdout.split("LOG\n", 1)[1]
    assert "started" in log, result
    assert f"no space left on device writing {directory}/table.csv" in log, log
