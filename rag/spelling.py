"""Typos in a question, corrected against the words the indexed reports use.

BM25 matches words exactly, so "probaton" or "premisses" finds nothing, and
the figure questions hinge on such words. Only a long word (7+ letters) that
no indexed passage uses, even as another form of it, is corrected, to the most
common word one edit away that keeps its first letter and that the reports use
at least three times (or to the British form of "program"). Short and real
words that the reports happen not to use ("pause", "cites", "earned") would
have near neighbours among the reports' words ("cause", "sites", "learned"),
which is why they are left alone.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from rag.lexical import stem

_WORD = re.compile(r"[A-Za-z]+")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
MIN_LENGTH = 7
MAX_LENGTH = 30  # longer is no word; and its one-edit neighbours would cost quadratic time and memory
MIN_USES = 3  # a word the reports use once may be their own typo
_BRITISH = {"program": "programme", "programs": "programmes"}


@dataclass(frozen=True)
class Vocabulary:
    """The reports' words (lower case) with how often they occur, and their stems."""

    counts: dict[str, int]
    stems: frozenset[str]

    @classmethod
    def of(cls, texts: list[str]) -> Vocabulary:
        counts = Counter(w for t in texts for w in _WORD.findall(t.lower()))
        return cls(dict(counts), frozenset(stem(w) for w in counts))

    def common(self, word: str) -> bool:
        return self.counts.get(word, 0) >= MIN_USES


def _one_edit(word: str) -> set[str]:
    """Every string one deletion, swap of neighbours, replacement or insertion from word."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
            | {a + c + b for a, b in splits for c in _LETTERS})


def _correction(word: str, vocabulary: Vocabulary) -> str | None:
    lower = word.lower()
    if lower in vocabulary.counts or stem(lower) in vocabulary.stems:
        return None
    if lower in _BRITISH and vocabulary.common(_BRITISH[lower]):
        fixed = _BRITISH[lower]
    elif not MIN_LENGTH <= len(lower) <= MAX_LENGTH:
        return None
    else:
        known = [w for w in _one_edit(lower) if w[0] == lower[0] and vocabulary.common(w)]
        if not known:
            return None
        fixed = max(known, key=lambda w: (vocabulary.counts[w], w))
    return fixed.capitalize() if word[0].isupper() else fixed


def correct_spelling(question: str, vocabulary: Vocabulary) -> str:
    """The question with its misspelt long words replaced; unchanged if none is."""
    return _WORD.sub(lambda m: _correction(m.group(0), vocabulary) or m.group(0), question)
