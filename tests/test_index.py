"""The index round-trips, updates incrementally, and a stale or corrupt one is refused with a rebuild hint."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rag.corpus import scan_library
from rag.errors import IndexCorrupt, IndexMissing, IndexStale
from rag.indexing import build_index, expectations, index_status, update_index
from rag.settings import Settings
from rag.store import current_version, load_index, pending_changes


@pytest.fixture()
def index_copy(seed_settings: Settings, seed_index: Path, tmp_path: Path) -> Settings:
    """A private copy of the built seed index that a test may damage."""
    shutil.copytree(seed_index, tmp_path / "index")
    return seed_settings.model_copy(update={"index_dir": tmp_path / "index"})


def _expected(settings: Settings, encoder) -> dict:
    return expectations(settings, encoder.name, encoder.sha256, encoder.backend)


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


@pytest.fixture()
def library_copy(index_copy: Settings, tmp_path: Path) -> Settings:
    """A private copy of the seed library too, for tests that change reports."""
    shutil.copytree(index_copy.seeds_dir, tmp_path / "seeds")
    return index_copy.model_copy(update={"seeds_dir": tmp_path / "seeds"})


def test_a_changed_report_is_pending_not_fatal_and_only_it_is_re_embedded(library_copy, encoder):
    settings = library_copy
    target = "003_97cfb1dd66e4e149.txt"
    with (settings.seeds_dir / target).open("a", encoding="utf-8") as fh:
        fh.write("\nA late correction: 4,321 cases were reviewed again in 2026.\n")
    before = load_index(settings.index_dir, _expected(settings, encoder))  # still loads: it holds the old text
    pending = pending_changes(scan_library(settings.seeds_dir), before)
    assert pending.changed == [target] and not pending.added and not pending.removed
    assert "rag build" in pending.describe()

    result = update_index(settings, encoder)
    assert result.embedded == (target,)
    after = load_index(settings.index_dir, _expected(settings, encoder))
    assert not pending_changes(scan_library(settings.seeds_dir), after)
    assert "4,321 cases" in after.texts[target]
    # Unchanged reports keep their chunks and vectors exactly.
    other = "001_077a6287ac014f02.txt"
    old_ids = [c.id for c in before.chunks if c.doc == other]
    new_ids = [c.id for c in after.chunks if c.doc == other]
    assert [c.text for c in before.chunks if c.doc == other] == [c.text for c in after.chunks if c.doc == other]
    assert (before.faiss_index.reconstruct_n(old_ids[0], len(old_ids))
            == after.faiss_index.reconstruct_n(new_ids[0], len(new_ids))).all()
    # So do the second vectors of their chunks whose prose precedes a table.
    def prose(stored):
        table = stored.sentences
        return {stored.chunks[i].text: v.tolist() for i, v in zip(table["prose_chunks"], table["prose_vectors"])
                if stored.chunks[i].doc == other}
    assert prose(before) and prose(before) == prose(after)
    assert update_index(settings, encoder).skipped  # nothing left to do


def test_a_report_with_unicode_line_separators_indexes_and_loads(library_copy, encoder):
    # U+2028, U+2029 and NEL are line ends to str.splitlines() but not to JSON: one of them
    # once cut a stored record in two and made the whole index unreadable.
    settings = library_copy
    (settings.seeds_dir / "separators.txt").write_text(
        "The Lsshire CRC had 61 staff.\u2028It had 3 offices.\u2029It closed\x85in 2026.\n", encoding="utf-8")
    update_index(settings, encoder)
    stored = load_index(settings.index_dir, _expected(settings, encoder))
    assert stored.texts["separators.txt"].startswith("The Lsshire CRC had 61 staff.\u2028It had")
    assert any(c.doc == "separators.txt" and "3 offices" in c.text for c in stored.chunks)


def test_an_unchanged_library_is_not_rebuilt(index_copy, encoder):
    before = current_version(index_copy.index_dir)
    assert update_index(index_copy, encoder).skipped
    assert current_version(index_copy.index_dir) == before
    assert "stale" not in (index_status(index_copy, _expected(index_copy, encoder)) or "")


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


def test_a_chunks_prose_before_a_table_is_found_by_its_own_vector(service):
    """Its chunk's vector is mostly the table of CRC owners after it; the prose's own vector is not."""
    import numpy as np

    from rag.retrieval import dense_search

    index = service.index
    [chunk] = [c.id for c in index.chunks if "all CRCs by April 2019" in " ".join(c.text.split())]
    assert chunk in index.prose_chunks
    q = service.query_vector("By when did HMI Probation plan to have inspected all of the CRCs?")
    whole = index.faiss_index.reconstruct_n(0, index.faiss_index.ntotal) @ q
    by_whole_vector = int((whole > whole[chunk]).sum()) + 1
    ranked = dense_search(index, q, len(index.chunks), None)
    by_either = next(r for r, (i, _) in enumerate(ranked, start=1) if i == chunk)
    assert by_whole_vector > 50 and by_either <= 10
    prose_score = float(np.max(index.prose_vectors[index.prose_chunks == chunk] @ q))
    assert dict(ranked)[chunk] == pytest.approx(max(prose_score, float(whole[chunk])), abs=1e-5)
    # A filter that leaves the chunk out leaves its prose out too.
    mask = index.chunk_docs != index.chunks[chunk].doc
    assert chunk not in dict(dense_search(index, q, len(index.chunks), mask))


def test_a_key_facts_line_is_embedded_under_its_section(service):
    """"151 Number of YOTs" alone is little like a question on Youth Offending Teams; under its
    section's headings ("Youth Offending Services" / "Youth Offending Teams") it is."""
    [chunk] = [c for c in service.index.chunks if c.fact and c.text == "151 Number of YOTs"]
    question = "How many Youth Offending Teams were there in England and Wales?"
    hits = [h for h in service.retrieve(question, 20) if h.chunk.id == chunk.id]
    similarity = service.sentence_similarity(question, hits, 1)(chunk.id, 0, len(chunk.text))
    bare = float(service.encoder.encode([chunk.text])[0] @ service.query_vector(question))
    assert similarity > bare + 0.2


