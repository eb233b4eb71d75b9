"""From report files to a built index: clean, chunk, embed, write.

`build_index` is the only writer of the index; `expectations` describes what
an index built now with these settings would record, which is what loading
compares against to detect a stale index.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rag.answering import split_sentences
from rag.chunking import Chunk, check_token_limit, chunk_document, context_header, with_context
from rag.cleaning import clean
from rag.corpus import Document, corpus_fingerprint, load_corpus
from rag.embedding import Encoder
from rag.errors import IndexCorrupt, IndexMissing, IndexStale
from rag.settings import Settings
from rag.store import DocInfo, check_fresh, package_versions, read_manifest, write_index

CHUNKER_VERSION = "recursive-tokens-v1"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildResult:
    path: str
    documents: int
    chunks: int
    seconds: float
    skipped: bool = False
    reason: str = ""


def chunking_params(settings: Settings) -> dict:
    return {
        "chunk_tokens": settings.chunk_tokens,
        "chunk_overlap": settings.chunk_overlap,
        "chunker": CHUNKER_VERSION,
    }


def expectations(
    settings: Settings, docs: list[Document], model_name: str, model_sha: str, backend: str | None = None
) -> dict:
    """What a fresh index must record. `backend` None skips the encoder-backend check
    (the server's preflight, which decides before any model is loaded)."""
    return {
        "corpus_fingerprint": corpus_fingerprint(docs),
        "model": {"name": model_name, "sha256": model_sha, "backend": backend},
        "chunking": chunking_params(settings),
    }


def index_status(settings: Settings, expected: dict) -> str | None:
    """None when the index is present and fresh; otherwise why it needs building."""
    try:
        check_fresh(read_manifest(settings.index_dir), expected)
    except (IndexMissing, IndexStale, IndexCorrupt) as exc:
        return str(exc)
    return None


def make_faiss_index(dim: int, n: int, settings: Settings):
    """Exact search while it is cheap; HNSW once a flat scan would cost more than ~2 ms.

    eval/bench.py's scale section measured flat at 0.07-0.16 ms per 1,000 vectors on
    2 cores and HNSW (M=32, efSearch=256) at recall@10 0.98 against flat at 29k vectors.
    """
    import faiss

    if n < settings.hnsw_min_vectors:
        return faiss.IndexFlatIP(dim)
    index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = 200
    index.hnsw.efSearch = settings.hnsw_ef_search
    return index


def embed_sentences(chunks: list[Chunk], encoder: Encoder) -> dict[str, np.ndarray]:
    """Every chunk's sentence spans with an embedding each (shared between overlapping
    chunks), so the answer step can weigh meaning without encoding at query time."""
    ptr, starts, ends, rows = [0], [], [], []
    unique: dict[str, int] = {}
    for c in chunks:
        for s, e in split_sentences(c.text):
            starts.append(s)
            ends.append(e)
            rows.append(unique.setdefault(c.text[s:e], len(unique)))
        ptr.append(len(starts))
    texts = list(unique)
    vectors = encoder.encode(texts, batch_size=128) if texts else np.zeros((0, encoder.dim), np.float32)
    return {
        "chunk_ptr": np.array(ptr, dtype=np.int32),
        "starts": np.array(starts, dtype=np.int32),
        "ends": np.array(ends, dtype=np.int32),
        "rows": np.array(rows, dtype=np.int32),
        "vectors": vectors.astype(np.float16),
    }


def build_index(
    settings: Settings,
    encoder: Encoder,
    docs: list[Document] | None = None,
    progress: bool = False,
) -> BuildResult:

    started = time.perf_counter()
    docs = docs if docs is not None else load_corpus(settings.seeds_dir)
    max_tokens = min(settings.chunk_tokens, encoder.max_seq_length)
    chunks: list[Chunk] = []
    offsets = {}
    infos = []
    headers = {}
    for d in docs:
        cleaned = clean(d.text)
        offsets[d.doc] = cleaned.offsets
        headers[d.doc] = context_header(d)
        doc_chunks = chunk_document(d, cleaned, encoder.count_tokens, max_tokens, settings.chunk_overlap, len(chunks))
        chunks += doc_chunks
        infos.append(
            DocInfo(d.doc, d.title, d.date, d.publisher, d.sha256, len(d.text), len(doc_chunks), d.date_note, d.kind)
        )
    check_token_limit(chunks, headers, encoder.count_tokens, encoder.max_seq_length)
    texts = [with_context(headers[c.doc], c.text) for c in chunks]
    vectors = encoder.encode(texts, progress=progress)
    index = make_faiss_index(encoder.dim, len(chunks), settings)
    index.add(vectors)
    sentences = embed_sentences(chunks, encoder)
    manifest = {
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "corpus_fingerprint": corpus_fingerprint(docs),
        "model": {
            "name": encoder.name,
            "sha256": encoder.sha256,
            "dim": encoder.dim,
            "max_seq_length": encoder.max_seq_length,
            "genuine_default": encoder.genuine_default,
            "backend": encoder.backend,
        },
        "chunking": chunking_params(settings),
        "faiss": type(index).__name__,
        "counts": {"documents": len(docs), "chunks": len(chunks)},
        "packages": package_versions(),
    }
    path = write_index(settings.index_dir, manifest, index, chunks, infos, offsets, sentences)
    return BuildResult(str(path), len(docs), len(chunks), time.perf_counter() - started)
