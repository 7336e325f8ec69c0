"""Rule derivation: render docs/derivation.md with the workflow's numbers."""

import jinja2
import pandas as pd

from glorot import derivation
from glorot.workflow_io import start

log = start(snakemake.log[0], snakemake.threads)
bounds = pd.read_csv(snakemake.input.bounds)
paper = pd.read_csv(snakemake.input.paper)
assumptions = pd.read_csv(snakemake.input.assumptions)
bounds_exp, paper_exp = snakemake.params.bounds, snakemake.params.paper
d_bounds = len(bounds_exp["widths"]) - 2
d_paper = len(paper_exp["widths"]) - 2

with open(snakemake.input.template) as handle:
    template = jinja2.Template(handle.read(), undefined=jinja2.StrictUndefined)
text = template.render(
    bounds_widths=derivation.widths_text(bounds_exp["widths"]),
    bounds_networks=bounds_exp["networks"],
    bounds_examples=bounds_exp["examples"],
    paper_widths=derivation.widths_text(paper_exp["widths"]),
    verdict_eq6=derivation.verdict_text(bounds, "backprop_gradient"),
    verdict_eq7=derivation.verdict_text(bounds, "weight_gradient"),
    table_eq6=derivation.bounds_markdown(bounds, "backprop_gradient"),
    table_eq7=derivation.bounds_markdown(bounds, "weight_gradient"),
    top_gradient=derivation.top_gradient_text(bounds),
    eq14_unequal=derivation.eq14_text(
        bounds, "linear", "standard", list(range(d_bounds)), "Unequal widths, experiment `bounds`"
    ),
    eq14_paper=derivation.eq14_text(
        paper, "tanh", "standard", list(range(d_paper)), "Equal widths, experiment `paper`"
    ),
    table_assumptions=derivation.assumptions_markdown(assumptions, "tanh"),
)
with open(snakemake.output[0], "w") as handle:
    handle.write(text)
log.info("wrote %s", snakemake.output[0])
