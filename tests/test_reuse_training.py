"""What extending the training grid reruns (docs/reuse.md): a finished run of
a small config, then dry runs of extended configs and their job lists.

A run's params hold only the settings of every run (glorot.training.run
RUN_KEYS), so adding a model, a learning rate or a seed plans the new runs
and what pools them. One exception, with ``shared_stream: true``: a seed's
stored stream is deleted when its last run ends, so a new run of an old seed
regenerates it, and Snakemake reruns every job reading a file that is
regenerated: the finished runs of that seed too."""

import copy

import pytest
import yaml

from workflow_helpers import (
    TINY_EXPERIMENT,
    copy_workflow,
    planned_jobs,
    snakemake,
    tiny_config,
)

pytestmark = pytest.mark.workflow


# What pools the runs (the figures cost time and add nothing here).
TARGET = "results/training/table1.csv"


def small(shared_stream=False):
    training = tiny_config()["training"]
    training.update(
        models=[{"activation": "tanh", "init": "standard"}],
        learning_rates=[0.1],
        seeds=[0],
        shared_stream=shared_stream,
    )
    return {"seed": 3, "experiments": {"tiny": TINY_EXPERIMENT}, "training": training}


def planned(workdir, config):
    """rule -> number of jobs a dry run plans under ``config``."""
    with open(workdir / "config" / "config.yaml", "w") as handle:
        yaml.safe_dump(config, handle, sort_keys=False)
    return planned_jobs(snakemake(workdir, "-n", "--cores", "1", TARGET).stdout)


def finished_run(tmp_path_factory, shared_stream):
    config = small(shared_stream)
    workdir = copy_workflow(tmp_path_factory.mktemp("reuse") / "clone", config)
    snakemake(workdir, "--cores", "2", TARGET)
    assert planned(workdir, config) == {}
    return workdir


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    return finished_run(tmp_path_factory, shared_stream=False)


@pytest.fixture(scope="module")
def finished_shared(tmp_path_factory):
    return finished_run(tmp_path_factory, shared_stream=True)


@pytest.mark.parametrize(
    "edit, new_runs",
    [
        (lambda t: t.update(learning_rates=[0.1, 0.05]), 1),
        (lambda t: t.update(seeds=[0, 1]), 1),
        (lambda t: t["models"].append({"activation": "tanh", "init": "normalized"}), 1),
        (lambda t: t.update(learning_rates=[0.1, 0.05], seeds=[0, 1]), 3),
    ],
)
def test_extending_the_grid_runs_only_the_new_runs(finished, edit, new_runs):
    config = small()
    edit(config["training"])
    jobs = planned(finished, config)
    assert jobs.get("train") == new_runs, jobs
    # Besides the runs, only what pools them.
    assert set(jobs) <= {"train", "training_selection", "training_table1"}, jobs


def test_a_setting_of_every_run_reruns_every_run(finished):
    config = copy.deepcopy(small())
    config["training"]["updates"] += 20
    assert planned(finished, config).get("train") == 1


def test_shared_stream_a_new_seed_runs_alone_a_new_rate_reruns_its_seed(
    finished_shared,
):
    config = small(shared_stream=True)
    config["training"]["seeds"] = [0, 1]
    jobs = planned(finished_shared, config)
    assert jobs.get("train") == 1 and jobs.get("training_stream") == 1, jobs
    config = small(shared_stream=True)
    config["training"]["learning_rates"] = [0.1, 0.05]
    jobs = planned(finished_shared, config)
    # The new run and the finished run of seed 0, whose stream is regenerated.
    assert jobs.get("train") == 2 and jobs.get("training_stream") == 1, jobs
