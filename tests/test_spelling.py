"""Typos are put right against the reports' own words; real words the reports lack are not."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from rag import spelling
from rag.api.app import create_app
from rag.spelling import Vocabulary, correct_spelling

REPORT = (
    "The probation service runs approved premises for offenders. Probation officers supervise "
    "offenders in approved premises; the organisation of probation and its programme of work "
    "was criticised. Programme staff praised the organisation and its programme. Offenders, "
    "premises, organisation: the probation reports."
)
VOCABULARY = Vocabulary.of([REPORT])


def test_a_misspelt_long_word_becomes_the_reports_word_one_edit_away():
    assert correct_spelling("nps probaton officer vacancies", VOCABULARY) == "nps probation officer vacancies"
    assert correct_spelling("how many approved premisses", VOCABULARY) == "how many approved premises"
    assert correct_spelling("hours offered to offendors", VOCABULARY) == "hours offered to offenders"
    # American spelling is one edit from the reports' British one; a capital stays a capital.
    assert correct_spelling("Which Organization ran it?", VOCABULARY) == "Which Organisation ran it?"
    assert correct_spelling("an accredited program", VOCABULARY) == "an accredited programme"


def test_words_the_reports_use_in_another_form_or_short_words_are_left_alone():
    # "supervised" is another form of the reports' "supervise"; "pause" and "cites" are short,
    # real words that would otherwise become "cause" and "sites".
    for question in ("Who supervised them?", "Why the pause?", "Which report cites it?",
                     "What did the criticisms say?", "How many counties?"):
        assert correct_spelling(question, VOCABULARY) == question


def test_a_huge_word_is_left_alone_without_listing_its_neighbours(monkeypatch):
    # Its one-edit neighbours would number 54 per letter, each as long as the word itself:
    # a 2,000-letter "word" would cost over 200 MB.
    monkeypatch.setattr(spelling, "_one_edit", lambda word: pytest.fail(f"expanded a {len(word)}-letter word"))
    word = "p" + "r" * 1999
    assert correct_spelling(word, VOCABULARY) == word


def test_a_word_the_reports_use_fewer_than_three_times_is_no_correction():
    # "criticised" occurs once: it may be the report's own typo, so "criticized" stays.
    assert correct_spelling("What was criticized?", VOCABULARY) == "What was criticized?"


def test_the_answer_says_what_was_searched_when_a_typo_was_corrected(service, seed_settings):
    resp = service.ask("nps probaton officer vacancies 2019")
    assert resp.searched_as == "nps probation officer vacancies 2019"
    assert resp.question == "nps probaton officer vacancies 2019" and resp.answer == "615"
    assert service.ask("How many probation officer vacancies were there across the NPS?").searched_as is None
    with TestClient(create_app(seed_settings, service=service)) as client:
        body = client.get("/ask", params={"q": "how many approved premisses house women only"}).json()
    assert body["searched_as"] == "how many approved premises house women only"
    with TestClient(create_app(seed_settings, service=service)) as client:
        body = client.get("/search", params={"q": "probaton officer vacancies"}).json()
    assert body["query"] == "probaton officer vacancies"
    assert body["searched_as"] == "probation officer vacancies"
