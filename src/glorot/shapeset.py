"""Shapeset-3x2, the synthetic data of Glorot & Bengio (2010), Section 2.1.

Each 32x32 grey-level image holds one or two objects, each a triangle, a
parallelogram or an ellipse; the label is the configuration of object kinds
regardless of order (9 classes, ``CLASS_NAMES``). The paper and the original
generator's example parameters fix: the image size, the three kinds and their
vertex counts (3, 4 and a 20-vertex polygon for the ellipse), scaling between
0.2 and 0.8 of the image size, rotation over a full turn, translation keeping
the object inside, a second object covering at most 50% of the first,
foreground grey in [0.55, 1], background in [0, 0.45] with the two ranges
swapped with probability 1/2, and pixels in [0, 1] (or [-1, 1] with ``neg``).

The choices the paper leaves open, made here (docs/shapeset.md lists them):

- Number of objects and kinds: 1 or 2 objects with probability 1/2 each, each
  kind uniform and independent, so single-object classes have probability 1/6,
  mixed pairs 1/9 and same-kind pairs 1/18 (``CLASS_PROBABILITIES``).
- Deformation: every object is an affine image of its kind's canonical shape
  (equilateral triangle, square, circle as a regular 20-gon, all inscribed in
  the unit circle). Affine maps are exactly the maps that keep a triangle a
  triangle, a parallelogram a parallelogram and an ellipse an ellipse. The
  deformation is an axis stretch by ``aspect`` ~ U(ASPECT_RANGE) along y
  followed by a shear ``x += shear * y`` with ``shear`` ~ U(SHEAR_RANGE); the
  bounds keep every object at least about half as thick as it is long, so
  even the smallest object covers several pixels.
- Rotation: angle ~ U[0, 2 pi), applied after the deformation.
- Scaling: the longer side of the object's axis-aligned bounding box (after
  deformation and rotation) is ``scale * 32`` with ``scale`` ~ U(0.2, 0.8).
- Translation: the bounding box is placed uniformly among the positions
  that keep it inside the image.
- Grey levels: one background grey per image and one foreground grey per
  object, all independent and uniform in their ranges. Two objects then
  differ in grey by 0.15 on average (a third of the range), sometimes hardly
  at all, so a few overlapping pairs are hard to tell apart, where one grey
  per image would merge every overlapping pair. The second object is painted
  over the first. The swap of the ranges is per
  image, with probability 1/2, implemented as ``1 - image``: it maps
  U[0.55, 1] onto U[0, 0.45] and back, so it swaps the ranges exactly.
- Rasterization: a pixel belongs to an object when its centre lies inside or
  on the polygon (no anti-aliasing).
- Overlap: the fraction of the first object's rasterized area (pixel count)
  covered by the second object's raster. When it exceeds 50% the second
  object's geometry (deformation, rotation, scale, position, not its kind, so
  the class probabilities stay exact) is redrawn, for all rejected images at
  once, round after round.

Every object is convex, so along a row of pixel centres it covers one
interval of columns. Rasterization therefore works on intervals, one per
(object, row), computed for a whole batch of objects at once from the
half-plane of every edge; the overlap of two convex objects is the per-row
intersection of their intervals, so rejection sampling needs no masks.
"""

import zipfile
from typing import NamedTuple

import numpy as np

IMAGE_SIZE = 32
N_PIXELS = IMAGE_SIZE * IMAGE_SIZE

KIND_NAMES = ("triangle", "parallelogram", "ellipse")
TRIANGLE, PARALLELOGRAM, ELLIPSE = 0, 1, 2
N_VERTICES = (3, 4, 20)
NO_OBJECT = -1  # the kind of the absent second object of a one-object image

CLASS_NAMES = (
    "triangle",
    "parallelogram",
    "ellipse",
    "triangle+parallelogram",
    "parallelogram+ellipse",
    "triangle+ellipse",
    "triangle+triangle",
    "parallelogram+parallelogram",
    "ellipse+ellipse",
)
CLASS_PROBABILITIES = (1 / 6,) * 3 + (1 / 9,) * 3 + (1 / 18,) * 3

