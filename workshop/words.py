"""A question's answers as a word cloud: which words the room used, and how many people used each.

Short answers ("Trust", "Open doors") count whole, as the phrase they are; a longer
answer gives its words. A word counts once per answer, so one person repeating
"trust trust trust" weighs what one person saying it does. Variants count as one
word (Snowball stemmers: "partner" and "partners"), and the small words of English,
French, Spanish and German are dropped (the `stop-words` package's lists, less a
few words that carry meaning in a partnership workshop). Each answer is read in
the language whose small words it uses most, English when it uses none.

No Flask here: plain text in, counts out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import snowballstemmer
from stop_words import get_stop_words

LANGUAGES = {"en": "english", "fr": "french", "es": "spanish", "de": "german"}
DEFAULT_LANGUAGE = "en"
# An answer of at most this many words counts as one phrase.
PHRASE_WORDS = 3
# The cloud shows the most used words, at most this many; the ranked list has them all.
CLOUD_SIZE = 60
# A word or phrase longer than this is no word of a cloud (a pasted address, say).
WORD_MAX = 40

# The stop lists are generous: these words carry a room's meaning here, so they stay.
MEANINGFUL = frozenset(
    {
        "open", "new", "value", "values", "work", "world", "together", "help", "good",
        "great", "best", "better", "change", "first", "care", "growth", "able", "long",
        "small", "big", "local", "young", "old", "high", "fair", "free", "clear",
        "ouvert", "nouveau", "ensemble", "abierto", "nuevo", "juntos", "offen", "neu",
        "gemeinsam",
    }
)  # fmt: skip

_APOSTROPHE = "\u2019"  # how phones type an apostrophe
_WORD = re.compile(rf"[^\W\d_]+(?:['{_APOSTROPHE}-][^\W\d_]+)*")


@dataclass(frozen=True)
class Word:
    """One entry of the cloud: the key its variants share, how it reads, how many said it."""

    key: str
    label: str
    count: int


@cache
def stop_words(language: str) -> frozenset[str]:
    return frozenset(w.lower() for w in get_stop_words(LANGUAGES[language])) - MEANINGFUL


@cache
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(LANGUAGES[language])


@cache
def stem(word: str, language: str) -> str:
    return _stemmer(language).stemWord(word)


def language_of(words: list[str]) -> str:
    """Return the language whose small words these words use most (English on a tie)."""
    best, hits = DEFAULT_LANGUAGE, 0
    for language in LANGUAGES:
        found = sum(1 for word in words if word in stop_words(language))
        if found > hits:
            best, hits = language, found
    return best


def _elided(word: str) -> str:
    """Return a word without an elided article or pronoun: "l'équipe" reads "équipe"."""
    head, mark, rest = word.partition("'")
    return rest if mark and rest and len(head) <= 2 else word


def terms(text: str) -> list[tuple[str, str]]:
    """Return an answer's cloud terms, once each: (key, how it reads), in order of use."""
    words = [_elided(w.lower().replace(_APOSTROPHE, "'")) for w in _WORD.findall(text)]
    if not words:
        return []
    language = language_of(words)
    stops = stop_words(language)
    kept = [w for w in words if w not in stops and len(w) > 1]
    if not kept:
        return []
    if len(words) <= PHRASE_WORDS:
        phrase = " ".join(words)
        return (
            [(" ".join(stem(w, language) for w in kept), phrase)] if len(phrase) <= WORD_MAX else []
        )
    seen: dict[str, str] = {}
    for word in kept:
        if len(word) <= WORD_MAX:
            seen.setdefault(stem(word, language), word)
    return list(seen.items())


def cloud(texts: Iterable[str], hidden: Iterable[str] = ()) -> list[Word]:
    """Return every term of these answers with how many answers used it, most used first.

    A term's label is the way most people wrote it. Terms the facilitator hid (by
    key) are left out. Ties read alphabetically, so the order never flickers.
    """
    left_out = set(hidden)
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for text in texts:
        for key, label in terms(text):
            if key in left_out:
                continue
            counts[key] += 1
            spellings.setdefault(key, Counter())[label] += 1
    words = [Word(key, spellings[key].most_common(1)[0][0], count) for key, count in counts.items()]
    words.sort(key=lambda w: (-w.count, w.label))
    return words
