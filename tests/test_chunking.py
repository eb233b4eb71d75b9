"""Chunks fit the model whole, overlap, and never cross documents."""

from __future__ import annotations

from rag.chunking import SPECIAL_TOKENS, Chunk, chunk_document, context_header, indexed_text, prose_text
from rag.cleaning import clean
from rag.corpus import load_corpus
from rag.settings import PROJECT_ROOT

SEEDS = PROJECT_ROOT / "seeds"


def test_no_chunk_exceeds_the_models_max_sequence_length(encoder):
    for doc in load_corpus(SEEDS):
        header = context_header(doc)
        for c in chunk_document(doc, clean(doc.text), encoder.count_tokens, 256, 48):
            # What is embedded: the text with its header and, for a key-facts line, its context.
            assert encoder.count_tokens(indexed_text(header, c)) + SPECIAL_TOKENS <= encoder.max_seq_length


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


KEY_FACTS = (
    "The inspectorate reports on Youth Offending Teams (YOTs) and Full Joint Inspections (FJI).\n\n"
    "Youth Offending Services\n\n"
    "151 Number of YOTs\n\n"
    "16 Number of ‘Quality & Impact’\n\n"
    "inspections\n\n"
    "71% Sufficient planning to manage the risk of harm to the public\n\n"
    "YOTs work with partners from police, health and education. They are overseen by the Youth Justice Board."
)


def test_key_facts_lines_are_found_with_their_heading_and_wrapped_labels():
    from rag.chunking import fact_lists

    (facts,) = fact_lists(KEY_FACTS)
    assert facts.section == "Youth Offending Services"
    assert [KEY_FACTS[s:e] for s, e in facts.facts] == [
        "151 Number of YOTs",
        "16 Number of ‘Quality & Impact’\n\ninspections",
        "71% Sufficient planning to manage the risk of harm to the public",
    ]
    # Two figure-led paragraphs are prose, and a sentence is no label.
    assert fact_lists("12 Cases were seen.\n\n14 Staff were interviewed.\n\n3 Offices were visited.") == []
    assert fact_lists("151 Number of YOTs\n\n16 Number of inspections") == []


def test_a_reports_abbreviations_are_read_from_the_initials_before_them():
    from rag.chunking import glossary

    text = ("Our Full Joint Inspections (FJI) of Youth Offending Teams (YOTs) and the work of "
            "Her Majesty’s Prison and Probation Service (HMPPS), not the Youth Justice Board (YOT), "
            "under Multi-Agency Public Protection Arrangements (MAPPA).")
    assert glossary(text) == {"FJI": "Full Joint Inspections", "YOT": "Youth Offending Teams",
                              "HMPPS": "Her Majesty’s Prison and Probation Service",
                              "MAPPA": "Multi-Agency Public Protection Arrangements"}
    # Lower-case long forms too, the shortest run of words that fits.
    assert glossary("These pre-sentence reports (PSRs) and a rehabilitation activity requirement (RAR).") == {
        "PSR": "pre-sentence reports", "RAR": "rehabilitation activity requirement"}


def test_each_key_fact_is_a_chunk_indexed_under_its_heading(encoder):
    from rag.chunking import indexed_text
    from rag.corpus import Document

    doc = Document(doc="d.txt", title="Annual report", date="", publisher="", text=KEY_FACTS, sha256="0")
    chunks = chunk_document(doc, clean(KEY_FACTS), encoder.count_tokens, 256, 48)
    facts = [c for c in chunks if c.fact]
    assert [c.text for c in facts][0] == "151 Number of YOTs"
    # Under the page's heading, with the long forms of the abbreviations a terse label uses.
    assert [c.context for c in facts] == ["Youth Offending Services\nYouth Offending Teams"] + ["Youth Offending Services"] * 2
    assert indexed_text("Annual report", facts[0]) == (
        "Annual report\nYouth Offending Services\nYouth Offending Teams\n151 Number of YOTs")
    # The prose after the list starts after it: no chunk repeats a fact by reaching back.
    after = chunks[-1]
    assert not after.fact and after.text.startswith("YOTs work with partners")


