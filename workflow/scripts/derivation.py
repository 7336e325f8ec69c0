"""Rule derivation: render docs/derivation.md with the workflow's numbers."""

import jinja2

from glorot import cached
from glorot import derivation as dv
from job import start_job

log = start_job(snakemake)
tables = {
    name: cached.final_table(path)
    for name, path in snakemake.input.items()
    if name != "template"
}
bounds, paper = tables["bounds"], tables["paper"]
bounds_exp, paper_exp = snakemake.params.bounds, snakemake.params.paper
d_bounds = len(bounds_exp["widths"]) - 2
d_paper = len(paper_exp["widths"]) - 2
paper_assumptions = tables["paper_assumptions"]

with open(snakemake.input.template) as handle:
    template = jinja2.Template(handle.read(), undefined=jinja2.StrictUndefined)
text = template.render(
    criterion=dv.criterion_text(snakemake.params.margin),
    bounds_widths=dv.widths_text(bounds_exp["widths"]),
    bounds_networks=bounds_exp["networks"],
    bounds_examples=bounds_exp["examples"],
    paper_widths=dv.widths_text(paper_exp["widths"]),
    paper_input=dv.input_text(paper_exp),
    bounds_input=dv.input_text(bounds_exp),
    f_prime_table=dv.f_prime_markdown(paper_assumptions),
    forward_bounds=dv.assumption_range(
        tables["bounds_assumptions"], "forward_independence"
    ),
    forward_paper=dv.assumption_range(paper_assumptions, "forward_independence"),
    forward_paper_hidden=dv.assumption_range(
        paper_assumptions[paper_assumptions["layer"] < d_paper], "forward_independence"
    ),
    forward_inside_bounds=dv.ideal_inside_text(
        tables["bounds_assumptions"], "forward_independence"
    ),
    forward_inside_paper=dv.ideal_inside_text(
        paper_assumptions, "forward_independence"
    ),
    x2_over_var=f"{dv.input_second_moment_ratio(paper_assumptions, 'tanh'):.3g}",
    gradient_mean_share_max=dv.assumption_max(
        paper_assumptions, "backprop_gradient_mean_share"
    ),
    backward_bounds=dv.assumption_range(
        tables["bounds_assumptions"], "backward_independence"
    ),
    backward_paper=dv.backward_text(paper_assumptions),
    backward_paper_per_example=dv.backward_text(
        paper_assumptions, "backward_independence_per_example"
    ),
    softsign_f_prime=dv.assumption_range(
        paper_assumptions,
        "mean_f_prime",
        activation="softsign",
        init="standard",
        layer=0,
    ),
    top_bounds=dv.top_layer_markdown(bounds, "linear", bounds_exp["widths"][-1]),
    top_paper=dv.top_layer_markdown(paper, "tanh", paper_exp["widths"][-1]),
    product_layer0=dv.assumption_range(
        paper_assumptions, "weight_gradient_product", activation="tanh", layer=0
    ),
    square_layer0=dv.assumption_range(
        paper_assumptions, "square_independence", activation="tanh", layer=0
    ),
    square_tanh=dv.assumption_range(
        paper_assumptions[paper_assumptions["layer"] >= 1],
        "square_independence",
        activation="tanh",
    ),
    minibatch_size=snakemake.params.minibatch_size,
    minibatch_table=dv.minibatch_markdown(tables["paper_minibatch"], "tanh"),
    minibatch_paper_range=dv.minibatch_range(tables["paper_minibatch"]),
    minibatch_bounds_range=dv.minibatch_range(tables["bounds_minibatch"]),
    minibatch_paper_spread=dv.minibatch_layer_spread(tables["paper_minibatch"]),
    last_weight_gradient=dv.last_weight_gradient_markdown(
        tables["paper_ratios"], "tanh"
    ),
    eq14_paper=dv.eq14_text(
        paper,
        "tanh",
        "standard",
        list(range(d_paper)),
        "Measured in experiment `paper`",
    ),
    eq14_unequal=dv.eq14_text(
        bounds, "linear", "standard", list(range(d_bounds)), "In experiment `bounds`"
    ),
    differ_eq6=dv.readings_differ_text(bounds, "backprop_gradient"),
    differ_eq7=dv.readings_differ_text(bounds, "weight_gradient"),
    verdict_eq6=dv.ratio_verdict(tables["bounds_ratios"], "backprop_gradient"),
    verdict_eq7=dv.ratio_verdict(tables["bounds_ratios"], "weight_gradient"),
    ratio_eq6=dv.ratio_markdown(tables["bounds_ratios"], "backprop_gradient"),
    ratio_eq7=dv.ratio_markdown(tables["bounds_ratios"], "weight_gradient"),
    nearer_printed=dv.nearer_text(bounds),
    table_eq6=dv.bounds_markdown(bounds, "backprop_gradient"),
    table_eq7=dv.bounds_markdown(bounds, "weight_gradient"),
    coverage_bounds=dv.coverage_markdown(tables["bounds_agreement"]),
    coverage_paper=dv.coverage_markdown(tables["paper_agreement"]),
    table_assumptions=dv.assumptions_markdown(paper_assumptions, "tanh"),
)
with open(snakemake.output[0], "w") as handle:
    handle.write(text)
log.info("wrote %s", snakemake.output[0])
