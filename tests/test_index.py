"""The index round-trips, and a stale or corrupt one is refused with a rebuild hint."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rag.corpus import load_corpus
from rag.errors import IndexCorrupt, IndexMissing, IndexStale
from rag.indexing import build_index, expectations, index_status
from rag.settings import Settings
from rag.store import current_version, load_index


@pytest.fixture()
def index_copy(seed_settings: Settings, seed_index: Path, tmp_path: Path) -> Settings:
    """A private copy of the built seed index that a test may damage."""
    shutil.copytree(seed_index, tmp_path / "index")
    return seed_settings.model_copy(update={"index_dir": tmp_path / "index"})


def _expected(settings: Settings, encoder) -> dict:
    return expectations(settings, load_corpus(settings.seeds_dir), encoder.name, encoder.sha256)


def test_round_trip_keeps_chunks_vectors_and_documents(seed_settings, seed_index, encoder):
    stored = load_index(seed_index, _expected(seed_settings, encoder))
    assert stored.faiss_index.ntotal == len(stored.chunks) > 100
    assert set(stored.documents) == {p.name for p in seed_settings.seeds_dir.glob("*.txt")}
    assert sum(d.chunks for d in stored.documents.values()) == len(stored.chunks)
    assert stored.manifest["model"]["sha256"] == encoder.sha256
    assert stored.manifest["chunking"]["chunk_tokens"] == seed_settings.chunk_tokens


def test_missing_index_says_how_to_build(tmp_path, encoder, seed_settings):
    with pytest.raises(IndexMissing, match="rag build"):
        load_index(tmp_path / "nothing-here")


def test_changed_corpus_makes_the_index_stale(index_copy, encoder, tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(index_copy.seeds_dir, seeds)
    with (seeds / "003_97cfb1dd66e4e149.txt").open("a", encoding="utf-8") as fh:
        fh.write("\nA late correction.\n")
    settings = index_copy.model_copy(update={"seeds_dir": seeds})
    with pytest.raises(IndexStale, match="rag build --force"):
        load_index(settings.index_dir, _expected(settings, encoder))
    assert "stale" in index_status(settings, _expected(settings, encoder))


def test_changed_chunking_settings_make_the_index_stale(index_copy, encoder):
    settings = index_copy.model_copy(update={"chunk_tokens": 128})
    with pytest.raises(IndexStale, match="chunking"):
        load_index(settings.index_dir, _expected(settings, encoder))


def test_edited_chunk_records_are_detected(index_copy, encoder):
    version = current_version(index_copy.index_dir)
    path = version / "chunks.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[3])
    record["text"] = record["text"].replace("e", "3")
    lines[3] = json.dumps(record)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(IndexCorrupt, match="checksum"):
        load_index(index_copy.index_dir, _expected(index_copy, encoder))


def test_truncated_faiss_file_is_detected(index_copy, encoder):
    path = current_version(index_copy.index_dir) / "vectors.faiss"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(IndexCorrupt, match="rebuild|Rebuild"):
        load_index(index_copy.index_dir, _expected(index_copy, encoder))


def test_a_failed_build_leaves_the_previous_index_loadable(index_copy, encoder, monkeypatch):
    before = current_version(index_copy.index_dir)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("faiss.write_index", boom)
    with pytest.raises(RuntimeError):
        build_index(index_copy, encoder)
    assert current_version(index_copy.index_dir) == before
    assert not list(index_copy.index_dir.glob(".building-*"))
    load_index(index_copy.index_dir, _expected(index_copy, encoder))


def test_large_corpora_switch_from_flat_to_hnsw_with_filters_still_exact_enough(seed_settings, service):
    import faiss
    import numpy as np

    from rag.indexing import make_faiss_index
    from rag.retrieval import SearchIndex, dense_search

    settings = seed_settings.model_copy(update={"hnsw_min_vectors": 100})
    assert isinstance(make_faiss_index(384, 99, settings), faiss.IndexFlatIP)
    hnsw = make_faiss_index(384, 293, settings)
    assert isinstance(hnsw, faiss.IndexHNSWFlat)
    flat = service.index.faiss_index
    hnsw.add(flat.reconstruct_n(0, flat.ntotal))
    index = SearchIndex(hnsw, service.index.chunks, service.index.bm25, service.index.chunk_docs,
                        service.index.chunk_years)
    q = service.query_vector("probation officer vacancies")
    mask = service.index.chunk_docs == "004_0880fbf5f6f5a3fe.txt"
    got = [i for i, _ in dense_search(index, q, 5, mask)]
    exact = np.argsort(-(flat.reconstruct_n(0, flat.ntotal) @ q) + np.where(mask, 0, 9))[:5]
    assert got == exact.tolist()
