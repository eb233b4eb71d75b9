"""BM25 over chunk texts, with a tokenizer that keeps figures intact.

Questions about figures hinge on exact words and numbers ("agency workers",
"MAPPA", "48%"), which dense embeddings blur. Built in memory at load time from
the stored chunk texts (a few milliseconds per thousand chunks), so there is no
second index file to keep in step with the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
import Stemmer
from scipy import sparse

_PER_CENT = re.compile(r"(\d)\s*(?:per\s*cent|percent)")
# An acronym's plural ("CRCs", "SFOs", "PSRs") is the acronym: the stemmer cannot see that
# once the text is lower case ("crcs" has no vowel to strip the "s" after).
_ACRONYM_PLURAL = re.compile(r"\b([A-Z]{2,})s\b")
_TOKEN = re.compile(r"£?\d+(?:[.,]\d+)*%?|[a-z][a-z']*")
STOPWORDS = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "did", "do", "does", "for", "from", "had", "has", "have", "how", "i", "in", "into", "is", "it", "its", "of", "on", "or", "per", "so", "than", "that", "the", "their", "them", "there", "these", "they", "this", "those", "to", "was", "were", "what", "when", "where", "which", "who", "whom", "why", "will", "with", "would", "you", "your", "about", "after", "all", "also", "any", "can", "could", "many", "much", "more", "most", "did", "our", "out", "over", "said", "say", "says", "such", "then"]
)


_STEMMER = Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball English: 'inspected'/'inspection', 'agencies'/'agency' meet on one stem."""
    return _STEMMER.stemWord(word) if word.isalpha() else word


def normalise_number(token: str) -> str:
    return token.replace(",", "").replace("£", "")


def tokenize(text: str) -> list[str]:
    return list(_tokenize(text))


@lru_cache(maxsize=50_000)
def _tokenize(text: str) -> tuple[str, ...]:
    """Cached: answer selection re-tokenises the same stored sentences on every question."""
    out = []
    text = _PER_CENT.sub(r"\1%", _ACRONYM_PLURAL.sub(r"\1", text).lower().replace("’", "'"))
    for tok in _TOKEN.findall(text):
        tok = tok.strip("'")
        if not tok or tok in STOPWORDS:
            continue
        if tok[0].isdigit() or tok[0] == "£":
            num = normalise_number(tok)
            out.append(num)
            if num.endswith("%"):
                out.append(num[:-1])  # "48%" also matches a bare "48"
        else:
            out.append(stem(tok.removesuffix("'s")))
    return tuple(out)


@dataclass
class BM25:
    vocab: dict[str, int]
    matrix: sparse.csr_matrix  # terms x docs, BM25 weights
    idf: np.ndarray  # per term
    k1: float
    b: float
    # Parts of some passages scored as passages of their own, with the same statistics: a
    # passage's score is the better of its own and its best part's (see `build`).
    part_matrix: sparse.csr_matrix | None = None  # terms x parts, BM25 weights
    part_of: np.ndarray | None = None  # (parts,) the passage each part belongs to

    @classmethod
    def build(cls, texts: list[str], k1: float = 1.2, b: float = 0.75, parts: list[tuple[int, str]] = ()) -> BM25:
        """`parts` are (passage, text) pairs: the prose a table follows in its passage.

        "We will have inspected all CRCs by April 2019" shares its passage with a table of
        CRC owners three times its length, so BM25's length normalisation ranked it 25th to
        41st for questions about the date; as a passage of its own, its prose is scored by
        the words a question shares with it. The parts add no terms and no documents to the
        statistics, so every other passage scores as before.
        """
        docs = [tokenize(t) for t in texts]
        vocab: dict[str, int] = {}
        for toks in docs:
            for t in toks:
                vocab.setdefault(t, len(vocab))
        n = len(docs)
        lengths = np.array([len(d) for d in docs], dtype=np.float64)
        avg = (lengths.mean() if n else 1.0) or 1.0
        tf = _counts(docs, vocab)
        df = np.diff(tf.indptr)
        idf = np.log1p((n - df + 0.5) / (df + 0.5))
        part_docs = [tokenize(t) for _, t in parts]
        return cls(
            vocab, _weights(tf, idf, lengths / avg, k1, b), idf, k1, b,
            part_matrix=_weights(_counts(part_docs, vocab), idf, np.array([len(d) for d in part_docs], float) / avg, k1, b)
            if parts else None,
            part_of=np.array([i for i, _ in parts], dtype=np.int64) if parts else None,
        )

    @cached_property
    def rare_word_score(self) -> float:
        """About what a passage scores for matching once a word no other passage has.
        Once per index, not per query: a large library's vocabulary is long."""
        return float(self.idf.max(initial=0.0))

    def term_weight(self, term: str) -> float:
        """Rarer terms say more; unseen terms get the highest weight a term can have here."""
        i = self.vocab.get(term)
        return float(self.idf[i]) if i is not None else float(self.idf.max(initial=1.0))

    def scores(self, query: str) -> np.ndarray:
        ids = [self.vocab[t] for t in tokenize(query) if t in self.vocab]
        out = _summed(self.matrix, ids)
        if ids and self.part_matrix is not None and self.part_of is not None:
            np.maximum.at(out, self.part_of, _summed(self.part_matrix, ids))
        return out.astype(np.float32)


def _counts(docs: list[tuple[str, ...]], vocab: dict[str, int]) -> sparse.csr_matrix:
    """Term counts, terms x docs; terms outside the vocabulary are left out."""
    rows, cols, vals = [], [], []
    for j, toks in enumerate(docs):
        counts: dict[int, int] = {}
        for t in toks:
            if (i := vocab.get(t)) is not None:
                counts[i] = counts.get(i, 0) + 1
        rows += counts.keys()
        cols += [j] * len(counts)
        vals += counts.values()
    return sparse.csr_matrix((np.array(vals, float), (rows, cols)), shape=(len(vocab), len(docs)))


def _weights(tf: sparse.csr_matrix, idf: np.ndarray, relative_lengths: np.ndarray, k1: float, b: float
             ) -> sparse.csr_matrix:
    coo = tf.tocoo()
    norm = k1 * (1 - b + b * relative_lengths[coo.col])
    w = idf[coo.row] * coo.data * (k1 + 1) / (coo.data + norm)
    return sparse.csr_matrix((w, (coo.row, coo.col)), shape=coo.shape)


def _summed(m: sparse.csr_matrix, ids: list[int]) -> np.ndarray:
    """Each column's weights over the given term rows, read row by row on the CSR arrays:
    scipy's fancy row indexing builds a whole new matrix per query."""
    out = np.zeros(m.shape[1], dtype=np.float64)
    for i in ids:
        lo, hi = m.indptr[i], m.indptr[i + 1]
        out[m.indices[lo:hi]] += m.data[lo:hi]
    return out
