"""Find the passages that answer a question: dense, lexical, and their fusion.

Dense retrieval (FAISS over MiniLM vectors) catches paraphrase; BM25 catches
the exact words and figures that questions about statistics hinge on. They are
fused by adding BM25 (scaled to the best hit) to weighted cosine similarity,
with the weight chosen on the eval set's dev split (see `rag eval --mode all`).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Literal

import numpy as np

from rag.chunking import Chunk
from rag.lexical import BM25

Mode = Literal["dense", "bm25", "hybrid"]
MODES: tuple[Mode, ...] = ("dense", "bm25", "hybrid")


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float
    rank: int
    dense_score: float | None = None
    dense_rank: int | None = None
    lexical_score: float | None = None
    lexical_rank: int | None = None


@dataclass
class SearchIndex:
    """Everything retrieval needs, loaded once and shared by every request."""

    faiss_index: object
    chunks: list[Chunk]
    bm25: BM25
    chunk_docs: np.ndarray  # document name of each chunk
    chunk_years: np.ndarray  # year of each chunk's document (0 when undated)
    # A chunk whose prose precedes a table has a second vector, of its prose alone; its
    # dense score is the better of its two.
    prose_chunks: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, np.int64))
    prose_vectors: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros((0, 0), np.float32))


def allowed_mask(index: SearchIndex, doc: str | None, year: int | None) -> np.ndarray | None:
    if doc is None and year is None:
        return None
    mask = np.ones(len(index.chunks), dtype=bool)
    if doc is not None:
        mask &= index.chunk_docs == doc
    if year is not None:
        mask &= index.chunk_years == year
    return mask


def dense_search(
    index: SearchIndex, query_vector: np.ndarray, n: int, mask: np.ndarray | None
) -> list[tuple[int, float]]:
    import faiss

    n = min(n, len(index.chunks))
    q = query_vector.reshape(1, -1).astype(np.float32)
    if mask is None:
        scores, ids = index.faiss_index.search(q, n)
    else:
        allowed = np.flatnonzero(mask).astype(np.int64)
        if allowed.size == 0:
            return []
        selector = faiss.IDSelectorBatch(allowed)
        hnsw = getattr(index.faiss_index, "hnsw", None)
        if hnsw is not None:  # a filter discards neighbours: search wider to keep recall
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(hnsw.efSearch, 4 * n))
        else:
            params = faiss.SearchParameters(sel=selector)
        scores, ids = index.faiss_index.search(q, min(n, allowed.size), params=params)
    found = {int(i): float(s) for i, s in zip(ids[0], scores[0]) if i >= 0}
    # A chunk outside FAISS's top n scores below its last by its own vector, so its prose's
    # score is its dense score if it beats that; no chunk vector needs reading back.
    floor = min(found.values()) if len(found) >= n else -np.inf
    keep = slice(None) if mask is None else mask[index.prose_chunks]
    prose = index.prose_chunks[keep]
    for i, sim in zip(prose.tolist(), (index.prose_vectors[keep] @ q[0]).tolist() if len(prose) else []):
        if i in found or sim > floor:
            found[i] = max(found.get(i, -np.inf), sim)
    return sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def similarity(index: SearchIndex, ids: np.ndarray, query_vector: np.ndarray) -> dict[int, float]:
    """Each chunk's cosine with the query: the better of its vector and its prose's."""
    if not len(ids):
        return {}
    ids = np.asarray(ids, dtype=np.int64)
    sims = index.faiss_index.reconstruct_batch(ids) @ query_vector
    best = dict(zip(ids.tolist(), sims.tolist()))
    if len(index.prose_chunks):
        wanted = np.isin(index.prose_chunks, ids)
        for i, sim in zip(index.prose_chunks[wanted].tolist(), (index.prose_vectors[wanted] @ query_vector).tolist()):
            best[i] = max(best[i], sim)
    return best


def lexical_search(index: SearchIndex, query: str, n: int, mask: np.ndarray | None) -> list[tuple[int, float]]:
    scores = index.bm25.scores(query)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    n = min(n, len(scores))
    top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(i), float(scores[i])) for i in top if scores[i] > 0]


def fuse(
    dense: list[tuple[int, float]],
    lexical: list[tuple[int, float]],
    dense_weight: float,
    lexical_weight: float,
    rrf_k: int,
) -> list[tuple[int, float]]:
    """Weighted reciprocal rank fusion: robust to the two scores' different scales."""
    fused: dict[int, float] = {}
    for weight, ranked in ((dense_weight, dense), (lexical_weight, lexical)):
        for rank, (i, _) in enumerate(ranked, start=1):
            fused[i] = fused.get(i, 0.0) + weight / (rrf_k + rank)
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))


def fuse_scores(
    dense: list[tuple[int, float]],
    lexical: list[tuple[int, float]],
    dense_weight: float,
    lexical_weight: float,
    index: SearchIndex,
    query_vector: np.ndarray | None,
) -> list[tuple[int, float]]:
    """BM25 scaled to the best hit plus weighted cosine similarity.

    On the dev split this beat reciprocal rank fusion, which let the weak dense
    ranking pull lexically exact passages down (see the commit message for figures).
    Candidates found by only one retriever get the other's score computed exactly.
    """
    top_lex = lexical[0][1] if lexical else 0.0
    lex = {i: s / top_lex for i, s in lexical} if top_lex > 0 else {}
    dense_scores = dict(dense)
    ids = set(lex) | set(dense_scores)
    missing = [i for i in ids if i not in dense_scores]
    if missing and query_vector is not None:
        dense_scores.update(similarity(index, np.array(missing, dtype=np.int64), query_vector))
    fused = {i: lexical_weight * lex.get(i, 0.0) + dense_weight * dense_scores.get(i, 0.0) for i in ids}
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))


