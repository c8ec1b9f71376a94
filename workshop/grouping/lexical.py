"""The fallback engine: answers that share spelling (character n-grams) group together.

It needs nothing beyond scikit-learn, so it always works; it catches typos, plurals and
shared words ("custumer focus", "customer first"), not paraphrases or translations.
"""

from __future__ import annotations

from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer

from . import Group
from .clustering import Cut, group_vectors

CUT = Cut()


class LexicalEngine:
    """Groups answers by TF-IDF over the character 2- to 5-grams inside their words."""

    name = "lexical"

    def group(self, texts: list[str], *, granularity: float = 0.0) -> list[Group]:
        """Return the groups of these answers; see workshop.grouping.Engine."""
        if not texts:
            return []
        vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), strip_accents="unicode", sublinear_tf=True
        )
        try:
            vectors = vectorizer.fit_transform(texts)
        except ValueError:  # nothing but blanks: no n-gram at all, each answer alone
            vectors = csr_matrix((len(texts), 1))
        return group_vectors(texts, vectors, CUT, granularity)
