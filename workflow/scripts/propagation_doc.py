"""Rule propagation_doc: the generated blocks of docs/propagation.md (the
default run's verdicts; trainability against depth) and of the README's
depth paragraph, from the depth study's tables (glorot.study_docs)."""

from glorot import cached, study_docs
from glorot.derivation import splice_file
from job import start_job

log = start_job(snakemake)
SIGMAS = {"sigma_w2": str, "sigma_b2": str}
inputs, params = snakemake.input, snakemake.params
depth_scales = cached.final_table(inputs.depth_scales, dtype=SIGMAS)
critical_line = cached.final_table(inputs.critical_line, dtype={"sigma_b2": str})
propagation = cached.final_table(inputs.propagation, dtype=SIGMAS)
run = params.propagation.get("trainability")
table = cached.final_table(inputs.trainability, dtype=SIGMAS) if run else None


def marked(block):
    return study_docs.markers(snakemake.rule, block)


pages = {
    params.doc: {
        marked("default run"): study_docs.default_run_markdown(
            depth_scales,
            critical_line,
            propagation,
            study_docs.propagation_setting(params.propagation),
        ),
        marked("trainability"): (
            study_docs.trainability_block(table, run)
            if run
            else study_docs.NO_TRAINABILITY
        ),
    },
    params.readme: {
        marked("readme"): study_docs.propagation_readme(
            depth_scales, critical_line, table
        ),
    },
}
for path, blocks in pages.items():
    if splice_file(path, blocks):
        log.info("%s: generated blocks updated", path)
