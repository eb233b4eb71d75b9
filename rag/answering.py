"""Extractive answers: the sentence that answers, and the figure in it.

No text is generated. Among the sentences of the top passages we pick the one
that best covers the question's content words (weighted by rarity), is closest
in meaning to it (sentence embeddings computed at build time), and holds a
value of the type the question asks for (how many -> a count, what
percentage -> a percent, how much -> money, who -> a name, when -> a date);
from it we take that value. When the evidence is weak, the answer is None and
the passages are still shown.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from rag.charts import reading_of, series_says_yes, total_bar
from rag.chunking import Chunk, glossary
from rag.lexical import BM25, STOPWORDS, tokenize
from rag.retrieval import Hit
from rag.synonyms import in_reports_words
from rag.tables import Table, closing_tables, column_fit, column_keys, read_table_line, table_of_lines

_NUMBER_WORDS = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred"
)
_MONTH = "January|February|March|April|May|June|July|August|September|October|November|December"
_FRACTION_WORDS = (
    r"\b(?:(?:one|two|three|four|five|six|seven|eight|nine)\s+(?:in|out of)\s+(?:every\s+)?(?:two|three|four|five|six|seven|eight|nine|ten)"
    r"|(?:a|one)\s+(?:half|third|quarter|fifth)|half|(?:two|three)[- ](?:thirds|quarters|fifths)|a\s+third|a\s+quarter)"
    r"(?!\s+(?:of\s+)?a\s+million)"  # "a quarter of a million" is a count
)

_UNIT = r"(?:working\s+)?(?:days?|weeks?|months?|years?|hours?|minutes?)\b"
_NUM = rf"(?:\d[\d,]*(?:\.\d+)?|(?:{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))?|a|an)"

# A capitalised word (McCann), an acronym (ARCC) or both run together (MTCNovo, BeNCH); not an
# acronym's plural ("CRCs" is no name of its own).
_NAME_WORD = r"(?:[A-Z][a-z]*[A-Z]?[a-z]+|[A-Z]{2,}(?:[a-z]{2,}[A-Za-z]*)?|[A-Z][a-z]+[A-Z]{2,})"
# ... and hyphenated ones are one word: "Barrow-in-Furness", "Stoke-on-Trent", "Jones-Smith".
_NAME_UNIT = rf"{_NAME_WORD}(?:-(?:(?:in|on|upon|under|le|super|by)-)?{_NAME_WORD})*"
PATTERNS: dict[str, re.Pattern] = {
    "percent": re.compile(
        r"\d+(?:\.\d+)?\s?(?:%|per\s?cent\b|percent\b)"
        rf"|\b(?:{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))?\s(?:per\s?cent|percent)\b|" + _FRACTION_WORDS, re.I
    ),
    "money": re.compile(
        r"£\s?\d[\d,]*(?:\.\d+)?\s?(?:bn\b|m\b|k\b|million\b|billion\b|thousand\b)?"
        r"|\d[\d,]*(?:\.\d+)?\s?(?:million|billion)\s+pounds",
        re.I,
    ),
    # "12 weeks", "three to six months", and as adjectives: "a two-day course", "six-weekly".
    "duration": re.compile(
        rf"\b{_NUM}(?:\s?(?:to|–|-)\s?{_NUM})?\s(?:{_UNIT})"
        rf"|\b(?:\d+|{_NUMBER_WORDS})-(?:(?:day|week|month|year|hour)s?|weekly|monthly)\b",
        re.I,
    ),
    # The inspectorates' four-point scale.
    "rating": re.compile(r"\b(?:Outstanding|Good|Requires? improvement|Requiring improvement|Inadequate)\b", re.I),
    "date": re.compile(
        # "in April and May 2019": two months of one year are one date.
        rf"\b(?:{_MONTH})\s(?:and|to|–|-)\s(?:{_MONTH})\s\d{{4}}\b"
        rf"|\b\d{{1,2}}\s(?:{_MONTH})\s\d{{4}}\b|\b(?:{_MONTH})\s\d{{4}}\b"
        rf"|\b(?:spring|summer|autumn|winter)\s\d{{4}}\b"
        # "the beginning of 2018" says when in the year: "2018" alone says less.
        r"|\b(?:(?:the\s+)?(?:beginning|start|end|middle)\s+of\s+|early\s+|late\s+)(?:19|20)\d{2}\b"
        r"|\b(?:19|20)\d{2}(?:/\d{2})?\b"
    ),
    "count": re.compile(
        r"\bnot\s+(?:one|a\s+single)\b|"  # "Not one prisoner was found a job": zero
        r"\b(?:a\s+)?(?:quarter|half|third)\s+of\s+a\s+million\b|\bhalf\s+a\s+million\b"
        r"|\b\d[\d,]*(?:\.\d+)?\s(?:million|billion)\b|"
        rf"(?:\b|(?<=\bc))(?:\d[\d,]*\s?[–-]\s?\d[\d,]*\b|\d{{1,3}}(?:,\d{{3}})+\b|\d+(?:\.\d+)?\b)"
        rf"|\b(?:{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))?\b",
        re.I,
    ),
    # Proper names: runs of capitalised words (McCann, ARCC, EOS Works Ltd), allowing
    # "of", "and", "&", "for", "the" inside ("Prison and Probation Ombudsman", "Devon & Cornwall").
    "name": re.compile(
        rf"\b{_NAME_UNIT}(?:,?\s(?:(?:of|and|for|the|on|&)\s(?:the\s)?)?{_NAME_UNIT})*\b"
    ),
}

_ASKS_EXPANSION = re.compile(
    r"^\s*(?i:what\s+(?:does|do|did)\s+(?:the\s+)?(?:letters\s+|abbreviation\s+|acronym\s+|initials\s+)?)"
    r"[‘'\"“]?(?P<a>[A-Z][A-Za-z]{1,7}?)s?[’'\"”]?\s+(?i:stand\s+for|mean)\b"
    r"|^\s*(?i:what\s+is\s+)[‘'\"“]?(?P<b>[A-Z]{2,8})[’'\"”]?\s+(?i:short\s+for)\b")
# "What is a RAR?", "What are approved premises?": a definition, which no figure answers.
_ASKS_DEFINITION = re.compile(
    r"^\s*what\s+(?:is|are)\s+(?:(?:a|an|the)\s+)?(?P<np>[^?]{1,60}?)\s*\?*\s*$", re.I)
_NOT_DEFINED = re.compile(
    r"\b(?:of|for|in|on|at|by|per|between|from|during|with|to|when|since|after|before|each|every|all|most|least"
    r"|number|rate|share|proportion|percentage|total|maximum|minimum|average|target|length|caseload|cost|value"
    r"|date|figure|size|level|amount|budget|name|called|named|rated|rating|longest|shortest|highest|lowest|largest"
    r"|smallest|vacancies|threshold|limit|score|ratio|percent|count|capacity|workloads?|frequency|deadline|timescale"
    r"|duration|period|age|population|turnover|spend|funding|price|salary|pay|reduction|increase|rise|fall|change"
    r"|difference|gap|backlog|shortfall|\d+)\b", re.I)


def _definition_asked(question: str) -> bool:
    m = _ASKS_DEFINITION.match(question)
    if not m:
        return False
    # A proper name is defined whatever its words: "What is the Target Operating Model?"
    proper = all(w[:1].isupper() or w in ("of", "and", "for", "the") for w in m.group("np").split())
    return proper or not _NOT_DEFINED.search(m.group("np"))


_KIND_CUES: list[tuple[str, re.Pattern]] = [
    ("expansion", _ASKS_EXPANSION),
    # "What share of reports were completed within the timescale?" asks for a share, not a time.
    ("percent", re.compile(r"\b(?:what|which)\s+(?:\w+\s+)?(?:share|proportion|percentage|fraction)\b", re.I)),
    # "What was the youth reoffending rate?": a rate is a share ("37.8%"), not the "1-year" before it.
    # ... also after a clause that sets the scene: "For the 2015 cohort, what was the reoffending rate ...?"
    ("percent", re.compile(r"(?:^|,)\s*what\s+(?:was|is|were|are)\s+(?:the\s+)?[\w\s'’-]*?\brates?\b", re.I)),
    # ... also after a clause that sets the scene: "In the 2025 inspection, which rating did ... get?"
    # (unless a share or a performance figure is what is rated: "..., what rating did CRCs achieve
    # on the share of ...?", "What rating does the NPS performance table give for SL010?")
    ("rating", re.compile(r"(?:^|,)\s*(?:what|which) (?:\w+ )?(?:rating|(?<=what )(?:\w+ )?grade)\b(?![^?]*(?:\bshare|\bproportion"
                          r"|\bpercentage|\btarget|\bper\s?cent|%|\bperformance\s+(?:table|figure|measure|data)|\bservice\s+level))"
                          r"|\bhow (?:was|were|is|are|did) .+ (?:rated|rate)\b"
                          r"|\bwhat was .+ rated\b|^\s*what did .+ (?:rate|grade)\b"
                          # "What was the overall rating of ...?", "What is London CRC's rating?"
                          r"|^\s*what (?:was|is|were|are) [\w\s'’-]{0,40}?\bratings?\b",
                          re.I)),
    # "What period do the figures cover?" asks for dates ("April 2016 to March 2017"), not a length.
    ("date", re.compile(r"\b(?:what|which)\s+(?:time\s+)?period\b[^?]*\b(?:cover\w*|relat\w*|span\w*|refer\w*)\b", re.I)),
    ("duration", re.compile(r"\b(how long|what period|over what period|what length|timescale|time limit|"
                            r"how many (?:working\s+|calendar\s+|school\s+)?(days|weeks|months|years|hours)|within what time)\b"
                            # "What was the typical length of ...?", "What is the maximum duration of ...?"
                            r"|^\s*what\s+(?:was|is|were|are)\s+(?:the\s+)?(?:\w+\s+)?(?:length|duration)\b", re.I)),
    # "How many CRCs ... after the extra funding?", "How many offices does it share?": things counted,
    # also after a clause that sets the scene ("Of its 22 offices, how many did it share ...?").
    ("count", re.compile(r"(?:^|,)\s*how many\b(?!\s+(?:in|out of)\b)", re.I)),
    # "What end-of-year caseload was used to express reviews as a share of caseload?": the thing
    # named after "what" is asked for; a share later in the question only says what it was for.
    # ("Which CRC aimed for caseloads of 55 to 70?" asks for the CRC.)
    ("count", re.compile(r"^\s*what\s+(?:[\w/-]+\s+){0,3}?(?:caseloads?|head\s?counts?|populations?)\b", re.I)),
    ("percent", re.compile(r"\b(percentage|per cent|percent|proportion|share|what fraction|"
                           r"how many (in|out of) (every|ten|\d+)|rate of)\b|%", re.I)),
    ("money", re.compile(r"\b(money|cost|costs|budget|funding|funded|fund|spend|spent|worth|pounds|invest\w*|value of)\b|£"
                         # "How much does the Ministry pay ...?", but not "Which panel grants ...?"
                         r"|\bhow much\b.*\b(?:pay|pays|paid|paying|payments?|fees?|prices?|grants?|charged?)\b",
                         re.I)),
    # "When inspectors looked at hostels, how many beds ...?": a clause that sets the scene is no date question.
    # "... - since when, per the 2017 report?": a scene set, then a date asked for.
    ("date", re.compile(r"\b(?:by|since|until|from)\s+when\b|^\s*(when(?![^?]*,\s*(?:(?:up to|roughly|about|around|approximately|exactly)\s+)?"
                        r"(?:how|what|which|who|where|in what)\b)|what date"
                        r"|on what date|which period|what period)\b"
                        r"|\b(which|what) (?:(?:baseline|base|calendar|financial|starting|reference) )?(months?|years?|dates?|days?)\b"
                        # ... also after a clause that names the source: "According to the table, when was ...?"
                        r"|,\s*when\s+(?:was|were|did|does|do|is|are|will|would|had|has|have)\b", re.I)),
    ("name", re.compile(r"^\s*(who|whom|where|which|what (organisation|company|body|panel|scale|review|prison|name))\b"
                        r"|\bwhich (individual|person|organisation|company|body|panel|review|prison|scale|division|"
                        r"owner|researchers?|counties|areas?|regions?)\b", re.I)),
    # "What case supervision model ...?", "What scheme ...?": a named thing, not a figure.
    ("name", re.compile(r"^\s*what\s+(?:[\w-]+\s+){0,2}?(?:model|scheme|framework|initiative|approach|tool|programme|project"
                        r"|policy|act|law|survey|standard|system|strategy)\b"
                        r"(?![\w\s-]{0,25}?\b(?:rates?|shares?|proportion|percentage|numbers?|figures?|totals?|costs?)\b)", re.I)),
    ("count", re.compile(r"\b(how many|number of|how much|total|count|head\s?count|caseload|average)\b", re.I)),
    # Anywhere else, "who" or "which" may only qualify the subject ("young people who ..."),
    # unless it is the question's first question word ("What was ... in Suffolk CRC, which had
    # aimed for caseloads of 55 to 70?" asks "what", not "which").
    ("name", re.compile(r"^(?:(?!\b(?:what|when|where|how|why)\b).)*?\b(which|whose|who|name of|named)\b", re.I)),
]

# Words that frame the question rather than name its subject, as the tokenizer stems them
# (question terms are stems: "according" is "accord").
_FRAME_WORDS = frozenset(t for w in [
    "proportion", "percentage", "share", "number", "figure", "total", "rate", "approximately", "roughly",
    "around", "exactly", "according", "report", "state", "mention", "cent", "long",
] for t in tokenize(w))
# Capitalised words that start sentences or label roles rather than name someone.
_NOT_NAME_WORDS = set(
    f"The This That These Those In On At For Of And But We It Our Their Its A An As If When While With By From "
    f"Some Most Many All Each Every Figure Table Source Chief Inspector Mr Mrs Ms Dr Dame Sir Notes {_MONTH.replace('|', ' ')} "
    # Job titles follow a person's name ("Louise Cordell, Head of Communications") but are no part of it.
    f"Head Director Minister Secretary Chair Chairman Commissioner Governor "
    # A figure opening a sentence ("Women / One in ten offenders ...") is no part of a name.
    f"One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Half"
    .split()
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])[”’\"]?\s+(?=[A-Z“‘\"(£0-9•–-])|\n+")
_FALLBACK = {"count": "percent"}
_LIST_NUMBER = re.compile(r"\s*\d{1,2}[.)](?:\s+|$)")
_BULLET = re.compile(r"\s*(?:[•▪●◦*–-]|\d{1,2}[.)])\s")
CHANGE_PENALTY = 0.2
_CHANGE_KINDS = ("count", "number", "percent", "money")  # what a change can be measured in
_YEAR = re.compile(r"\b((?:19|20)\d\d)(?:\s?[/–-]\s?(\d{2,4}))?\b")


_CHANGE_WORDS = (r"ris(?:e|es|en|ing)|rose|increas\w*|fall\w*|fell|drop\w*|reduc\w*|decreas\w*|declin\w*|cut|grow\w*|grew"
                 r"|up|down|higher|lower|more|less|fewer|improv\w*|change\w*")
# "has risen by 20%", "a reduction of 84%", "an 85% reduction", "up 12%".
_CHANGE_BEFORE = re.compile(rf"\b(?:{_CHANGE_WORDS})\b(?:\s+\w+){{0,2}}\s+(?:by|of)\s*$|\b(?:up|down)\s*$", re.I)
_CHANGE_AFTER = re.compile(rf"^\s*(?:{_CHANGE_WORDS})\b", re.I)
# "What did the number rise to?" asks for the level reached, not the change.
_CHANGE_QUESTION = re.compile(rf"\bby how much\b|\bhow much did\b|\b(?:{_CHANGE_WORDS})\b(?!\s+to\b)", re.I)
# "three or more officers", "more than 55 cases": a threshold, not a change asked about.
_COMPARATIVE = re.compile(r"(?i)\b(?:or|no|any)\s+(?:more|less|fewer)\b|\b(?:more|less|fewer|higher|lower)\s+than\b")
# "What share ... in 2016, down from 17% in 2006?" gives where a change started and asks where it ended.
_FROM_GIVEN = re.compile(rf"(?i)\b(?:{_CHANGE_WORDS})\s+from\s+(?:[^,;?]*?\d[^,;?]*)"
                         # "Despite the rise in charges, what proportion ... were charged?" grants the change.
                         r"|\b(?:despite|after|following|given|amid|with)\s+(?:the|a|an|this|that|its|their)\s+"
                         rf"(?:\w+\s+)?(?:{_CHANGE_WORDS})\b")
# "Even though numbers rose after 2014, what proportion ...?": a clause the question opens with
# concedes a change; the question is what follows it.
_CONCEDED = re.compile(r"(?i)^\s*(?:even\s+though|although|though|while|whilst|whereas|even\s+as|even\s+if|given\s+that)\b[^,?]*,")
# "fell short" is no fall: "what share of cases fell short because ...?" asks for a level.
_NO_CHANGE = re.compile(r"(?i)\b(?:fell|fall\w*)\s+short\b")
# Only verbs: "up to 50 cases" or "more to do" asks for no level reached.
_LEVEL_REACHED = (r"|\b(?:ris(?:e|es|en|ing)|rose|increas\w*|fall\w*|fell|drop\w*|reduc\w*|decreas\w*|declin\w*|grow\w*|grew"
                  r"|climb\w*)\s+to\b|\breach\w*"
                  # "To what figure did the number ... drop?" asks for the level reached, too.
                  r"|\bto\s+what\s+(?:figure|level|number|total|value)\b")


# "decreases of 89 (2.5%) over the quarter and 116 (3.3%) over the last year": the second
# figure of a list of changes is a change too.
_CHANGE_LIST = re.compile(rf"\b(?:{_CHANGE_WORDS})\b(?:\s+\w+){{0,2}}\s+(?:by|of)\s+[\d,.]+%?(?:[^;:.]|(?<=\d)\.(?=\d)){{0,40}}?\band\s+$", re.I)


def continues_changes(sentence: str, value: tuple[int, int, str]) -> bool:
    """Whether a figure is the second of a list of changes ("increases of 17 ... and 73 ...")."""
    return bool(_CHANGE_LIST.search(sentence[max(0, value[0] - 80): value[0]]))


def is_change(sentence: str, value: tuple[int, int, str]) -> bool:
    """Whether a figure measures a change ("risen by 20%", "an 85% reduction") rather than a level."""
    return bool(_CHANGE_BEFORE.search(sentence[max(0, value[0] - 40): value[0]])
                or _CHANGE_AFTER.match(sentence[value[1]: value[1] + 20])
                or continues_changes(sentence, value))


# "... (2.5%) over the quarter", "... on the year": the span a change is measured over.
_OVER_INTERVAL = re.compile(r"(?i)\)?\s*(?:\([^)]{1,12}\)\s*)?(?:over|on|in|during|since|compared\s+(?:to|with))\s+the\s+(?:last\s+|previous\s+|past\s+)?(quarter|year|month|week)\b")
_ASKS_INTERVAL = re.compile(r"(?i)\b(?:over|on|in|during)\s+the\s+(?:last\s+|previous\s+|past\s+)?(quarter|year|month|week)\b"
                            r"|\b(quarter|year|month|week)[- ](?:on|over)[- ](?:quarter|year|month|week)\b|\b(quarter|year|month|week)ly\b")
INTERVAL_BONUS = 1.0


def interval_asked(question: str) -> str | None:
    """'quarter' of 'How much did it rise over the quarter?', 'year' of 'year-on-year': the span
    of the change asked about, which tells "15 on the quarter" from "357 over the last year"."""
    m = _ASKS_INTERVAL.search(question)
    return next(g for g in m.groups() if g).lower() if m else None


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


_GIVEN_FIGURE = re.compile(r"\d[\d,.]*\s?(?:%|per\s?cent\b)|£\s?\d[\d,.]*\w*")


# Searches typed as keywords ("proven reoffending rate 2015 cohort crc", "chief inspector of
# probation december 2020") have no question word to say what they ask for; their nouns do.
_QUESTION_WORD = re.compile(r"(?i)\b(?:what|which|who|whom|whose|when|where|how|why)\b")
# The thing a keyword search asks for comes first: "act setting out hm chief inspector's duties" asks for an Act.
_KEYWORD_POST = re.compile(r"(?i)^\s*(?:(?:the|hm|current|latest|former)\s+)*(?P<post>chief inspector|inspector of|director|minister|secretary of state|chief executive"
                           r"|head of [a-z]+|(?:communications|press|media) (?:manager|officer|lead)"
                           r"|chair(?:man|woman|person)?|ombudsman|spokes(?:man|woman|person)"
                           r"|(?:press|media)\s+(?:contacts?|officers?|enquiries))\b")
_KEYWORD_CUES: list[tuple[str, re.Pattern]] = [
    ("percent", re.compile(r"(?i)\b(?:rates?|share|proportion|percentage|per cent|percent)\b|%")),
    ("name", _KEYWORD_POST),
    ("date", re.compile(r"(?i)\b(?:date|dated|published|publication date)\b")),
    ("duration", re.compile(r"(?i)\b(?:length|duration)\b")),
    ("name", re.compile(r"(?i)\b(?:owners?|owned by)\b|^\s*(?:the\s+)?(?:act|law|legislation|organisation|organization"
                        r"|company|body|charity|provider|person)\b")),
]
# "cases inspected national arrangements inspection 2025", "pre-sentence reports nps provides
# per year": things, counted (a plural noun among the first four words), unless a money, date
# or other cue says otherwise.
_KEYWORD_THINGS = re.compile(r"(?i)^\s*(?:the\s+)?(?:total\s+)?(?:number\s+of\s+)?(?P<things>(?:[\w-]+\s+){0,3}?(?:[a-z]+-)?[a-z]{3,}(?<![su]s)(?<!ss)s)\b")


def _keyword_post(question: str) -> bool:
    """'chief inspector of probation 2025': a keyword search for who held a post."""
    return not _QUESTION_WORD.search(question) and bool(_KEYWORD_POST.search(question))


# "first annual report of Glenys Stacey - when did she take up post?": a topic, then the question.
# The kind asked for is the question's; the topic still says what it is about ("women-only
# approved premises: how many are there?").
_TOPIC_THEN_QUESTION = re.compile(r"(?:\s[-–—]+\s+|:\s+)((?:what|which|who|whom|whose|when|where|how|why)\b[^:–—]*)$", re.I)


def question_kind(question: str) -> str:
    # A figure the question states ("the claim that offending fell by 42%") is given, not asked.
    asked = _GIVEN_FIGURE.sub(" ", m.group(1) if (m := _TOPIC_THEN_QUESTION.search(question)) else question)
    keywords = not _QUESTION_WORD.search(asked)
    if keywords:
        for kind, cue in _KEYWORD_CUES:
            if cue.search(asked):
                return kind
    for kind, cue in _KIND_CUES:
        if cue.search(asked):
            return kind
    if keywords and _KEYWORD_THINGS.search(asked):
        return "count"
    return "definition" if _definition_asked(asked) else "number"


def split_sentences(text: str) -> list[tuple[int, int]]:
    return list(_sentence_spans(text))


@lru_cache(maxsize=20_000)
def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Cached: the same stored passages come back for many questions."""
    spans, pos = [], 0
    for m in _SENTENCE_SPLIT.finditer(text):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    spans = [(s, e) for s, e in spans if text[s:e].strip()]
    # A list's number is not a sentence of its own: "4. For media enquiries, contact ..."
    for i in range(len(spans) - 2, -1, -1):
        if _LIST_NUMBER.fullmatch(text[spans[i][0]: spans[i][1]]) and "\n" not in text[spans[i][1]: spans[i + 1][0]]:
            spans[i: i + 2] = [(spans[i][0], spans[i + 1][1])]
    return tuple(spans)


