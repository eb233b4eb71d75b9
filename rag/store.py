"""The index on disk: a directory of plain files, versioned and switched atomically.

    index/
      CURRENT                 name of the live version (replaced atomically)
      v-<time>-<id>/
        manifest.json         what built it: model + hash, chunking, corpus fingerprint,
                              package versions, and the sha256 of every file below
        vectors.faiss         FAISS inner-product index over normalised vectors
        chunks.jsonl          one chunk record a line (document, spans, text)
        documents.json        title, date, publisher, sha256, format and pages of each document
        texts.jsonl           each document's text as indexed (citations index into it), so a
                              version is self-contained: it answers correctly for what it holds
                              whatever happens to the library directory meanwhile
        offsets.npz           cleaned->original character map per document
        sentences.npz         sentence spans of every chunk and their embeddings (float16),
                              so answer selection needs no encoding at query time; and
                              the second vectors of chunks whose prose precedes a table

A build writes a new version directory and only then points CURRENT at it, so a
crash mid-build leaves the previous index loadable. Loading verifies checksums
(corrupt) and the model, chunking and format (stale), and refuses with a
message that says how to rebuild. Reports added to or changed in the library
since the build are not an error: the index still answers correctly for the
texts it holds, and `pending_changes` says what `rag build` would index.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np

from rag.chunking import Chunk
from rag.errors import IndexBusy, IndexCorrupt, IndexMissing, IndexStale
from rag.hashing import sha256_file

FORMAT_VERSION = 22  # 22: a key-facts line's sentence vector reads it under its section; 21: a heading line over its paragraph is a paragraph of its own; 20: a chunk inside a table whose caption follows it carries that caption; 19: a chunk's prose before a table has a vector of its own; 13: lower-case long forms in the glossary; 14: whole vertical headings ("a / l re / p"); 15: footnotes indexed with the text citing them; 16: a chunk inside a table carries its caption and headings; 17: table rows on consecutive lines stay apart; 18: chart figures embedded with their labels
CURRENT = "CURRENT"
FILES = ("vectors.faiss", "chunks.jsonl", "documents.json", "texts.jsonl", "offsets.npz", "sentences.npz")
REBUILD_HINT = "Rebuild it with `rag build --force` (or `make serve`, which rebuilds a missing, stale or damaged index)."


@dataclass
class DocInfo:
    doc: str
    title: str
    date: str
    publisher: str
    sha256: str
    chars: int
    chunks: int = 0
    date_note: str = ""
    kind: str = ""
    format: str = "text"
    pages: list[int] = field(default_factory=list)
    source_key: str = ""


@dataclass
class StoredIndex:
    path: Path  # the version directory
    manifest: dict
    faiss_index: object  # faiss.Index
    chunks: list[Chunk]
    documents: dict[str, DocInfo]
    texts: dict[str, str] = field(repr=False)
    offsets: dict[str, np.ndarray] = field(repr=False)
    sentences: dict[str, np.ndarray] = field(repr=False, default_factory=dict)


def package_versions() -> dict[str, str]:
    names = ["faiss-cpu", "sentence-transformers", "torch", "transformers", "onnxruntime", "tokenizers",
             "langchain-text-splitters", "numpy"]
    out = {}
    for n in names:
        try:
            out[n] = metadata.version(n)
        except metadata.PackageNotFoundError:
            out[n] = "missing"
    return out


def current_version(index_dir: Path) -> Path | None:
    pointer = index_dir / CURRENT
    if not pointer.is_file():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    return index_dir / name if name else None


# Characters that str.splitlines() and many tools take for line ends, although JSON leaves
# them unescaped: one in a report's text would cut its record in two.
_LINE_SEPARATORS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def _json_line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False).translate(_LINE_SEPARATORS) + "\n"


def _read_json_lines(path: Path) -> list[dict]:
    """One record a line; only "\n" ends a line (an index written before the escaping above
    may hold raw U+2028 inside its strings)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def write_index(
    index_dir: Path,
    manifest: dict,
    faiss_index: object,
    chunks: list[Chunk],
    documents: list[DocInfo],
    texts: dict[str, str],
    offsets: dict[str, np.ndarray],
    sentences: dict[str, np.ndarray],
    keep_versions: int = 3,
) -> Path:
    """Write a complete new version, fsync it, then switch CURRENT to it."""
    import faiss

    index_dir.mkdir(parents=True, exist_ok=True)
    version = f"v-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{os.urandom(3).hex()}"
    tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=index_dir))
    try:
        faiss.write_index(faiss_index, str(tmp / "vectors.faiss"))
        with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as fh:
            for c in chunks:
                fh.write(_json_line(c.to_json()))
        (tmp / "documents.json").write_text(
            json.dumps([d.__dict__ for d in documents], ensure_ascii=False, indent=1), encoding="utf-8"
        )
        with (tmp / "texts.jsonl").open("w", encoding="utf-8") as fh:
            for d in documents:
                fh.write(_json_line({"doc": d.doc, "text": texts[d.doc]}))
        with (tmp / "offsets.npz").open("wb") as fh:
            np.savez_compressed(fh, **{d: a.astype(np.int32) for d, a in offsets.items()})
        with (tmp / "sentences.npz").open("wb") as fh:
            np.savez(fh, **sentences)
        manifest = dict(manifest, format_version=FORMAT_VERSION, version=version)
        manifest["files"] = {name: sha256_file(tmp / name) for name in FILES}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        for name in (*FILES, "manifest.json"):
            with (tmp / name).open("rb") as fh:
                os.fsync(fh.fileno())
        final = index_dir / version
        os.replace(tmp, final)
        pointer_tmp = index_dir / f".{CURRENT}.{os.getpid()}"
        pointer_tmp.write_text(version + "\n", encoding="utf-8")
        with pointer_tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(pointer_tmp, index_dir / CURRENT)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(index_dir, keep=keep_versions)
    return final


