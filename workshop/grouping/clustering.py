"""Answers' vectors into groups: one average-linkage tree, cut where answers are distinctly close.

Every engine hands its vectors here. What all of a call's answers share (the question's
topic, the way short answers are written) is taken out first: the vectors are centred on
their mean (scikit-learn's KernelCenterer, on their dot products), so the cosine distance
between two answers says how much more alike they are than the room as a whole.

The tree is scipy's UPGMA (the tree scikit-learn's AgglomerativeClustering builds with
average linkage and cosine distance). Where to cut it is chosen per call, from the call's
own answers: two answers picked at random give the reference, and a group gathers answers
closer than such a pair by `z` standard deviations (mean pairwise distance - z * their
standard deviation). A room that agrees gets few groups, a scattered one many, and the
rule means the same with 10 answers or 2,000. `granularity` moves `z`: -1 is finer (more
groups), +1 coarser. docs/grouping.md tells how z was tuned, and why not the silhouette.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import issparse, spmatrix
from scipy.spatial.distance import squareform
from sklearn.metrics.pairwise import cosine_distances
from sklearn.preprocessing import KernelCenterer

from . import Group
from .labels import label_groups

Vectors = np.ndarray | spmatrix


@dataclass(frozen=True, slots=True)
class Cut:
    """Where an engine cuts its tree, in standard deviations of the call's pair distances."""

    # Tuned on bench/data (bench/grouping.py): 0.5 to 1.0 all score within 0.02 ARI.
    z: float = 0.75
    # Granularity -1 and +1 move z by this much: on bench/data, about twice as many
    # groups at -1 and a third as many at +1.
    span: float = 0.75
    # Two answers give no reference pair: they share a group when closer than this
    # (plain cosine distance, not centred).
    pair: float = 0.5

    def threshold(self, pair_distances: np.ndarray, granularity: float) -> float:
        z = self.z - granularity * self.span
        return float(pair_distances.mean() - z * pair_distances.std())


def check_granularity(granularity: float) -> float:
    """Return granularity as a float, or raise ValueError when it is not in [-1, 1]."""
    value = float(granularity)
    if not (math.isfinite(value) and -1.0 <= value <= 1.0):
        raise ValueError(f"granularity must be between -1 and 1, not {granularity!r}")
    return value


def centred_distances(vectors: Vectors) -> np.ndarray:
    """Return the cosine distances between the vectors once centred on their mean."""
    rows = vectors.astype(np.float64)
    products = rows @ rows.T
    # In place: with 2,000 answers each n x n copy is 32 MB.
    matrix = products.toarray() if issparse(products) else np.asarray(products)
    matrix = KernelCenterer().fit(matrix).transform(matrix, copy=False)
    norms = np.sqrt(np.clip(np.diag(matrix), 1e-12, None))
    matrix /= norms[:, None]
    matrix /= norms[None, :]
    np.subtract(1.0, matrix, out=matrix)
    np.clip(matrix, 0.0, 2.0, out=matrix)
    np.fill_diagonal(matrix, 0.0)
    return matrix


def cluster(vectors: Vectors, cut: Cut, granularity: float = 0.0) -> list[list[int]]:
    """Return the groups of row indexes, each in order, the largest group first."""
    n = vectors.shape[0]
    if n <= 1:
        return [[0]] if n else []
    if n == 2:
        together = float(cosine_distances(vectors)[0, 1]) <= cut.pair
        return [[0, 1]] if together else [[0], [1]]
    pair_distances = squareform(centred_distances(vectors), checks=False)
    tree = linkage(pair_distances, method="average")
    labels = fcluster(tree, cut.threshold(pair_distances, granularity), criterion="distance")
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels.tolist()):
        groups.setdefault(label, []).append(index)
    return sorted(groups.values(), key=lambda members: (-len(members), members[0]))


def group_vectors(texts: list[str], vectors: Vectors, cut: Cut, granularity: float) -> list[Group]:
    """Return the labelled groups of these answers, given one vector per answer."""
    members = cluster(vectors, cut, check_granularity(granularity))
    labels = label_groups(texts, members, vectors)
    return [Group(label, indexes) for label, indexes in zip(labels, members, strict=True)]