# "Who is the current Chief Inspector?": asked of today, so the newest report answers it.
_ASKS_CURRENT = re.compile(r"(?i)\b(?:current(?:ly)?|now|nowadays|today|at present|presently|latest|most recent(?:ly)?)\b")
# Enough to take the newest report's figure over an older report's better-worded one, not
# enough to lift a sentence that fits the question poorly over the abstention threshold.
RECENCY_BONUS = 0.2


def asks_current(question: str) -> bool:
    """A question about the present, unless it names the year it means."""
    return bool(_ASKS_CURRENT.search(question)) and not years_in(question)


_KEY_FACTS = re.compile(r"(?i)\bkey[ -]facts?\b")


def asks_key_facts(question: str) -> bool:
    """'according to the probation key facts': the question names the page it means."""
    return bool(_KEY_FACTS.search(question))


def without_time_words(question: str) -> str:
    """The question without the words that ask for the present: they say which report, not what
    about. Left in, "current" matched the 2017 report's "the current national delivery model".
    A question that is nothing else ("now?") is kept whole."""
    rest = re.sub(r"\s+([?.,;:!])", r"\1", " ".join(_ASKS_CURRENT.sub(" ", question).split()))
    return rest if re.search(r"\w", rest) else question


def years_in(text: str) -> frozenset[int]:
    """Years a text names, with '2019/20' and '2015-16' counting as both years."""
    return _years_in(text)