FOOTNOTED = (
    "Across our inspections, we see differences. In \nNorthamptonshire (BeNCH34 CRC), some staff had an excellent \n"
    "rapport with those they were supervising.\n\n"
    "34  Bedfordshire, Northamptonshire, Cambridgeshire and Hertfordshire.\n"
    "35  A note that no marker points at.\n"
)


def test_a_footnote_is_linked_to_the_words_its_marker_follows():
    from rag.footnotes import footnotes

    notes = footnotes(FOOTNOTED)
    assert [(n.number, n.citing) for n in notes] == [(34, "In Northamptonshire (BeNCH")]
    assert FOOTNOTED[notes[0].start:].startswith("Bedfordshire")
    assert FOOTNOTED[notes[0].marker:notes[0].marker + 2] == "34"


def test_the_chunk_holding_a_footnote_is_indexed_with_the_words_citing_it(encoder):
    from rag.chunking import Chunk
    from rag.corpus import Document

    doc = Document(doc="d.txt", title="Annual report", date="", publisher="", text=FOOTNOTED, sha256="0")
    chunks = chunk_document(doc, clean(FOOTNOTED), encoder.count_tokens, 256, 48)
    noted = [c for c in chunks if c.notes]
    assert len(noted) == 1 and "Bedfordshire" in noted[0].text
    assert noted[0].notes == ("In Northamptonshire (BeNCH",)
    assert "In Northamptonshire (BeNCH\n" in indexed_text("Annual report", noted[0])
    # As stored in the index: JSON lists become the tuples they were.
    assert Chunk(**noted[0].to_json()) == noted[0]


def test_a_chunk_that_begins_inside_a_table_is_indexed_with_its_caption_and_headings(encoder):
    doc = next(d for d in load_corpus(SEEDS) if d.doc.startswith("001_"))
    chunks = chunk_document(doc, clean(doc.text), encoder.count_tokens, 256, 48)
    # Figure 8's service-level measures run over several chunks; each later one starts with a row.
    inside = [c for c in chunks if c.text.startswith("SCH9 SL")]
    assert inside and all(c.table.startswith("Figure 8\nCRC service level measure") for c in inside)
    assert all(c.table in indexed_text(context_header(doc), c) for c in inside)
    assert not any(c.table for c in chunks if c.text.startswith("We "))  # prose opens no table


def test_the_prose_before_a_table_is_embedded_apart_from_it_too():
    prose = "We have not yet inspected 7 of the 21 CRCs. We will have inspected all CRCs by April 2019."
    table = "NPS division CRC owner Contract package area\n\nNorth East\n\nSodexo Northumbria X\n\nDurham August 2016"
    chunk = Chunk(0, "d.txt", 0, 0, 0, 0, f"{prose}\n\n{table}")
    assert prose_text("Annual report 2017", chunk) == f"Annual report 2017\n{prose}"
    # A list after its lead-in is the prose's own; so is a chunk of prose alone.
    listed = Chunk(0, "d.txt", 0, 0, 0, 0, f"The cases broke down as follows:\n\n{table}")
    assert prose_text("Annual report 2017", listed) is None
    assert prose_text("Annual report 2017", Chunk(0, "d.txt", 0, 0, 0, 0, prose)) is None


def test_a_tables_context_that_does_not_fit_loses_its_first_headings_but_keeps_its_caption():
    from rag.chunking import fitted_table

    def words(text: str) -> int:
        return len(text.split())

    assert fitted_table("Figure 8\nCRC service level measure\nRating Target", 6, words) == "Figure 8\nRating Target"
    # A caption printed below its rows comes last, and still stays.
    closing = "NPS division CRC owner\nDate of inspection report\nFigure 10: HMI Probation inspections"
    assert fitted_table(closing, 10, words) == "Date of inspection report\nFigure 10: HMI Probation inspections"
    assert fitted_table(closing, 3, words) == ""
