"""Everyday phrases are searched as the reports' own words; the question itself is unchanged."""

from __future__ import annotations

import pytest

from rag.synonyms import in_reports_words


@pytest.mark.parametrize(
    ("question", "searched"),
    [
        ("When did Glenys Stacey take up the post of Chief Inspector?",
         "When did Glenys Stacey appointment of Chief Inspector?"),
        ("How many private probation companies did Sodexo own?", "How many CRCs did Sodexo own?"),
        ("Which privately-run probation provider covers London?", "Which CRC covers London?"),
        ("Which public-sector probation division was rated Good?", "Which NPS division was rated Good?"),
        ("How many state probation service staff are there?", "How many NPS staff are there?"),
        ("When did the pandemic halt the watchdog's work?", "When did the Covid halt the Inspectorate's work?"),
        ("How many jails did inspectors visit?", "How many prisons did inspectors visit?"),
        ("press contact for the London CRC report?", "media contact for the London CRC report?"),
        ("Who should journalists call about the report?", "Who should media call about the report?"),
    ],
)
def test_an_everyday_phrase_is_searched_as_the_reports_word(question, searched):
    assert in_reports_words(question) == searched


def test_phrases_that_are_not_the_reports_terms_are_left_alone():
    # Facilities firms are private companies, but no probation company: not CRCs.
    for question in ("To how many private sector firms was facilities management contracted out?",
                     "Who took up the recommendations?", "How many CRCs were there?",
                     "When was the press release published?"):
        assert in_reports_words(question) == question


def test_the_foreword_is_found_for_taking_up_the_post(service):
    # The 2017 foreword says "since my appointment in March 2016"; nothing in it says "post".
    hits = service.retrieve("When did Glenys Stacey take up post as HM Chief Inspector of Probation?", 5)
    assert any("since my appointment" in " ".join(h.chunk.text.split()) for h in hits)


def test_the_press_contact_is_the_person_named_for_media_enquiries(service):
    # "8. For media enquiries, please contact Head of Communications Catherine Chan ...": nothing there says "press".
    resp = service.ask("press contact for the London CRC inspection report, August 2019?")
    assert resp.answer == "Catherine Chan"