_SPLIT_YEAR = re.compile(r"\b((?:19|20)\d\d)\s?[/–-]\s?((?:19|20)?\d\d)\b")
_MONTH_ABBR = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_MONTH_RANGE = re.compile(
    rf"\b{_MONTH_ABBR}(?:\s+((?:19|20)\d\d))?\s*(?:to|–|-)\s*{_MONTH_ABBR}\s+((?:19|20)\d\d)\b")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def periods_in(text: str) -> frozenset[tuple[str, int, int]]:
    """The financial years ('2015/2016', '2015-16') and month ranges ('Oct–Dec 2015',
    'October 2014 – September 2015') a text names, each as (kind, first month, last month).

    Months count from year 0, so a range that crosses a new year compares as one period.
    """
    out: set[tuple[str, int, int]] = set()
    for m in _SPLIT_YEAR.finditer(text):
        first, second = int(m.group(1)), m.group(2)
        if (int(second) if len(second) == 4 else first // 100 * 100 + int(second)) == first + 1:
            out.add(("year", first * 12 + 3, (first + 1) * 12 + 2))
    for m in _MONTH_RANGE.finditer(text):
        m1, m2 = _MONTHS.index(m.group(1).lower()[:3]), _MONTHS.index(m.group(3).lower()[:3])
        y2 = int(m.group(4))
        y1 = int(m.group(2)) if m.group(2) else y2 if m1 <= m2 else y2 - 1
        out.add(("months", y1 * 12 + m1, y2 * 12 + m2))
    return frozenset(out)


_QUOTED = re.compile(r"(?:(?<=\s)|^)[‘'\"“]([^‘’'\"”?]{2,60})[’'\"”](?=[\s,.?;:!)]|$)")


def quoted_terms(question: str) -> list[frozenset[str]]:
    """The words of each term a question quotes ("rated 'Inadequate'", "'Quality and Impact'
    inspections"): a label the answer's sentence must name, not paraphrase."""
    return [t for m in _QUOTED.finditer(question) if (t := frozenset(tokenize(m.group(1))))]


def names_other_period(question: str, sentence: str) -> bool:
    """Whether the sentence dates its figures to another financial year or span of months than asked.

    "recalls in 2016/2017" is not answered by "recalls during the financial year 2015/2016",
    nor the "January to March 2017 cohort" by the "October to December 2015 cohort".
    """
    asked = periods_in(question)
    if not asked:
        return False
    named = periods_in(sentence)
    return any(
        (same_kind := {p for p in named if p[0] == kind}) and not same_kind & asked
        for kind in {p[0] for p in asked}
    )


def dated_by_calendar_year(question: str, sentence: str) -> bool:
    """Whether a figure asked for a financial year comes from a sentence that dates by a calendar
    year of it: "Since 2014, the number ... has risen from 429 to 517" gives no figure for 2014/2015.
    A month of the year ("between September 2019 and March 2020") may lie within it."""
    asked = [p for p in periods_in(question) if p[0] == "year"]
    if not asked or periods_in(sentence):
        return False
    bare = years_in(re.sub(rf"\b{_MONTH_ABBR}\s+(?:19|20)\d\d\b", " ", sentence))  # "September 2019" is within 2019/20
    return any(bare & {p[1] // 12, p[2] // 12} for p in asked)


@lru_cache(maxsize=20_000)
def _years_in(text: str) -> frozenset[int]:
    years: set[int] = set()
    for m in _YEAR.finditer(text):
        first = int(m.group(1))
        years.add(first)
        if m.group(2):
            second = int(m.group(2)) if len(m.group(2)) == 4 else first // 100 * 100 + int(m.group(2))
            if 0 < second - first <= 2:
                years.add(second)
    return frozenset(years)


_ITEM_COUNTS = {"two": 2, "both": 2, "three": 3, "four": 4, "five": 5}
_HONORIFICS = {"Dame", "Sir", "Mr", "Mrs", "Ms", "Dr", "Lord", "Lady", "HM"}
_CONNECTORS = {"of", "and", "for", "the", "on", "&"}
_ORG_WORDS = {"Service", "Services", "Company", "Companies", "Inspectorate", "Ministry", "Office", "Board", "Trust",
              "Partnership", "Ltd", "Limited", "Group", "Panel", "Review", "Scale", "Council", "Team", "Teams", "CRC",
              "NPS", "HMPPS", "Division", "Justice", "Works", "Futures", "Links", "Unit", "Units", "Act", "Agency",
              "Authority", "Department", "Commission", "Committee", "Court", "Prison", "Association", "Foundation"}


# Words that open sentences ("Apart from Wales, ...") but are rarely written lower case in a report.
_OPENERS = frozenset(
    ["apart", "although", "however", "overall", "despite", "whilst", "while", "since", "instead", "following", "during", "after", "before", "unlike", "similarly", "likewise", "again", "elsewhere", "here", "there",
     # Sentence adverbs: "Nevertheless, we found ..." names nobody.
     "nevertheless", "nonetheless", "furthermore", "moreover", "meanwhile", "indeed", "therefore", "thus", "hence",
     "consequently", "additionally", "conversely", "regrettably", "encouragingly", "importantly", "notably",
     "unfortunately", "fortunately", "currently", "finally", "firstly", "secondly"]
)


def lowercase_words(texts: list[str], sample: int = 20_000) -> frozenset[str]:
    """Words the library writes in lower case: capitalised only because a sentence starts with them.

    A big library is read at an even stride, up to `sample` passages (about 0.8 s): a word common
    enough to open sentences shows up in any such sample, and load time stays bounded.
    """
    step = max(1, -(-len(texts) // sample))
    return frozenset(w for t in texts[::step] for w in re.findall(r"\b[a-z]+\b", t))


_POST_OF = re.compile(r"\b(?:Head|Director|Minister|Secretary|Chair|Commissioner|Governor|Inspector)\s+of\s+(?:the\s+)?$")


def _name_candidates(sentence: str, question_words: set[str],
                     common_words: frozenset[str] = frozenset()) -> list[tuple[int, int, str]]:
    """Proper-name runs, split where the question's own words stand.

    "Head of Communications Catherine Chan" asked as "Who was Head of Communications?"
    yields "Catherine Chan"; "Dame Glenys Stacey Chief Inspector of Probation" asked
    "Who was Chief Inspector?" yields "Dame Glenys Stacey".
    """
    out = []
    opening = len(sentence) - len(sentence.lstrip(" \t•–-“\"‘'("))
    for m in PATTERNS["name"].finditer(sentence):
        words = [(w.start() + m.start(), w.end() + m.start(), w.group(0).strip(",")) for w in re.finditer(r"\S+", m.group(0))]
        segment: list[tuple[int, int, str]] = []
        segments = []
        for j, w in enumerate(words):
            word = w[2]
            stop = (word.lower() in question_words and word not in _CONNECTORS or (word in _NOT_NAME_WORDS and word not in _HONORIFICS)
                    or w[0] == opening and (word.lower() in common_words or word.lower() in _OPENERS)
                    # "London and the South East" is one place, but "Youth Offending Teams and the YJB" two bodies.
                    or word == "the" and j > 0 and words[j - 1][2] == "and")
            if stop:
                if segment:
                    segments.append(segment)
                segment = []
            else:
                segment.append(w)
        if segment:
            segments.append(segment)
        # The whole run too, minus leading sentence openers, and with or without leading question
        # words: organisations often reuse the question's words ("Prison and Probation Ombudsman",
        # "Youth Justice Board" asked as "Which body published the youth justice statistics?").
        # A sentence's first word that the library writes in lower case stays when the next word
        # carries the name on ("Probation Delivery Units (PDUs) replaced ...").
        whole = list(words)
        while whole and (whole[0][2] in _NOT_NAME_WORDS and whole[0][2] not in _HONORIFICS
                         or whole[0][0] == opening and (whole[0][2].lower() in _OPENERS
                                                        or whole[0][2].lower() in common_words
                                                        and (len(whole) == 1 or whole[1][2] in _CONNECTORS))):
            whole = whole[1:]
        # ...but not across a word that is never part of a name ("Youth Justice Board, January").
        for i, w in enumerate(whole):
            if w[2] in _NOT_NAME_WORDS and w[2] not in _HONORIFICS:
                whole = whole[:i]
                break
        stripped = list(whole)
        while stripped and stripped[0][2].lower() in question_words:
            stripped = stripped[1:]
        for run in (whole, stripped):
            if len(run) > 1 and run not in segments:
                segments.append(run)
        # A person's name after the post it follows: "Chief Inspector of Probation Justin Russell",
        # "Head of Communications Catherine Chan".
        for seg in list(segments):
            while seg and seg[0][2] in _CONNECTORS:
                seg = seg[1:]
            common = [i for i, w in enumerate(seg) if w[2].lower() in common_words and w[2] not in _HONORIFICS]
            if seg and _POST_OF.search(sentence[:seg[0][0]]):
                common.append(0)
            tail = seg[max(common) + 1:] if common else []
            if len(tail) >= 2 and tail not in segments and _looks_like_person(" ".join(w[2] for w in tail), common_words):
                segments.append(tail)
        for seg in segments:
            while seg and seg[0][2] in _CONNECTORS:
                seg = seg[1:]
            while seg and (seg[-1][2] in _CONNECTORS or seg[-1][2] in _HONORIFICS):
                seg = seg[:-1]
            if not seg:
                continue
            text = sentence[seg[0][0]: seg[-1][0] + len(seg[-1][2])]
            # One word the library also writes in lower case is a heading's word, not a name
            # ("Teams" left of "Youth Offending Teams"); an acronym is kept.
            if len(seg) == 1 and not text.isupper() and text.lower() in common_words:
                continue
            if len(text) >= 2 and not re.fullmatch(r"[A-Z][a-z]?", text):
                end = seg[0][0] + len(text)
                if text.endswith(" Act") and (year := re.match(r" (?:1[89]|20)\d\d\b", sentence[end:])):
                    end += year.end()  # an Act is named with its year: "Offender Rehabilitation Act 2014"
                out.append((seg[0][0], end, sentence[seg[0][0]: end]))
    return out


def acronym_words(question: str) -> dict[str, frozenset[str]]:
    """The question's capitalised phrases by their initials, with the words (as BM25 stems them)
    that an acronym of them stands for: "London Community Rehabilitation Company" ->
    {"crc": {communiti, rehabilit, compani}, "lcrc": {...}, ...}."""
    out: dict[str, frozenset[str]] = {}
    for run in re.finditer(r"(?:\b[A-Z][\w'’-]*(?:\s+(?:of|and|for|the)\b)?\s*){2,}", question):
        words = [w for w in run.group(0).split() if w[0].isupper()]
        for i in range(len(words)):
            for j in range(i + 3, len(words) + 1):  # three letters at least: "cr" is no acronym to trust
                out.setdefault("".join(w[0] for w in words[i:j]).lower(), frozenset(tokenize(" ".join(words[i:j]))))
    return out


_BRACKETED_ABBREVIATION = re.compile(r"\([A-Z]{2,7}s?\)")


def abbreviation_tokens(texts: list[str]) -> dict[str, frozenset[str]]:
    """What the library's abbreviations stand for, as tokens, from where a report defines them:
    "Community Rehabilitation Companies (CRCs)" -> {"crc": {communiti, rehabilit, compani}}, so
    that "4.64 for the CRCs" answers a question about "private probation companies"."""
    out: dict[str, frozenset[str]] = {}
    for text in texts:
        # Only the words just before a bracketed abbreviation can define it: a library of a
        # million passages is read in a few seconds, not minutes.
        for m in _BRACKETED_ABBREVIATION.finditer(text):
            for abbreviation, long_form in glossary(text[max(0, m.start() - 120): m.end()]).items():
                key = tokenize(abbreviation)
                if len(key) == 1:
                    out.setdefault(key[0], frozenset(tokenize(long_form)))
    return out


def _with_spelt_out(tokens: frozenset[str], acronyms: dict[str, frozenset[str]]) -> frozenset[str]:
    """A passage that says "CRC" says the question's "Community Rehabilitation Company"."""
    found = [acronyms[t] for t in tokens if t in acronyms]
    return tokens.union(*found) if found else tokens


def _initialisms(question: str) -> frozenset[str]:
    """Acronyms of the question's capitalised phrases: "National Probation Service" -> "nps"."""
    out: set[str] = set()
    for run in re.finditer(r"(?:\b[A-Z][\w'’-]*(?:\s+(?:of|and|for|the)\b)?\s*){2,}", question):
        initials = "".join(w[0] for w in run.group(0).split() if w[0].isupper()).lower()
        out.update(initials[i:j] for i in range(len(initials)) for j in range(i + 2, len(initials) + 1))
    return frozenset(out)


def _word_initials(question: str) -> frozenset[str]:
    """Initials of runs of the question's words, capitalised or not: "pre-sentence reports" -> "psr"."""
    words = re.findall(r"[A-Za-z]+", question)
    out = set()
    for i in range(len(words)):
        for j in range(i + 2, min(len(words), i + 5) + 1):
            out.add("".join(w[0] for w in words[i:j]).lower())
    return frozenset(out)


def _echoes(name: str, question_words: frozenset[str]) -> bool:
    """A name made only of the question's own words is no answer ("Which CRC ...?" -> "CRCs")."""
    words = [w.lower().strip(",") for w in name.split() if w not in _CONNECTORS]
    rest = [w for w in words if w not in question_words and w.rstrip("s") not in question_words
            and f"{w}s" not in question_words]  # "CRC" echoes "Which Act lets CRCs ...?"
    # ... or of its words and an acronym of the others: "London Community Rehabilitation Company"
    # for "Who inspected London CRC?".
    return bool(words) and (not rest or len(rest) >= 2 and "".join(w[0] for w in rest) in question_words)


# "Who was the Director of the NPS?" asks for the person holding a post, never a body.
_ASKS_POST_HOLDER = re.compile(
    # ... and "Who signed off the report as Chief Inspector?" for the one acting in it.
    r"(?i)^\s*who\s+(?:(?:was|is|were|are|became|has been|had been|will be)\b.*?|[^?]*?\bas\s+(?:(?:the|hm|its|their)\s+)*)"
    r"\b(?P<post>director|chief inspector|inspector|minister|secretary|manager|head|chair(?:man|woman)?"
    r"|commissioner|governor|ombudsman|chief executive|officer|spokes(?:man|woman|person)|(?:press|media) contact)\b")


# "Which Head of Communications was the press contact?" asks for a person as "Who ...?" does.
_WHICH_POST = re.compile(r"(?i)\bwhich\s+(?:(?:current|former|then)\s+)?(?:chief inspector|director|minister|secretary of state"
                         r"|head of|chair(?:man|woman|person)?|commissioner|chief executive|spokes(?:man|woman|person)"
                         r"|(?:press|media) contact|governor|ombudsman"
                         # "Which communications officer ...?", "Which senior official ...?"
                         r"|(?:[\w-]+\s+){0,2}?(?:officer|official))\b")


# "Which Chief Inspector of Probation warned ...?" asks who held the post, as "Who was ...?" does.
_WHICH_POST_HOLDER = re.compile(
    r"(?i)\bwhich\s+(?:(?:current|former|then)\s+)?(?P<post>chief inspector|director|minister|secretary of state"
    r"|chair(?:man|woman|person)?|commissioner|chief executive|spokes(?:man|woman|person)|governor|ombudsman)\b")


def asked_post(question: str) -> str | None:
    """The post a question asks who held: 'chief inspector' of 'Who was the Chief Inspector of
    Probation in 2017?' or of the keyword search 'chief inspector of probation 2017'."""
    m = (_ASKS_POST_HOLDER.search(question) or _WHICH_POST_HOLDER.search(question)
         or (_keyword_post(question) and _KEYWORD_POST.search(question)))
    return m.group("post").lower() if m else None


def asks_publication(question: str) -> bool:
    """'When was the London CRC report published?', but not 'When did inspectors carry out
    their fieldwork for the report published in August 2019?', where 'published' only says
    which report."""
    return question_kind(question) == "date" and _names_publication(question)


# "When did/does X <verb> ... the report published in ...": another verb is asked about.
_OTHER_VERB_ASKED = re.compile(r"(?i)^\s*when\s+(?:did|do|does)\b(?![^?]*\b(?:publish|release|launch)\b)")


def _names_publication(question: str) -> bool:
    return bool(_PUBLICATION.search(question)) and not _OTHER_VERB_ASKED.search(question)


def states_publication(text: str) -> bool:
    """Whether a sentence of the passage says when something came out: 'The report is available
    ... on 21 August 2019'."""
    return any(_PUBLICATION.search(text[s:e]) and _typed_candidates(text[s:e], "date") for s, e in split_sentences(text))


HOLDER_BONUS = 0.2  # a person named right beside the post asked about
_POST_REACH = 40  # characters either side of a name in which its post stands


def _holds_post(sentence: str, value: tuple[int, int, str], post_words: frozenset[str]) -> bool:
    """Whether the post's words stand right before or after the name: "Chief Inspector of
    Probation Justin Russell", "Dame Glenys Stacey Chief Inspector of Probation"."""
    before = set(tokenize(sentence[max(0, value[0] - _POST_REACH): value[0]]))
    after = set(tokenize(sentence[value[1]: value[1] + _POST_REACH]))
    return bool(post_words) and (post_words <= before or post_words <= after)


def names_holder(text: str, post: str, common_words: frozenset[str] = frozenset()) -> bool:
    """Whether a sentence of the passage names the post and a person: 'Dame Glenys Stacey Chief
    Inspector of Probation'."""
    post_tokens = set(tokenize(post))
    for s, e in split_sentences(text):
        sentence = text[s:e]
        if post_tokens <= token_set(sentence) and any(
                _looks_like_person(c[2], common_words) for c in candidates(sentence, "name", set(), common_words)):
            return True
    return False


# "West Midlands", "North East", "Greater Manchester" are places, whoever else is called West.
_COMPASS_WORDS = frozenset({"North", "South", "East", "West", "Northern", "Southern", "Eastern", "Western", "Midlands",
                            "Central", "Greater", "Mid"})


def _looks_like_person(name: str, common_words: frozenset[str] = frozenset()) -> bool:
    """Two to four capitalised words, none an organisation's, a connector, an acronym or, apart from
    a title, a word the library also writes in lower case ("Probation" of "Chief Inspector of
    Probation Justin Russell", "Under Section")."""
    words = name.split()
    return 2 <= len(words) <= 4 and not any(
        w in _ORG_WORDS or w in _CONNECTORS or w.isupper()
        or w not in _HONORIFICS and w.lower() in common_words for w in words)


_NOT_A_FIGURE = re.compile(
    r"(?<!\S)\S*?(?:https?:|www\.|[A-Za-z]/|/[A-Za-z])\S*"  # a URL or path fragment (from its first character)
    # Covid-19, SL001, SCH9, M25; not "c140,000" (circa 140,000)
    r"|\b(?!c(?:\d{1,3},\d{3}|\d{3,}))[A-Za-z]+[-‐]?\d+[A-Za-z]*\b"
    r"|\b0\d{2,}(?:\s\d{3,})+|\b0\d{3,}"  # a telephone number: "07523 805224", "020 3334 0357"
    # A day of a month, with or without its year: "today (03 December)", "December 3", "03/12/2020".
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s(?=(?-i:{_MONTH})\b(?!\s\d{{4}}))|\b(?-i:{_MONTH})\s\d{{1,2}}(?:st|nd|rd|th)?\b"
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
    # A number that names rather than counts: "band 4 probation officers", "Figure 35", "Table 2".
    r"|\b(?:bands?|grades?|levels?|tiers?|figures?|tables?|charts?|chapters?|pages?|sections?|paragraphs?|annex|appendix"
    r"|footnotes?|steps?|phases?|stages?|parts?|schedules?|articles?|clauses?|versions?|waves?)\s\d+[a-z]?\b"
    # A number made into an adjective: "a two-part review", "a 12-month order", "one-off".
    # (A duration stays one: "a two-day course".)
    rf"|\b(?:\d+|{_NUMBER_WORDS})-(?!(?:{_NUMBER_WORDS}|halfs?|thirds?|quarters?|fifths?|(?:day|week|month|year|hour)s?"
    rf"|weekly|monthly)\b)[a-z]+\b",
    re.I,
)


# "supervising 11 to 20 members of staff" is one range; "from 147,791 in 2006/2007 to 32,949"
# is a change between two figures, and "2015 to 2016" two years.
_TO_RANGE = re.compile(r"(?<![\d/,.])(?!(?:19|20)\d\d\b)\d[\d,]*\sto\s\d[\d,]*\b(?![\d/,]|\s?(?:%|per\s?cent))", re.I)
_FROM_BEFORE = re.compile(r"(?i)\bfrom\s[^,;:.]{0,40}$")


def candidates(sentence: str, kind: str, question_words: set[str] | None = None,
               common_words: frozenset[str] = frozenset()) -> list[tuple[int, int, str]]:
    """Typed values in a sentence, as (start, end, text)."""
    if kind == "name":
        return _name_candidates(sentence, question_words or set(), common_words)
    return list(_typed_candidates(sentence, kind))


@lru_cache(maxsize=65536)
def _typed_candidates(sentence: str, kind: str) -> tuple[tuple[int, int, str], ...]:
    """Figures depend only on the sentence: the same top passages come back for many
    questions, so each sentence is parsed once (this was 60% of an answer's time)."""
    return tuple(_find_typed(sentence, kind))


FIGURE_KINDS = ("count", "percent", "money", "date", "duration", "number", "rating")


def warm_figures(passages: list[str], max_sentences: int = 8000) -> int:
    """Parse the figures and words of indexed sentences at load time, so that a question seen
    for the first time pays nothing for them; bounded so that a huge library loads as fast as ever."""
    done = 0
    for text in passages:
        token_set(text)
        years_in(text)
        for s, e in split_sentences(text):
            if done >= max_sentences:
                return done
            sentence = text[s:e]
            token_set(sentence)
            _word_tokens(sentence)
            for kind in FIGURE_KINDS:
                _typed_candidates(sentence, kind)
            done += 1
    return done


def _find_typed(sentence: str, kind: str) -> list[tuple[int, int, str]]:
    taken: list[tuple[int, int]] = []

    def overlaps(s: int, e: int) -> bool:
        return any(s < te and ts < e for ts, te in taken)

    if kind == "rating":
        # A rating is given in quotes or with a capital ("rated 'Good'"); "good practice" is not one.
        ratings = [(m.start(), m.end(), m.group(0)) for m in PATTERNS["rating"].finditer(sentence)
                   if m.start() > 0 and (sentence[m.start() - 1] in "‘'\"“" or m.group(0)[:1].isupper())]
        # "a four-point scale: 'Outstanding', 'Good', 'Requires improvement' and 'Inadequate'"
        # names the scale, and gives nothing a rating.
        return ratings if len({r[2].lower()[:8] for r in ratings}) < 3 else []
    # Digits inside a web address or a name ("uploads/sites/5/2014", "Covid-19", "SL001")
    # are part of that token, not a figure.
    taken.extend(m.span() for m in _NOT_A_FIGURE.finditer(sentence))
    if number := _LIST_NUMBER.match(sentence):  # "2. HM Inspectorate of Probation is ..."
        taken.append(number.span())
    found: dict[str, list[tuple[int, int, str]]] = {}
    # Wider types claim their digits first so a count never takes "48" out of "48%"
    # or "12" out of "12 weeks".
    for k in ("percent", "money", "duration", "date", "count"):
        if k == "count":
            found["count"] = [(m.start(), m.end(), m.group(0)) for m in _TO_RANGE.finditer(sentence)
                              if not overlaps(m.start(), m.end()) and not _FROM_BEFORE.search(sentence, 0, m.start())]
            taken.extend(c[:2] for c in found["count"])
        for m in PATTERNS[k].finditer(sentence):
            if overlaps(m.start(), m.end()):
                continue
            if k == "duration" and (re.match(r"(?i)an?\s", m.group(0))
                                    or re.match(r"\s+of\s+(?:19|20)\d\d\b", sentence[m.end():])):
                continue  # "the first six months of 2019" is a period, not a length of time
            taken.append(m.span())
            found.setdefault(k, []).append((m.start(), m.end(), m.group(0).strip()))
    if kind == "number":
        return sorted(found.get("count", [])) + found.get("percent", []) + found.get("money", []) + found.get("duration", [])
    if kind == "count":
        # A bare year, a year range or a number inside a name ("Figure 17") is not a count.
        return [
            c for c in sorted(found.get("count", []))
            if not re.fullmatch(r"(19|20)\d\d(\s?[–-]\s?\d+)?", c[2])
            # a footnote's own number: "16 Source: Youth Justice statistics..."
            and not (c[0] == 0 and re.match(r"\d{1,3} [A-Z]", sentence) and not re.match(r"\d{1,3} [A-Z]{2,5}\b", sentence))
            and not re.search(r"(Figure|Table|page|footnote|Level|SL0|level)\s?$", sentence[: c[0]])
            and not (c[2].lower() == "one" and _VAGUE_ONE.search(sentence[: c[0]]))
            and not (c[2].lower() == "one" and _PRONOUN_AFTER.match(sentence, c[1]))
        ]
    return found.get(kind, [])


# "the average number of reoffences per reoffender" asks for a ratio.
# ("per the 2017 report" is "according to", no ratio.)
_ASKS_RATIO = re.compile(r"(?i)\b(?:average|mean)\s+number\b|\bper\s+(?!(?:cent|the|a|an|its|their|his|her)\b)[a-z]")
# "seven hours of unpaid work per week" is a rate over a short spell; a question that names no
# spell ("How many hours were completed in 2016/17?") asks for another figure. (A year is no
# short spell: "140,000 cases each year" answers "How many cases does the NPS advise on?")
_SPELLS = r"(?:week|day|fortnight|month|hour|shift|session)"
_PER_SPELL = re.compile(rf"(?i)[^.;:]{{0,40}}?\b(?:per|a|an|each|every)\s+{_SPELLS}\b")
_ASKS_RATE = re.compile(rf"(?i)\b(?:per|a|an|each|every)\s+{_SPELLS}\b|\b(?:weekly|daily|monthly|fortnightly|hourly)\b"
                        r"|\bhow often\b|\baverage\b|\btypical(?:ly)?\b|\brate\b|\bfrequen")
RATE_PENALTY = 0.3
# A measure's or document's code ("SL012", "SCH9") names one row of a table: a figure whose own
# line and label do not give the code the question names is another row's.
_CODE = re.compile(r"\b(?=[A-Z]*\d)(?=\d*[A-Z])[A-Z\d]{3,}\b")
CODE_PENALTY = 0.5
_ASKS_EXISTING = re.compile(r"(?i)\bhow many\b[^?]*\b(?:are|were|was|is)\s+there\b")
# "few reports now propose one", "wait for a place on one": with no noun after it, "one" stands
# for a thing named before, a pronoun, not a count.
_PRONOUN_AFTER = re.compile(
    r"\s*(?:[,.;:!?)]|$|(?:and|or|but|to|in|on|at|for|with|that|which|who|is|was|were|are|has|had|will|would)\b)")
# "more than one CRC" says there are several, and "no one", "any one" or "every one" is nobody or anybody.
# "Who said staff across the NPS are committed?" is answered by the "Mr Russell said:" before the quote.
_ASKS_SPEAKER = re.compile(r"(?i)^\s*who\s+(?:said|says|told|stated|commented|warned|added|argued|explained|urged|called)\b")
_QUOTE_LEAD = re.compile(r"(?i)\b(?:said|says|added|continued|commented|warned|explained|stated)\s*:\s*[“\"]?\s*$")
# The four-point scale: "How many CRCs were rated Good?" is not answered by "five rated 'Inadequate'".
_RATINGS = r"(Outstanding|Good|Requires improvement|Inadequate)"
_RATING_ASKED = re.compile(rf"(?i)\b(?:rated|rating(?:\s+of)?|graded|as)\s+(?:as\s+)?['‘\"“]?{_RATINGS}\b|(?<!^)(?<![.?!]\s)\b(?-i:{_RATINGS})\b")
_RATING_LABEL = re.compile(rf"(?i)['‘\"“]{_RATINGS}['’\"”]")
OTHER_RATING_PENALTY = 0.3
RATING_BONUS = 0.1
_ASKS_EXACT = re.compile(r"(?i)\b(?:exact(?:ly)?|precise(?:ly)?)\b")
_ASKS_WHICH_YEAR = re.compile(r"(?i)\b(?:what|which)\s+year\b")
_QUALIFIED_YEAR = re.compile(r"(?i)(?:(?:the\s+)?(?:beginning|start|end|middle)\s+of|early|late)\s+(\d{4})")
# A chart's "No" bars answer a question about what was not done or fell short, and only such a question.
_NEGATED = re.compile(r"(?i)\b(?:not|no|never|without|insufficient\w*|inadequate\w*|fail\w*|lack\w*|short|unsatisfactor\w*"
                      r"|impeded?)\b|n't\b")
SERIES_PENALTY = 0.1
# ("overall" is not enough: "... in two in three cases overall; what was the figure for CRCs?")
_ASKS_COMBINED = re.compile(r"(?i)\b(?:together|combined|altogether|as\s+a\s+whole|all\s+cases"
                            r"|both\s+(?:the\s+)?(?:NPS|CRCs?|providers|organisations))\b")
_CONTRASTED = re.compile(r"(?i)\(?\b(?:rather\s+than|as\s+opposed\s+to|instead\s+of)\s+[^,;:?()]*\)?")
_DAY_OF_MONTH = re.compile(rf"\d{{1,2}}(?:st|nd|rd|th)?\s+((?:{_MONTH})\s+(?:19|20)\d\d)")
_ASKS_DAY = re.compile(r"(?i)\b(?:what|which)\s+(?:day|date)\b|\bexact(?:ly)?\b|\bprecise(?:ly)?\b|\bwhen\s+in\b")


def days_of_given_months(question: str) -> frozenset[str]:
    """The months the question dates itself by ("the report published in April 2025"), whose
    days answer nothing it asks: "29 April 2025" only restates its "April 2025". A question
    that asks for the day ("On what date in April 2025 ...?") gets them back."""
    if _ASKS_DAY.search(question):
        return frozenset()
    return frozenset(" ".join(m.group(0).split()).lower() for m in re.finditer(rf"\b(?:{_MONTH})\s+(?:19|20)\d\d\b", question))


def _day_of(value: str, months: frozenset[str]) -> bool:
    return bool(months) and (m := _DAY_OF_MONTH.fullmatch(value.strip())) is not None \
        and " ".join(m.group(1).split()).lower() in months
_HEDGE_BEFORE = re.compile(r"(?i)\b(?:more than|at least|over|fewer than|less than|under|almost|nearly|around|about|roughly"
                           r"|approximately|some|just over|just under|up to)\s+$")
_VAGUE_ONE = re.compile(r"(?i)\b(?:more than|at least|over|fewer than|less than|no more than|no|any|every|each|some)\s+$")
_EXTRA_WORDS = "additional|extra|further"  # what is added to a counted thing ("an extra 230 beds")
# "By how much did Dame Glenys Stacey say youth offending had fallen?" counts no Dame Glenys:
# a verb straight after "how much" makes it a degree, and the thing measured comes later.
_COUNTED_PHRASE = re.compile(
    r"(?i)\b(?:how many|number of|share of|proportion of|percentage of|how much)\s+(?:of\s+(?:the|its|their)\s+)?"
    r"(?!(?:did|does|do|was|were|is|are|has|have|had|will|would|could|can)\b)"
    rf"((?:(?:{_EXTRA_WORDS})\s+)?(?:\S+\s*){{1,3}})")
_EXTRA = re.compile(rf"(?i)(?:{_EXTRA_WORDS})\s")


_VERB_AFTER_NOUN = re.compile(r"(?i)^(?:\w+ed|came|come|make|made|show|went|took|gave|got|left|fell|rose|grew|saw|met|held|ran)$")
# An irregular past tense is a verb after any noun ("extra money went into ..."), while "-ed"
# and "show" after a singular may still be its modifier or the noun itself.
_PAST_AFTER_NOUN = re.compile(r"(?i)^(?:came|made|went|took|gave|got|fell|rose|grew|saw|met|held|ran)$")


def _noun_phrase(phrase: str) -> str:
    """The words of a counted phrase up to its first function word or its verb: 'extra money was
    put' -> 'extra money'; 'probation services received' -> 'probation services'."""
    words: list[str] = []
    for w in phrase.split():
        bare = w.lower().strip("?,.")
        if bare in STOPWORDS or (words and (_PAST_AFTER_NOUN.match(bare) or (
                _VERB_AFTER_NOUN.match(bare) and _looks_plural(words[-1].strip("?,."))))):
            break
        words.append(w)
    return " ".join(words)


def _looks_plural(word: str) -> bool:
    return bool(re.search(r"[^su]s$", word)) or word.lower() in _IRREGULAR_PLURALS


# "the reoffending rate for women on probation" is a share of women: the words up to a preposition.
_RATE_FOR = re.compile(r"(?i)\brates?\s+(?:for|among|amongst)\s+(?:the\s+)?((?:(?!(?:on|in|at|of|for|from|during|under|with|by|who|that|across)\b)[\w-]+\s*){1,3})")
_PEOPLE_BY = re.compile(r"(?i)(?:people|persons|individuals|offenders|adults|those|cases)\s+(?:[a-z]+ed\s+)?by\s+(?:the\s+)?"
                        r"((?:(?!(?:on|in|at|of|for|from|during|under|with|who|that|across)\b)[\w-]+\s*){1,3})")
_WHEN_WORDS = re.compile(rf"(?i)\d|\b(?:{_MONTH_ABBR}|cohorts?|periods?|years?|quarters?|months?|weeks?)\b")
_MONEY_WORDS = frozenset(tokenize("money extra additional funding cash amount sum pounds"))
# What money went on: "How much extra money went into enhanced Through the Gate services?"
_MONEY_PURPOSE = re.compile(r"(?i)\b(?:went|spent|put|invested|allocated|give|gave|given|used|paid|provided|received)\s+(?:[a-z]+\s+)?"
                            r"(?:on|into|in|for)\s+(?P<what>[^,?]+)")


def money_purpose(question: str) -> frozenset[str]:
    """The words of what the money went on; a sum for something else answers nothing
    ("How much extra money went on staff training?" is not "£22m for Through the Gate")."""
    m = _MONEY_PURPOSE.search(question)
    return frozenset(t for t in tokenize(m.group("what")) if not t.isdigit() and t not in _GENERIC_PURPOSE) if m else frozenset()


_GENERIC_PURPOSE = frozenset(tokenize("new more other additional extra total since during after before"))


def names_purpose(purpose: frozenset[str], passage_tokens: frozenset[str]) -> bool:
    """More than half of what the money went on is in the passage: "new IT systems since
    Transforming Rehabilitation" is not named by "a new tension" alone."""
    return not purpose or 2 * len(purpose & passage_tokens) > len(purpose)


# "Of the cases inspected in 2025, how many were ...", "Out of all 21 CRCs, how many ...": the
# things counted come before "how many", which a verb follows.
_COUNTED_BEFORE = re.compile(r"(?i)\b(?:of|out of)\s+(?:all\s+)?(?:the\s+|its\s+|their\s+)?(?:[\d,]+\s+)?"
                             r"((?:[\w-]+\s+){0,2}?[\w-]+?s)\b[^?]*?,\s*(?:in\s+)?how many\s+(?:were|was|are|is|had|have|did|do)\b")


_ASKS_PART = re.compile(r"(?i)\bin how many\b|\bhow many\s+(?:of|out of)\b")
# ... but being on a caseload, under supervision or in post is being counted, not a state some are in.
_ASKS_STATE = re.compile(r"(?i)\bhow many\b[^?]*?\b(?:have|has|had|are|were|is|was)\b"
                         r"(?!\s+(?:there|on|under|in\s+(?:post|custody|prison))\b)")
_AVERAGE_OF_THINGS = re.compile(r"(?i)\b(?:average|mean)\s+(?:\w+\s+)?(?:caseloads?|cases|numbers?|counts?)\b")
_WHOLE_FIRST = re.compile(r"(?i)^\s*(?:of|out of)\s+([^,?]+),\s*(?:in\s+)?how many\b")
# "How many of the 21 CRCs ...?" and "Of the 21 CRCs, how many ...?" state the whole; the figure
# asked for is the part the report gives "of the twenty-one CRCs".
_WHOLE_STATED = re.compile(rf"(?i)\b(?:how many\s+(?:out\s+)?of|^\s*(?:out\s+)?of)\s+(?:the|its|their|all)?\s*"
                           rf"(\d[\d,]*|(?:{_NUMBER_WORDS})(?:-\w+)?)\b")
_OF_WHOLE = re.compile(rf"(?i)\s*(?:out\s+)?of\s+(?:the|its|their|all)?\s*(\d[\d,]*|(?:{_NUMBER_WORDS})(?:-\w+)?)\b")
PART_BONUS = 2.0  # as much as the whole of "19 of its 22 offices" loses (SUBSET_TOTAL_PENALTY)


def number_in(text: str) -> int | None:
    """The whole number written as digits or in words: "21", "twenty-one"."""
    if text[:1].isdigit():
        return int(text.replace(",", ""))
    m = _SPELT_NUMBER.fullmatch(text)
    return _spelt_value(m) if m else None


def whole_stated(question: str) -> int | None:
    """The whole a question counts a part of: 21 in "How many of the 21 CRCs were owned by ...?"."""
    m = _WHOLE_STATED.search(question)
    return number_in(m.group(1)) if m else None


_FURTHER_PART = re.compile(r"(?i)\b(?:a\s+further|another|the\s+other|the\s+remaining)\s+$")


def _part_of_whole(sentence: str, value: tuple[int, int, str], whole: int | None) -> bool:
    """The figure is given as a part of the whole the question states: "eleven of the twenty-one",
    or as a further part after one ("... and a further three by Working Links")."""
    if whole is None:
        return False
    if (m := _OF_WHOLE.match(sentence, value[1])) and number_in(m.group(1)) == whole:
        return True
    return bool(_FURTHER_PART.search(sentence[max(0, value[0] - 20): value[0]])) and any(
        number_in(m.group(1)) == whole for m in _OF_WHOLE.finditer(sentence[:value[0]]))


_COUNTED_AS = re.compile(r"\bhow many\s+(?:were|are)\s+((?:[A-Z][\w’'-]*\s*){1,4}|[a-z]+[^s\W]s)\s*\??\s*$")


def _counted_phrase(question: str) -> str | None:
    """'how many CRC inspections ...' -> 'CRC inspections ...'; a keyword search names its things
    first: 'nps probation officer vacancies 2021' -> 'nps probation officer vacancies'."""
    if m := _COUNTED_AS.search(question):
        return m.group(1)  # "Of the services rated Good, how many were CRCs?" counts CRCs
    if m := _COUNTED_BEFORE.search(question):
        return m.group(1)
    if m := _COUNTED_PHRASE.search(question):
        words = question[m.start(1):].split()
        if any(w.lower() in ("and", "or") for w in words[1:3]):
            return " ".join(words[:5])  # "community and suspended sentence orders": the head comes later
        if _EXTRA.match(m.group(1)):
            return _noun_phrase(m.group(1))  # "additional approved premises beds", "extra money" (was put)
        return m.group(1)
    if (m := _RATE_FOR.search(question)) and not _WHEN_WORDS.search(m.group(1)):
        # "the rate for people supervised by CRCs" is the CRCs' rate: the people are anyone's.
        if by := _PEOPLE_BY.match(question, m.start(1)):
            return by.group(1)
        return m.group(1)  # "the rate for the Oct-Dec 2015 cohort" is for a time, not a group
    if not _QUESTION_WORD.search(question) and (m := _KEYWORD_THINGS.search(question)):
        return m.group("things")
    return None


def focus_terms(question: str) -> set[str]:
    """The thing being counted or measured: 'how many CRC inspections' -> {crc, inspection}."""
    phrase = _counted_phrase(question)
    return set(tokenize(phrase)) if phrase else set()


HEAD_BONUS = 4.0  # the head noun right after a figure names what it counts


def focus_head(question: str) -> str | None:
    """The head noun of the thing counted: the last word before a verb or function word
    ('how many approved premises beds were there' -> 'bed'; 'how many cases did' -> 'case')."""
    phrase = _counted_phrase(question)
    tokens = tokenize(_noun_phrase(phrase)) if phrase else []
    return tokens[-1] if tokens else None


_TRANSPARENT_HEADS = frozenset(tokenize("spaces places slots numbers figures totals levels"))


def noun_adjuncts(question: str) -> frozenset[str]:
    """The singular nouns that only qualify what is counted: 'officer' in 'how many probation
    officer vacancies'. A figure of officers matches the question's words, yet counts no vacancies."""
    phrase = _counted_phrase(question)
    words = _noun_phrase(phrase).split() if phrase else []
    if not words or _TRANSPARENT_HEADS & set(tokenize(words[-1])):
        return frozenset()  # "bed spaces" are beds
    # "women-only" says which ones, not what they are.
    adjuncts = {t for w in words[:-1] if "-" not in w and not _looks_plural(w.strip("?,.")) for t in tokenize(w)}
    elsewhere = tokenize(question.replace(" ".join(words), " ", 1))
    return frozenset(adjuncts - set(elsewhere) - set(tokenize(words[-1])))


def _content_terms(question: str) -> list[str]:
    return [t for t in dict.fromkeys(tokenize(question)) if t not in _FRAME_WORDS]


_NONE: frozenset[str] = frozenset()


def _coverage(terms: list[str], weights: dict[str, float], a: frozenset[str], b: frozenset[str] = _NONE,
              c: frozenset[str] = _NONE) -> float:
    """Share of the question's term weight found in any of the token sets."""
    total = sum(weights[t] for t in terms)
    return sum(weights[t] for t in terms if t in a or t in b or t in c) / total if total else 0.0


@lru_cache(maxsize=65_536)
def _word_tokens(sentence: str) -> tuple[tuple[int, str], ...]:
    """Each word's tokens with the word's position; cached, as every candidate value re-reads them."""
    return tuple((m.start(), t) for m in re.finditer(r"\S+", sentence) for t in tokenize(m.group(0)))


_UNITS, _TENS = _NUMBER_WORDS.split("|")[:20], _NUMBER_WORDS.split("|")[20:28]  # zero..nineteen, twenty..ninety
_NUMBER_VALUES = {w: i for i, w in enumerate(_UNITS)} | {w: 20 + 10 * i for i, w in enumerate(_TENS)}
_SPELT_NUMBER = re.compile(rf"(?i)\b(?:({'|'.join(_TENS)})(?:[- ]({'|'.join(_UNITS[1:10])}))?|({'|'.join(_UNITS)}))\b")
_NUMBER_NAMES = {str(v): tokenize(w) for w, v in _NUMBER_VALUES.items()}


def _spelt_value(m: re.Match) -> int:
    tens, unit, alone = m.group(1), m.group(2), m.group(3)
    if alone:
        return _NUMBER_VALUES[alone.lower()]
    return _NUMBER_VALUES[tens.lower()] + (_NUMBER_VALUES[unit.lower()] if unit else 0)


@lru_cache(maxsize=65_536)
def token_set(text: str) -> frozenset[str]:
    """The text's tokens, with a number spelt out also as its digits and a small number's digits
    also as its word: a question's "11 of the 21 CRCs" is the report's "eleven of the twenty-one"."""
    tokens = set(tokenize(text))
    tokens.update(str(_spelt_value(m)) for m in _SPELT_NUMBER.finditer(text))
    for t in tokens & _NUMBER_NAMES.keys():
        tokens.update(_NUMBER_NAMES[t])
    return frozenset(tokens)


def _proximity(sentence: str, span: tuple[int, int], terms: set[str], own_words: bool = True) -> float:
    """How many question terms stand near the value (closer counts more). A date's own words are
    not near it: "2019" of "September 2019" says nothing of what happened then (a name's own words
    are its fit to the question: "North West NPS" for the NPS division asked about)."""
    words = _word_tokens(sentence)
    centre = (span[0] + span[1]) / 2
    score = 0.0
    for pos, t in words:
        if t in terms and (own_words or not span[0] <= pos < span[1]):
            score += 1.0 / (1.0 + abs(pos - centre) / 40.0)
    return score


# "... and one in ten ...": a new figure coordinated with the one before.
_AND_FIGURE = rf"\s(?=and\s+(?:an?\s+|the\s+)?(?:£?\d|(?:{_NUMBER_WORDS})\b))"
_CLAUSE = re.compile(r",\s+(?:and|but|while|whereas|compared)\b|;|\s(?:and\s+)?(?=(?:a\s+further|another)\s)"
                     rf"|{_AND_FIGURE}", re.I)
_COORDINATED = re.compile(_AND_FIGURE, re.I)
_OWN_WORDS = 4  # the words right after a coordinated figure are its own ("one in ten longer-term prisoners")
_SUMMARY_CLAUSE = re.compile(r"[;,]?\s*(?:(?:a|an|the|of|by|which|is|was|representing|equivalent|to|overall|"
                             r"reduction|increase|decrease|fall|rise|drop|decline|change)s?\s+)*", re.I)
_NEAR_WORDS = 6.0  # word distance at which a term's evidence halves
_FAR_SIDE = 0.8  # a term on a figure's far side counts this much


def clause_cuts(sentence: str) -> list[int]:
    """Where the sentence's clauses start: each figure is described by its own clause."""
    return [m.start() for m in _CLAUSE.finditer(sentence)]


def figure_terms(sentence: str, weights: dict[str, float], first_value: int) -> dict[str, float]:
    """The question terms that can tell a sentence's figures apart, scaled by their rarity.

    Words before the sentence's first figure are the subject every figure shares ("For the
    2015 cohort the rate was 38.1%, with 37.5% for the NPS and 43.9% for CRCs"), so they are
    left out. Computed once per sentence, not once per figure.
    """
    if not weights:
        return {}
    subject = {t for pos, t in _word_tokens(sentence) if pos < first_value}
    mean = sum(weights.values()) / len(weights)
    return {t: w / mean for t, w in weights.items() if t not in subject}


def _bracket_close(sentence: str, span: tuple[int, int]) -> int | None:
    """Where the bracket a figure stands in closes, if it stands in one with words of its own
    ("one in two (49%) NPS cases": a bracket that only restates a figure is read through)."""
    opened = sentence.rfind("(", 0, span[0])
    if opened > sentence.rfind(")", 0, span[0]) and (close := sentence.find(")", span[1])) >= 0 and (
            sentence[opened + 1: close].strip() != sentence[span[0]: span[1]]):
        return close
    return None


def _own_words_after(sentence: str, value: tuple[int, int, str], width: int = 40) -> str:
    """The words after a figure that can still be its own: "357 over the year; 3,434 FTE" (FTE
    is 3,434's), "(... a reduction of 84%), as has the number of young people" (they are not 84%'s)."""
    end = min(value[1] + width, close) if (close := _bracket_close(sentence, value[:2])) is not None else value[1] + width
    return sentence[value[1]: end].split(";")[0]


def _attribution(sentence: str, span: tuple[int, int], terms: dict[str, float],
                 acronyms: dict[str, frozenset[str]] | None = None, of_level: bool = False) -> float:
    """How strongly the question's terms (from `figure_terms`) describe this figure.

    Each term counts by its rarity and its distance in words from the figure, its nearest
    side. A figure's words usually follow it ("43.9% for CRCs"); a figure in brackets follows
    its words ("protect the young person (59%)"). An acronym the question spells out stands
    for its words at its own place: "1,088 in FJI" is 1,088 "in Full Joint Inspections".
    """
    if not terms:
        return 0.0
    acronyms = acronyms or {}
    words = _word_tokens(sentence)
    value_word = sentence.rfind(" ", 0, span[0]) + 1  # "(59%)" starts before its figure
    # A new clause belongs to its own figure: "in 21 cases, and was actually ordered in 15 cases".
    cuts = clause_cuts(sentence)
    lo = max((c for c in cuts if c < value_word), default=-1)
    if of_level:
        # A change is described by its level's words: "3,434 FTE band 4 probation officers,
        # representing decreases of 89 (2.5%) over the quarter and 116 ...": back to the ";".
        lo = sentence.rfind(";", 0, value_word)
    if lo >= 0 and _SUMMARY_CLAUSE.fullmatch(sentence, lo, value_word):
        # "... 2,915 in 2007/2008 down to 959 in 2015/2016; a reduction of 67%": a clause with no
        # words of its own sums up the one before.
        lo = max((c for c in cuts if c < lo), default=-1)
    hi = min((c for c in cuts if c >= span[1]), default=len(sentence))
    if (close := _bracket_close(sentence, span)) is not None:
        hi = min(hi, close)  # "(... a reduction of 84%), as has the number of young people in custody"
    before = [t for pos, t in words if lo < pos < value_word][::-1]
    after = [t for pos, t in words if span[1] <= pos < hi]
    if hi < len(sentence) and _COORDINATED.match(sentence, hi) and PATTERNS["percent"].fullmatch(sentence[span[0]:span[1]]):
        # Shares of one group each, "one in seven short-term prisoners and one in ten longer-term
        # prisoners walk out ... not knowing where they would sleep": what the last item does,
        # the first does too. Its words count after the first's own, past the last figure's own.
        tail, end = hi, len(sentence)
        for c in (c for c in cuts if c > hi):
            if not _COORDINATED.match(sentence, c):
                end = c
                break
            tail = c
        after += [t for pos, t in words if tail < pos < end][_OWN_WORDS:]
    bracketed = sentence[max(0, span[0] - 1): span[0]] == "("
    before_weight, after_weight = (1.0, _FAR_SIDE) if bracketed else (_FAR_SIDE, 1.0)
    score = 0.0
    for t, w in terms.items():
        near = max((side_weight / (1.0 + i / _NEAR_WORDS)
                    for side, side_weight in ((before, before_weight), (after, after_weight))
                    for i in [next((i for i, w in enumerate(side) if w == t or t in acronyms.get(w, _NONE)), None)]
                    if i is not None),
                   default=0.0)
        score += w * near
    return score


_RANGE_OPEN = re.compile(r"\b(?:between|from)\s*$", re.I)
# "from 110,801 in 2007/2008 to 18,263 in 2015/2016": each end may carry its own year.
_RANGE_JOIN = re.compile(r"^\s*(?:(?:in|during|for)\s+[\w/–-]+\s+)?(?:and|to|until|–|-)\s", re.I)
_RANGE_CLOSE = re.compile(r"\b(?:between|from)\s+(?:[^,;.]|(?<=\d)[,.](?=\d)){3,40}?\s*(?:\band|\bto|\buntil|–|-)\s*$", re.I)
_ASKS_END = re.compile(r"\b(?:end|ended|ends|finish\w*|until|conclud\w*)\b" + _LEVEL_REACHED, re.I)
_ASKS_START = re.compile(rf"\b(?:start\w*|begin|began|begun|commenc\w*)\b|\b(?:{_CHANGE_WORDS})\s+from\b|\bfrom\W*$", re.I)


_DATE_RANGE_JOIN = r"\s*(?:–|-|to|until)\s*"
_ASKS_PERIOD = re.compile(r"(?i)\b(?:what|which)\s+(?:time\s+)?period\b|\bover what\b|\bfrom when\b")
RANGE_END_PENALTY = 0.2
# "By what date ...?" asks for a deadline, which a report states as one: "We will have inspected
# all CRCs by April 2019" (a sentence that shares few of the question's words).
_ASKS_DEADLINE = re.compile(r"(?i)\bby\s+(?:when|what|which)\b")
_BY_DATE = re.compile(r"(?i)\bby\s+(?:the\s+(?:end|start|middle|spring|summer|autumn|winter)\s+of\s+|early\s+|late\s+|mid-?\s*)?$")
DEADLINE_BONUS = 0.35
# "When did the government announce that the NPS would take over ... ?" asks when it was said:
# in "In May 2019, the government announced that the NPS will take over ... from 2021", a date
# inside the "that" clause dates what was announced, not the announcement.
_REPORTING_VERB = r"(?:announc|decid|confirm|reveal|declar|promis|pledg|agree|state|say|said|report|warn)\w*"
_ASKS_WHEN_SAID = re.compile(rf"(?i)^\s*when\s+(?:did|do|does|was|were|has|had)\b[^?]*?\b({_REPORTING_VERB})")
_SAID_THAT = re.compile(rf"(?i)\b{_REPORTING_VERB}\s+(?:[^,;.]{{0,40}}?\s)?that\b")


def said_that_at(question: str, sentence: str) -> int | None:
    """Where the reported clause starts, when the question asks when something was said."""
    if not _ASKS_WHEN_SAID.search(question):
        return None
    m = _SAID_THAT.search(sentence)
    return m.end() if m else None


# "The target was first five days, then ten", "... five days and was revised to ten": the second
# figure's unit is the first's.
_ELIDED_UNIT = re.compile(rf"(?i)^\s*,?\s*(?:(?:and|or|then|but|to|later|after\s+that)\s+)*(?:[a-z]+\s+){{0,3}}?"
                          rf"(\d[\d,.]*|(?:{_NUMBER_WORDS}))\b(?!\s*(?:%|per\s?cent|[a-z£]))")


def elided_units(question: str) -> set[str]:
    """The durations a question gives without repeating their unit, each with the unit it borrows."""
    given = set()
    for _start, end, text in candidates(question, "duration"):
        if (m := _ELIDED_UNIT.match(question[end:])) and len(words := text.split()) >= 2:
            given.add(f"{m.group(1)} {words[-1]}".lower())
    return given


# "To how many days has the target recently been revised?" asks for the latest of a figure's
# states; "The target was initially five days, but then revised to ten days" states its first.
# A figure's own clause says which state it is, and the other state is no answer.
_ASKS_LATEST = re.compile(r"(?i)\b(?:recently|now|currently|nowadays|at present|presently|latest|most recent)\b")
_ASKS_FIRST = re.compile(r"(?i)\b(?:initially|originally|at first|at the outset|to begin with|first set)\b")
_STATED_FIRST = re.compile(r"(?i)\b(?:initially|originally|at first|at the outset|formerly|previously)\b")
_STATED_LATEST = re.compile(r"(?i)\b(?:recently|now|currently|nowadays|at present|presently|since been)\b")
ERA_PENALTY = 0.3


def asked_era(question: str) -> str | None:
    """'latest' or 'first' when the question asks for one state of a figure that changed."""
    if _ASKS_FIRST.search(question):
        return "first"
    return "latest" if _ASKS_LATEST.search(question) else None


def stated_era(sentence: str, span: tuple[int, int]) -> str | None:
    """Which state of a changing figure its own clause states: "initially five days" is the first,
    "but then revised to ten days" is not said to be either, "has recently been revised to fifteen
    days" is the latest."""
    value_word = sentence.rfind(" ", 0, span[0]) + 1
    cuts = clause_cuts(sentence)
    lo = max((c for c in cuts if c < value_word), default=0)
    hi = min((c for c in cuts if c >= span[1]), default=len(sentence))
    clause = sentence[lo:value_word] + " " + sentence[span[1]:hi]
    if _STATED_FIRST.search(clause):
        return "first"
    return "latest" if _STATED_LATEST.search(clause) else None


_ASKS_RANGE = re.compile(r"(?i)\b(?:what|which)\b[^?]*\brange\b|\bbetween what\b")
_RANGE_VALUE = re.compile(r"\d\s*(?:–|-|to)\s*£?\d")
RANGE_PENALTY = 0.2
YEAR_ONLY_PENALTY = 0.2


def _opens_range(sentence: str, start: int) -> bool:
    """Whether "between" or "from" comes right before what starts at `start`."""
    return bool(_RANGE_OPEN.search(sentence[max(0, start - 12): start]))


def date_ranges(sentence: str) -> list[tuple[int, int, str]]:
    """Two dates joined into one period: "March 2016 – December 2017", "March 2012 to March 2016",
    "between December 2024 and February 2025" (without "between", "and" may join two dates)."""
    dates = _typed_candidates(sentence, "date")
    return [(a[0], b[1], sentence[a[0]:b[1]]) for a, b in zip(dates, dates[1:])
            if re.fullmatch(_DATE_RANGE_JOIN, sentence[a[1]:b[0]])
            or (re.fullmatch(r"\s+and\s+", sentence[a[1]:b[0]]) and _opens_range(sentence, a[0]))]


def in_date_range(sentence: str, value: tuple[int, int, str]) -> bool:
    """One end of a period is no answer to "when" something happened: a caption's
    "inspections, March 2016 – December 2017" says when none of them was published."""
    return any(r[0] <= value[0] and value[1] <= r[1] and (r[0], r[1]) != value[:2] for r in date_ranges(sentence))


def range_side(sentence: str, value: tuple[int, int, str]) -> str | None:
    """'start' or 'end' for either end of "between July 2018 and June 2019" / "from X to Y"."""
    if _opens_range(sentence, value[0]) and _RANGE_JOIN.match(sentence[value[1]:]):
        return "start"
    if _RANGE_CLOSE.search(sentence[max(0, value[0] - 50): value[0]]):
        return "end"
    return None


# "has risen by 20%, from 429 to 517": a change's far end is the figure now, and the answer to
# a question that names no year of the sentence (nor asks for its start).
_FROM_CHANGE = re.compile(rf"\b(?:{_CHANGE_WORDS})\b[^.;]*\bfrom\b[^;]*$", re.I)
CHANGE_END_BONUS = 1.0
# "41% were satisfied ..., compared to 53% in the civil service": the figure compared against
# is the reference, not the finding, unless the question asks for the wider or average figure.
_BASELINE_BEFORE = re.compile(r"(?i)\b(?:compared\s+(?:to|with)|against|versus|vs\.?)\s+"
                              r"(?:(?:just|only|around|about|some|nearly|almost|over)\s+)?$")
_ASKS_BASELINE = re.compile(r"(?i)\b(?:wider|average|overall|as a whole|whole|compar\w*|benchmark|than|versus)\b")
BASELINE_PENALTY = 1.0

_LAST_SENTENCE = re.compile(r"[.?!]\s+([A-Z][^.?!]*[.?!]?)\s*$")
_COUNTED_STOP = STOPWORDS - {"and", "or"}
NOUN_PENALTY = 0.3
_ZERO = re.compile(r"(?i)not\s+(?:a\s+single|one)|none|zero|0|nil|no")
# "Where was the shortage most acute?", "In which two places ...?": a place, which a report
# names after a preposition of place ("especially acute in London and the South East").
_ASKS_PLACE = re.compile(r"(?i)^\s*where\b|\bwhich\s+(?:two\s+|three\s+|four\s+|of\s+the\s+(?:\d+\s+)?)?(?:[a-z]+\s+)?(?:places?|areas?|regions?|cit(?:y|ies)"
                         r"|count(?:y|ies)|towns?|locations?)\b")
_AT_PLACE = re.compile(r"(?i)\b(?:in|at|across|throughout|within|around)\s+(?:the\s+)?$")
PLACE_BONUS = 1.0
KEY_FACTS_BONUS = 0.4
PLACE_PENALTY = 0.2
# "Which division / company / service ...?" asks for a body, which no person's name is.
# (Not an area or region: "West Mercia" looks like a person's name.)
_BODY_KINDS = frozenset((
    "division", "service", "company", "organisation", "body", "team", "provider", "trust", "unit", "department",
    "agency", "charity", "partnership", "inspectorate", "owner", "contractor"))
PERSON_PENALTY = 0.3


OTHER_KIND_PENALTY = 0.3
# Kinds of body that can stand for one another: a CRC (a company) is a provider, a CRC's owner or
# contractor is a company or partnership, a trust may be a
# charity, and an NPS division is named by its service ("North West NPS"). An inspectorate is
# none of them. "Which organisation ...?" or "Which body ...?" asks for any kind.
_KIND_GROUPS = tuple(frozenset(t for k in group.split() for t in tokenize(k)) for group in (
    "company companies partnership trust charity provider owner contractor",
    "division service unit team department agency",
    "inspectorate",
))
_KIND_STEMS = frozenset().union(*_KIND_GROUPS)


def of_another_kind(name: str, type_nouns: frozenset[str], acronyms: dict[str, frozenset[str]]) -> bool:
    """"HM Inspectorate of Probation" is no answer to "Which NPS division was rated Good?": a name
    that says what kind of body it is (by its own word, or what its acronym stands for), and no
    kind that could be the one asked."""
    asked = {t for k in type_nouns for t in tokenize(k)}
    allowed = frozenset().union(*(g for g in _KIND_GROUPS if g & asked))
    if not allowed:
        return False
    own: set[str] = set()
    for w in re.findall(r"[\w’'-]+", name):
        if w.isupper() and len(w) > 1:
            own |= acronyms.get(w.lower(), frozenset()) & _KIND_STEMS  # "NPS", not "NP"
        elif w[:1].isupper():
            own |= set(tokenize(w)) & _KIND_STEMS
    return bool(own) and not own & allowed


def _ends_in_person(name: str, common_words: frozenset[str]) -> bool:
    """"Chief Inspector of Probation Justin Russell" ends in a person's name."""
    words = name.split()
    return len(words) >= 2 and _looks_like_person(" ".join(words[-2:]), common_words)


# A place the question confines itself to: "in London and the South East", "the North West region".
_PLACE_NAME = r"[A-Z][a-z]+(?:[\s-]+(?:and\s+(?:the\s+)?)?[A-Z][a-z]+)*"
_IN_PLACE = re.compile(rf"\b(?:in|across|within|from|for)\s+(?:the\s+)?({_PLACE_NAME})")
_PLACE_OF = re.compile(rf"\b({_PLACE_NAME})(?:\s+[A-Z]{{2,5}})?\s+(?:regions?|areas?|divisions?|count(?:y|ies)|cit(?:y|ies)|boroughs?)\b")
_NATIONWIDE = frozenset({"Britain", "Great", "United", "Kingdom"})
# The reports' own scope: "in England and Wales" does not narrow a question, and a sentence that
# says it does not name Wales alone.
_ENGLAND_AND_WALES = re.compile(r"\bEngland\s*(?:and|&)\s*Wales\b")


def asked_places(question: str, common_words: frozenset[str]) -> frozenset[str]:
    """The places a question is confined to, as lower-case tokens: 'london' of 'How many of the
    vacancies were in London?'. A proper name is a place here when the library never writes it in
    lower case (so not 'Probation', 'Inspection') or it is a compass word; months and England and
    Wales together, the reports' own scope, do not narrow a question."""
    question = _ENGLAND_AND_WALES.sub("nationally", question)
    names = {w for rx in (_IN_PLACE, _PLACE_OF) for m in rx.finditer(question)
             for w in re.findall(r"[A-Z][a-z]+", m.group(1))}
    return frozenset(t for w in names
                     if (w in _COMPASS_WORDS or w.lower() not in common_words)
                     and w not in _NATIONWIDE and not re.fullmatch(_MONTH_ABBR, w) for t in tokenize(w))


_CRC_AREA = re.compile(rf"\b({_PLACE_NAME})\s+CRC\b")


def _crc_areas(question: str, common_words: frozenset[str]) -> frozenset[str]:
    """The places CRCs the question names are named by: 'wale' of 'the Wales CRC'."""
    question = _ENGLAND_AND_WALES.sub("nationally", question)
    names = {w for m in _CRC_AREA.finditer(question) for w in re.findall(r"[A-Z][a-z]+", m.group(1))}
    return frozenset(t for w in names if (w in _COMPASS_WORDS or w.lower() not in common_words)
                     and w not in _NATIONWIDE for t in tokenize(w))


def _after_place_word(sentence: str, value: tuple[int, int, str]) -> bool:
    return bool(_AT_PLACE.search(sentence[max(0, value[0] - 20): value[0]]))


def _names_a_body(name: str) -> bool:
    """'HM Prison and Probation Service', 'CRC and NPS': an organisation, no place; a bare list
    of counties ('Bedfordshire, Northamptonshire, ...') may still be one."""
    words = re.findall(r"[\w’'-]+", name)
    return any(w in _ORG_WORDS or (w.isupper() and len(w) > 1) for w in words)


# "How many approved premises did inspectors visit?" asks what someone did; "There are just over
# 100 hostels" or "Eleven hostels are run by independent providers" says what exists, no answer to it.
_INSPECTING = r"(?:visit|examine|inspect|interview|review|assess|survey|sample|observe|speak|talk|meet|read|look\s+at|see|audit)"
_ASKS_DONE = re.compile(rf"(?i)\bhow many\b[^?]*\b(?:did|do|does|will)\s+(?:[\w’'-]+\s+){{1,5}}?(?:actually\s+)?{_INSPECTING}\b")
_DONE = re.compile(r"(?i)\b(?:visit|examin|inspect(?!orate)|interview|review|assess|survey|sampl|observ|spoke|speak|talk|met\b|meet"
                   r"|read\b|look|saw\b|seen\b|see\b|audit|undert[ao]ok|carri|conduct|case\s+files?)")
# "How many staff did London CRC employ?" asks for a workforce: "London CRC supervised 28,819
# individuals" counts whom it worked with, not whom it employed.
_EMPLOYING = r"(?:employ|recruit|hire|appoint)"
_ASKS_EMPLOYED = re.compile(rf"(?i)\bhow many\b[^?]*\b(?:(?:did|do|does|will)\s+(?:[\w’'-]+\s+){{1,5}}?{_EMPLOYING}"
                            rf"|(?:were|are|was|is)\s+(?:\w+\s+)?{_EMPLOYING}\w*\s+by)\b")
_EMPLOYED = re.compile(r"(?i)\b(?:employ|recruit|hir(?:e|ed|ing)\b|appoint|in\s+post\b|FTE\b|full[- ]time|headcount"
                       r"|workforce|staff|personnel|workers?\b)")
INACTION_PENALTY = 0.5
_DONE_REACH = 40  # characters: "staff interviewed said they managed more than 55 cases" did not examine 55


def done_evidence(question: str) -> re.Pattern | None:
    """What must stand near a figure for it to be what the question's verb did: a count of what
    inspectors visited or an employer employed is not answered by a count of what merely exists."""
    if _ASKS_DONE.search(question):
        return _DONE
    if _ASKS_EMPLOYED.search(question):
        return _EMPLOYED
    return None


def _done_near(sentence: str, value: tuple[int, int, str], evidence: re.Pattern) -> bool:
    """Whether the figure is what was done: "we inspected 165 cases", "165 cases were inspected"."""
    return bool(evidence.search(sentence[max(0, value[0] - _DONE_REACH): value[1] + _DONE_REACH]))


# "How many additional beds ...?" asks for what is added: "an extra 230 beds", not "almost 2,300 beds".
_ASKS_EXTRA = re.compile(rf"(?i)\b(?:how many|how much|number of)\s+(?:{_EXTRA_WORDS})\b")
_KEYWORD_EXTRA = re.compile(rf"(?i)\b(?:{_EXTRA_WORDS})\s+[a-z]{{3,}}s\b")
_EXTRA_BESIDE = re.compile(rf"(?i)\b(?:{_EXTRA_WORDS}|new|more)\b")
EXTRA_BONUS = 0.3


# "three probation services improving their overall rating to 'good'" counts the services that
# changed, not those rated good: no answer to "how many were rated Good?".
_MOVED = r"(?:improv\w*|worsen\w*|deteriorat\w*|r[io]s\w*|fell|fall\w*|increas\w*|decreas\w*|declin\w*|dropp\w*|chang\w*|mov(?:ed|ing))"
_COUNT_MOVED = re.compile(rf"(?i)^\s*(?:[\w’'-]+\s+){{0,3}}?{_MOVED}\b")
_ASKS_MOVED = re.compile(rf"(?i)\b{_MOVED}\b")


# A table's caption and column headings say what its rows count: "Figure 35: Serious further
# offence reviews ..." / "2016/2017 517 268,062 0.19%". A row is read with them, as a list item
# is read with its lead-in, and its figures by their columns (see `tables`).
COLUMN_BONUS = 3.0


_AXIS_TICK = re.compile(r"(\d+(?:\.\d+)?)\s?%?")


@lru_cache(maxsize=20_000)
def is_chart_axis(sentence: str) -> bool:
    """A chart's axis left in the text: "0% 20% 40% 60% 80% 100%" (four or more evenly spaced
    figures and nothing else) holds no figure anyone reported."""
    words = sentence.split()
    if len(words) < 4 or not all(_AXIS_TICK.fullmatch(w) for w in words):
        return False
    ticks = [float(_AXIS_TICK.fullmatch(w).group(1)) for w in words]
    steps = {round(b - a, 6) for a, b in zip(ticks, ticks[1:])}
    return len(steps) == 1 and steps != {0.0}


# "What staff turnover rate ...?": the rate is named by the word before it, which its passage must
# say in some form ("satisfaction" / "satisfied": the first five letters).
_MEASURE_RATE = re.compile(r"\b([A-Za-z][a-z-]{3,})\s+rates?\b")


def measure_asked(question: str) -> str | None:
    """The first letters of the word naming the rate asked for ('turno' of 'staff turnover rate')."""
    m = _MEASURE_RATE.search(question)
    if not m or m.group(1).lower() in STOPWORDS or _QUESTION_WORD.fullmatch(m.group(1)):
        return None
    return m.group(1).lower()[:5]


# "an average of 215 cases" per officer is no count of officers: an average answers only a
# question that asks for one (or for a number per thing).
_AVERAGE_BEFORE = re.compile(r"(?i)\b(?:an?\s+average\s+(?:of\s+)?|on\s+average\s+|averag(?:e|ing)\s+|mean\s+(?:of\s+)?)$")
_ASKS_AVERAGE = re.compile(r"(?i)\b(?:average|mean|typical(?:ly)?|per|each|usual(?:ly)?|normally)\b")
AVERAGE_PENALTY = 0.3
# "2,962 recalls from hostels" counts the recalls from hostels, a part of all 22,412 recalls: the
# words that narrow a counted noun say which part. They answer a question that narrows its own
# count the same way ("How many recalls came from probation hostels?") and no other ("How many
# recalls were there nationally?", even one that names the hostels' footnote as its source).
_NARROWED_AFTER = re.compile(r"(?i)^\s+(?:[a-z][\w-]*\s+){1,2}?(?:from|among|amongst)\s+(?:the\s+|its\s+|their\s+|all\s+)?"
                             r"((?:[a-z][\w-]*\s*){1,3})")
_ASKED_COUNT = re.compile(r"(?i)\bhow many\s+([^,;?]*)")
_COUNT_CONTEXT = re.compile(r"(?i)\b(?:(?:according|during|between|since|before|after)\b|as\s+of\b|at\s+the\s+time\b"
                            r"|(?:in|by)\s+(?:the\s+)?(?:financial\s+|calendar\s+)?(?:year|period|\d))")
_CAME_FROM = re.compile(r"(?i)\b(?:were|was|are|is|came|come)\s+from\s+((?:(?!according\b)[\w'’-]+\s*){1,4})")
_NARROWING_ENDS = frozenset(("during", "in", "on", "at", "for", "over", "since", "between", "by", "with", "who", "that",
                             "which", "and", "or", "but", "so", "were", "was", "are", "is"))
NARROWED_BONUS = 0.1
NARROWED_PENALTY = 0.2


def narrowing(sentence: str, value: tuple[int, int, str]) -> frozenset[str]:
    """The words after a count's noun that say which part it counts, up to where the sentence
    turns to when: "2,962 recalls from hostels during the same period" -> {hostel}."""
    m = _NARROWED_AFTER.match(sentence[value[1]:value[1] + 80])
    if not m:
        return frozenset()
    words = []
    for w in m.group(1).split():
        if w.lower() in STOPWORDS or w.lower() in _NARROWING_ENDS or _WHEN_WORDS.search(w):
            break
        words.append(w)
    return frozenset(tokenize(" ".join(words)))


def asked_narrowing(question: str) -> frozenset[str] | None:
    """What a "how many" question's own words say of the things it counts, up to where it
    turns to when or whose figure ("... in 2015/16, according to ..."); None if it counts nothing."""
    m = _ASKED_COUNT.search(question)
    if not m:
        return None
    # ... and where they came from, when the question says so after the when: "how many recalls
    # during 2015/2016 were from probation hostels?" counts recalls from hostels.
    source = _CAME_FROM.search(m.group(1))
    return frozenset(tokenize(_COUNT_CONTEXT.split(m.group(1))[0])) | frozenset(
        tokenize(source.group(1)) if source else ())


_BY_VERB = r"(?:[a-z]+ed|run|led|held|written|made|done)"  # "run by", "owned by", "written by"
_ASKS_BY = re.compile(rf"(?i)\bhow many\b[^?]*?\b(?:were|are|was|is)\s+(?:\w+\s+)?{_BY_VERB}\s+by\s+(?:the\s+)?"
                      r"((?:[\w-]+\s*){1,3})")
AGENT_MISSING_PENALTY = 0.3


def asked_agent(question: str) -> frozenset[str]:
    """Who a "how many ... were run by ...?" question confines the count to, in common nouns:
    "independent providers". A named body ("by HMI Probation") is often only implied by the
    report that gives the figure, so it confines nothing here."""
    m = _ASKS_BY.search(question)
    if not m:
        return frozenset()
    words = []
    for w in m.group(1).split():
        if not w.islower() or w in STOPWORDS or w in _NARROWING_ENDS or _WHEN_WORDS.search(w):
            break
        words.append(w)
    return frozenset(tokenize(" ".join(words)))


# A bound ("more than 55 cases") is no average, unless the sentence says it is one.
_SAYS_AVERAGE = re.compile(r"(?i)\b(?:average|mean|typical(?:ly)?)\b")
# A time of day ("available ... on 21 August 2019 00.01", "at 10:30", "9.30am") counts nothing;
# it answers only a question asking what time.
_TIME_OF_DAY = re.compile(r"(?<=(?:19|20)\d\d\s)[0-2]\d[.:][0-5]\d\b|\b[0-2]?\d:[0-5]\d\b|\b[01]?\d[.:][0-5]\d\s?[ap]m\b")
_ASKS_TIME = re.compile(r"(?i)\b(?:what|which)\s+time\b|\btime of day\b|\bat what hour\b")
_BOUND_BEFORE = re.compile(r"(?i)\b(?:more than|at least|over|fewer than|less than|under|up to|in excess of)\s+$")


# "How many officers did the NPS employ?", "How many people did the NPS supervise?" count heads;
# "Sixty per cent of NPS staff ..." or "two in three are medium risk" does not.
_ASKS_HEADCOUNT = re.compile(
    r"(?i)\bhow many\b[^?]*\b(?:employ(?:s|ed)?|recruit(?:s|ed)?|hire[sd]?)\b"
    r"|^\s*how many\s+(?:[\w-]+\s+){0,2}(?:people|individuals|offenders|staff|officers|workers|employees"
    r"|prisoners|women|men|children|victims|managers|practitioners)\s+(?:did|do|does)\b")


_FOCUSED_KINDS = ("count", "number", "percent", "money")
# How reports say when they come out; a date question about that is answered by such a sentence.
_PUBLICATION = re.compile(r"(?i)\b(?:publish\w*|publication|released?|launch\w*|(?:is|was|will be) available)\b")
PUBLICATION_BONUS = 0.3
# ... and so is a reference: "‘The work of probation services in courts’, HMI Probation (June 2017)".
_CITED_DATE = re.compile(rf"[’'”\"],?\s+[^()]{{0,60}}\((?:{_MONTH})\s+(?:19|20)\d\d\)")
# "Which body published the statistics behind ...?", "Which researchers does the report cite?" are
# answered by a reference: "Source: Youth Justice statistics ..., Youth Justice Board", "Sentencing
# Council (2008) Magistrates' Court Sentencing Guidelines".
_ASKS_SOURCE = re.compile(r"(?i)\b(?:publish\w*|cites?|cited|citing|sources?|authors?|authored|wrote|written by)\b")
SOURCE_BONUS = 0.3
_REFERENCE = re.compile(r"^\s*(?:\d{1,3}\s+)?Source:|\(\d{4}\)|^\s*(?:\d{1,3}\s+)?[A-Z][\w’'-]*(?:\s[A-Z&][\w’'-]*)*\s\(\d{4}\)")


_PERIODICALS = frozenset({"journal", "journals", "periodical", "magazine", "newspaper"})
_AFTER_TITLE = re.compile(r"[’'”\"],?\s*$")
_IRREGULAR_PLURALS = frozenset({"people", "children", "men", "women", "staff", "personnel"})
_PART_OF = re.compile(rf"^\s*(?:out\s+)?of\s+(?:the\s+|its\s+|their\s+|all\s+)?(?:\d[\d,]*|{_NUMBER_WORDS})\s+", re.I)
_NUMBER_OF = re.compile(r"^\s*(?:(?:total|average)\s+)?number\s+of\s+", re.I)
# "11 to 20 members of staff" counts staff, "three pieces of work" work.
_MEMBERS_OF = re.compile(r"^\s*(?:members|pieces|items)\s+of\s+(?:the\s+)?", re.I)


def counted_words(sentence: str, value: tuple[int, int, str]) -> list[str]:
    """The plural nouns a figure counts: "eight recommendations to ...", "29,000 low and medium-risk offenders"."""
    words = _counted_phrase_words(sentence, value)
    if (value[2].lower() in ("one", "1", "a single") or re.fullmatch(r"(?i)not\s+(?:one|a\s+single)", value[2])) and words:
        # "in one structure": one of a thing is counted in the singular, and by its common noun
        # rather than the name before it ("one NPS division" counts divisions, not the NPS).
        common = [w for w in words if w[0].islower()]
        return common[:1] or words[:1]
    # The loop already stopped at function words.
    return [w for w in words if _looks_plural(w)]


def _counted_phrase_words(sentence: str, value: tuple[int, int, str]) -> list[str]:
    """The words after a figure up to the first function word: "615 probation officer vacancies"."""
    words = []
    following = sentence[value[1]: value[1] + 60].lstrip(")")  # "less than half (43 per cent) of jobs"
    if PATTERNS["percent"].fullmatch(value[2]):
        following = re.sub(r"^\s*of\s+(?:the\s+|all\s+|our\s+)?", " ", following)  # "32 per cent of cases"
    following = _NUMBER_OF.sub(" ", following)  # a key-facts label: "151 Number of YOTs"
    following = _PART_OF.sub(" ", following)  # "19 of its 22 offices" counts offices
    following = _MEMBERS_OF.sub(" ", following)
    if re.fullmatch(r"(?i)(?:not\s+)?one|none", value[2]):
        following = re.sub(r"(?i)^\s*of\s+(?:the|its|their|our|these|those)\s+", " ", following)  # "not one of the divisions"
    for w in re.findall(r"[A-Za-z][\w'’-]*|[^\w\s]", following)[:4]:
        if not w[0].isalpha() or w.lower() in _COUNTED_STOP:
            break
        words.append(w)
    return words


# "the year before the August 2019 report" is 2018; "the year after the 2017 report", 2018.
_YEAR_BEFORE_AFTER = re.compile(r"(?i)\bthe\s+year\s+(before|after)\s+(?:the\s+|its\s+)?(?:[\w'’-]+\s+){0,4}?((?:19|20)\d\d)\b")


# "in 2006 ... ten years later", "two years after the 2014 reforms", "the following year".
_YEARS_ON = re.compile(
    rf"(?i)\b(?:(\d{{1,2}}|{_NUMBER_WORDS}|an?)\s+(years?|decades?)\s+(later|on|earlier|previously|after|before)"
    r"|the\s+(following|next|previous|preceding)\s+year)\b")
_YEAR_NEXT = re.compile(r"(?i)\s+(?:than\s+)?(?:the\s+|its\s+)?(?:[\w'’-]+\s+){0,4}?((?:19|20)\d\d)\b")


def relative_years(question: str) -> list[tuple[int, int, int, int]]:
    """Each year a question counts to from one it names, as (named, meant, the phrase's span):
    "17% in 2006 - what was it ten years later?" asks about 2016, "two years after the 2014
    reforms" and "a decade earlier than 2026" about 2016. A year counted from none is not
    known, and not guessed."""
    found = []
    for m in _YEARS_ON.finditer(question):
        if m.group(4):
            steps, back = 1, m.group(4).lower() in ("previous", "preceding")
        else:
            count = m.group(1).lower()
            steps = 1 if count in ("a", "an") else int(count) if count.isdigit() else _NUMBER_VALUES.get(count, 0)
            steps *= 10 if m.group(2).lower().startswith("decade") else 1
            back = m.group(3).lower() in ("earlier", "previously", "before")
        after = _YEAR_NEXT.match(question, m.end()) if m.group(3) else None
        before = [int(y) for y in re.findall(r"\b((?:19|20)\d\d)\b", question[:m.start()])]
        named = int(after.group(1)) if after else before[-1] if before else None
        if named is not None and steps:
            # The year counted from stays when it follows: "two years after the 2014 reforms" names them.
            found.append((named, named - steps if back else named + steps, m.start(), m.start(3) if after else m.end()))
    return found


def with_years_resolved(question: str) -> str:
    """The question with each year it counts to written in: "in 2006 - what was it ten years
    later?" is searched as "in 2006 - what was it in 2016?", "two years after the 2014 reforms"
    as "in 2016, after the 2014 reforms". The reports say "7% in 2016", and words that only
    count years match nothing in them."""
    for _, meant, start, end in sorted(relative_years(question), key=lambda r: -r[2]):
        question = f"{question[:start]}in {meant}{', ' if question[end:end + 1].isalpha() else ''}{question[end:]}"
    return question


# A point in time, "at 30 September 2017", "as of March 2019": not "the April 2025 report",
# which names a report, nor "between December 2024 and February 2025", a period.
_MONTH_YEAR = re.compile(rf"(?i:\b(?:at|on|as\s+(?:at|of)|by|(?:at\s+)?the\s+end\s+of))\s+(?:\d{{1,2}}\s+)?({_MONTH})\s+((?:19|20)\d\d)\b")
MONTH_PENALTY = 1.0  # as for another year: the figure is of another date
_DATE_REACH = 600  # how far back into the passage before a sentence may take its date from


def months_in(text: str) -> frozenset[tuple[str, int]]:
    """The points in time a text names, as month and year: "at 30 September 2017" is (September, 2017)."""
    return frozenset((m.group(1), int(m.group(2))) for m in _MONTH_YEAR.finditer(text))


def other_month(asked: frozenset[tuple[str, int]], stated: frozenset[tuple[str, int]]) -> bool:
    """Whether figures are dated to another month of the year the question asks about: "At 30
    September 2017, there were 3,434 band 4 officers" says nothing of 31 March 2017. (Any other
    year is the year checks' business, and a sentence naming no month is not dated by month.)"""
    same_year = {(m, y) for m, y in stated if y in {y for _, y in asked}}
    # ... and so is the same month of another year: "as of March 2019" for "as of March 2018?"
    same_month = {(m, y) for m, y in stated if m in {m for m, _ in asked}}
    return any(dated and not dated & asked for dated in (same_year, same_month))


# "probation officers", "victim liaison officers": a post is named by the word before its noun.
_ROLE = re.compile(r"\b([A-Za-z]{3,})\s+(officers?|workers?|managers?)\b")
_NOT_QUALIFIERS = STOPWORDS | {"senior", "junior", "experienced", "new", "qualified", "trainee", "full-time",
                               "other", "some", "those", "these", "many", "more", "fewer", "most", "nps", "crc", "crcs"}
ROLE_PENALTY = 0.3


def roles_in(question: str) -> dict[str, str]:
    """The posts a question names, as {noun stem: the word that says which}: {"offic": "probat"}."""
    roles = {}
    for m in _ROLE.finditer(question):
        word = m.group(1).lower()
        if word not in _NOT_QUALIFIERS and (stems := tokenize(word)):
            roles[tokenize(m.group(2))[0]] = stems[0]
    return roles


def other_role(sentence: str, roles: dict[str, str]) -> bool:
    """Whether a sentence is about another post than asked: "Victim liaison officers ... have an
    average of 215 cases" says nothing of probation officers' caseloads."""
    for m in _ROLE.finditer(sentence):
        noun, word = tokenize(m.group(2))[0], m.group(1).lower()
        asked = roles.get(noun)
        if asked and word not in _NOT_QUALIFIERS and tokenize(word)[:1] != [asked] and asked not in token_set(sentence):
            return True
    return False


def years_asked(question: str) -> frozenset[int]:
    """The years a question asks about: the ones it names, less one it counts from."""
    years = set(years_in(question))
    for m in _YEAR_BEFORE_AFTER.finditer(question):
        named = int(m.group(2))
        years.discard(named)
        years.add(named - 1 if m.group(1).lower() == "before" else named + 1)
    for named, meant, _, _ in relative_years(question):
        years.discard(named)
        years.add(meant)
    return frozenset(years)


_SOURCE_NAMED = re.compile(r"(?i)\b(?:according to|as (?:given|reported|stated) in|per|in|from)\s+(?:the\s+|its\s+|an?\s+)?"
                           r"(?:[\w’'/-]+\s+){0,4}?(?:report|release|blog|post|article)\b")


def _singular(word: str) -> str:
    """A plural's singular by spelling alone, to compare words where stems collide ("offic")."""
    word = word.lower()
    if word.endswith("ies"):
        return word[:-3] + "y"
    if re.search(r"(?:ss|sh|ch|x)es$", word):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _stem_only_kin(stem: str, nouns: list[str], words: frozenset[str]) -> bool:
    """Whether a counted noun shares only its stem with the question's words, not the word:
    "offices" and "officer", "prisons" and "prisoners"."""
    asked = {_singular(w) for w in words if stem in tokenize(w)}
    counted = {_singular(n) for n in nouns if stem in tokenize(n)}
    return bool(asked and counted and not asked & counted)


def _counts_something_else(sentence: str, value: tuple[int, int, str], question_tokens: frozenset[str],
                           question_initials: frozenset[str], question_words: frozenset[str] = frozenset(),
                           abbreviations: dict[str, frozenset[str]] | None = None) -> bool:
    """A figure that counts another thing than the question asks ("eight recommendations" for
    "how many vacancies") does not answer it."""
    nouns = counted_words(sentence, value)
    if not nouns:
        return False
    counted = {t for n in nouns for t in tokenize(n)}
    # A stem can join two words: "19 of its 22 offices" counts no probation officers.
    counted -= {t for t in counted if _stem_only_kin(t, nouns, question_words)}
    if counted & _PEOPLE:
        counted |= _PEOPLE  # "28,819 individuals" counts the people a question asks about
    # A compound of the counted word is the same thing counted: "25–40 cases" for a "caseload".
    compound = any(q.startswith(c) and q != c for c in counted if len(c) >= 4 for q in question_tokens)
    return not (same_things(counted) & question_tokens or compound
                or any(n[:-1].lower() in question_initials for n in nouns)
                or any(_mostly_named(counted_as, question_tokens, abbreviations or {}) for counted_as in counted))


def _mostly_named(abbreviation: str, question_tokens: frozenset[str], abbreviations: dict[str, frozenset[str]]) -> bool:
    """Whether the question names all but one of the words an abbreviation stands for: "140,000
    PSRs" (pre-sentence reports) are what "how many cases does the NPS prepare pre-sentence
    advice for?" counts, though it says "advice" where the report says "reports"."""
    words = abbreviations.get(abbreviation, frozenset())
    shared = len(words & question_tokens)
    return shared >= 2 and shared >= len(words) - 1


_PEOPLE = frozenset(tokenize("people individuals persons"))
_PERSON_PLURALS = (
    "people", "individuals", "persons", "offenders", "children", "women", "men", "girls", "boys", "adults",
    "staff", "officers", "workers", "managers", "prisoners", "inspectors", "leaders", "practitioners",
    "victims", "employees", "members", "families", "parents", "carers", "users", "cases")
_PERSONS = frozenset(tokenize(" ".join(_PERSON_PLURALS)))
_PERSON_WORDS = frozenset(w for plural in _PERSON_PLURALS for w in (plural, plural.removesuffix("s")))
_CASES = frozenset(tokenize("cases"))  # a case is a person's, but "140,000 PSRs" count cases too


def _counts_persons(sentence: str, value: tuple[int, int, str]) -> bool:
    """Whether the nouns a figure counts are people of some kind ("28,819 offenders")."""
    nouns = counted_words(sentence, value)
    # Whole words, not stems: "offices" and "officers" share one. "615 probation officer
    # vacancies" are posts for people.
    return not nouns or any(w.lower() in _PERSON_WORDS for w in _counted_phrase_words(sentence, value))
_FIRST_PERSON = re.compile(r"\b(?:I|my|me|myself)\b")
# Reports name the same people by different words: the youth justice system's "children"
# are "young people" in the 2017 report and "children" in later ones.
_SAME_THINGS = [frozenset(tokenize("children child young youth juveniles")),
                # "just over 100 hostels (‘approved premises’)": the 2017 report's own gloss.
                frozenset(tokenize("hostels approved premises"))]


# Groups of people a question can confine itself to ("the reoffending rate for female
# offenders"): each set holds the words reports use for one group.
_GROUPS = tuple(frozenset(tokenize(words)) for words in (
    "women woman female girls", "men man male boys", "bame black asian ethnic", "disabled disability"))


def group_missing(question_tokens: frozenset[str], passage_tokens: frozenset[str]) -> bool:
    """The question confines itself to a group of people its passage never names: a rate for
    everyone is no rate for women."""
    return any(group & question_tokens and not group & passage_tokens for group in _GROUPS)


def other_group(question_tokens: frozenset[str], sentence_tokens: frozenset[str]) -> bool:
    """The figure's sentence is about another group of people than the one asked about
    ("three in four NPS staff were female" for "what share had declared a disability?")."""
    asked = {g for g in _GROUPS if g & question_tokens}
    named = {g for g in _GROUPS if g & sentence_tokens}
    return bool(asked and named and not asked & named)


def same_things(words: set[str]) -> set[str]:
    """The words, with the other words reports use for the same people."""
    return words.union(*(group for group in _SAME_THINGS if group & words))


YEAR_BESIDE_BONUS = 2.5
DATE_YEAR_BONUS = 1.0  # what a date's own year used to add as a question word beside it
_YEAR_AFTER = re.compile(r"^[^,;.()]{0,20}?\b(?:in|during|by|for|of)\s+(?:\w+\s+)?((?:19|20)\d\d)\b")


def _year_beside(sentence: str, value: tuple[int, int, str]) -> int | None:
    """The year a figure is given for, when the words right after it say so: "7% in 2016"."""
    m = _YEAR_AFTER.match(sentence[value[1]: value[1] + 40])
    return int(m.group(1)) if m else None


# The whole that a subset is counted out of: "eleven of the twenty-one CRCs", "19 of its 22 offices".
_SUBSET_BEFORE = re.compile(rf"\b(?:\d[\d,]*|{_NUMBER_WORDS})(?:-\w+)?\s+(?:out\s+)?of\s+(?:the|its|their|all)?\s*$", re.I)
# "How many offices does London CRC have?" asks for all it has: in "19 of its 22 offices", the 22.
_ASKS_HOLDING = re.compile(
    r"\bhow many\b.*\b(?:do|does|did)\b.*\b(?:have|has|had)\b(?:\s+(?:in|at|by|during|according)\b[^?]*)?\W*$", re.I)
_ASKS_TOTAL = re.compile(r"\b(?:total|in all|altogether|overall|all told)\b|\bhow many\b.*\b(?:are|were) there\b", re.I)
SUBSET_TOTAL_PENALTY = 2.0
# "in total" asked and said: "In total, we completed 4,138 case assessments", not "leaving 2,929 cases".
_SUM_BESIDE = re.compile(r"(?i)\b(?:in total|total(?:led)?|in all|altogether|all told|combined)\b")
SUM_BONUS = 0.3

# A name cut before "of", "and" or "for" and a capitalised word is the start of a longer name.
_NAME_GOES_ON = re.compile(r"\s(?:of|and|for)\s(?:the\s)?[A-Z]")
FRAGMENT_PENALTY = 1.0
_NAME_BEFORE = re.compile(r"\b[A-Z][A-Za-z'’-]*(?:\s(?:of|and|for|the))?\s$")


def _tail_of_name(sentence: str, start: int) -> bool:
    """Whether a name candidate continues a capitalised run to its left ("Probation | Delivery Units")."""
    m = _NAME_BEFORE.search(sentence[max(0, start - 60): start])
    if not m:
        return False
    word = m.group(0).split()[0]
    return word not in _NOT_NAME_WORDS and not word.endswith(("'", "’"))  # "HMPPS’ Public Protection Unit"


_NUMBER_TOKENS = frozenset(tokenize(_NUMBER_WORDS.replace("|", " ")))
# A figure with no noun of its own: "3,050 in SQS", "a further three by Working Links".
_NO_NOUN_AFTER = re.compile(r"\s*(?:[,;:.)]|$|(?:in|by|for|at|from|across|among|within)\b)", re.I)


_A_YEAR = re.compile(r"(?:19|20)\d\d")


def _counts_by_ellipsis(sentence: str, value: tuple[int, int, str], head: str) -> bool:
    """A figure with no noun of its own counts what an earlier figure of its sentence counts.

    In "4,138 case assessments: 3,050 in SQS and 1,088 in FJI" each part is case assessments
    too, and in "eleven of the twenty-one CRCs owned by two organisations and a further three
    by Working Links" the three are CRCs; each is then told apart by its own words.
    """
    if not re.fullmatch(_NUM, value[2], re.I) or not _NO_NOUN_AFTER.match(sentence, value[1]):
        return False  # a share or a duration names its own unit: "97%", "ten days"
    earlier = [t for pos, t in _word_tokens(sentence) if pos < value[0]]
    # ... by a figure, not a year: "Since 2014, the number of people charged ... from 429 to 517".
    return any(t == head and any((x[:1].isdigit() and not _A_YEAR.fullmatch(x)) or x in _NUMBER_TOKENS
                                 for x in earlier[max(0, i - 3): i])
               for i, t in enumerate(earlier))


def type_nouns_of(question: str) -> frozenset[str]:
    """The kind of thing a "which"/"what" question asks for: the words after it, up to a
    function word ("Which panel ...", "which local units ...", "Which grade of ..."). Of a run
    of capitalised words only the last is a kind ("Which National Probation Service division"
    -> service, division); the others only name it, so a name that ends in one of them
    ("HM Inspectorate of Probation") merely echoes the question."""
    m = re.search(r"(?i)\b(?:which|what)\s+(?:(?:was|is|were|are)\s+the\s+(?:only|sole|single|first|last)\s+)?([^,;:?]*)",
                  question)
    words: list[str] = []
    for w in re.findall(r"[\w'’-]+", m.group(1) if m else "")[:4]:
        lw = w.lower()
        if lw in _ITEM_COUNTS:
            continue  # "Which two CRCs ..."
        bare = re.sub(r"['’]s?$", "", w)
        if bare.lower() in STOPWORDS:
            break
        words.append(bare)
        if bare != w:
            break  # a possessive: "Which body's guidelines ...?" asks for a body
    return frozenset(w.lower().rstrip("s") for i, w in enumerate(words)
                     if not (w[:1].isupper() and i + 1 < len(words) and words[i + 1][:1].isupper()))


KIND_BONUS = 0.1
# A figure "for the NPS" or "for CRCs" is that body's share of a whole the sentence also gives.
_FOR_BODY = re.compile(r"\s+for\s+(?:the\s+)?((?:[A-Z][\w’'-]*\s*){1,4})")
UNASKED_BODY_PENALTY = 0.5


def _names_body(body: list[str], question_stems: frozenset[str], acronyms: dict[str, frozenset[str]]) -> bool:
    """The question names the body, or spells out all of its abbreviation ("National Probation
    Service" for "NPS"; "probation" alone is not the NPS)."""
    return any(t in question_stems or (t in acronyms and acronyms[t] <= question_stems) for t in body)


def _names_kind(name: str, type_nouns: frozenset[str], acronyms: dict[str, frozenset[str]] | None = None) -> bool:
    """A name that ends in the kind of thing asked for ("North West NPS" for "Which NPS division?"),
    or in its abbreviation ("... NPS" for "Which National Probation Service division?")."""
    words = [w.lower().strip(",.") for w in name.split() if not w.isdigit()]
    if not words:
        return False
    spelt = (acronyms or {}).get(words[-1], frozenset())
    return words[-1].rstrip("s") in type_nouns or any(t in spelt for noun in type_nouns for t in tokenize(noun))


# "the London CRC owned by MTCNovo": the name after "<verb> by" is who did what the question asks about.
_AGENT_BEFORE = re.compile(rf"\b({_BY_VERB})\s+by\s+(?:the\s+)?$")
AGENT_BONUS = 1.0


# "two organisations (Sodexo Justice Services and Purple Futures)": the names a count lists.
_LISTED_BEFORE = re.compile(r"(?i)\b(?:two|three|four|five|six|both|[2-9])\s+(?:[a-z-]+\s+)?[a-z]+s\s*[(:]\s*$")
_WHICH_PLURAL = re.compile(r"(?i)\b(?:which|what)\s+(?:[\w-]+\s+){0,2}?[a-z]{3,}(?<![su]s)s\b")
LIST_PENALTY = 0.5


def _value_score(
    sentence: str,
    value: tuple[int, int, str],
    terms: set[str],
    focus: set[str],
    person: bool | None = None,
    type_nouns: frozenset[str] = frozenset(),
    question_words: frozenset[str] = frozenset(),
    items_asked: int = 0,
    sentence_terms: dict[str, float] | None = None,
    asked_side: str | None = None,
    head: str | None = None,
    subset_total: bool = False,
    asks_holding: bool = False,
    asked_years: frozenset[int] = frozenset(),
    common_words: frozenset[str] = frozenset(),
    acronyms: dict[str, frozenset[str]] | None = None,
    place: bool = False,
    baseline_asked: bool = False,
    change_asked: bool = False,
    asked_interval: str | None = None,
    question_stems: frozenset[str] = frozenset(),
    whole: int | None = None,
    date: bool = False,
) -> float:
    if sentence_terms is not None:
        score = _attribution(sentence, (value[0], value[1]), sentence_terms, acronyms,
                             of_level=change_asked and continues_changes(sentence, value))
    else:
        score = _proximity(sentence, (value[0], value[1]), terms, own_words=not date)
        if date and years_in(value[2]) & asked_years:
            # "When in 2019 ...?" prefers a date of 2019, but weakly: a question's year may be another
            # thing's ("When did fieldwork for the 2025 inspection begin?" -> December 2024).
            score += DATE_YEAR_BONUS
    after = tokenize(_own_words_after(sentence, value))
    # The thing counted stands right after its figure ("eight organisations"); further on, the
    # words may belong to the next figure ("21 Community Rehabilitation Companies owned by eight").
    if head is not None and (head in after[:3] or _counts_by_ellipsis(sentence, value, head)):
        score += HEAD_BONUS
    elif focus & set(after[:3]):
        score += 2.0 if head is None else 1.75  # "100 hostels ('approved premises')" vs "2,300 beds"
    elif focus & set(after):
        score += 1.0
    if asked_years and len(sentence_years := years_in(sentence)) > 1:
        # "from 17% of orders in 2006 to 7% in 2016": each figure's own year is the one beside it.
        near = _year_beside(sentence, value)
        if near is not None:
            score += YEAR_BESIDE_BONUS if near in asked_years else -YEAR_BESIDE_BONUS if sentence_years & asked_years else 0.0
    if subset_total and (subset := _SUBSET_BEFORE.search(sentence[max(0, value[0] - 25): value[0]])) and not (
            asks_holding and re.search(r"(?i)\b(?:its|their)\s*$", subset.group(0))):
        score -= SUBSET_TOTAL_PENALTY  # "19 of its 22 offices": the 22 is the whole, not the ones asked about
    if _part_of_whole(sentence, value, whole):
        score += PART_BONUS  # "How many of the 21 CRCs ...?" -> "eleven of the twenty-one CRCs", not "two organisations"
    if asked_side and range_side(sentence, value) == asked_side:
        score += 1.0  # "When did the round of inspections end?" -> the second date of "between ... and ..."
    elif (asked_side is None and range_side(sentence, value) == "end" and _FROM_CHANGE.search(sentence[:value[0]])
          and not asked_years & years_in(sentence)):
        score += CHANGE_END_BONUS  # "since 2014 ... from 429 to 517" answers "how many in 2016/17?" with 517
    if not baseline_asked and _BASELINE_BEFORE.search(sentence[max(0, value[0] - 30): value[0]]):
        score -= BASELINE_PENALTY
    if asked_interval and (m := _OVER_INTERVAL.match(sentence, value[1])):
        # "an increase of 15 on the quarter and 357 over the last year": each change names its span.
        score += INTERVAL_BONUS if m.group(1).lower() == asked_interval else -INTERVAL_BONUS
    if value[2][:1].isdigit() or value[2][:1] == "£":
        score += 0.3  # figures over number words: "10 inspections" rather than "one NPS division"
    if question_stems and (body := _FOR_BODY.match(sentence, value[1])) and not _names_body(
            tokenize(body.group(1)), question_stems, acronyms or {}):
        # "the overall rate ... was 38.1%, with figures of 37.5% for the NPS and 43.9% for CRCs":
        # a question that names neither asks for the overall figure.
        score -= UNASKED_BODY_PENALTY
    if person is not None and value[2][:1].isupper():
        # Strict about persons only when one is asked for: "North London" is no person, but
        # it is no better an answer to "Which CRC ...?" for that.
        score += 1.0 if _looks_like_person(value[2], common_words if person else frozenset()) == person else 0.0
        if person and _POST_OF.search(sentence[:value[0]]):
            score -= 1.0  # "Communications Catherine Chan" starts with the post: "Head of Communications"
        words = [w.lower().strip(",") for w in value[2].split() if not w.isdigit()]  # "... Act 2014"
        kind_named = _names_kind(value[2], type_nouns, acronyms)
        if kind_named:
            score += 1.5  # "Which panel ...?" -> "... Advisory Panel"; "which local units" -> "... Delivery Units"
        # Words that only echo the question are no answer ("Which CRC ...?" -> "CRC"); the
        # kind of thing asked for is not an echo ("Which review ...?" -> "Lammy Review"), nor
        # its abbreviation ("Which National Probation Service division ...?" -> "North West NPS").
        content = [w for w in words if w not in _CONNECTORS]
        if content:
            echoes = sum(w in question_words and w.rstrip("s") not in type_nouns
                         for w in (content[:-1] if kind_named and len(content) > 1 else content))
            score -= 1.5 * echoes / len(content)
        if type_nouns & _PERIODICALS and _AFTER_TITLE.search(sentence, 0, value[0]):
            # "In which journal was the study published?" -> "‘Investigating ...’, Crime & Delinquency,
            # vol. 61": a reference names the journal right after the article's quoted title.
            score += 1.5
        if _NAME_GOES_ON.match(sentence, value[1]):
            score -= FRAGMENT_PENALTY  # "HM Prison" of "HM Prison and Probation Service"
        if _tail_of_name(sentence, value[0]) and not (person and _looks_like_person(value[2], common_words)):
            # "Ombudsman" of "Prison and Probation Ombudsman", "Cymru" of "YJB Cymru"; a person's
            # name after a title stays whole ("Head of Communications Catherine Chan").
            score -= FRAGMENT_PENALTY
        if (by := _AGENT_BEFORE.search(sentence, max(0, value[0] - 30), value[0])) and set(tokenize(by.group(1))) & question_stems:
            score += AGENT_BONUS  # "Which company owned London CRC?" -> "London CRC owned by MTCNovo"
        if place and _after_place_word(sentence, value):
            score += PLACE_BONUS
        elif person and _after_place_word(sentence, value):
            score -= PLACE_BONUS  # "Who is responsible ...?" is not answered by "across England and Wales"
        if items_asked == 0 and _LISTED_BEFORE.search(sentence, max(0, value[0] - 40), value[0]):
            # "Which CRC owner ...?" -> not "two organisations (Sodexo ... and Purple Futures)"
            score -= LIST_PENALTY
        if items_asked > 0:
            # "Which two CRCs ...?" -> "Wales and Durham", not "Wales".
            items = len(re.split(r",\s*(?:and\s+)?|\s+and\s+", value[2]))
            score += 1.5 if items == items_asked else -0.5 if items == 1 else 0.0
    return score


# How a candidate sentence is scored: its coverage of the question's terms alone, with the sentence
# before it, and its passage's; a step down per retrieval rank. Chosen on the dev split; re-fitted one
# at a time over 1,640 dev and probe questions, where no other value gained more than noise.
SENTENCE_WEIGHT = 0.2
CONTEXT_WEIGHT = 0.45
PASSAGE_WEIGHT = 0.35
FOCUS_BONUS = 0.15  # the thing asked about named right after the figure
RANK_STEP = 0.02


def extract_answer(
    question: str,
    hits: list[Hit],
    bm25: BM25,
    headers: dict[str, str],
    threshold: float,
    max_passages: int = 5,
    doc_years: dict[str, int | None] | None = None,
    sentence_similarity: Callable[[int, int, int], float] | None = None,
    semantic_weight: float = 0.5,
    common_words: frozenset[str] = frozenset(),
    latest_doc: str | None = None,
    abbreviations: dict[str, frozenset[str]] | None = None,
    passage_before: Callable[[int], str] | None = None,
) -> Extracted:
    kind = question_kind(question)
    if kind == "expansion":
        return _expansion(question, hits[:max_passages])
    if stands_for(question) and (spelt := _expansion(question, hits[:max_passages])).answer:
        # "Which counties does BeNCH stand for?", "What does BeNCH CRC stand for?"
        return dataclasses.replace(spelt, kind=kind)
    if kind == "definition":  # the passages are the answer; no figure or name in them is
        return Extracted(None, None, None, None, None, None, None, kind, 0.0)
    # "key facts" names the page the question means (see KEY_FACTS_BONUS), not its subject.
    # "partners (rather than contracted providers)" asks about partners: the contrasted words say
    # what the answer's passage is not about, so they earn it no coverage.
    terms = _content_terms(_KEY_FACTS.sub(" ", _CONTRASTED.sub(" ", question)))
    weights = {t: bm25.term_weight(t) for t in terms}
    term_set = set(terms)
    question_words = frozenset(re.sub(r"['’]s$", "", w.lower().strip("?!,.;:'’\"“”()[]")) for w in question.split())
    # ... and each part of a hyphenated one: "Covid" of the question's "Covid-19" echoes it.
    question_words |= {p for w in question_words if "-" in w for p in w.split("-") if p}
    # Acronyms of the question's own words echo it: "RAR" for "rehabilitation activity requirement".
    initials = _initialisms(question) | _word_initials(question)
    question_words |= _initialisms(question) | {i for i in initials if len(i) >= 3}
    type_nouns = type_nouns_of(question)
    items = re.search(r"(?i)\b(?:which|what)\s+(two|three|four|five|both)\b", question)
    items_asked = _ITEM_COUNTS[items.group(1).lower()] if items else 0
    if not items and _WHICH_PLURAL.search(question):
        items_asked = -1  # "Which organisations ...?": any number of them
    # The figures a question gives (not its years), and every value it gives, are not asked for.
    given_figures = {c[2].lower() for k in ("percent", "money", "count") for c in candidates(question, k)
                     if not _YEAR.fullmatch(c[2])}
    question_values = {c[2].lower() for k in ("percent", "money", "count", "date", "duration")
                       for c in candidates(question, k)}
    # A figure that borrows the unit before it is given with it: "first five days, then ten".
    question_values |= elided_units(question)
    # Both ends of a range the question states ("caseloads of 55–70") are given, not asked.
    question_values |= {n for v in question_values for n in re.findall(r"\d[\d,.]*", v)}
    # ... and a count the question spells out is given in digits too ("twenty-one" is "21").
    question_values |= {str(_spelt_value(m)) for v in given_figures if (m := _SPELT_NUMBER.fullmatch(v))}
    # ... in whichever form: "Out of all 21 CRCs, how many ...?" does not ask for the report's "twenty-one".
    question_values |= {w for w, v in _NUMBER_VALUES.items() if str(v) in question_values}
    question_values |= {f"{t}{sep}{u}" for t in _TENS for u in _UNITS[1:10] for sep in "- "
                        if str(_NUMBER_VALUES[t] + _NUMBER_VALUES[u]) in question_values}
    asked_years = years_asked(question)
    question_tokens = frozenset(tokenize(question))
    # "... according to the 2017 annual report?" names where to look, not what is counted:
    # "162 reports" counts no accredited programmes.
    unsourced_tokens = frozenset(tokenize(_SOURCE_NAMED.sub(" ", question)))
    column_asked = question_tokens | _initialisms(question)  # "Community Rehabilitation Company cases": the CRC column
    # An abbreviation stands for its words: the question's own ("CRC" for its "Community
    # Rehabilitation Company"), and the reports' for a question that spells things out ("4.64 for
    # the CRCs" answers one about "private probation companies"). A question that uses the
    # reports' abbreviations itself speaks in them ("NPS cases", not "rehabilitation" for CRCs).
    acronyms = acronym_words(question)
    if abbreviations and not abbreviations.keys() & set(tokenize(question)):
        acronyms = abbreviations | acronyms
    # "When was Dame Glenys Stacey appointed?" is answered by her own "since my appointment in
    # March 2016": a first-person sentence speaks for the person its report names.
    people = [frozenset(tokenize(m.group(0))) for m in PATTERNS["name"].finditer(question)
              if _looks_like_person(m.group(0), common_words)]
    speaking: dict[str, frozenset[str]] = {}
    for hit in hits[:max_passages] if people else []:
        named = [p for p in people if p <= token_set(hit.chunk.text)]
        speaking[hit.chunk.doc] = speaking.get(hit.chunk.doc, frozenset()).union(*named)
    # "The report charts the decline in ... between 2006 and 2016. What share of orders included one
    # in 2016?": the question is its last sentence; the ones before set the scene. Their words
    # still choose the passage, but not which figure of a sentence is asked for.
    asked_part = m.group(1) if (m := _LAST_SENTENCE.search(question)) else question
    asks_change = bool(_CHANGE_QUESTION.search(_COMPARATIVE.sub(" ", _FROM_GIVEN.sub(" ", _CONCEDED.sub(" ", _NO_CHANGE.sub(
        " ", asked_part))))))
    focus = focus_terms(asked_part) or focus_terms(question)
    purpose = money_purpose(asked_part) if kind == "money" else frozenset()
    head = focus_head(asked_part) or focus_head(question)
    adjuncts = noun_adjuncts(asked_part) if focus_head(asked_part) else noun_adjuncts(question)
    figure_years = years_in(asked_part) or asked_years
    asks_existing = bool(_ASKS_EXISTING.search(question))
    asks_ratio = bool(_ASKS_RATIO.search(question))
    asks_headcount = bool(_ASKS_HEADCOUNT.search(question))
    asks_average = bool(_ASKS_AVERAGE.search(question))
    asks_rate = bool(_ASKS_RATE.search(question))
    counted = asked_narrowing(question)
    agent = asked_agent(asked_part) if kind == "count" else frozenset()
    asks_mean = bool(_SAYS_AVERAGE.search(question))
    # A share answers "how many" only when the question names the whole it is a share of ("in how
    # many cases", "how many of the CRCs", "Of the CRCs inspected, how many ..."), a state some of
    # them are in ("How many probation officers have workloads above capacity?"), an average that
    # is no number of things ("average satisfaction", not "average caseload") or asks by how much
    # something changed: "How many staff left London CRC?" is not answered by "one in four".
    asks_part = asks_change or bool(_ASKS_PART.search(question) or _WHOLE_FIRST.match(question)
                                    or _ASKS_STATE.search(question)
                                    or (asks_mean and not _AVERAGE_OF_THINGS.search(question)))
    share_for_count = asks_part and not (asks_existing or asks_ratio or asks_headcount)
    asks_time = bool(_ASKS_TIME.search(question))
    key_facts_asked = asks_key_facts(question)
    # "Who ..." asks for a person; "Which organisation ..." for a body.
    person = None
    post = asked_post(question) if kind == "name" else None  # "chief inspector" of "Who was Chief Inspector ...?"
    post_holder = post is not None
    post_words = frozenset(tokenize(in_reports_words(post))) if post else frozenset()
    holder_named = post_holder and any(_looks_like_person(c[2], common_words)
                                       for c in candidates(question, "name", frozenset(), common_words))
    place = kind == "name" and bool(_ASKS_PLACE.search(question))
    if kind == "name":
        person = (bool(re.match(r"(?i)\s*(who|whom)\b", question)) or bool(re.search(r"(?i)\bwhich (individual|person)", question))
                  or bool(_WHICH_POST.search(question)) or _keyword_post(question))
    # Figures are told apart by the rarer words that describe each; names and dates keep plain
    # closeness (on the dev split, weighting by rarity picked title words and wrong months).
    figure_weights = None if kind in ("name", "date") else weights
    if figure_weights and asked_part is not question:
        # "... for CRCs and for the NPS. What was the rate for CRC cases?" tells the two apart by "CRC".
        last = set(tokenize(asked_part))
        figure_weights = {t: w for t, w in figure_weights.items() if t in last} or figure_weights
    if figure_weights:
        # A figure the question gives ("Of the twenty-one CRCs, how many ...?") is the whole the
        # answer is part of: its words stand beside the wrong figure ("eleven of the twenty-one").
        # Years still place figures (see YEAR_BESIDE_BONUS).
        given = {t for v in given_figures for t in tokenize(v)}
        # So are the words of the whole ("Of the 21 private probation companies, how many were owned
        # by Working Links?"): every part of it is of the companies, only "by Working Links" is the one asked.
        if whole := _WHOLE_FIRST.match(asked_part):
            given |= set(tokenize(whole.group(1)))
        figure_weights = {t: w for t, w in figure_weights.items() if t not in given} or figure_weights
    subset_total = kind == "count" and not _ASKS_TOTAL.search(question)
    whole = whole_stated(asked_part) if kind == "count" else None
    done = done_evidence(asked_part) if kind in ("count", "number") else None
    measure = measure_asked(asked_part) if kind in ("percent", "number") else None
    asks_moved = asks_change or bool(_ASKS_MOVED.search(asked_part))
    asks_holding = kind == "count" and bool(_ASKS_HOLDING.search(question))
    publication_asked = kind == "date" and _names_publication(question)  # as asks_publication()
    asks_source = kind == "name" and bool(_ASKS_SOURCE.search(question))
    asked_side = "end" if _ASKS_END.search(question) else "start" if _ASKS_START.search(question) else None
    asks_period = kind == "date" and bool(_ASKS_PERIOD.search(question))
    asks_deadline = kind == "date" and bool(_ASKS_DEADLINE.search(question))
    asks_span = kind == "duration" and bool(_ASKS_PERIOD.search(question))
    # "What is the typical caseload range?" is answered by both ends: "50–90", not "50".
    asks_range = kind in ("count", "number", "percent", "money") and bool(_ASKS_RANGE.search(question))
    asks_year = bool(re.search(r"(?i)\byears?\b", question))
    role_asked = roles_in(question)
    asked_months = months_in(question)
    codes_asked = set(_CODE.findall(question))
    asks_exact = kind in FIGURE_KINDS and bool(_ASKS_EXACT.search(question))
    given_months = days_of_given_months(question) if kind == "date" else frozenset()
    asks_not = bool(_NEGATED.search(question))
    asks_combined = bool(_ASKS_COMBINED.search(question))
    # "Even as three improved to 'Good', how many were rated 'Inadequate'?" asks about 'Inadequate'.
    rating_asked = ((m.group(1) or m.group(2)).lower()
                    if kind != "rating" and (m := _RATING_ASKED.search(_CONCEDED.sub(" ", question))) else None)
    asks_speaker = kind == "name" and bool(_ASKS_SPEAKER.search(question))
    body_asked = kind == "name" and not person and bool(type_nouns & _BODY_KINDS)
    era = asked_era(question)
    baseline_asked = bool(_ASKS_BASELINE.search(question))
    asked_interval = interval_asked(asked_part)
    asks_extra = kind in _CHANGE_KINDS and bool(_ASKS_EXTRA.search(asked_part) or (
        # ... as does the keyword search "approved premises extra beds nps plans".
        not _QUESTION_WORD.search(asked_part) and _KEYWORD_EXTRA.search(asked_part)))
    asks_sum = kind in _CHANGE_KINDS and bool(_SUM_BESIDE.search(asked_part))
    best = None
    # A label the question quotes ("rated 'Inadequate'") must be in the answer's passage: a passage
    # that never says it answers another question, and is passed over rather than let veto the
    # answer a passage that does say it gives (as a sentence-level rule it lost answers whose label
    # is in a table's caption, not their row). Likewise "How many YOTs were rated Outstanding?" is
    # not answered by "151 Number of YOTs": a passage that never names the rating says nothing of it.
    quoted, rating_words = quoted_terms(question), frozenset(tokenize(rating_asked or ""))
    for hit in hits[:max_passages]:
        text = hit.chunk.text
        # A key-facts line is read under its page's heading, as it was indexed.
        header = f"{headers.get(hit.chunk.doc, '')}\n{hit.chunk.context}"
        header_tokens = token_set(header)
        # A passage inside a table is said under the caption and headings it is indexed with.
        table_tokens = token_set(hit.chunk.table)
        said = token_set(text) | header_tokens | table_tokens
        if any(not (terms & said) for terms in quoted) or not rating_words <= said:
            continue
        passage_cov = _coverage(terms, weights, _with_spelt_out(token_set(text) | table_tokens, acronyms), header_tokens)
        # A question about another year than the report's, that the passage never names,
        # is not answered by it (2017 figures are no answer to a question about 2025).
        year_penalty = 0.0
        if asked_years:
            doc_year = (doc_years or {}).get(hit.chunk.doc)
            known = years_in(text) | years_in(header) | ({doc_year} if doc_year else set())
            if not asked_years & known and passage_before is not None:
                # "In June 2014, 35 probation trusts were replaced ..." in the passage before sets
                # the scene for "Probation supervision was extended ... (over 40,000 people each year)".
                known |= years_in(passage_before(hit.chunk.id))
            if not asked_years & known:
                year_penalty = 1.0
        # A key-facts label names what a share measures, not its base ("72% Sufficient planning ..." of cases).
        names_focus = (not focus or kind not in _FOCUSED_KINDS
                       or bool(same_things(focus) & (_with_spelt_out(token_set(text), acronyms) | header_tokens))
                       or (hit.chunk.fact and kind == "percent")
                       # "How much extra money ...?" measures money, which a "£" already says.
                       or (kind == "money" and focus <= _MONEY_WORDS))
        if kind == "money" and not names_purpose(purpose, token_set(text) | header_tokens):
            names_focus = False  # "£900k to spend on services" is no sum invested in IT systems
        if measure and not any(t.startswith(measure) for t in token_set(text) | header_tokens):
            names_focus = False  # a "turnover rate" from a passage that never speaks of turnover
        if kind in _FOCUSED_KINDS and group_missing(question_tokens, token_set(text) | header_tokens):
            names_focus = False  # "the rate for female offenders" from a passage about all offenders
        prev_tokens: frozenset[str] = frozenset()
        lead_text = prev_text = ""
        # The table being read, if any: its caption and headings (maybe in the passage before).
        table = _table_of(hit.chunk, acronyms)
        # Rows printed above their caption are read by it ("West Mercia November 2017" is the date
        # of a 'Quality and Impact' inspection report, which the caption after the table says).
        closed = closing_tables(text, lambda line: _with_spelt_out(token_set(line), acronyms), table)
        lead_tokens: frozenset[str] = frozenset()
        speaker: int | None = None  # where the last "X said:" of the passage starts
        for s, e in split_sentences(text):
            sentence = text[s:e]
            sent_tokens = _with_spelt_out(token_set(sentence), acronyms)
            if speaking.get(hit.chunk.doc) and _FIRST_PERSON.search(sentence):
                sent_tokens |= speaking[hit.chunk.doc]
            before, prev_tokens = prev_tokens, sent_tokens
            before_text, prev_text = prev_text, sentence
            if reading := reading_of(text, s, e):
                # A chart's "43%" is read by its bar's label, not by the bar above it.
                sent_tokens = sent_tokens | _with_spelt_out(token_set(reading), acronyms)
                before, before_text = frozenset(), reading
            if closing := next((t for a, b, t in closed if a <= s < b), None):
                table, row, cells = closing, True, []
            else:
                table, row, cells = read_table_line(table, sentence, sent_tokens)
            row_heading = table.tokens if row else frozenset()  # a row means nothing without them
            # "For NPS cases, ...?" asks for the NPS column of "... 56% 44% 80%".
            columns = (column_keys(table.headings, [sentence[a:b] for a, b in cells], table.caption, sentence[:cells[0][0]])
                       if cells else None)
            # A list item is about what its lead-in says ("it rated: • zero services as 'Outstanding'").
            item = bool(_BULLET.match(sentence))
            if item:
                before = before | lead_tokens
            rated_as = f"{lead_text} {sentence}" if item else sentence  # "• South Yorkshire CRC" is rated 'Good' by its lead-in
            if sentence.rstrip().endswith(":"):
                lead_tokens = lead_tokens | sent_tokens if item else sent_tokens  # a sub-list's lead-in
                lead_text = f"{lead_text} {sentence}" if item else sentence
            elif not item:
                lead_tokens, lead_text = frozenset(), ""
            values = [c for c in candidates(sentence, kind, question_words, common_words)
                      if c[2].lower() not in question_values and not (kind == "name" and _echoes(c[2], question_words))
                      and not _day_of(c[2], given_months)] if not is_chart_axis(sentence) else []
            if hit.chunk.fact and s == 0 and kind == "count" and not values:
                # A key-facts line opens with its figure ("151 Number of YOTs"), not a footnote's number.
                values = [c for c in candidates(sentence, "number")[:1]
                          if c[0] == 0 and c[2][-1].isdigit() and c[2].lower() not in question_values]
            if place:
                # "Which of the 12 regions had the largest shortfall?" is no more answered by the
                # reports' own scope, "England and Wales", than the question itself says.
                # A sentence naming nothing else offers it, and the answer is vetoed below.
                values = [c for c in values if not _ENGLAND_AND_WALES.fullmatch(c[2])] or values
            if not asks_time and (times := {m.start() for m in _TIME_OF_DAY.finditer(sentence)}):
                values = [c for c in values if c[0] not in times]
            if asks_exact:
                # "Exactly what percentage ...?" is not answered by "fewer than half" or "eight out of ten".
                values = [c for c in values if not _HEDGE_BEFORE.search(sentence[max(0, c[0] - 30): c[0]])
                          and (kind != "percent" or any(ch.isdigit() for ch in c[2]))]
            quote_s = s
            if asks_speaker and _QUOTE_LEAD.search(sentence):
                speaker = s
            elif asks_speaker and speaker is not None and not any(_looks_like_person(c[2], common_words) for c in values):
                # "Mr Russell said:" / "“Staff across the NPS are committed ...”": the quote is his, so
                # "Who said ...?" reads it with its lead-in, which is cited with it.
                s, sentence = speaker, text[speaker:e]
                values = [c for c in candidates(sentence, kind, question_words, common_words)
                          if _looks_like_person(c[2], common_words) and not _echoes(c[2], question_words)]
            if post_holder:
                # "Who was Chief Inspector ...?" is answered by a person or not at all (see the veto
                # below), so a sentence naming only an Act competes for nothing.
                values = [c for c in values if _looks_like_person(c[2], common_words) and not _COMPASS_WORDS & set(c[2].split())]
            if kind == "date" and asks_period:
                values = date_ranges(sentence) or values  # "Which period ...?" is answered by both ends
            elif kind == "date" and asked_side is None and not publication_asked and (spans := [
                    r for r in date_ranges(sentence) if _opens_range(sentence, r[0])]):
                # "When did fieldwork take place?": "between December 2024 and February 2025" is one
                # period, not two dates. A publication has one date; a caption's "March 2016 – December
                # 2017" is no period of one event.
                values = [c for c in values if not any(r[0] <= c[0] < r[1] for r in spans)] + spans
            if kind == "date" and (reported := said_that_at(question, sentence)) is not None:
                values = [c for c in values if c[0] < reported] or values
            fallback_penalty = 0.0
            if not values and kind in _FALLBACK and not is_chart_axis(sentence):
                # "In how many cases..." is often answered by a share: "in just 32 per cent of cases".
                # Not a change ("reduced by 42%") unless one is asked for, and never for "how many
                # ... were there?", which asks how many things exist, nor for an average or a number
                # per thing ("reoffences per reoffender"), which no share is.
                values = [c for c in candidates(sentence, _FALLBACK[kind]) if share_for_count
                          and c[2].lower() not in question_values and (asks_change or not is_change(sentence, c))]
                fallback_penalty = 0.1
            if not values and asks_span:
                # "Over what period did HMIP inspect the divisions?" asks for a length or for the
                # dates it ran between: "between July 2018 and June 2019" when no length is given.
                values = [r for r in date_ranges(sentence) if _opens_range(sentence, r[0])]
                fallback_penalty = 0.1
            if not values:
                continue
            if asks_change and kind in _CHANGE_KINDS and (changes := [c for c in values if is_change(sentence, c)]):
                # "1,871 FTE ..., an increase of 15 on the quarter": a sentence that gives both a
                # level and its change answers a question about the change with the change.
                values = changes
            sentence_cov = _coverage(terms, weights, sent_tokens | row_heading, header_tokens)
            # The sentence before often carries the subject the answer refers back to
            # ("The target is 10 working days. ... 43 per cent were completed in this timescale").
            context_cov = _coverage(terms, weights, sent_tokens | row_heading, before, header_tokens)
            sentence_terms = (None if figure_weights is None
                              else figure_terms(sentence, figure_weights, min(c[0] for c in values)))
            value = max(
                values,
                key=lambda c: (_value_score(sentence, c, term_set, focus, person, type_nouns, question_words,
                                            items_asked, sentence_terms, asked_side, head, subset_total, asks_holding,
                                            figure_years, common_words, acronyms, place, baseline_asked,
                                            asks_change and kind in _CHANGE_KINDS, asked_interval, question_tokens,
                                            whole=whole, date=kind == "date")
                               + COLUMN_BONUS * column_fit(columns, cells, c[:2], column_asked),
                              -c[0]),
            )
            # "risen by 20%" measures a change; a question about a share or a level is not
            # answered by it, and a question about a change is answered by nothing else.
            shape_penalty = 0.0
            if kind in ("percent", "number"):
                change = is_change(sentence, value)
                if change != asks_change:
                    shape_penalty = CHANGE_PENALTY
            if kind == "date" and not asks_period and asked_side is None and in_date_range(sentence, value):
                shape_penalty += RANGE_END_PENALTY
            if era and (stated := stated_era(sentence, value[:2])) and stated != era:
                shape_penalty += ERA_PENALTY  # "recently revised to ...?" -> not "initially five days"
            if body_asked and _ends_in_person(value[2], common_words):
                shape_penalty += PERSON_PENALTY  # "Which NPS division ...?" -> not "... Justin Russell"
            if body_asked and of_another_kind(value[2], type_nouns, (abbreviations or {}) | acronyms):
                shape_penalty += OTHER_KIND_PENALTY  # "Which NPS division ...?" -> not "HM Inspectorate of Probation"
            if place and not _after_place_word(sentence, value) and _names_a_body(value[2]):
                shape_penalty += PLACE_PENALTY  # "HM Prison and Probation Service has ..." names no place
            rating_bonus = 0.0
            if rating_asked and (named := {m.group(1).lower() for m in _RATING_LABEL.finditer(rated_as)}):
                if rating_asked not in named:
                    shape_penalty += OTHER_RATING_PENALTY  # "five rated 'Inadequate'" for "how many rated Good?"
                else:
                    rating_bonus = RATING_BONUS  # "• four probation services as 'Good'" over its list's lead-in
            if done and not _done_near(sentence, value, done):
                shape_penalty += INACTION_PENALTY
            if kind == "count" and not asks_moved and _COUNT_MOVED.match(sentence[value[1]:]):
                shape_penalty += CHANGE_PENALTY
            if kind == "count" and not asks_average and _AVERAGE_BEFORE.search(sentence[max(0, value[0] - 20):value[0]]):
                shape_penalty += AVERAGE_PENALTY
            if (kind in ("count", "number") and asks_mean and _BOUND_BEFORE.search(sentence[max(0, value[0] - 20):value[0]])
                    and not _SAYS_AVERAGE.search(sentence)):
                # "What was the average caseload?" is not answered by "staff managed more than 55 cases".
                shape_penalty += AVERAGE_PENALTY
            narrowed = narrowing(sentence, value) if kind == "count" and counted is not None else frozenset()
            if narrowed and not narrowed & counted:
                shape_penalty += NARROWED_PENALTY  # "2,962 recalls from hostels" for "how many recalls nationally?"
            if agent and not agent & (sent_tokens | before | row_heading):
                shape_penalty += AGENT_MISSING_PENALTY  # "100 hostels" for "how many were run by providers?"
            if asks_range and not _RANGE_VALUE.search(value[2]):
                shape_penalty += RANGE_PENALTY
            if kind in ("count", "number", "duration") and not asks_rate and _PER_SPELL.match(sentence, value[1]):
                shape_penalty += RATE_PENALTY  # "seven hours of unpaid work per week" for "how many hours in 2016/17?"
            if codes_asked and not codes_asked <= set(_CODE.findall(f"{before_text} {sentence}")):
                shape_penalty += CODE_PENALTY  # "SCH9 SL010 ... 89.5%" for "What did CRCs achieve on SCH9 SL012?"
            if asked_months and kind in ("count", "percent", "money", "number"):
                # The sentence's own date, or the one it continues: "At 30 September 2017, there were
                # 1,871 ... / and 632 FTE band 5 ..." (which may open the next passage).
                dated = months_in(sentence) or months_in(before_text) or (
                    months_in(passage_before(hit.chunk.id)[-_DATE_REACH:]) if not before_text and passage_before else
                    frozenset())
                if other_month(asked_months, dated):
                    shape_penalty += MONTH_PENALTY  # "At 30 September 2017, ..." for "at 31 March 2017?"
            if kind in ("percent", "number") and reading and series_says_yes(text, s, e) is asks_not:
                shape_penalty += SERIES_PENALTY  # "in what share was planning sufficient?" -> the "Yes" bar
            if asks_combined and reading and total_bar(text, s, e) is False:
                shape_penalty += SERIES_PENALTY  # "NPS and CRC cases together" -> the "All cases" bar
            if role_asked and other_role(sentence, role_asked):
                shape_penalty += ROLE_PENALTY  # "Victim liaison officers ... 215 cases" for "NPS probation officers"
            if kind == "date" and not asks_year and not re.search(r"[A-Za-z]", value[2]):
                shape_penalty += YEAR_ONLY_PENALTY  # "When ...?" is better answered by "November 2017" than "(2017)"
            # A count counts something; a share need only when the question names what of.
            other_things = (kind in ("count", "number") or (focus and kind == "percent")) and _counts_something_else(
                sentence, value, unsourced_tokens - adjuncts, initials, question_words, abbreviations)
            if other_things:
                # "not one of the NPS divisions" says nothing of how many officers there are: a
                # zero of something else is no evidence at all.
                # ... and "eight recommendations" no number of people: things are no persons.
                shape_penalty += 1.0 if _ZERO.fullmatch(value[2]) or (head in _PERSONS - _CASES and not _counts_persons(
                    sentence, value)) else NOUN_PENALTY
            # The thing asked about right after the figure ("165 cases") is strong evidence; a
            # duration carries it itself ("fifteen days" for "how many days").
            focus_bonus = FOCUS_BONUS if focus & set(tokenize(sentence[value[0]: value[1] + 40])) or (
                head is not None and _counts_by_ellipsis(sentence, value, head)) else 0.0
            if narrowed & (counted or frozenset()):
                focus_bonus += NARROWED_BONUS  # ... and for "how many recalls came from hostels?"
            if asks_extra and _EXTRA_BESIDE.search(sentence[max(0, value[0] - 20): value[1] + 15]):
                focus_bonus += EXTRA_BONUS
            if asks_sum and _SUM_BESIDE.search(sentence[max(0, value[0] - 25): value[1] + 15]):
                focus_bonus += SUM_BONUS  # "How many were completed in total?" -> "In total, we completed 4,138"
            if kind == "name" and not person and " " in value[2] and _names_kind(value[2], type_nouns, acronyms):
                # "Which NPS division ...?" -> "North West NPS", not "Justin Russell" (and not "NPS" alone).
                focus_bonus += KIND_BONUS
            # "When was the report published?" is answered by "The report is available ... on 29 April 2025".
            if publication_asked and (_PUBLICATION.search(sentence) or _CITED_DATE.search(sentence)):
                focus_bonus += PUBLICATION_BONUS
            if asks_source and _REFERENCE.search(sentence):
                focus_bonus += SOURCE_BONUS
            if asks_deadline and _BY_DATE.search(sentence, max(0, value[0] - 30), value[0]):
                focus_bonus += DEADLINE_BONUS
            if post_holder and not holder_named and _holds_post(sentence, value, post_words):
                # "Dame Glenys Stacey / Chief Inspector of Probation" signs the report: the holder
                # is named with the post, whatever else the question says of her. (Not when the
                # question names a holder itself: "Who was Chief Inspector before Dame Glenys
                # Stacey?" asks about another one, whom the post alone does not pick out.)
                focus_bonus += HOLDER_BONUS
            semantic = sentence_similarity(hit.chunk.id, quote_s, e) if sentence_similarity else 0.0
            score = (SENTENCE_WEIGHT * sentence_cov + CONTEXT_WEIGHT * context_cov + PASSAGE_WEIGHT * passage_cov
                     + focus_bonus + rating_bonus
                     + semantic_weight * semantic
                     - RANK_STEP * (hit.rank - 1) - year_penalty - fallback_penalty - shape_penalty
                     + (RECENCY_BONUS if hit.chunk.doc == latest_doc else 0.0)
                     + (KEY_FACTS_BONUS if key_facts_asked and hit.chunk.fact else 0.0))
            if best is None or score > best[0]:
                best = (score, hit.rank, s, e, value, names_focus, text, header_tokens, f"{before_text} {sentence}",
                        other_things)
    # When the best passage never names the thing asked about ("How many women ...?" answered
    # from "262,347 offenders supervised"), its figure counts something else: no answer beats
    # a wrong one. (A weaker passage that does name it is no better evidence: on the dev split,
    # falling back to it answered those questions wrongly instead.)
    if best is None or best[0] < threshold or not best[5]:
        return Extracted(None, None, None, None, None, None, None, kind, round(best[0], 4) if best else 0.0)
    score, rank, s, e, (vs, ve, vtext), _, best_text, best_header, near_text, other_things = best
    passage_tokens = token_set(best_text) | best_header
    sentence = hits[rank - 1].chunk.text[s:e]
    # A veto, not a penalty: as a penalty the selector fell back on other years' figures (dev).
    said_when = (doc_years or {}).get(hits[rank - 1].chunk.doc)
    # "How many of the vacancies were in London?" is not answered by "615 vacancies across the NPS":
    # a national figure is no figure for a place that neither its sentence, the one before nor
    # the report's title names (a veto: the figure is the right kind, only its scope is wider).
    places = asked_places(question, common_words)
    outside_place = bool(places) and not places & (
        _with_spelt_out(token_set(_ENGLAND_AND_WALES.sub(" ", near_text)), acronyms) | best_header)
    # "the Wales CRC" is a company named by its area: a passage that never names the area
    # gives no figure of that company's ("43.9% for CRCs" is all CRCs').
    crc_areas = _crc_areas(question, common_words)
    outside_place = outside_place or bool(crc_areas) and not crc_areas & (
        _with_spelt_out(token_set(_ENGLAND_AND_WALES.sub(" ", best_text)), acronyms) | best_header)
    calendar_year = kind in _FOCUSED_KINDS and dated_by_calendar_year(asked_part, sentence)
    # "How many probation officer posts were vacant?" is not answered by "165 cases were inspected"
    # from a passage that never speaks of posts: the figure counts another thing, and nothing
    # near it is the thing asked about.
    unrelated_count = bool(other_things and head and head not in _with_spelt_out(passage_tokens, acronyms))
    # "What rating did Hampshire and Isle of Wight CRC receive?" is not answered by "Six probation
    # services as 'Requires improvement':" unless it, its items, the sentence before or the
    # report's title name Hampshire: a rating is some body's rating.
    unrated_body = False
    if kind == "rating" and (bodies := named_words(asked_part, common_words)):
        rated = f"{near_text} {_list_items_after(best_text, e) if sentence.rstrip().endswith(':') else ''}"
        unrated_body = not bodies & (token_set(rated) | best_header)
    whole_scope = place and bool(_ENGLAND_AND_WALES.fullmatch(vtext))
    # "Who was chief executive of MTC?" is not answered by "Chief Inspector of Probation Justin
    # Russell": the person must be named with the post asked about (or under a heading naming it),
    # in the reports' words: a "press contact" is named "For media enquiries".
    other_post = post is not None and not set(tokenize(in_reports_words(post))) <= (
        _with_spelt_out(token_set(near_text), acronyms) | best_header)
    # "How many beds are there in women-only approved premises?" is not answered by "almost 2,300
    # beds" either: a group the question confines itself to must be named by the answer's
    # sentence, the one before it or the passage's headings, not only somewhere in the passage.
    other_people = kind in _FOCUSED_KINDS and (other_group(question_tokens, token_set(sentence))
                                               or group_missing(question_tokens, token_set(near_text) | best_header))
    if (outside_place or calendar_year or unrelated_count or whole_scope or unrated_body or other_people
            or names_other_period(question, sentence)
            or (post_holder and not _looks_like_person(vtext, common_words)) or other_post
            # The year of the report a question names is not the year it asks about: "According
            # to the December 2020 release, how many ... in June 2019?"
            or _dated_otherwise(sentence, years_in(_SOURCE_NAMED.sub(" ", question)), said_when)):
        return Extracted(None, None, None, None, None, None, None, kind, round(score, 4))
    if kind == "date" and _ASKS_WHICH_YEAR.search(question) and (year := _QUALIFIED_YEAR.fullmatch(vtext)):
        vs, vtext = vs + year.start(1), year.group(1)  # "In which year ...?" -> "2018", not "the beginning of 2018"
    return Extracted(vtext, sentence.strip(), rank, s, e, s + vs, s + ve, kind, round(score, 4))


_NAMED_WORD = re.compile(r"(?<!^)(?<![.?!]\s)\b[A-Z][a-z]{2,}\b")
_NOT_NAMED = frozenset(tokenize(f"{_MONTH.replace('|', ' ')} Outstanding Good Requires Inadequate"))


def _table_of(chunk: Chunk, acronyms: dict[str, frozenset[str]]) -> Table:
    """The table a passage opens inside of, from the caption and headings it was indexed with."""
    return table_of_lines(chunk.table, lambda line: _with_spelt_out(token_set(line), acronyms))


def named_words(question: str, common_words: frozenset[str]) -> frozenset[str]:
    """The stems of the proper names a question gives ("hampshir", "wight"): capitalised words
    the reports never write in lower case ("Probation" they do), nor months or ratings."""
    return frozenset(t for m in _NAMED_WORD.finditer(question) if m.group(0).lower() not in common_words
                     for t in tokenize(m.group(0)) if t not in _NOT_NAMED)


def _list_items_after(text: str, end: int) -> str:
    """The bullet lines that follow a list's lead-in ("Six probation services as 'Requires improvement':")."""
    items = []
    for line in text[end:].split("\n"):
        if line.strip() and not _BULLET.match(line):
            break
        items.append(line)
    return "\n".join(items)


_THIS_YEAR = re.compile(r"(?i)\bthis year\b")


def _dated_otherwise(sentence: str, asked_years: frozenset[int], report_year: int | None) -> bool:
    """'224,000 people were under supervision by June this year', in a 2020 press release, is
    a figure for 2020: no answer to a question about June 2019."""
    if not asked_years or not report_year or years_in(sentence):
        return False
    return bool(_THIS_YEAR.search(sentence)) and report_year not in asked_years


def asked_abbreviation(question: str) -> str | None:
    """'MAPPA' of 'What does MAPPA stand for?'; None for any other question."""
    m = _ASKS_EXPANSION.search(question)
    return (m.group("a") or m.group("b")).upper() if m else None


# "Which counties does the name of BeNCH CRC stand for?": the first acronym before "stand for".
_STANDS_FOR = re.compile(r"\b(?P<a>[A-Z][a-z]*[A-Z][A-Za-z]*)\b[^?]*?\bstands?\s+for\b")


def stands_for(question: str) -> str | None:
    """'BeNCH' of 'Which four counties does BeNCH CRC stand for?', in the question's own case."""
    m = _ASKS_EXPANSION.search(question) or _STANDS_FOR.search(question)
    return next((g for g in m.groups() if g), None) if m else None


def _spelt_out(abbreviation: str, text: str) -> re.Match | None:
    """Where a run of names spells out a mixed-case abbreviation by its capitals, in any
    separation: 'Bedfordshire, Northamptonshire, Cambridgeshire and Hertfordshire' for BeNCH."""
    capitals = [c for c in abbreviation if c.isupper()]
    if len(capitals) < 3 or capitals == list(abbreviation):
        return None  # an all-capital abbreviation is defined by its bracket (see glossary)
    name = r"[A-Z][\w’'-]+"
    run = rf"{name}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*){name}){{{len(capitals) - 1}}}"
    return next((m for m in re.finditer(run, text)
                 if [w[0] for w in re.findall(name, m.group(0))] == capitals), None)


def _expansion(question: str, hits: list[Hit]) -> Extracted:
    """'What does MAPPA stand for?' is answered where a passage defines it:
    'Multi-Agency Public Protection Arrangements (MAPPA)'; 'What does BeNCH stand for?' where
    names spell out its capitals (a footnote: 'Bedfordshire, Northamptonshire, ...')."""
    token = stands_for(question) or ""
    abbreviation = token.upper()
    for hit in hits:
        text = hit.chunk.text
        long_form = glossary(text).get(abbreviation)
        if long_form is None:
            continue
        at = text.find(f"{long_form} (")
        for s, e in split_sentences(text):
            if s <= at < e:
                return Extracted(long_form, text[s:e].strip(), hit.rank, s, e, at, at + len(long_form), "expansion", 1.0)
    for hit in hits:
        if m := _spelt_out(token, hit.chunk.text):
            for s, e in split_sentences(hit.chunk.text):
                if s <= m.start() < e:
                    return Extracted(m.group(0), hit.chunk.text[s:e].strip(), hit.rank, s, e, m.start(), m.end(),
                                     "expansion", 1.0)
    return Extracted(None, None, None, None, None, None, None, "expansion", 0.0)
