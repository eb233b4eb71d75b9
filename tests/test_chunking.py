"""Chunks fit the model whole, overlap, and never cross documents."""

from __future__ import annotations

from rag.chunking import SPECIAL_TOKENS, chunk_document, context_header, with_context
from rag.cleaning import clean
from rag.corpus import load_corpus
from rag.settings import PROJECT_ROOT

SEEDS = PROJECT_ROOT / "seeds"


def test_no_chunk_exceeds_the_models_max_sequence_length(encoder):
    for doc in load_corpus(SEEDS):
        header = context_header(doc)
        for c in chunk_document(doc, clean(doc.text), encoder.count_tokens, 256, 48):
            assert encoder.count_tokens(with_context(header, c.text)) + SPECIAL_TOKENS <= encoder.max_seq_length


def test_chunks_overlap_and_stay_inside_their_document(encoder):
    doc = next(d for d in load_corpus(SEEDS) if d.doc.startswith("001_"))
    ct = clean(doc.text)
    chunks = chunk_document(doc, ct, encoder.count_tokens, 200, 48)
    assert len(chunks) > 50
    assert {c.doc for c in chunks} == {doc.doc}
    overlapping = 0
    for a, b in zip(chunks, chunks[1:]):
        if b.clean_start < a.clean_end:
            overlapping += 1
        else:  # no overlap only where a paragraph ends: no sentence is cut apart
            assert "\n\n" in ct.text[a.clean_end - 2 : b.clean_start + 2], (a.id, b.id)
    assert overlapping > len(chunks) // 3
    for c in chunks:
        assert ct.text[c.clean_start : c.clean_end] == c.text
        assert 0 <= c.start < c.end <= len(doc.text)


def test_every_chunk_carries_its_document_context():
    doc = next(d for d in load_corpus(SEEDS) if d.doc.startswith("003_"))
    header = context_header(doc)
    assert "London" in header and "2019" in header and "HM Inspectorate of Probation" in header
