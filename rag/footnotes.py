"""Link a report's footnotes to the sentences that cite them.

A footnote printed at the foot of a page says nothing of what it annotates:
"34  Bedfordshire, Northamptonshire, Cambridgeshire and Hertfordshire." answers
"Which counties does BeNCH CRC stand for?" only read with the sentence whose
marker points at it ("In Northamptonshire (BeNCH34 CRC), some staff ..."). The
chunk holding a footnote is indexed with the words just before its marker (see
`chunking`), so both retrievers find the note by what it annotates, while the
citation stays the note's own span of the original file.

Markers are the footnote numbers glued onto the word, figure or bracket before
them, as PDF extraction leaves them ("Companies4", "BeNCH34", "78%51)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.lexical import STOPWORDS

# A footnote opens a line with its number and a wide gap: "17\u2003HM Inspectorate ...".
FOOTNOTE_START = re.compile(r"^(\d{1,3})(?:[\u2000-\u200b]|[ \t]{2})[ \t\u2000-\u200b]*(?=\S)", re.M)
# A footnote number glued onto a word, a percent sign or a closing bracket or quote.
_MARKER = re.compile(r"(?<=[A-Za-z%)’”])(\d{1,3})(?=[\s,.;:)’”]|$)")
REACH = 3000  # characters: a footnote is printed at the foot of its marker's page
_CITING_WORDS = 8  # the words before a marker that a note is indexed with: what it annotates


@dataclass(frozen=True)
class Footnote:
    number: int
    start: int  # offset of the note's first word in the original text
    marker: int  # offset of its marker's first digit in the original text
    citing: str  # the words the marker follows, whitespace collapsed


def footnotes(text: str) -> list[Footnote]:
    """The footnotes of a report's original text that a marker before them points at."""
    found = []
    for m in FOOTNOTE_START.finditer(text):
        number, start = int(m.group(1)), m.end()
        markers = [k for k in _MARKER.finditer(text, max(0, m.start() - REACH), m.start())
                   if int(k.group(1)) == number and not _in_footnote_line(text, k.start())]
        if markers:
            marker = markers[-1]
            found.append(Footnote(number, start, marker.start(), _citing_text(text, marker.start())))
    return found


def _in_footnote_line(text: str, at: int) -> bool:
    """Whether `at` lies in a footnote's own opening line (its number is no marker)."""
    line_start = text.rfind("\n", 0, at) + 1
    return bool(FOOTNOTE_START.match(text, line_start))


def _citing_text(text: str, start: int) -> str:
    """The words just before a marker, within its sentence: a marker follows what its note
    annotates ("In Northamptonshire (BeNCH"). No more, so that a note's chunk does not
    compete with the passage citing it for that passage's own questions."""
    before = " ".join(text[max(0, start - 300): start].split())
    sentence_start = max(before.rfind(". "), before.rfind("? "), before.rfind("! "))
    before = before[sentence_start + 2:] if sentence_start >= 0 else before
    words = before.split()
    content = [i for i, w in enumerate(words) if w.lower().strip(",;:()‘’'\"“”") not in STOPWORDS]
    return " ".join(words[content[-_CITING_WORDS]:] if len(content) >= _CITING_WORDS else words)


def notes_in(notes: list[Footnote], start: int, end: int) -> list[Footnote]:
    """The footnotes whose text begins within [start, end) of the original text."""
    return [n for n in notes if start <= n.start < end]
