"""From report files to a built index: read, clean, chunk, embed, write — incrementally.

`update_index` is the only writer of the index. It compares the library with
the live version and embeds only documents that are new or changed (a file's
bytes or its manifest entry); everything else — chunks, vectors, sentence
vectors, texts — is carried over from the live version. The result is always
a complete new version, switched in atomically by the store.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rag.answering import split_sentences
from rag.charts import sentence_as_read
from rag.chunking import Chunk, check_token_limit, chunk_document, context_header, indexed_text, prose_text
from rag.cleaning import clean
from rag.corpus import Document, SourceFile, corpus_fingerprint, read_source, scan_library
from rag.embedding import Encoder
from rag.errors import DocumentError, IndexCorrupt, IndexMissing, IndexStale
from rag.settings import Settings
from rag.store import DocInfo, StoredIndex, check_fresh, load_index, package_versions, read_manifest, write_index

CHUNKER_VERSION = "recursive-tokens-v1+tables"
Progress = Callable[[str], None]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildResult:
    path: str
    documents: int
    chunks: int
    seconds: float
    skipped: bool = False
    embedded: tuple[str, ...] = ()  # documents (re)embedded by this update
    removed: tuple[str, ...] = ()
    rejected: tuple[tuple[str, str], ...] = ()  # (document, why) left out of the index


@dataclass
class DocPart:
    """Everything one document contributes to the index; chunk ids are local (0..n-1)."""

    info: DocInfo
    text: str
    offsets: np.ndarray
    chunks: list[Chunk]
    vectors: np.ndarray  # (chunks, dim) float32
    sent_ptr: np.ndarray  # (chunks + 1,) into the sentence arrays below
    sent_starts: np.ndarray  # sentence spans within each chunk's text
    sent_ends: np.ndarray
    sent_vectors: np.ndarray  # (sentences, dim) float16, one row per sentence occurrence
    prose_chunks: np.ndarray  # (m,) the chunks whose prose is embedded apart from a table after it
    prose_vectors: np.ndarray  # (m, dim) float32, that prose's vectors


def chunking_params(settings: Settings) -> dict:
    return {
        "chunk_tokens": settings.chunk_tokens,
        "chunk_overlap": settings.chunk_overlap,
        "chunker": CHUNKER_VERSION,
    }


def expectations(settings: Settings, model_name: str, model_sha: str, backend: str | None = None) -> dict:
    """What an index must have been built with to be usable with these settings. `backend` None
    skips the encoder-backend check (the server's preflight, which decides before any model is loaded)."""
    return {
        "model": {"name": model_name, "sha256": model_sha, "backend": backend},
        "chunking": chunking_params(settings),
    }


def index_status(settings: Settings, expected: dict) -> str | None:
    """None when the index is present and usable; otherwise why it needs building."""
    try:
        check_fresh(read_manifest(settings.index_dir), expected)
    except (IndexMissing, IndexStale, IndexCorrupt) as exc:
        return str(exc)
    return None


def make_faiss_index(dim: int, n: int, settings: Settings):
    """Exact search while it is cheap; HNSW once a flat scan would cost more than ~2 ms.

    eval/bench.py's scale section measured flat at about 0.05 ms per 1,000 vectors on
    2 cores, and HNSW (M=32, efConstruction=200, efSearch=1024) at recall@10 0.987
    against flat at 289k vectors of near-duplicate passages, in 1.4 ms.
    """
    import faiss

    if n < settings.hnsw_min_vectors:
        return faiss.IndexFlatIP(dim)
    index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = 200
    index.hnsw.efSearch = settings.hnsw_ef_search
    return index


def _doc_info(d: Document, chunks: int) -> DocInfo:
    return DocInfo(d.doc, d.title, d.date, d.publisher, d.sha256, len(d.text), chunks, d.date_note, d.kind,
                   d.format, list(d.pages), d.source_key)


def _embedded_sentence(chunk: Chunk, start: int, end: int) -> str:
    """A sentence as embedded: a key-facts line with the section and long forms it sits under.

    "151 Number of YOTs" alone is little like "How many Youth Offending Teams were there?";
    read under "Youth Offending Services / Youth Offending Teams" it is what it says.
    """
    sentence = sentence_as_read(chunk.text, start, end)
    return f"{chunk.context}\n{sentence}" if chunk.fact and chunk.context else sentence


def embed_documents(docs: list[Document], encoder: Encoder, settings: Settings, progress: bool = False) -> list[DocPart]:
    """Clean, chunk and embed new documents — chunks and sentences in one batch each."""
    max_tokens = min(settings.chunk_tokens, encoder.max_seq_length)
    staged = []
    for d in docs:
        cleaned = clean(d.text)
        chunks = chunk_document(d, cleaned, encoder.count_tokens, max_tokens, settings.chunk_overlap, 0)
        header = context_header(d)
        check_token_limit(chunks, {d.doc: header}, encoder.count_tokens, encoder.max_seq_length)
        sentences = [split_sentences(c.text) for c in chunks]
        staged.append((d, cleaned, chunks, header, sentences))
    texts = [indexed_text(header, c) for _, _, chunks, header, _ in staged for c in chunks]
    # A chunk whose prose is followed by a table gets a second vector, of its prose alone.
    prose = [[(c.id, t) for c in chunks if (t := prose_text(header, c)) is not None]
             for _, _, chunks, header, _ in staged]
    texts += [t for doc_prose in prose for _, t in doc_prose]
    vectors = encoder.encode(texts, progress=progress) if texts else np.zeros((0, encoder.dim), np.float32)
    prose_row = sum(len(chunks) for _, _, chunks, _, _ in staged)
    # A sentence repeated by chunk overlap is embedded once.
    unique: dict[str, int] = {}
    for _, _, chunks, _, sentences in staged:
        for c, spans in zip(chunks, sentences):
            for s, e in spans:
                unique.setdefault(_embedded_sentence(c, s, e), len(unique))
    sent_vecs = (encoder.encode(list(unique), batch_size=128) if unique else np.zeros((0, encoder.dim), np.float32))
    sent_vecs = sent_vecs.astype(np.float16)
    parts, row = [], 0
    for (d, cleaned, chunks, _, sentences), doc_prose in zip(staged, prose):
        ptr, starts, ends, rows = [0], [], [], []
        for c, spans in zip(chunks, sentences):
            for s, e in spans:
                starts.append(s)
                ends.append(e)
                rows.append(unique[_embedded_sentence(c, s, e)])
            ptr.append(len(starts))
        parts.append(DocPart(
            info=_doc_info(d, len(chunks)), text=d.text, offsets=cleaned.offsets.astype(np.int32), chunks=chunks,
            vectors=vectors[row: row + len(chunks)],
            sent_ptr=np.array(ptr, np.int32), sent_starts=np.array(starts, np.int32),
            sent_ends=np.array(ends, np.int32),
            sent_vectors=sent_vecs[np.array(rows, np.int64)] if rows else np.zeros((0, encoder.dim), np.float16),
            prose_chunks=np.array([i for i, _ in doc_prose], np.int32),
            prose_vectors=vectors[prose_row: prose_row + len(doc_prose)].reshape(-1, encoder.dim),
        ))
        row += len(chunks)
        prose_row += len(doc_prose)
    return parts


def extract_part(stored: StoredIndex, doc: str) -> DocPart:
    """One document's share of a loaded index, ready to carry into the next version."""
    ids = [c.id for c in stored.chunks if c.doc == doc]
    lo, hi = (ids[0], ids[-1] + 1) if ids else (0, 0)
    table = stored.sentences
    ptr = table["chunk_ptr"][lo: hi + 1].astype(np.int64)
    s_lo, s_hi = (int(ptr[0]), int(ptr[-1])) if len(ptr) else (0, 0)
    keep = (table["prose_chunks"] >= lo) & (table["prose_chunks"] < hi)
    return DocPart(
        info=stored.documents[doc],
        text=stored.texts[doc],
        offsets=stored.offsets[doc],
        chunks=[dataclasses.replace(c, id=c.id - lo) for c in stored.chunks[lo:hi]],
        vectors=stored.faiss_index.reconstruct_n(lo, hi - lo) if hi > lo else np.zeros((0, 0), np.float32),
        sent_ptr=(ptr - s_lo).astype(np.int32),
        sent_starts=table["starts"][s_lo:s_hi],
        sent_ends=table["ends"][s_lo:s_hi],
        sent_vectors=table["vectors"][table["rows"][s_lo:s_hi]],
        prose_chunks=(table["prose_chunks"][keep] - lo).astype(np.int32),
        prose_vectors=table["prose_vectors"][keep],
    )


def assemble(parts: list[DocPart], settings: Settings, dim: int):
    """Concatenate document parts into one index's arrays, renumbering chunks."""
    chunks: list[Chunk] = []
    ptr, starts, ends, rows = [0], [], [], []
    vectors_list = []
    unique: dict[bytes, int] = {}
    sent_rows: list[np.ndarray] = []
    prose_chunks, prose_vectors = [], []
    for p in parts:
        base = len(chunks)
        prose_chunks.append(p.prose_chunks.astype(np.int32) + base)
        prose_vectors.append(np.asarray(p.prose_vectors, np.float32).reshape(-1, dim))
        chunks += [dataclasses.replace(c, id=base + c.id) for c in p.chunks]
        if len(p.chunks):
            vectors_list.append(np.asarray(p.vectors, np.float32))
        offset = ptr[-1]
        ptr += [offset + int(x) for x in p.sent_ptr[1:]]
        starts.append(p.sent_starts)
        ends.append(p.sent_ends)
        for v in p.sent_vectors:
            key = v.tobytes()
            if key not in unique:
                unique[key] = len(unique)
                sent_rows.append(v)
            rows.append(unique[key])
    vectors = np.vstack(vectors_list) if vectors_list else np.zeros((0, dim), np.float32)
    index = make_faiss_index(dim, len(chunks), settings)
    if len(chunks):
        index.add(np.ascontiguousarray(vectors))
    sentences = {
        "chunk_ptr": np.array(ptr, np.int32),
        "starts": np.concatenate(starts).astype(np.int32) if starts else np.zeros(0, np.int32),
        "ends": np.concatenate(ends).astype(np.int32) if ends else np.zeros(0, np.int32),
        "rows": np.array(rows, np.int32),
        "vectors": np.vstack(sent_rows).astype(np.float16) if sent_rows else np.zeros((0, dim), np.float16),
        "prose_chunks": np.concatenate(prose_chunks) if prose_chunks else np.zeros(0, np.int32),
        "prose_vectors": np.vstack(prose_vectors) if prose_vectors else np.zeros((0, dim), np.float32),
    }
    return index, chunks, sentences


def _previous(settings: Settings, encoder: Encoder) -> StoredIndex | None:
    """The live version if its chunks and vectors can be reused; None means embed everything."""
    try:
        return load_index(settings.index_dir, expectations(settings, encoder.name, encoder.sha256, encoder.backend))
    except IndexMissing:
        return None
    except (IndexStale, IndexCorrupt) as exc:
        log.warning("rebuilding from scratch: %s", exc)
        return None


def update_index(
    settings: Settings,
    encoder: Encoder,
    sources: list[SourceFile] | None = None,
    force: bool = False,
    progress: bool = False,
    report: Progress | None = None,
) -> BuildResult:
    """Bring the index in line with the library, embedding only what changed.

    Unreadable documents are left out (listed in the result and the manifest) so
    one bad file never blocks the rest; an index with no documents at all is refused.
    """
    started = time.perf_counter()
    say = report or (lambda message: None)
    sources = scan_library(settings.seeds_dir) if sources is None else sources
    previous = None if force else _previous(settings, encoder)
    fingerprint = corpus_fingerprint(sources)
    if previous is not None and previous.manifest.get("corpus_fingerprint") == fingerprint:
        return BuildResult(str(previous.path), len(previous.documents), len(previous.chunks),
                           time.perf_counter() - started, skipped=True)
    parts: dict[str, DocPart] = {}
    to_read: list[SourceFile] = []
    for s in sources:
        info = previous.documents.get(s.name) if previous else None
        if info is not None and info.source_key == s.key:
            parts[s.name] = extract_part(previous, s.name)  # type: ignore[arg-type]
        else:
            to_read.append(s)
    rejected: dict[str, dict] = {}
    docs: list[Document] = []
    for s in to_read:
        try:
            docs.append(read_source(s))
        except DocumentError as exc:
            rejected[s.name] = {"source_key": s.key, "reason": str(exc)}
            say(f"skipped {s.name}: {exc}")
    if docs:
        say(f"embedding {len(docs)} new or changed document(s): {', '.join(d.doc for d in docs)}")
    for part in embed_documents(docs, encoder, settings, progress=progress):
        parts[part.info.doc] = part
    ordered = [parts[s.name] for s in sources if s.name in parts]
    if not ordered:
        reasons = "; ".join(f"{n}: {r['reason']}" for n, r in rejected.items())
        raise DocumentError(f"no readable reports in {settings.seeds_dir}" + (f" ({reasons})" if reasons else "."))
    index, chunks, sentences = assemble(ordered, settings, encoder.dim)
    manifest = {
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "corpus_fingerprint": fingerprint,
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
        "counts": {"documents": len(ordered), "chunks": len(chunks)},
        "rejected": rejected,
        "packages": package_versions(),
    }
    path = write_index(
        settings.index_dir, manifest, index, chunks, [p.info for p in ordered],
        {p.info.doc: p.text for p in ordered}, {p.info.doc: p.offsets for p in ordered}, sentences,
    )
    removed = tuple(sorted(set(previous.documents) - {s.name for s in sources})) if previous else ()
    return BuildResult(
        str(path), len(ordered), len(chunks), time.perf_counter() - started,
        embedded=tuple(d.doc for d in docs), removed=removed,
        rejected=tuple((n, r["reason"]) for n, r in rejected.items()),
    )


def build_index(settings: Settings, encoder: Encoder, force: bool = True, progress: bool = False) -> BuildResult:
    """A full build from the library (the test suite's and benchmark's entry point)."""
    return update_index(settings, encoder, force=force, progress=progress)