def search(
    index: SearchIndex,
    query: str,
    query_vector: np.ndarray | None,
    k: int,
    mode: Mode = "hybrid",
    doc: str | None = None,
    year: int | None = None,
    candidates: int = 50,
    dense_weight: float = 0.75,
    lexical_weight: float = 1.0,
    rrf_k: int = 60,
    fusion: str = "score",
) -> list[Hit]:
    mask = allowed_mask(index, doc, year)
    n = max(candidates, k)
    dense = dense_search(index, query_vector, n, mask) if mode != "bm25" and query_vector is not None else []
    lexical = lexical_search(index, query, n, mask) if mode != "dense" else []
    if mode == "dense":
        ranked = dense
    elif mode == "bm25":
        ranked = lexical
    elif fusion == "rrf":
        ranked = fuse(dense, lexical, dense_weight, lexical_weight, rrf_k)
    else:
        ranked = fuse_scores(dense, lexical, dense_weight, lexical_weight, index, query_vector)
    if mode == "hybrid" and dense and (not lexical or lexical[0][1] < index.bm25.rare_word_score):
        ranked = _dense_best_within(ranked, dense[0][0], k)
    d_info = {i: (r, s) for r, (i, s) in enumerate(dense, start=1)}
    l_info = {i: (r, s) for r, (i, s) in enumerate(lexical, start=1)}
    hits = []
    for rank, (i, score) in enumerate(ranked[:k], start=1):
        dr, ds = d_info.get(i, (None, None))
        lr, ls = l_info.get(i, (None, None))
        hits.append(Hit(index.chunks[i], float(score), rank, ds, dr, ls, lr))
    return hits


def _dense_best_within(ranked: list[tuple[int, float]], best: int, k: int) -> list[tuple[int, float]]:
    """The ranking with the dense retriever's best passage moved up to rank k if it is below.

    When no passage matches a rare word of the question ("How many CRCs were there?": 'crc'
    is in most passages), BM25's order is noise, and scaled to its best hit it still outweighs
    the dense scores, which lie close together: MiniLM's first choice ('21 Number of CRCs')
    came 46th. Questions that match a rare word (every question in the eval set) are untouched.
    """
    ids = [i for i, _ in ranked]
    if best not in ids or ids.index(best) < k:
        return ranked
    j = ids.index(best)
    return [*ranked[:k - 1], ranked[j], *ranked[k - 1:j], *ranked[j + 1:]]


def with_definition(index: SearchIndex, hits: list[Hit], abbreviation: str, doc: str | None = None,
                    year: int | None = None) -> list[Hit]:
    """The hits with the first passage that defines an abbreviation ("... Company (CRC)") put
    first, if none of them does. "What does CRC stand for?" matches every passage that uses
    CRC; the one that spells it out is found by its bracket, in reading order."""
    pattern = re.compile(rf"\({re.escape(abbreviation)}s?\)")
    if any(pattern.search(h.chunk.text) for h in hits):
        return hits
    mask = allowed_mask(index, doc, year)
    found = next((c for c in index.chunks if (mask is None or mask[c.id]) and pattern.search(c.text)), None)
    if found is None:
        return hits
    moved = [Hit(found, 0.0, 1), *hits[:-1]] if hits else [Hit(found, 0.0, 1)]
    return [dataclasses.replace(h, rank=i) for i, h in enumerate(moved, start=1)]


def read_also(hits: list[Hit], extra: Hit | None, n: int) -> list[Hit]:
    """The hits with `extra` right after the first n, unless it is among them already: a
    passage answer selection should read although retrieval ranked it lower."""
    if extra is None or any(h.chunk.id == extra.chunk.id for h in hits[:n]):
        return hits
    moved = [*hits[:n], extra, *(h for h in hits[n:] if h.chunk.id != extra.chunk.id)]
    return [dataclasses.replace(h, rank=i) for i, h in enumerate(moved, start=1)]


def with_latest(hits: list[Hit], pool: list[Hit], doc_dates: dict[str, str], n: int) -> tuple[list[Hit], str | None]:
    """The hits with the latest-dated report's best passage read too, and that report.

    "Who is the current Chief Inspector?" is asked of a library that spans years: each
    report names the Chief Inspector of its day, and the 2017 report, the longest, wins on
    words. The newest report that retrieval found anything in (the pool) holds the current
    answer; if none of the first n hits is from it, its best passage comes right after them.
    """
    dated = [h for h in pool if doc_dates.get(h.chunk.doc)]
    if not dated:
        return hits, None
    latest = max(doc_dates[h.chunk.doc] for h in dated)
    best = next(h for h in dated if doc_dates[h.chunk.doc] == latest)
    if any(h.chunk.doc == best.chunk.doc for h in hits[:n]):
        return hits, best.chunk.doc
    return read_also(hits, best, n), best.chunk.doc


def answer_first(hits: list[Hit], answer_rank: int | None) -> tuple[list[Hit], int | None]:
    """The hits with the answer's passage moved to the front, and its new rank (1).

    Retrieval ranks whole passages; answer selection has read their sentences, so
    the passage holding the answer sentence is the best evidence to cite first.
    The others keep their order, and each hit keeps its retrieval scores.
    """
    if answer_rank is None:
        return hits, None
    i = answer_rank - 1
    return [hits[i], *hits[:i], *hits[i + 1:]], 1