# Fixed by the paper (original generator's example parameters).
SCALE_RANGE = (0.2, 0.8)
FOREGROUND_RANGE = (0.55, 1.0)
BACKGROUND_RANGE = (0.0, 0.45)
SWAP_PROBABILITY = 0.5
MAX_OVERLAP = 0.5
TWO_OBJECTS_PROBABILITY = 0.5

# Left open by the paper; see the module docstring.
ASPECT_RANGE = (0.5, 1.0)
SHEAR_RANGE = (-0.5, 0.5)

# Rejection of a second object almost always succeeds within a few rounds
# (a small second object fits anywhere); the cap only turns a bug into an error.
MAX_REJECTION_ROUNDS = 1000
# Images generated per batch: bounds the memory (about 2 MB of temporaries per
# 100 images) and keeps the arrays cache-sized. Part of the random stream:
# changing it changes the images drawn from a given seed.
BATCH_SIZE = 2048

# (kind_a, kind_b) -> class label; symmetric, since order does not matter.
_PAIR_LABEL = np.array(
    [
        [6, 3, 5],
        [3, 7, 4],
        [5, 4, 8],
    ]
)
_PIXEL_CENTRES = np.arange(IMAGE_SIZE) + 0.5


def class_label(kinds):
    """Class labels (int64) of objects ``kinds`` of shape (n, 2), the second
    column ``NO_OBJECT`` for one-object images; the order of the two kinds
    does not matter."""
    kinds = np.asarray(kinds)
    first, second = kinds[:, 0], kinds[:, 1]
    single = second == NO_OBJECT
    pair = _PAIR_LABEL[first, np.where(single, 0, second)]
    return np.where(single, first, pair).astype(np.int64)


def canonical_polygon(kind):
    """Vertices (k, 2) of kind ``kind``'s canonical shape, counter-clockwise
    (for y pointing up) and inscribed in the unit circle: the equilateral
    triangle, the square, the regular 20-gon standing for the circle."""
    k = N_VERTICES[kind]
    # The square is a regular 4-gon turned by 45 degrees so its sides are axis-
    # aligned before deformation: the stretch then makes rectangles and the
    # shear parallelograms of any angle.
    offset = np.pi / 4 if kind == PARALLELOGRAM else np.pi / 2
    angles = offset + 2 * np.pi * np.arange(k) / k
    return np.stack([np.cos(angles), np.sin(angles)], axis=1)


def _padded_canonical(kind):
    """The canonical polygon with its last vertex repeated up to 20 vertices.
    A repeated vertex adds a zero-length edge, whose half-plane test always
    holds, so all kinds share one array shape without changing any shape."""
    vertices = canonical_polygon(kind)
    pad = max(N_VERTICES) - len(vertices)
    return np.concatenate([vertices, np.repeat(vertices[-1:], pad, axis=0)])


_CANONICAL = np.stack([_padded_canonical(kind) for kind in range(len(KIND_NAMES))])


def stretch(u, low_high):
    """Map U[0, 1) draws ``u`` onto U[low, high)."""
    low, high = low_high
    return low + (high - low) * u


def uniform(rng, low_high, size):
    """U[low, high) draws of shape ``size``."""
    return stretch(rng.random(size), low_high)


def deformation_matrices(aspect, shear, angle):
    """Linear maps (m, 2, 2): stretch y by ``aspect``, shear x by ``shear * y``,
    then rotate by ``angle``. Their determinant is ``aspect`` > 0, so they keep
    the canonical polygons counter-clockwise."""
    cos, sin = np.cos(angle), np.sin(angle)
    # [[cos, -sin], [sin, cos]] @ [[1, shear], [0, 1]] @ [[1, 0], [0, aspect]]
    return np.stack(
        [
            np.stack([cos, aspect * (shear * cos - sin)], axis=-1),
            np.stack([sin, aspect * (shear * sin + cos)], axis=-1),
        ],
        axis=-2,
    )


