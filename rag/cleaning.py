"""Turn a report's raw text into readable prose without losing where it came from.

Every cleaned character keeps the offset of the original character it came
from (`CleanText.offsets`), so a span of cleaned text maps back to a span of
the original file, and citations point at text anyone can open and check.

Cleaning is a pipeline of small regex rewrites. Each rewrite either deletes
characters, keeps them, or replaces a match with text whose characters inherit
the offsets of the match, so the map stays exact by construction.

What it repairs (all seen in the PDF-extracted 2017 annual report, and typical
of PDF and web extractions generally):
- repeated URL lines, lone quote-mark lines, vertical headings printed one
  letter-group per line ("in / tro / d / u / ctio / n");
- lost "ti" ligatures (U+FFFD);
- footnote reference numbers glued onto the word or figure before them
  ("Companies4", "each year6)", "78%51)");
- words and figures split across line breaks ("twenty-\\none", "3,\\n000");
- three-word lines and sentences broken by page or column breaks (reflow);
- sidebar pull-quotes that repeat the body text.

A web page saved as text keeps all of it, sidebar, advert and related-post
teasers included: readers ask about what the page shows ("Which company
sponsored the posts?"), and text dropped here could never be cited.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import takewhile

import numpy as np

from rag.footnotes import FOOTNOTE_START
from rag.tables import row_cells


@dataclass(frozen=True)
class CleanText:
    text: str
    offsets: np.ndarray  # offsets[i] = index in the original text of cleaned char i

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) covering cleaned [start, end)."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"span {start}:{end} outside cleaned text of length {len(self.text)}")
        seg = self.offsets[start:end]
        return int(seg.min()), int(seg.max()) + 1


def identity(text: str) -> CleanText:
    return CleanText(text, np.arange(len(text), dtype=np.int64))


Replacement = str | Callable[[re.Match], str]


def rewrite(ct: CleanText, pattern: str | re.Pattern, repl: Replacement, flags: int = 0) -> CleanText:
    """re.sub that carries the offset map along.

    A replacement character inherits the offset of the matched character at the
    same position (or of the match's last character when the replacement is
    longer), so deletions and same-length edits map exactly.
    """
    rx = re.compile(pattern, flags) if isinstance(pattern, str) else pattern
    parts: list[str] = []
    offs: list[np.ndarray] = []
    pos = 0
    for m in rx.finditer(ct.text):
        s, e = m.span()
        parts.append(ct.text[pos:s])
        offs.append(ct.offsets[pos:s])
        new = repl(m) if callable(repl) else m.expand(repl)
        if new:
            if e > s:
                idx = np.minimum(np.arange(len(new)), e - s - 1) + s
                offs.append(ct.offsets[idx])
            else:  # zero-width match: anchor at the next (or previous) character
                anchor = min(s, len(ct.text) - 1)
                offs.append(np.full(len(new), ct.offsets[anchor], dtype=np.int64))
            parts.append(new)
        pos = e
    if not parts:
        return ct
    parts.append(ct.text[pos:])
    offs.append(ct.offsets[pos:])
    return CleanText("".join(parts), np.concatenate(offs).astype(np.int64))


def keep_ranges(ct: CleanText, ranges: list[tuple[int, int]]) -> CleanText:
    """Keep only the given [start, end) ranges of the cleaned text, in order."""
    text = "".join(ct.text[s:e] for s, e in ranges)
    offs = [ct.offsets[s:e] for s, e in ranges]
    return CleanText(text, np.concatenate(offs) if offs else np.zeros(0, dtype=np.int64))


# --- PDF layout debris -------------------------------------------------------------

_URL_LINE = re.compile(r"^[ \t]*(https?://|www\.)\S*[ \t]*\n?", re.M)
_QUOTE_MARK_LINE = re.compile(r"^[ \t“”\"‘’]*[“”\"][ \t“”\"‘’]*$\n?", re.M)
# A run of 3+ lines of 1-4 lowercase letters (blank lines between allowed): a
# vertical heading such as "in / tro / d / u / ctio / n". Two groups can share a
# line ("a / l re / p" of "annual report"); no line of prose is that short three times.
# Orphaned quote marks of sidebar quotes, left in runs: "“ ” “ ”“ ”“".
_QUOTE_MARK_RUN = re.compile(r"(?:[“”][ \t]*){3,}")
_VERTICAL_HEADING = re.compile(r"(?:^[ \t]*[a-z]{1,4}(?: [a-z]{1,2})?[ \t]*\n(?:[ \t]*\n)*){3,}", re.M)


def drop_layout_debris(ct: CleanText) -> CleanText:
    ct = rewrite(ct, _URL_LINE, "")
    ct = rewrite(ct, _QUOTE_MARK_LINE, "")
    ct = rewrite(ct, _QUOTE_MARK_RUN, " ")
    return rewrite(ct, _VERTICAL_HEADING, "")


def restore_ligatures(ct: CleanText) -> CleanText:
    # The PDF's "ti" ligature became U+FFFD ("en\ufffdre" -> "entire").
    return rewrite(ct, "\ufffd", "ti")


# A footnote number glued to a lowercase word, a closing percent sign or a
# sentence end or a year: "Companies4 owned", "each year6)", "78%51)", "offenders5.", "June 201719;"
_GLUED_FOOTNOTE = re.compile(
    r"(?:(?<=[a-z]{2})|(?<=%)|(?<=[a-z]\.)|(?<=\b(?:19|20)\d\d))\d{1,2}(?=[\s,.;:)’”]|$)"
)


def drop_glued_footnote_numbers(ct: CleanText) -> CleanText:
    return rewrite(ct, _GLUED_FOOTNOTE, "")


# A figure ending a sentence, with a footnote number glued on: "from 429 to 5178." (note 8).
_FIGURE_AT_SENTENCE_END = re.compile(r"(?<![\d,.£/-])\d{4,6}(?=\.(?:\s|$))")
_FOOTNOTE_REACH = 3000  # characters: a footnote is printed at the foot of its page


def drop_footnote_digits_on_figures(ct: CleanText) -> CleanText:
    """Strip the last digits of a sentence-ending figure when a footnote of that number
    starts shortly after it: "from 429 to 5178." (note 8), "from 429 to 51735." (note 35).

    Digits glued to digits are ambiguous, so the footnote itself must be there to say so;
    years are left alone ("in March 2016." with note 16 below is a year).
    """
    bodies: dict[int, list[int]] = {}
    for m in FOOTNOTE_START.finditer(ct.text):
        bodies.setdefault(int(m.group(1)), []).append(m.start())

    def repl(m: re.Match) -> str:
        whole = m.group(0)
        if 1900 <= int(whole) <= 2100:
            return whole
        for glued in (2, 1):
            figure, note = whole[:-glued], whole[-glued:]
            if len(figure) >= 3 and not note.startswith("0") and any(
                0 < start - m.end() <= _FOOTNOTE_REACH for start in bodies.get(int(note), ())
            ):
                return figure
        return whole

    return rewrite(ct, _FIGURE_AT_SENTENCE_END, repl)


def rejoin_split_tokens(ct: CleanText) -> CleanText:
    """Rejoin words and figures that a line break cut in two."""
    # "twenty-\n one" -> "twenty-one"; "deep-\nrooted" -> "deep-rooted".
    ct = rewrite(ct, r"(?<=[A-Za-z]-)[ \t]*\n[ \t]*(?=[a-z])", "")
    # "3,\n000" -> "3,000"; "£\n22" -> "£22"; "42\n%" -> "42%".
    ct = rewrite(ct, r"(?<=\d,)[ \t]*\n[ \t]*(?=\d{3}\b)", "")
    ct = rewrite(ct, r"(?<=£)[ \t]*\n[ \t]*(?=\d)", "")
    return rewrite(ct, r"(?<=\d)[ \t]*\n[ \t]*(?=%)", "")


_SENTENCE_END = re.compile(r"[.!?:;”\"’)]$")
# Where a new paragraph starts: a blank line; a line indented by the PDF's text
# block marker (a leading space); a footnote ("12  Source: ..."); a bullet.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*|\n(?=[ \t]+\S)|\n(?=\d{1,3}(?:[\u2000-\u200b]|[ \t]{2})[ \t]*\S)|\n(?=[ \t]*[•*] )")


def concat(parts: list[CleanText], sep: str = "\n\n") -> CleanText:
    """Join cleaned pieces with a separator placed just after the previous piece's end."""
    texts: list[str] = []
    offs: list[np.ndarray] = []
    for k, part in enumerate(parts):
        if k and sep:
            texts.append(sep)
            # Separator stands where the previous piece ended (usually original whitespace).
            offs.append(np.full(len(sep), parts[k - 1].offsets[-1] + 1, dtype=np.int64))
        texts.append(part.text)
        offs.append(part.offsets)
    if not texts:
        return CleanText("", np.zeros(0, dtype=np.int64))
    return CleanText("".join(texts), np.concatenate(offs).astype(np.int64))


