"""The eval set itself is sound: every answer is really in its document."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from rag.errors import BadQuestion
from rag.evaluation import KINDS, answer_matches, check_documents, load_questions, normalise_answer
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


def test_a_hand_edited_set_is_read_with_line_numbers_and_a_byte_order_mark(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"id": "a", "question": "How many?", "answer": "615", "doc": "x.txt", "kind": "count"}\n'
                     b'\n{"id": "b", "question": "Who?", "answer": null, "kind": "unanswerable", "split": "test"}\r\n')
    a, b = load_questions(path)
    assert (a.id, a.line, a.split, a.doc) == ("a", 1, "dev", "x.txt")
    assert (b.id, b.line, b.split, b.answer) == ("b", 3, "test", None)


def test_a_repeated_id_is_refused_naming_both_lines(tmp_path):
    path = tmp_path / "set.jsonl"
    record = b'{"id": "q1", "question": "How many?", "kind": "count"}\n'
    path.write_bytes(record + record)
    with pytest.raises(BadQuestion, match=r"set\.jsonl:2: id 'q1' is already used on line 1"):
        load_questions(path)


def test_a_record_citing_a_document_the_index_lacks_is_refused(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_bytes(b'{"id": "q1", "question": "How many?", "answer": "3", "doc": "gone.txt", "kind": "count"}\n')
    with pytest.raises(BadQuestion, match=r"set\.jsonl:1: record 'q1': doc 'gone\.txt' is not in the index"):
        check_documents(load_questions(path), {"here.txt"}, path)
