"""Run copies of the workflow on small configs in temporary directories."""

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = Path(sys.executable).with_name("snakemake")
# The tiny config of the tests and CI: every stage in about a minute.
TEST_CONFIG_PATH = ROOT / ".test" / "config" / "config.yaml"


# The smallest experiment that runs every per-network stage: two networks of
# one activation and init on Gaussian inputs.
TINY_EXPERIMENT = {
    "widths": [10, 8, 3],
    "activations": ["tanh"],
    "inits": ["standard"],
    "input": "gaussian",
    "examples": 20,
    "networks": 2,
}


def tiny_config():
    """A fresh copy of the tiny config (.test/config/config.yaml)."""
    with open(TEST_CONFIG_PATH) as handle:
        return yaml.safe_load(handle)


def copy_workflow(dest, config):
    """A runnable copy of the workflow in ``dest`` with ``config`` as its config."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "Snakefile", dest)
    # The profiles too, so that a copy runs like a fresh clone.
    shutil.copytree(ROOT / "profiles", dest / "profiles", dirs_exist_ok=True)
    shutil.copytree(
        ROOT / "workflow",
        dest / "workflow",
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (dest / "config").mkdir(exist_ok=True)
    with open(dest / "config" / "config.yaml", "w") as handle:
        yaml.safe_dump(config, handle, sort_keys=False)
    return dest


# SLURM's client commands. Where they are installed but no controller
# answers (a test SLURM that is not running), snakemake's SLURM executor
# plugin runs `scontrol show config` at every start, even for a local run,
# and waits about 9 s for it; the workflow tests run locally, so they run
# without these commands (tests/test_slurm.py runs its own snakemake).
SLURM_COMMANDS = {
    "sacct",
    "sacctmgr",
    "salloc",
    "sattach",
    "sbatch",
    "sbcast",
    "scancel",
    "scontrol",
    "scrontab",
    "sdiag",
    "sinfo",
    "sprio",
    "squeue",
    "sreport",
    "srun",
    "sshare",
    "sstat",
    "strigger",
    "sview",
}


def path_without_slurm(path, shadow):
    """``path`` with each directory that holds ``sbatch`` replaced by a copy
    of it in ``shadow`` made of links to everything but SLURM's commands
    (dropping the directory itself would drop /usr/bin, `which` with it)."""
    dirs = []
    for k, d in enumerate(path.split(os.pathsep)):
        if d and (Path(d) / "sbatch").exists():
            mirror = Path(shadow) / str(k)
            mirror.mkdir(parents=True, exist_ok=True)
            for entry in Path(d).iterdir():
                link = mirror / entry.name
                if entry.name not in SLURM_COMMANDS and not link.exists():
                    link.symlink_to(entry)
            d = str(mirror)
        dirs.append(d)
    return os.pathsep.join(dirs)


_local_environment = None


def local_environment():
    """This process's environment with SLURM's commands out of PATH, built
    once per test session."""
    global _local_environment
    if _local_environment is None:
        shadow = tempfile.mkdtemp(prefix="glorot-path-")
        atexit.register(shutil.rmtree, shadow, ignore_errors=True)
        path = path_without_slurm(os.environ.get("PATH", ""), shadow)
        _local_environment = {**os.environ, "PATH": path}
    return _local_environment


def snakemake(workdir, *args, check=True, timeout=900):
    result = subprocess.run(
        [str(SNAKEMAKE), *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=local_environment(),
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"snakemake {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        )
    return result


def csv_files(workdir):
    """Relative path -> bytes of every CSV under results/."""
    results = Path(workdir) / "results"
    return {
        str(p.relative_to(results)): p.read_bytes()
        for p in sorted(results.rglob("*.csv"))
    }


def planned_jobs(output):
    """rule -> number of jobs, from the "Job stats" table of a dry run's
    output (empty when nothing is to be done). Rule `all` is left out: it has
    no output and runs every time (the provenance check at the end of every
    run, docs/guarantees.md), so a finished run plans it alone."""
    jobs, inside = {}, False
    for line in output.splitlines():
        parts = line.split()
        if line.startswith("Job stats:"):
            inside = True
        elif inside and parts[:1] == ["total"]:
            break
        elif inside and len(parts) == 2 and parts[1].isdigit():
            if parts[0] != "all":
                jobs[parts[0]] = int(parts[1])
    return jobs
