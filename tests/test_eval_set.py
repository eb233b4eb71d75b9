"""The eval set itself is sound: every answer is really in its document."""

from __future__ import annotations

import re
from collections import Counter

from rag.evaluation import KINDS, answer_matches, load_questions, normalise_answer
from rag.settings import PROJECT_ROOT

QUESTIONS = load_questions(PROJECT_ROOT / "eval" / "questions.jsonl")


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_ids_are_unique_and_fields_valid():
    assert len(QUESTIONS) >= 100
    assert not [i for i, n in Counter(q.id for q in QUESTIONS).items() if n > 1]
    for q in QUESTIONS:
        assert q.kind in KINDS, q.id
        assert q.split in {"dev", "test"}, q.id
        assert (q.kind == "unanswerable") == (q.answer is None) == (q.doc is None), q.id
        assert q.question.strip().endswith("?"), q.id


def test_every_answer_occurs_in_its_document(originals):
    for q in QUESTIONS:
        if q.answer is not None:
            assert _squash(q.answer) in _squash(originals[q.doc]), q.id


def test_the_set_covers_every_document_and_has_unanswerables(originals):
    assert {q.doc for q in QUESTIONS if q.doc} == set(originals)
    assert sum(q.answer is None for q in QUESTIONS) >= 10
    assert 0.25 <= sum(q.split == "test" for q in QUESTIONS) / len(QUESTIONS) <= 0.4


def test_answer_normalisation_equates_equivalent_forms():
    assert normalise_answer("48 per cent") == normalise_answer("48%")
    assert normalise_answer("£22m") == normalise_answer("£22 million")
    assert normalise_answer("twenty-one") == normalise_answer("21")
    assert normalise_answer("around one in four") == normalise_answer("one in four")
    q = QUESTIONS[0]
    assert answer_matches(q.answer, q) and not answer_matches("something else", q)