def place(shapes, scale, u):
    """Scale ``shapes`` (m, k, 2) so the longer side of each bounding box is
    ``scale * IMAGE_SIZE``, and translate it to the fraction ``u`` (m, 2) in
    [0, 1) of the range of positions that keep the box inside the image."""
    low, high = shapes.min(axis=1), shapes.max(axis=1)
    factor = scale * IMAGE_SIZE / (high - low).max(axis=1)
    size = (high - low) * factor[:, None]
    corner = u * (IMAGE_SIZE - size)
    return (shapes - low[:, None, :]) * factor[:, None, None] + corner[:, None, :]


def sample_polygons(rng, kinds):
    """Vertices (m, 20, 2) in pixel units (x = column, y = row) of one random
    object per entry of ``kinds`` (m,): deformed, rotated, scaled, placed."""
    m = len(kinds)
    draws = rng.random((m, 6))
    aspect = stretch(draws[:, 0], ASPECT_RANGE)
    shear = stretch(draws[:, 1], SHEAR_RANGE)
    angle = stretch(draws[:, 2], (0.0, 2 * np.pi))
    scale = stretch(draws[:, 3], SCALE_RANGE)
    linear = deformation_matrices(aspect, shear, angle)
    shapes = np.einsum("mij,mkj->mki", linear, _CANONICAL[kinds])
    return place(shapes, scale, draws[:, 4:6])


def polygon_area_signed(vertices):
    """Signed area (m,) of polygons (m, k, 2) by the shoelace formula: positive
    when counter-clockwise in (x, y), zero for a degenerate polygon."""
    x, y = vertices[..., 0], vertices[..., 1]
    return 0.5 * np.sum(x * np.roll(y, -1, axis=1) - np.roll(x, -1, axis=1) * y, axis=1)


def polygon_area(vertices):
    """Geometric area (m,) of simple polygons (m, k, 2)."""
    return np.abs(polygon_area_signed(vertices))


def row_intervals(vertices):
    """Columns covered by each convex polygon on each pixel row.

    ``vertices`` (m, k, 2) in pixel units, either orientation, repeated vertices
    allowed. Returns ``first, last`` (m, 32) int: the polygon covers pixels
    ``first <= column <= last`` of the row (empty when first > last). A pixel
    is covered when its centre (column + 0.5, row + 0.5) is inside or on the
    polygon, that is on the inner side of every edge's line.
    """
    start = vertices
    edge = np.roll(vertices, -1, axis=1) - start
    # Orientation from the signed area, so clockwise input works too.
    orientation = np.sign(polygon_area_signed(vertices))
    # Inside iff orientation * cross(edge, p - start) >= 0, i.e. a*x + b*y + c >= 0.
    a = -orientation[:, None] * edge[..., 1]
    b = orientation[:, None] * edge[..., 0]
    c = -(a * start[..., 0] + b * start[..., 1])
    y = _PIXEL_CENTRES
    rest = b[..., None] * y + c[..., None]  # (m, k, rows): a*x >= -rest
    with np.errstate(divide="ignore", invalid="ignore"):
        bound = -rest / a[..., None]
    a = a[..., None]
    # a > 0 bounds x from below, a < 0 from above; a == 0 (horizontal and
    # zero-length edges) keeps the whole row or none of it.
    blocked = (a == 0) & (rest < 0)
    lower = np.where(a > 0, bound, -np.inf).max(axis=1)
    upper = np.where(a < 0, bound, np.inf).min(axis=1)
    # A polygon of zero area (the absent second object) covers nothing.
    empty = blocked.any(axis=1) | (orientation == 0)[:, None]
    upper = np.where(empty, -np.inf, upper)
    # Column j is covered iff lower <= j + 0.5 <= upper.
    first = np.ceil(np.clip(lower, -1.0, IMAGE_SIZE + 1.0) - 0.5).astype(np.int64)
    last = np.floor(np.clip(upper, -2.0, IMAGE_SIZE) - 0.5).astype(np.int64)
    return np.maximum(first, 0), np.minimum(last, IMAGE_SIZE - 1)


def interval_area(first, last):
    """Pixel count of each object from its row intervals (m, 32)."""
    return np.maximum(last - first + 1, 0).sum(axis=1)


