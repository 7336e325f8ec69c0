#!/usr/bin/env bash
# Installs the glorot library into the conda environment of glorot.yaml, once,
# right after Snakemake creates it (`--sdm conda`). Snakemake runs a copy of
# this script from .snakemake/conda/, so the repository is found through
# GLOROT_ROOT, which workflow/rules/common.smk sets to the repository holding
# the Snakefile (also when the workflow is used as a module from elsewhere).
# Editable: the environment follows the repository's src/ without a rebuild.
set -euo pipefail
: "${GLOROT_ROOT:?not set: run this through the workflow (snakemake --sdm conda)}"
python -m pip install --quiet --no-deps --no-build-isolation -e "$GLOROT_ROOT"
