"""A short label for each group: the words that set it apart, or its most central answer.

A group's words are its word unigrams and bigrams, weighed by TF-IDF over all the
answers, scored by how much more the group uses them than the other answers do, and
kept only when several of its answers use them. The small words of English, French,
Spanish and German are dropped (the `stop-words` package's lists). A group
with no such word (a lone answer, paraphrases sharing no word) is named by the answer
closest to all the others in it.
"""

from __future__ import annotations

import math
import re
from functools import cache

import numpy as np
from scipy.sparse import csr_matrix, spmatrix
from sklearn.feature_extraction.text import TfidfVectorizer
from stop_words import get_stop_words

LABEL_MAX = 40
TERMS_MAX = 3
# A word names a group only when this share of its answers (and at least two) use it.
SUPPORT = 0.2
LANGUAGES = ("english", "french", "spanish", "german")
TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default: "l'éducation" gives "éducation"
# The lists are generous: these carry a room's meaning here ("customer first", "open doors").
KEPT = frozenset(
    {
        "new", "open", "first", "long", "together", "help", "good", "better", "free", "work",
        "value", "values", "change", "care", "fair", "local", "small", "big", "high",
    }
)  # fmt: skip


@cache
def _stop_list() -> tuple[str, ...]:
    # Split the way the vectorizer splits ("don't" gives "don"), so the two agree.
    words = {word for language in LANGUAGES for word in get_stop_words(language)}
    tokens = {token for word in words for token in TOKEN.findall(word.lower())}
    return tuple(sorted(tokens - KEPT))


def shorten(text: str, limit: int = LABEL_MAX) -> str:
    """Return the text on one line, cut at a word and ended with an ellipsis if too long."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"


def _terms(texts: list[str], groups: list[list[int]]) -> list[str | None]:
    vectorizer = TfidfVectorizer(
        ngram_range=(1, 2), stop_words=list(_stop_list()), sublinear_tf=True, dtype=np.float64
    )
    try:
        weights = csr_matrix(vectorizer.fit_transform(texts))
    except ValueError:  # no word at all ("$$", "?"): every group is named by an answer
        return [None] * len(groups)
    vocabulary = vectorizer.get_feature_names_out()
    used = csr_matrix((weights > 0).astype(np.float64))
    total = np.asarray(weights.sum(axis=0)).ravel()
    names: list[str | None] = []
    for members in groups:
        if len(members) < 2:
            names.append(None)
            continue
        inside = np.asarray(weights[members].sum(axis=0)).ravel()
        rest = len(texts) - len(members)
        outside = (total - inside) / rest if rest else 0.0
        score = inside / len(members) - outside
        support = np.asarray(used[members].sum(axis=0)).ravel()
        enough = max(2, math.ceil(SUPPORT * len(members)))
        chosen: list[str] = []
        taken: set[str] = set()  # the vocabulary's words already in the label
        for index in np.argsort(-score, kind="stable"):
            if score[index] <= 0 or len(chosen) == TERMS_MAX:
                break
            words = str(vocabulary[index]).split()
            if support[index] < enough or taken.intersection(words):
                continue
            term = _as_written(words, [texts[member] for member in members])
            if term is None:
                continue
            if len(", ".join([*chosen, term])) > LABEL_MAX:
                break
            chosen.append(term)
            taken.update(words)
        names.append(", ".join(chosen) or None)
    return names


def _as_written(words: list[str], texts: list[str]) -> str | None:
    """Return the words as the first answer using them wrote them ("GDPR", not "gdpr").

    None when no answer has them side by side (a bigram across a dropped small word).
    """
    pattern = re.compile(r"\b" + r"\W+".join(map(re.escape, words)) + r"\b", re.IGNORECASE)
    for text in texts:
        if found := pattern.search(text):
            return found.group(0)
    return None


def _central(texts: list[str], members: list[int], vectors: np.ndarray | spmatrix) -> str:
    rows = vectors[members]
    closeness = np.asarray((rows @ rows.T).sum(axis=1)).ravel()
    return texts[members[int(np.argmax(closeness))]]


def label_groups(
    texts: list[str], groups: list[list[int]], vectors: np.ndarray | spmatrix
) -> list[str]:
    """Return one label of at most 40 characters per group, never empty."""
    labels = []
    for members, terms in zip(groups, _terms(texts, groups), strict=True):
        label = terms or shorten(_central(texts, members, vectors))
        labels.append(label or "(blank)")
    return labels
