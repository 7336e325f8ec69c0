"""Rule spectrum_doc: the generated blocks of docs/spectrum.md (eq. (17)
predicted; the spectrum and finite-width slices; the experiments' predicted
standard errors) and of the README's
spectrum paragraph (glorot.study_docs)."""

from glorot import cached, study_docs
from glorot.derivation import splice_file
from job import start_job

log = start_job(snakemake)
inputs, params = snakemake.input, snakemake.params
paper = cached.final_table(inputs.paper_jacobian) if inputs.paper_jacobian else None
bounds = cached.final_table(inputs.bounds_jacobian) if inputs.bounds_jacobian else None
spectrum = cached.final_table(inputs.spectrum)
finite_width = cached.final_table(inputs.finite_width)
standard_errors = {
    name: cached.final_table(path)
    for name, path in zip(params.experiments, inputs.standard_errors)
}


def marked(block):
    return study_docs.markers(snakemake.rule, block)


eq17 = study_docs.eq17_markdown(paper, bounds) if paper is not None else None
readme = study_docs.spectrum_readme(spectrum, finite_width)
if paper is not None:
    readme = study_docs.eq17_readme(paper) + " " + readme
if "paper" in standard_errors:
    readme += " " + study_docs.standard_errors_readme(
        "paper", standard_errors["paper"], params.standard_error_margin
    )
pages = {
    params.doc: {
        marked("eq17"): eq17 or study_docs.NO_EQ17,
        marked("slices"): study_docs.slices_markdown(
            spectrum,
            finite_width,
            params.spectrum_margin,
            params.finite_width_margin,
        ),
        marked("standard_errors"): study_docs.standard_errors_markdown(
            standard_errors, params.standard_error_margin
        ),
    },
    params.readme: {marked("readme"): readme},
}
for path, blocks in pages.items():
    if splice_file(path, blocks):
        log.info("%s: generated blocks updated", path)