def is_hard_wrapped(text: str) -> bool:
    """PDF extractions wrap lines every few words; web text puts a paragraph on one line."""
    lengths = sorted(len(line) for line in text.split("\n") if line.strip())
    return bool(lengths) and lengths[len(lengths) // 2] < 80


def _row_breaks(text: str) -> list[tuple[int, int]]:
    """The line breaks between two table rows: "2011/2012 441 234,510 0.19%" on one line and
    "2012/2013 409 222,306 0.18%" on the next are two rows, not a wrapped line, and run
    together their figures could no longer be read by column."""
    breaks, start, was_row = [], 0, False
    for line in text.split("\n"):
        is_row = bool(row_cells(line))
        if is_row and was_row:
            breaks.append((start - 1, start))
        was_row, start = is_row, start + len(line) + 1
    return breaks


_HEADED_MIN_CHARS = 60
_HEADING_LINE = re.compile(r"[A-Z][A-Za-z’'&-]*(?: [A-Za-z’'&-]+){0,5}")


def _heading_breaks(text: str) -> list[tuple[int, int]]:
    """The line breaks after a heading set on the line above its paragraph's first line.

    "Women" / "One in ten offenders " reads as a wrapped line, but the PDF would have put
    "One" on the first line had it been one: it had room, so the break is a hard one. Run
    together, "Women One in ten offenders" is a heading glued to a sentence. Only a short
    line of words with a blank line above, over a paragraph of prose, is a heading; a
    table's "Purple Futures" / "Cheshire and " has no room for its next word, and its
    "Seetec" / "Kent, Surrey and " / "Sussex" is too short for prose: each stays one cell.
    """
    breaks, start, lines = [], 0, text.split("\n")
    for k, line in enumerate(lines[:-1]):
        nxt = lines[k + 1]
        first = nxt.split(" ", 1)[0]
        if (
            (k == 0 or not lines[k - 1].strip())
            and _HEADING_LINE.fullmatch(line)
            and first[:1].isupper()
            and len(line) + 1 + len(first) <= len(nxt.rstrip())
            and len(" ".join(takewhile(str.strip, lines[k + 1:]))) >= _HEADED_MIN_CHARS
        ):
            end = start + len(line)
            breaks.append((end, end + 1))
        start += len(line) + 1
    return breaks


def split_paragraphs(ct: CleanText) -> list[CleanText]:
    """Paragraphs with their wrapped lines joined by single spaces.

    In hard-wrapped text a single line break is a wrap; otherwise it ends a paragraph.
    """
    wrapped = is_hard_wrapped(ct.text)
    breaks = _PARAGRAPH_BREAK if wrapped else re.compile(r"\n\s*")
    spans = [(m.start(), m.end()) for m in breaks.finditer(ct.text)]
    if wrapped:
        spans = sorted(set(spans) | set(_row_breaks(ct.text)) | set(_heading_breaks(ct.text)))
    bounds = [0]
    for s, e in spans:
        if s >= bounds[-1]:  # a row's line break inside a blank line's is that one break
            bounds += [s, e]
    bounds.append(len(ct.text))
    paragraphs = []
    for s, e in zip(bounds[::2], bounds[1::2]):
        para = keep_ranges(ct, [(s, e)])
        para = rewrite(para, r"\s+", " ")
        para = rewrite(para, r"^ | $", "")
        if para.text:
            paragraphs.append(para)
    return paragraphs


_NORM_DROP = re.compile(r"[^a-z0-9]+")


def _norm(s: str) -> str:
    return _NORM_DROP.sub("", s.lower())


def drop_repeated_paragraphs(paragraphs: list[CleanText], min_chars: int = 40) -> list[CleanText]:
    """Drop paragraphs whose text appears elsewhere in the document (pull quotes).

    Compared on letters and digits only, so line breaks and quote marks don't
    matter. Of two identical copies the later goes; the fuller body text stays.
    """
    norms = [_norm(p.text) for p in paragraphs]
    dropped: set[int] = set()
    for i, n in enumerate(norms):
        if len(n) < min_chars:
            continue
        others = "\x00".join(norms[j] for j in range(len(norms)) if j != i and j not in dropped)
        if n in others:
            dropped.add(i)
    return [p for i, p in enumerate(paragraphs) if i not in dropped]


def footnote_starts(ct: CleanText) -> set[int]:
    """Original offsets of the first word of every footnote (just after its number)."""
    return {int(ct.offsets[m.end()]) for m in FOOTNOTE_START.finditer(ct.text)}


def is_footnote(para: CleanText, notes: set[int]) -> bool:
    return bool(len(para.text)) and int(para.offsets[0]) in notes


def drop_footnote_numbers(paragraphs: list[CleanText], notes: set[int]) -> list[CleanText]:
    """Drop the number a footnote opens with: it is layout, not a figure anyone asks about,
    and left in place it reads as a count ("36 HM Inspectorate of Probation (2006) ...")."""
    out = []
    for para in paragraphs:
        m = re.match(r"\d{1,3} ", para.text)
        if m and m.end() < len(para.text) and int(para.offsets[m.end()]) in notes:
            para = keep_ranges(para, [(m.end(), len(para.text))])
        out.append(para)
    return out


def _ends_mid_phrase(text: str) -> bool:
    """Unfinished, ending on a lower-case word, a comma or a dash: 'Number of offenders',
    'ordered by the', 'managed by YOTs,', '(Oct 2014 –'."""
    return not _SENTENCE_END.search(text) and bool(re.search(r"(?:(?:^|\s)[a-z][\w’'-]*|[,–-])$", text))


def _closes_bracket(text: str, following: str) -> bool:
    """A paragraph stopped mid-phrase inside a bracket, and a short one closes it."""
    opened = text.rfind("(")
    return (opened >= 0 and ")" not in text[opened:] and _ends_mid_phrase(text)
            and len(following) <= 40 and ")" in following and "(" not in following.split(")")[0])


def _recent_body(out: list[CleanText], notes: set[int], lookback: int) -> Iterator[int]:
    """Indices of the last `lookback` body paragraphs, newest first: footnotes interrupt the body."""
    seen = 0
    for j in range(len(out) - 1, -1, -1):
        if is_footnote(out[j], notes):
            continue
        seen += 1
        if seen > lookback:
            return
        yield j


def merge_broken_sentences(
    paragraphs: list[CleanText], notes: set[int] | None = None, lookback: int = 4
) -> list[CleanText]:
    """Re-attach a paragraph that continues a sentence cut by a page break,
    footnote block or sidebar: it starts in lower case and an unfinished body
    paragraph stands shortly before it.

    The body paragraph just before wins when it stops mid-phrase (a key-facts label
    wrapped over two lines: "262,347 Number of offenders" / "supervised, 30 June
    2017"). Footnotes are never joined to: they interrupt the body text, and a
    footnote ending in a URL looks unfinished.
    """
    notes = notes or set()
    out: list[CleanText] = []
    for para in paragraphs:
        if _STARTS_WITH_FIGURE.match(para.text) and (target := _awaiting_figure(out, notes, lookback)) is not None:
            out[target] = concat([out[target], para], " ")
            continue
        last_body = next(_recent_body(out, notes, 1), None)
        if last_body is not None and _closes_bracket(out[last_body].text, para.text):
            # "(Oct 2014 –" / "Sept 2015 cohort)": a bracket left open waits for its close.
            out[last_body] = concat([out[last_body], para], " ")
            continue
        if para.text[:1].islower() or para.text[:1] in "(£–":
            if last_body is not None and _ends_mid_phrase(out[last_body].text):
                target = last_body
            else:
                target = next((j for j in _recent_body(out, notes, lookback)
                               if len(out[j].text) >= 60 and not _SENTENCE_END.search(out[j].text)), None)
            if target is not None:
                # "non-" / "compliance" is one word again: "non-compliance".
                sep = "" if re.search(r"[a-z]-$", out[target].text) else " "
                out[target] = concat([out[target], para], sep)
                continue
        out.append(para)
    return out


_AWAITS_FIGURE = re.compile(r"\s(?:in|to|from|of|by|at|than|between|and|with|since|until|was|were|is|are)$")


def _awaiting_figure(out: list[CleanText], notes: set[int], lookback: int) -> int | None:
    """The body paragraph a paragraph opening with a figure continues, if any.

    "... fallen from 147,791 in 2006/2007 to 32,949 in" / "How Youth Offending Services
    are configured" / "2015/2016: a reduction of 78%)": a heading set into the page cut
    the sentence. Only a sentence cut right after a word that must be followed by
    something ("in", "to", "than") is continued; key-facts labels ("Number of CRCs")
    are not.
    """
    for j in _recent_body(out, notes, lookback):
        text = out[j].text
        if _SENTENCE_END.search(text):
            return None
        if len(text) >= 60 and _AWAITS_FIGURE.search(text):
            return j
    return None


# A table cell or key figure on a line of its own: "79.1% 75%", "2,718", "68.9% * 100%".
_FIGURES_ONLY = re.compile(r"(?:£?\d[\d,]*(?:\.\d+)?(?:%|m|bn|k)?|\*)(?: (?:£?\d[\d,]*(?:\.\d+)?(?:%|m|bn|k)?|\*)){0,3}")
_STARTS_WITH_FIGURE = re.compile(r"£?\d")


def _is_label(para: CleanText, notes: set[int]) -> bool:
    """A table label or key-facts caption: short, unfinished words with no figure in front."""
    t = para.text
    return (len(t) <= 240 and not is_footnote(para, notes) and not _SENTENCE_END.search(t)
            and not _STARTS_WITH_FIGURE.match(t) and bool(re.search(r"[A-Za-z]{3}", t))
            and not re.match(r"(?:Figure|Table)\b", t))


def _is_key_fact(para: CleanText) -> bool:
    """'2,718 Number of cases examined': a figure, then words."""
    return bool(_STARTS_WITH_FIGURE.match(para.text)) and bool(re.search(r"[A-Za-z]{3}", para.text))


def join_labels_and_figures(paragraphs: list[CleanText], notes: set[int] | None = None) -> list[CleanText]:
    """Put a figure that PDF extraction left on a line of its own back next to its label.

    Tables come out as "label" / "figures" rows ("SCH9 AA – Percentage of offender
    surveys ..." / "79.1% 75%"), key-facts pages as "figure" / "label" ("2,718" /
    "Number of cases examined"). A figure joins the label before it unless that
    paragraph already starts with its own figure (then the page lists figure
    first, and it joins the label after it), so that one sentence holds both.
    """
    notes = notes or set()
    out: list[CleanText] = []
    i = 0
    while i < len(paragraphs):
        para = paragraphs[i]
        if _FIGURES_ONLY.fullmatch(para.text):
            nxt = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
            # One row's figures, not a column of chart values ("75%" / "79%" / "77%" ...);
            # and a bare one-to-three-digit number after a heading is more often a page number.
            row = (nxt is None or not _FIGURES_ONLY.fullmatch(nxt.text)) and not re.fullmatch(r"\d{1,3}", para.text)
            if row and out and _is_label(out[-1], notes) and not re.search(r"\d%?$", out[-1].text):
                out[-1] = concat([out[-1], para], " ")
                i += 1
                continue
            after = paragraphs[i + 2] if i + 2 < len(paragraphs) else None
            in_key_facts = (out and _is_key_fact(out[-1])) or (after is not None and _is_key_fact(after))
            # A page number before the page's running heading ("91" / "Youth Offending Services" /
            # "92" / "Youth Offending Services") is no figure of that heading.
            running_heading = nxt is not None and any(p.text == nxt.text for p in out[-3:])
            if (nxt is not None and in_key_facts and _is_label(nxt, notes) and nxt.text[:1].isupper()
                    and not running_heading):
                out.append(concat([para, nxt], " "))
                i += 2
                continue
        out.append(para)
        i += 1
    return out


# Line ends other than "\n" (a web page's U+2028, a mainframe's NEL) read as line breaks;
# a byte-order mark, zero-width characters and soft hyphens are invisible and would split
# a word in two for the tokenizers ("vacan\u200bcies").
_OTHER_LINE_ENDS = re.compile("\r\n?|[\u2028\u2029\x85]")
_INVISIBLE = re.compile("[\ufeff\u200b\u200c\u200d\u2060\u00ad]")


def clean(text: str) -> CleanText:
    """The full cleaning pipeline for one report's original text."""
    ct = rewrite(identity(text), _OTHER_LINE_ENDS, "\n")
    ct = rewrite(ct, _INVISIBLE, "")
    ct = drop_layout_debris(ct)
    ct = restore_ligatures(ct)
    ct = drop_glued_footnote_numbers(ct)
    ct = rejoin_split_tokens(ct)
    ct = drop_footnote_digits_on_figures(ct)
    notes = footnote_starts(ct)
    paragraphs = split_paragraphs(ct)
    paragraphs = drop_footnote_numbers(paragraphs, notes)
    paragraphs = drop_repeated_paragraphs(paragraphs)
    paragraphs = merge_broken_sentences(paragraphs, notes)
    paragraphs = join_labels_and_figures(paragraphs, notes)
    return concat(paragraphs)
