"""Similarity of short Chinese texts by character n-grams: no word segmentation, no model.

Chinese has no spaces between words, and a matter is named in a handful of characters
(路灯不亮, 垃圾清运): two texts about the same matter share many two-character sequences
whatever words a segmenter would cut them into. So a text is normalised (full-width forms
folded to half-width, case folded, punctuation, symbols and whitespace dropped), cut into
overlapping character n-grams (bigrams by default), and two texts are compared by the
Dice coefficient of their n-gram sets: 2·|A ∩ B| / (|A| + |B|), from 0 (nothing shared)
to 1 (the same n-grams). A text shorter than n is one n-gram of itself.

Everything here is a pure function of its arguments; ``cases/duplicates.py`` uses it to
score candidate duplicates.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Anything that is not a letter or a digit of some script (CJK ideographs are letters):
# punctuation (，。！：“”（）【】), symbols, spaces of every width, and the underscore.
_NOT_WORD = re.compile(r"[\W_]+")


def normalize(text: str) -> str:
    """``text`` without what does not tell one matter from another: punctuation, symbols
    and whitespace are removed, NFKC folds full-width letters and digits to their
    half-width forms (ＡＢＣ１２３ → abc123), and case is folded.

    Punctuation goes first: most Chinese text holds full-width punctuation (，。：) and so
    is not in NFKC form, but once that is gone it mostly is, and the normal form (the
    costly step: ~0.15 µs a character) is then skipped. A symbol that NFKC would turn
    into letters (㈠ → (一)) is dropped as a symbol. Only what NFKC or case folding
    changed can hold anything left to remove, so mostly the second pass is skipped."""
    text = _NOT_WORD.sub("", text)
    if unicodedata.is_normalized("NFKC", text):
        folded = text.casefold()
        if folded == text:
            return text
        text = folded
    else:
        text = unicodedata.normalize("NFKC", text).casefold()
    return _NOT_WORD.sub("", text)


def ngrams(normalized: str, n: int = 2) -> frozenset[str]:
    """The set of character n-grams of an already normalised text; a text shorter than
    ``n`` (but not empty) is its own single n-gram, so that short texts still compare."""
    if n < 1:
        raise ValueError("n must be at least 1")
    if len(normalized) <= n:
        return frozenset((normalized,)) if normalized else frozenset()
    if n == 2:  # the common case, without a Python-level loop
        return frozenset(map(str.__add__, normalized[:-1], normalized[1:]))
    return frozenset(normalized[i : i + n] for i in range(len(normalized) - n + 1))


def shingles(text: str, n: int = 2) -> frozenset[str]:
    """The character n-grams of ``text`` after :func:`normalize`."""
    return ngrams(normalize(text), n)


def shingles_of(texts: Iterable[str], n: int = 2) -> frozenset[str]:
    """The n-grams of several texts (a title and a description), each cut separately:
    no n-gram spans the end of one text and the start of the next."""
    result: set[str] = set()
    for text in texts:
        result |= ngrams(normalize(text), n)
    return frozenset(result)


def dice(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    """Dice coefficient of two n-gram sets, in [0, 1]; two empty sets are alike (1.0),
    an empty and a non-empty set share nothing (0.0)."""
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    return 2.0 * len(a & b) / (len(a) + len(b))


def overlap(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    """Overlap coefficient |A ∩ B| / min(|A|, |B|), in [0, 1]: 1.0 when one set holds the
    other, so that a short text found inside a long one scores high. Empty sets as in
    :func:`dice`."""
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def similarity(a: str, b: str, n: int = 2) -> float:
    """How alike two texts are, from 0.0 to 1.0: the Dice coefficient of their character
    n-grams after normalisation. Symmetric; a text compared with itself scores 1.0."""
    return dice(shingles(a, n), shingles(b, n))
