"""Rule agreement_doc: docs/agreement.md (the verdicts of every prediction
per experiment, with their resolution) and the generated block of the page
the rule names (params.readme: README.md's "What it shows")."""

import jinja2

from glorot import cached
from glorot import derivation as dv
from job import start_job

log = start_job(snakemake)
margin = snakemake.params.margin


def render(path, **context):
    with open(path) as handle:
        template = jinja2.Template(handle.read(), undefined=jinja2.StrictUndefined)
    return template.render(**context)


experiments = {}
for name, path in zip(snakemake.params.names, snakemake.input.agreement):
    exp = snakemake.params.experiments[name]
    experiments[name] = {
        "widths": dv.widths_text(exp["widths"]),
        "input": dv.input_text(exp),
        "networks": exp["networks"],
        "examples": exp["examples"],
        "coverage": dv.coverage_context(cached.final_table(path), margin),
    }
with open(snakemake.output[0], "w") as handle:
    handle.write(
        render(
            snakemake.input.template,
            criterion=dv.criterion_text(margin),
            margin=f"{margin:.0%}",
            experiments=experiments,
        )
    )

# The README's block: numbers of the paper and bounds experiments.
paper = cached.final_table(snakemake.input.paper)
d = int(paper["layer"].max())
eq14_weight, eq14_back = dv.weight_gradient_spread(
    paper, "tanh", "standard", list(range(d))
)
paper_ratios = cached.final_table(snakemake.input.paper_ratios)
top = paper_ratios[
    (paper_ratios["activation"] == "tanh")
    & (paper_ratios["init"] == "standard")
    & (paper_ratios["quantity"] == "weight_gradient")
    & (paper_ratios["layer"] == d - 1)
]["measured"].iloc[0]
corrected, printed, ratios_resolution = dv.ratio_counts(
    cached.final_table(snakemake.input.bounds_ratios)
)
block = render(
    snakemake.input.readme_template,
    margin=f"{margin:.0%}",
    ratios_resolution=ratios_resolution,
    paper=experiments["paper"]["coverage"],
    paper_input=experiments["paper"]["input"],
    bounds=experiments["bounds"]["coverage"],
    ratios_corrected=corrected,
    ratios_printed=printed,
    d=d,
    d_minus_1=d - 1,
    eq14_weight=eq14_weight,
    eq14_back=eq14_back,
    top_step=f"{1 / top:.3g}",
)
target = snakemake.params.readme
if dv.splice_file(target, {(dv.README_BEGIN, dv.README_END): block}):
    log.info("%s: generated block updated", target)
log.info("wrote %s", snakemake.output[0])
