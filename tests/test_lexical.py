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


def test_prose_before_a_long_table_is_scored_as_a_passage_of_its_own():
    prose = "We will have inspected all CRCs by April 2019."
    table = "\n".join(f"Area {i}\nOwner {i}\nMonth {i}" for i in range(40))
    texts = [f"{prose}\n\n{table}", "CRCs were inspected in Kent, in London and in several other areas of England last year."]
    without = BM25.build(texts).scores("When will all CRCs have been inspected?")
    assert without[0] < without[1]  # the table's length dilutes the sentence's words
    scores = BM25.build(texts, parts=[(0, prose)]).scores("When will all CRCs have been inspected?")
    assert scores[0] > scores[1]
    assert scores[1] == without[1]  # a part adds nothing to the statistics
