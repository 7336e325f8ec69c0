"""Rule all: the provenance of every target, and of every file each was made
from, against this run's config (glorot.provenance.check_tree). Runs at the
end of every run, so that exit code 0 means the tables are this config's even
when nothing was redone."""

from glorot import provenance
from job import start_job

log = start_job(snakemake)
problems = provenance.check_tree(snakemake.input, snakemake.config)
for path, rule, what in problems:
    log.error(
        "%s: %s. Delete it and rerun snakemake, which remakes it (or rerun with "
        "--forcerun %s to redo every %s job).",
        path,
        what,
        rule,
        rule,
    )
if problems:
    raise SystemExit(
        f"{len(problems)} files are not what this config makes (first: "
        f"{problems[0][0]}: {problems[0][2]}); see {snakemake.log[0]}"
    )
log.info(
    "%d targets and the files they were made from: provenance checked",
    len(snakemake.input),
)