@contextmanager
def write_lock(index_dir: Path, wait: float = 900.0) -> Iterator[None]:
    """One writer at a time, across processes (`rag build`, `rag add`, HTTP uploads).

    An advisory flock dies with its process, so a killed build never leaves the
    index locked."""
    import fcntl

    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / ".lock").open("a+") as fh:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise IndexBusy(
                        f"another process has been updating the index in {index_dir} for over "
                        f"{wait:.0f} s; try again when it finishes."
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _prune(index_dir: Path, keep: int) -> None:
    live = current_version(index_dir)
    versions = sorted((p for p in index_dir.glob("v-*") if p.is_dir()), key=lambda p: p.name)
    for old in versions[:-keep]:
        if old != live:
            shutil.rmtree(old, ignore_errors=True)
    for stray in index_dir.glob(".building-*"):
        if time.time() - stray.stat().st_mtime > 3600:  # an old crashed build
            shutil.rmtree(stray, ignore_errors=True)


def read_manifest(index_dir: Path) -> dict:
    version = current_version(index_dir)
    if version is None or not (version / "manifest.json").is_file():
        raise IndexMissing(f"no index found in {index_dir}. Build it with `rag build`.")
    try:
        return json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndexCorrupt(f"the index manifest in {version} is unreadable ({exc}). {REBUILD_HINT}") from exc


def check_fresh(manifest: dict, expected: dict) -> None:
    """Refuse an index built from another corpus, model or chunking."""
    problems = []
    if manifest.get("format_version") != FORMAT_VERSION:
        problems.append(f"index format {manifest.get('format_version')} (this version reads {FORMAT_VERSION})")
    if manifest.get("model", {}).get("name") != expected["model"]["name"] or (
        expected["model"].get("sha256") and manifest.get("model", {}).get("sha256") != expected["model"]["sha256"]
    ):
        problems.append(
            f"it was built with model {manifest.get('model', {}).get('name')!r}, "
            f"but {expected['model']['name']!r} is configured"
        )
    built_with = manifest.get("model", {}).get("backend")
    if expected["model"].get("backend") and built_with != expected["model"]["backend"]:
        problems.append(
            f"its passages were embedded by the {built_with or 'torch'} encoder, but the {expected['model']['backend']} "
            "encoder would embed the questions (set RAG_ENCODER_BACKEND / RAG_ONNX_VARIANT to match, or rebuild)"
        )
    if manifest.get("chunking") != expected.get("chunking"):
        problems.append(f"chunking {manifest.get('chunking')} differs from the settings {expected.get('chunking')}")
    if problems:
        raise IndexStale("the index is stale: " + "; ".join(problems) + ". " + REBUILD_HINT)


def load_index(index_dir: Path, expected: dict | None = None) -> StoredIndex:
    """Load the live version, verifying every file against the manifest."""
    import faiss

    manifest = read_manifest(index_dir)
    version = current_version(index_dir)
    assert version is not None
    if expected is not None:
        check_fresh(manifest, expected)
    recorded = manifest.get("files", {})
    for name in FILES:
        path = version / name
        if not path.is_file():
            raise IndexCorrupt(f"index file {path} is missing. {REBUILD_HINT}")
        if recorded.get(name) != sha256_file(path):
            raise IndexCorrupt(f"index file {path} does not match its checksum (damaged or edited). {REBUILD_HINT}")
    try:
        index = faiss.read_index(str(version / "vectors.faiss"))
        chunks = [Chunk(**record) for record in _read_json_lines(version / "chunks.jsonl")]
        documents = {
            d["doc"]: DocInfo(**d) for d in json.loads((version / "documents.json").read_text(encoding="utf-8"))
        }
        texts = {}
        for record in _read_json_lines(version / "texts.jsonl"):
            texts[record["doc"]] = record["text"]
        with np.load(version / "offsets.npz", allow_pickle=False) as npz:
            offsets = {k: npz[k] for k in npz.files}
        with np.load(version / "sentences.npz", allow_pickle=False) as npz:
            sentences = {k: npz[k] for k in npz.files}
    except (OSError, RuntimeError, ValueError, TypeError, KeyError) as exc:
        raise IndexCorrupt(f"the index in {version} cannot be read ({exc}). {REBUILD_HINT}") from exc
    if index.ntotal != len(chunks) or any(c.id != i for i, c in enumerate(chunks)):
        raise IndexCorrupt(
            f"the index in {version} has {index.ntotal} vectors for {len(chunks)} chunks. {REBUILD_HINT}"
        )
    if len(sentences.get("chunk_ptr", ())) != len(chunks) + 1:
        raise IndexCorrupt(f"the sentence table in {version} does not match its chunks. {REBUILD_HINT}")
    prose = sentences.get("prose_chunks")
    if (prose is None or len(prose) != len(sentences.get("prose_vectors", ()))
            or (len(prose) and not (prose.min() >= 0 and prose.max() < len(chunks)))):
        raise IndexCorrupt(f"the prose vectors in {version} do not match its chunks. {REBUILD_HINT}")
    if set(texts) != set(documents) or set(offsets) != set(documents) or {c.doc for c in chunks} - set(documents):
        raise IndexCorrupt(f"the documents in {version} do not match its chunks and texts. {REBUILD_HINT}")
    return StoredIndex(version, manifest, index, chunks, documents, texts, offsets, sentences)


@dataclass(frozen=True)
class PendingChanges:
    """What the library holds that the live index does not (or the reverse)."""

    added: list[str]
    changed: list[str]
    removed: list[str]

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def stale(self, docs: Iterable[str]) -> list[str]:
        """Which of these indexed reports the library has changed or removed since the build.

        Their citations still index into the text the index holds, which is no longer the file."""
        outdated = {*self.changed, *self.removed}
        return sorted({d for d in docs if d in outdated})

    def describe(self) -> str:
        parts = [f"{label}: {', '.join(names)}" for label, names in
                 (("new", self.added), ("changed", self.changed), ("removed", self.removed)) if names]
        return "the library has changes the index does not include yet (" + "; ".join(parts) + \
            "). The index still answers from the reports it holds; run `rag build` to include them."


def pending_changes(sources: list, stored: StoredIndex) -> PendingChanges:
    """Compare the library's files (corpus.SourceFile) with what the index was built from.

    Files the last build rejected (unreadable) count as pending only once they change."""
    rejected = stored.manifest.get("rejected", {})
    names = {s.name for s in sources}
    added, changed = [], []
    for s in sources:
        if rejected.get(s.name, {}).get("source_key") == s.key:
            continue
        info = stored.documents.get(s.name)
        if info is None:
            added.append(s.name)
        elif info.source_key != s.key:
            changed.append(s.name)
    removed = sorted(d for d in stored.documents if d not in names)
    return PendingChanges(added, changed, removed)