def test_prose_vectors_that_name_no_chunk_are_refused(index_copy, encoder):
    """A version written inconsistently (checksums and all) would score chunks it does not hold."""
    import numpy as np

    from rag.hashing import sha256_file

    version = current_version(index_copy.index_dir)
    with np.load(version / "sentences.npz") as npz:
        table = {k: npz[k] for k in npz.files}
    table["prose_chunks"] = table["prose_chunks"] + 10_000
    with (version / "sentences.npz").open("wb") as fh:
        np.savez(fh, **table)
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["sentences.npz"] = sha256_file(version / "sentences.npz")
    (version / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexCorrupt, match="prose vectors.*Rebuild"):
        load_index(index_copy.index_dir, _expected(index_copy, encoder))


def test_a_new_hnsw_ef_search_applies_to_an_index_already_built(index_copy, encoder):
    """FAISS stores efSearch in the file; the setting, not the file, decides at load."""
    import faiss

    from rag.hashing import sha256_file
    from rag.service import load_service

    version = current_version(index_copy.index_dir)
    flat = faiss.read_index(str(version / "vectors.faiss"))
    hnsw = faiss.IndexHNSWFlat(flat.d, 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efSearch = 16
    hnsw.add(flat.reconstruct_n(0, flat.ntotal))
    faiss.write_index(hnsw, str(version / "vectors.faiss"))
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["vectors.faiss"] = sha256_file(version / "vectors.faiss")
    (version / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    service = load_service(index_copy.model_copy(update={"hnsw_ef_search": 300}), encoder=encoder)
    assert service.index.faiss_index.hnsw.efSearch == 300
    assert service.ask("How many CRCs did Sodexo own?").citations


def test_a_manifest_that_does_not_match_its_files_is_detected(index_copy, encoder):
    version = current_version(index_copy.index_dir)
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["texts.jsonl"] = "0" * 64
    (version / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexCorrupt, match="texts.jsonl.*checksum"):
        load_index(index_copy.index_dir, _expected(index_copy, encoder))
    (version / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexCorrupt, match="unreadable"):
        load_index(index_copy.index_dir, _expected(index_copy, encoder))
