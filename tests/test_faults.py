"""Faults a new user or a tired cluster user meets (issue: "no silent wrong
result"): a value that is not what its key means, a damaged cached file, a
damaged checkpoint, float32's limits, a killed run, two runs at once. Each ends
either in one clear message or in the tables a clean run gives; never exit code
0 with other numbers."""

import copy
import math

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
def test_the_reader_of_cached_files_names_a_damaged_one(kind, damage, clean, tmp_path):
    """Every kind of per-network file, every kind of damage: refused with
    the file's name and how to redo it (the readers every pooling rule uses)."""
    import shutil

    from glorot import cached
    from glorot.config import check

    source, _ = clean
    name, reader, maker = KINDS[kind]
    if damage is another_network:
        name = name.replace("networks1-1", "networks2-2")
        name = name.replace("networks0-0", "networks2-2")
    networks = tmp_path / "results/tiny/networks"
    shutil.copytree(source / "results/tiny/networks", networks)
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
    path = tmp_path / "predictions.csv"
    shutil.copy(source / "results/tiny/predictions.csv", path)
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

    training = check(tiny(seeds=[0]), SCHEMA)["training"]
    path = tmp_path / f"{RUN}.csv"
    diverged_run_table(path, training, stop=35)
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
def test_a_negative_variance_in_a_cached_file_is_refused(kind, column, clean, tmp_path):
    # A finite number in every cell, the right rows and counts: only the sign
    # of one variance is wrong, and it was read.
    import shutil

    import pandas as pd

    from glorot import cached

    source, _ = clean
    name, reader, _ = KINDS[kind]
    networks = tmp_path / "results/tiny/networks"
    shutil.copytree(source / "results/tiny/networks", networks)
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