def overlap_fraction(first_object, second_object):
    """Fraction of the first object's raster covered by the second's, from the
    row intervals ``(first, last)`` of each: the intersection of two convex
    rasters is, row by row, the intersection of their intervals. An empty
    first object counts as fully covered."""
    (f1, l1), (f2, l2) = first_object, second_object
    covered = interval_area(np.maximum(f1, f2), np.minimum(l1, l2))
    area = interval_area(f1, l1)
    return np.where(area > 0, covered / np.maximum(area, 1), 1.0)


def interval_masks(first, last):
    """Boolean masks (m, 32, 32), row-major, from row intervals (m, 32)."""
    columns = np.arange(IMAGE_SIZE)
    return (columns >= first[..., None]) & (columns <= last[..., None])


def object_intervals(vertices, kinds):
    """Row intervals (m, 32) of objects ``vertices`` (m, 20, 2) of ``kinds``
    (m,), each kind with its own edges only (a triangle tests 3 edges, not
    20); ``NO_OBJECT`` covers nothing."""
    first = np.zeros((len(kinds), IMAGE_SIZE), dtype=np.int64)
    last = np.full((len(kinds), IMAGE_SIZE), -1, dtype=np.int64)
    for kind, k in enumerate(N_VERTICES):
        chosen = kinds == kind
        first[chosen], last[chosen] = row_intervals(vertices[chosen, :k])
    return first, last


def rasterize(vertices):
    """Boolean masks (m, 32, 32) of convex polygons ``vertices`` (m, k, 2);
    row index = floor(y), column index = floor(x)."""
    return interval_masks(*row_intervals(vertices))


class Scene(NamedTuple):
    """What was drawn for n images; ``generate`` renders it.

    kinds: (n, 2) int, the second ``NO_OBJECT`` for one-object images.
    vertices: (n, 2, 20, 2) float64 pixel units; the absent second object's
        vertices are all zero (a degenerate polygon covering nothing).
    first_column, last_column: (n, 2, 32) int, each object's row intervals
        (``row_intervals``), kept so rendering does not rasterize again.
    greys: (n, 2) the objects' grey levels before the swap.
    background: (n,) the background grey before the swap.
    swapped: (n,) bool, whether the image is inverted (ranges swapped).
    rejection_rounds: how many rounds of redrawing the second objects took.
    """

    kinds: np.ndarray
    vertices: np.ndarray
    first_column: np.ndarray
    last_column: np.ndarray
    greys: np.ndarray
    background: np.ndarray
    swapped: np.ndarray
    rejection_rounds: int


def sample_scene(rng, n):
    """Draw the objects, greys and swaps of ``n`` images (one batch)."""
    two = rng.random(n) < TWO_OBJECTS_PROBABILITY
    kinds = rng.integers(0, len(KIND_NAMES), size=(n, 2))
    kinds[:, 1] = np.where(two, kinds[:, 1], NO_OBJECT)
    greys = uniform(rng, FOREGROUND_RANGE, (n, 2))
    background = uniform(rng, BACKGROUND_RANGE, n)
    swapped = rng.random(n) < SWAP_PROBABILITY

    vertices = np.zeros((n, 2, max(N_VERTICES), 2))
    first_column = np.zeros((n, 2, IMAGE_SIZE), dtype=np.int64)
    last_column = np.full((n, 2, IMAGE_SIZE), -1, dtype=np.int64)
    vertices[:, 0] = sample_polygons(rng, kinds[:, 0])
    first_column[:, 0], last_column[:, 0] = object_intervals(
        vertices[:, 0], kinds[:, 0]
    )
    pending = np.flatnonzero(two)
    rounds = 0
    while pending.size:
        if rounds == MAX_REJECTION_ROUNDS:
            raise RuntimeError(
                f"{pending.size} second objects still overlap after {rounds} rounds"
            )
        rounds += 1
        candidates = sample_polygons(rng, kinds[pending, 1])
        intervals = object_intervals(candidates, kinds[pending, 1])
        vertices[pending, 1] = candidates
        first_column[pending, 1], last_column[pending, 1] = intervals
        fraction = overlap_fraction(
            (first_column[pending, 0], last_column[pending, 0]), intervals
        )
        pending = pending[fraction > MAX_OVERLAP]
    return Scene(
        kinds, vertices, first_column, last_column, greys, background, swapped, rounds
    )


