"""Run copies of the workflow on small configs in temporary directories."""

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = Path(sys.executable).with_name("snakemake")
# The tiny config of the tests and CI: every stage in about a minute.
TEST_CONFIG_PATH = ROOT / ".test" / "config" / "config.yaml"


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


def snakemake(workdir, *args, check=True, timeout=900):
    result = subprocess.run(
        [str(SNAKEMAKE), *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=timeout,
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
