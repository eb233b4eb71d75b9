"""Extractive answers: the sentence that answers, and the figure in it.

No text is generated. Among the sentences of the top passages we pick the one
that best covers the question's content words (weighted by rarity) and holds a
value of the type the question asks for (how many -> a count, what
percentage -> a percent, how much -> money, who -> a name, when -> a date);
from it we take that value. When the evidence is weak, the answer is None and
the passages are still shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from rag.lexical import BM25, tokenize
from rag.retrieval import Hit

Kind = Literal["count", "percent", "money", "name", "date", "number"]

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred"
)
_MONTH = "January|February|March|April|May|June|July|August|September|October|November|December"
_FRACTION_WORDS = (
    r"\b(?:(?:one|two|three|four|five|six|seven|eight|nine)\s+(?:in|out of)\s+(?:two|three|four|five|six|seven|eight|nine|ten)"
    r"|(?:a|one)\s+(?:half|third|quarter|fifth)|half|(?:two|three)[- ](?:thirds|quarters|fifths)|a\s+third|a\s+quarter)"
)

PATTERNS: dict[str, re.Pattern] = {
    "percent": re.compile(
        r"\d+(?:\.\d+)?\s?(?:%|per\s?cent\b|percent\b)|" + _FRACTION_WORDS, re.I
    ),
    "money": re.compile(
        r"£\s?\d[\d,]*(?:\.\d+)?\s?(?:bn\b|m\b|k\b|million\b|billion\b|thousand\b)?"
        r"|\d[\d,]*(?:\.\d+)?\s?(?:million|billion)\s+pounds",
        re.I,
    ),
    "date": re.compile(
        rf"\b\d{{1,2}}\s(?:{_MONTH})\s\d{{4}}\b|\b(?:{_MONTH})\s\d{{4}}\b|\b(?:19|20)\d{{2}}(?:/\d{{2}})?\b"
    ),
    "count": re.compile(
        rf"\b\d{{1,3}}(?:,\d{{3}})+\b|\b\d+(?:\.\d+)?\b|\b(?:{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))?\b", re.I
    ),
    "name": re.compile(
        r"\b(?:(?:Dame|Sir|Mr|Mrs|Ms|Dr|Lord|Lady)\s)?[A-Z][a-z]+(?:[ -](?:[A-Z][a-z]+|of|and)){0,3}\s?[A-Z][a-z]+\b"
    ),
}

_KIND_CUES: list[tuple[str, re.Pattern]] = [
    ("percent", re.compile(r"\b(percentage|per cent|percent|proportion|share|what fraction|how many in|rate of|%)", re.I)),
    ("money", re.compile(r"\b(how much money|cost|costs|budget|funding|fund|spend|spent|worth|£|pounds|invest)", re.I)),
    ("date", re.compile(r"^\s*(when|what date|on what date|what year|in which year|which year|which month)\b", re.I)),
    ("name", re.compile(r"^\s*(who|whom|which (person|company|organisation|organization|firm|inspector))\b|\bwho\b|\bname of\b|\bnamed\b", re.I)),
    ("count", re.compile(r"\b(how many|number of|how much|total|count|caseload|average)\b", re.I)),
]

# Words that frame the question rather than name its subject.
_FRAME_WORDS = {
    "proportion", "percentage", "share", "many", "number", "much", "figure", "total", "rate", "rat",
    "approximately", "roughly", "around", "exactly", "according", "report", "say", "state", "mention",
    "inspectorate's", "cent",
}
# Tokens that look like names but are not people or bodies one asks "who" about.
_NOT_NAMES = re.compile(
    r"^(The|This|That|These|Those|In|On|At|For|Of|And|But|We|It|Our|Their|Chief|Inspector|National|Probation|"
    rf"Service|Community|Rehabilitation|Company|Companies|HM|Her|His|Majesty|{_MONTH})\b"
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])[”’\"]?\s+(?=[A-Z“‘\"(£0-9•–-])|\n+")


@dataclass(frozen=True)
class Extracted:
    answer: str | None
    sentence: str | None
    hit_rank: int | None  # which citation the sentence is in (1-based)
    sentence_start: int | None  # in the chunk's text
    sentence_end: int | None
    answer_start: int | None  # in the chunk's text
    answer_end: int | None
    kind: str
    confidence: float


def question_kind(question: str) -> Kind:
    for kind, cue in _KIND_CUES:
        if cue.search(question):
            return kind  # type: ignore[return-value]
    return "number"


def split_sentences(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in _SENTENCE_SPLIT.finditer(text):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def candidates(sentence: str, kind: str) -> list[tuple[int, int, str]]:
    """Typed values in a sentence, as (start, end, text)."""
    taken: list[tuple[int, int]] = []

    def overlaps(s: int, e: int) -> bool:
        return any(s < te and ts < e for ts, te in taken)

    found: dict[str, list[tuple[int, int, str]]] = {}
    # Percent and money claim their digits first so a count never takes "48" out of "48%".
    for k in ("percent", "money", "date", "count"):
        for m in PATTERNS[k].finditer(sentence):
            if overlaps(m.start(), m.end()):
                continue
            taken.append(m.span())
            found.setdefault(k, []).append((m.start(), m.end(), m.group(0).strip()))
    if kind == "name":
        out = []
        for m in PATTERNS["name"].finditer(sentence):
            if not _NOT_NAMES.match(m.group(0)):
                out.append((m.start(), m.end(), m.group(0)))
        return out
    if kind == "number":
        return found.get("count", []) + found.get("percent", []) + found.get("money", [])
    if kind == "count":
        # A bare 4-digit year is not a count.
        return [c for c in found.get("count", []) if not re.fullmatch(r"(19|20)\d\d", c[2])]
    return found.get(kind, [])


def _content_terms(question: str) -> list[str]:
    return [t for t in dict.fromkeys(tokenize(question)) if t not in _FRAME_WORDS]


def _coverage(terms: list[str], weights: dict[str, float], tokens: set[str]) -> float:
    total = sum(weights[t] for t in terms)
    return sum(weights[t] for t in terms if t in tokens) / total if total else 0.0


def _proximity(sentence: str, span: tuple[int, int], terms: set[str]) -> float:
    """How many question terms stand near the value (closer counts more)."""
    words = [(m.start(), t) for m in re.finditer(r"\S+", sentence) for t in tokenize(m.group(0))]
    centre = (span[0] + span[1]) / 2
    score = 0.0
    for pos, t in words:
        if t in terms:
            score += 1.0 / (1.0 + abs(pos - centre) / 40.0)
    return score


def extract_answer(
    question: str,
    hits: list[Hit],
    bm25: BM25,
    headers: dict[str, str],
    threshold: float,
    max_passages: int = 5,
) -> Extracted:
    kind = question_kind(question)
    terms = _content_terms(question)
    weights = {t: bm25.term_weight(t) for t in terms}
    question_values = {c[2].lower() for k in ("percent", "money", "count", "date") for c in candidates(question, k)}
    best = None
    for hit in hits[:max_passages]:
        text = hit.chunk.text
        header_tokens = set(tokenize(headers.get(hit.chunk.doc, "")))
        passage_cov = _coverage(terms, weights, set(tokenize(text)) | header_tokens)
        for s, e in split_sentences(text):
            sentence = text[s:e]
            sent_tokens = set(tokenize(sentence))
            sentence_cov = _coverage(terms, weights, sent_tokens | header_tokens)
            values = [c for c in candidates(sentence, kind) if c[2].lower() not in question_values]
            if not values:
                continue
            score = 0.65 * sentence_cov + 0.35 * passage_cov - 0.02 * (hit.rank - 1)
            value = max(values, key=lambda c: (_proximity(sentence, (c[0], c[1]), set(terms)), -c[0]))
            if best is None or score > best[0]:
                best = (score, hit.rank, s, e, value)
    if best is None or best[0] < threshold:
        return Extracted(None, None, None, None, None, None, None, kind, best[0] if best else 0.0)
    score, rank, s, e, (vs, ve, vtext) = best
    sentence = hits[rank - 1].chunk.text[s:e]
    return Extracted(vtext, sentence.strip(), rank, s, e, s + vs, s + ve, kind, round(score, 4))
