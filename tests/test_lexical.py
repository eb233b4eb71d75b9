"""BM25's tokenizer: the words and figures a question and a report share must meet."""

from __future__ import annotations

from rag.lexical import BM25, tokenize


def test_figures_stay_whole_and_per_cent_is_a_percent_sign():
    assert tokenize("2,718 cases; 48 per cent; £22.5m") == ["2718", "case", "48%", "48", "22.5", "m"]


def test_inflections_meet_on_one_stem():
    assert tokenize("inspected agencies") == tokenize("inspection agency")


def test_an_acronyms_plural_is_the_acronym():
    # "crcs" has no vowel before its "s", so the stemmer alone leaves it apart from "crc".
    assert tokenize("CRCs SFOs PSRs YOTs") == tokenize("CRC SFO PSR YOT") == ["crc", "sfo", "psr", "yot"]
    assert tokenize("NPS") == ["nps"]


def test_a_question_about_every_crc_finds_the_passage_about_all_crcs():
    bm25 = BM25.build(["We will have inspected all CRCs by April 2019.", "Inspectors visited every prison in 2019."])
    scores = bm25.scores("By what month will every CRC have been inspected?")
    assert scores[0] > scores[1]
