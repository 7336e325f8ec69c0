"""Rule plot_shapeset_samples: a grid of Shapeset-3x2 images titled with their
class, like the paper's Figure 1.

Every class is shown when the split holds one: the first image of each class
is taken, then the next images in the split's order fill the grid, and the
grid is sorted by class so that titles read as a catalogue.
"""

import matplotlib.pyplot as plt
import numpy as np

from glorot import plotting, shapeset  # plotting: the Agg backend and the style
from glorot.workflow_io import seal
from job import start_job


def choose_examples(labels, count):
    """Indices of ``count`` images: the first of each class, then the rest in
    order, sorted by class (stable, so the split's order breaks ties)."""
    classes = range(len(shapeset.CLASS_NAMES))
    first_of_class = np.concatenate([np.flatnonzero(labels == c)[:1] for c in classes])
    rest = np.setdiff1d(np.arange(len(labels)), first_of_class)
    chosen = np.concatenate([first_of_class, rest])[:count]
    return chosen[np.argsort(labels[chosen], kind="stable")]


def title(label):
    """Class name on at most two lines, so long pair names fit a narrow panel."""
    return shapeset.CLASS_NAMES[label].replace("+", " +\n")


def sample_grid(images, labels, rows, columns):
    """Figure of ``rows x columns`` images in grey levels with class titles."""
    side = shapeset.IMAGE_SIZE
    # Show [-1, 1] images (the neg option) on the same grey scale as [0, 1] ones.
    low = -1.0 if images.min() < 0 else 0.0
    plotting.apply_style()
    fig, axes = plt.subplots(rows, columns, figsize=(1.5 * columns, 1.9 * rows))
    for ax, image, label in zip(axes.flat, images, labels):
        ax.imshow(image.reshape(side, side), cmap="gray", vmin=low, vmax=1.0)
        ax.set_title(title(label), fontsize=8, linespacing=1.0)
    for ax in axes.flat:
        ax.set_axis_off()
    fig.tight_layout(pad=0.3, h_pad=1.0, w_pad=0.3)
    return fig


log = start_job(snakemake)
rows, columns = int(snakemake.params.rows), int(snakemake.params.columns)
with np.load(snakemake.input[0]) as data:
    images, labels = data["images"], data["labels"]
chosen = choose_examples(labels, rows * columns)
fig = sample_grid(images[chosen], labels[chosen], rows, columns)
fig.savefig(snakemake.output.png, dpi=150)
# A fixed creation date keeps the PDF bytes the same from run to run.
fig.savefig(snakemake.output.pdf, metadata={"CreationDate": None})
seal(snakemake.output.png)
seal(snakemake.output.pdf)
log.info("%d images, classes %s", len(chosen), sorted(set(labels[chosen].tolist())))