def render(scene, neg=False, dtype=np.float32):
    """Images (n, 1024) of a scene: background, first object, second object
    painted over it, inverted where swapped; in [0, 1], or [-1, 1] if ``neg``."""
    n = len(scene.kinds)
    masks = interval_masks(scene.first_column, scene.last_column).reshape(n, 2, -1)
    greys = scene.greys.astype(dtype)
    image = np.where(
        masks[:, 1],
        greys[:, 1:2],
        np.where(masks[:, 0], greys[:, 0:1], scene.background.astype(dtype)[:, None]),
    )
    image = np.where(scene.swapped[:, None], 1 - image, image)
    if neg:
        image = 2 * image - 1
    return image.astype(dtype, copy=False)


def generate(rng, n, neg=False, dtype=np.float32):
    """``n`` Shapeset-3x2 images (n, 1024) of ``dtype`` and their labels (n,)
    int64 in 0..8 (``CLASS_NAMES``), drawn from ``rng`` (a numpy Generator)
    only. Pixels in [0, 1], or in [-1, 1] with ``neg``. Images are drawn in
    batches of ``BATCH_SIZE``; the same rng state and n give the same arrays."""
    images = np.empty((n, N_PIXELS), dtype=dtype)
    labels = np.empty(n, dtype=np.int64)
    for start in range(0, n, BATCH_SIZE):
        stop = min(start + BATCH_SIZE, n)
        scene = sample_scene(rng, stop - start)
        images[start:stop] = render(scene, neg, dtype)
        labels[start:stop] = class_label(scene.kinds)
    return images, labels


def render_indexed(scene, neg=False, dtype=np.float32):
    """A scene as ``render`` draws it, stored compactly: (index, palette) with
    index (n, 1024) uint8, 0 for the background, 1 for the first object's
    pixels and 2 for the second's, and palette (n, 3) of ``dtype`` the three
    grey levels after the swap and ``neg``, so that
    ``np.take_along_axis(palette, index, axis=1)`` is ``render``'s image, bit
    for bit: each pixel goes through the same arithmetic in the same dtype."""
    n = len(scene.kinds)
    masks = interval_masks(scene.first_column, scene.last_column).reshape(n, 2, -1)
    index = np.where(masks[:, 1], np.uint8(2), masks[:, 0].astype(np.uint8))
    palette = np.concatenate(
        [scene.background.astype(dtype)[:, None], scene.greys.astype(dtype)], axis=1
    )
    palette = np.where(scene.swapped[:, None], 1 - palette, palette)
    if neg:
        palette = 2 * palette - 1
    return index, palette.astype(dtype, copy=False)


def generate_indexed(rng, n, neg=False, dtype=np.float32):
    """``generate``'s images as (index, palette) of ``render_indexed``, and
    their labels: the same draws from ``rng``, one byte a pixel."""
    index = np.empty((n, N_PIXELS), dtype=np.uint8)
    palette = np.empty((n, 3), dtype=dtype)
    labels = np.empty(n, dtype=np.int64)
    for start in range(0, n, BATCH_SIZE):
        stop = min(start + BATCH_SIZE, n)
        scene = sample_scene(rng, stop - start)
        index[start:stop], palette[start:stop] = render_indexed(scene, neg, dtype)
        labels[start:stop] = class_label(scene.kinds)
    return index, palette, labels


# Zip's earliest representable time, stamped on every entry of ``write_npz``.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def write_npz(path, **arrays):
    """Write ``arrays`` to a compressed ``.npz`` that ``numpy.load`` reads.

    Like ``numpy.savez_compressed`` (same deflate level), except that every
    entry carries a fixed timestamp instead of the current time, so equal
    arrays give equal bytes and a rerun can be checked with a checksum.
    """
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as handle:
                array = np.asanyarray(array)
                np.lib.format.write_array(handle, array, allow_pickle=False)
