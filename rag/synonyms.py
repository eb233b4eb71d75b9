"""Everyday words for things the reports name in their own terms.

BM25 matches words, and readers do not write like
inspectors: a journalist asks about "private probation companies" where the
reports say CRCs, about the "public-sector probation service" where they say
the NPS, or when someone "took up the post" where the foreword says "since my
appointment". MiniLM does not bridge these either. The keyword search reads
the question with the reports' word in place of each everyday phrase; its
embedding and answer selection read the question as asked (reading the
reports' words there too gained two probe answers and lost two others).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Synonym:
    phrase: re.Pattern[str]
    word: str
    plural: str  # when the phrase's noun is plural ("companies" -> "CRCs")


def _entry(pattern: str, word: str, plural: str | None = None) -> Synonym:
    return Synonym(re.compile(pattern, re.IGNORECASE), word, plural or word)


_THESAURUS = (
    # "When did she take up the post?", "took office".
    _entry(r"\b(?:take|takes|took|taken|taking)\s+up\s+(?:the\s+|her\s+|his\s+|their\s+)?"
           r"(?:post|role|office|position|job)\b|\btook\s+office\b", "appointment"),
    # The Transforming Rehabilitation split: privately owned CRCs, the public-sector NPS.
    _entry(r"\bprivate(?:ly)?(?:[\s-]+(?:run|owned|sector))?\s+probation\s+"
           r"(?:compan(?:y|ies)|providers?|firms?)\b", "CRC", "CRCs"),
    _entry(r"\b(?:public|state)(?:[\s-]+(?:sector|run|owned))?\s+probation(?:\s+service\b)?", "NPS"),
    _entry(r"\bwatchdog\b", "Inspectorate"),
    _entry(r"\bjails?\b", "prison", "prisons"),
    _entry(r"\b(?:pandemic|coronavirus|lockdowns?)\b", "Covid"),
    # "Who is the press contact?", "Who do journalists call?": press releases end "For media enquiries, please contact ...".
    _entry(r"\bpress(?=\s+(?:contacts?|office|officers?|team|desk|enquiries|inquiries|queries)\b)"
           r"|\b(?:journalists?|reporters?)\b", "media"),
)


def in_reports_words(question: str) -> str:
    """The question with each everyday phrase replaced by the reports' word for it."""
    for s in _THESAURUS:
        question = s.phrase.sub(lambda m, s=s: s.plural if m.group(0).lower().endswith("s") else s.word, question)
    return question
