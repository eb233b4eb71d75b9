"""Split cleaned reports into passages that fit the embedding model whole.

Sizes are counted in the model's own tokens, including the document-context
header that is embedded with every chunk, so no chunk is silently truncated
at embedding time. Chunks overlap so that a figure and the words that explain
it are not cut apart, and each chunk belongs to exactly one document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

from langchain_text_splitters import RecursiveCharacterTextSplitter

from rag.cleaning import CleanText
from rag.corpus import Document
from rag.footnotes import footnotes, notes_in
from rag.tables import is_caption, open_tables

# Paragraphs first, then sentences, then clauses, then words.
SEPARATORS = ["\n\n", "\n", ". ", "? ", "! ", "; ", ": ", ", ", " ", ""]
SPECIAL_TOKENS = 2  # [CLS] and [SEP]


@dataclass(frozen=True)
class Chunk:
    id: int
    doc: str
    start: int  # span in the ORIGINAL file (Python str indices)
    end: int
    clean_start: int  # span in the cleaned text
    clean_end: int
    text: str  # cleaned passage text, as shown to users
    fact: bool = False  # a key-facts line: a figure, then the label that says what it counts
    # What a key-facts line is indexed with besides its document header: the page's
    # heading and the long forms of its abbreviations ("YOTs: Youth Offending Teams").
    context: str = ""
    # The words citing each footnote printed in the chunk ("In Northamptonshire (BeNCH"):
    # indexed with it, so a note is found by what it annotates (see `footnotes`).
    notes: tuple[str, ...] = ()
    # The caption and column headings of the table a chunk begins inside of ("Figure 8" /
    # "... Rating Target"): indexed with it, and its rows are read by them (see `tables`).
    table: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "notes", tuple(self.notes))  # a JSON list, as read from the index

    @property
    def section(self) -> str | None:
        """A key-facts line's page heading, the first line of its context; None for prose."""
        return (self.context.split("\n")[0] or None) if self.fact else None

    def to_json(self) -> dict:
        return asdict(self)


def context_header(doc: Document) -> str:
    """What every chunk of a document is embedded and BM25-indexed with:
    questions name years, reports and organisations that the passage itself may not."""
    parts = [doc.title]
    if doc.date:
        parts.append(doc.display_date)
    if doc.publisher:
        parts.append(doc.publisher)
    return " | ".join(parts)


def indexed_text(header: str, chunk: Chunk) -> str:
    """What both retrievers see of a chunk: its text under its document's (and page's) names."""
    parts = [header, chunk.context, chunk.table, *chunk.notes, chunk.text]
    return "\n".join(p for p in parts if p)


# A key-facts line: a figure, then the label that says what it counts ("151 Number of YOTs").
_FACT = re.compile(r"(?:£\s?)?\d[\d,]*(?:\.\d+)?%?\s+[A-Z‘'“(]")
_FACT_MAX_CHARS = 120
_FACTS_MIN = 3  # fewer such lines in a row are prose that happens to open with a figure
_WRAP_MAX_CHARS = 30  # the wrapped end of a label the layout put on its own line
_HEADING = re.compile(r"[A-Z][^.!?:;]{2,60}")


@dataclass(frozen=True)
class FactList:
    """A run of key-facts lines (start, end of each, in the cleaned text) and its heading."""

    facts: tuple[tuple[int, int], ...]
    section: str

    @property
    def start(self) -> int:
        return self.facts[0][0]

    @property
    def end(self) -> int:
        return self.facts[-1][1]


def _paragraphs(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"\S(?:.|\n(?!\s*\n))*", text)]


_LAYOUT_RUN_MIN = 4  # paragraphs: fewer short ones in a row are headings over prose
_LAYOUT_LINE_WORDS = 12


def _is_layout_line(line: str) -> bool:
    """A table cell, a chart label or a heading: a few words that end no sentence."""
    return len(line.split()) <= _LAYOUT_LINE_WORDS and not line.rstrip().endswith((".", ":", "?", "!", ";"))


def layout_start(text: str) -> int | None:
    """Where a table or chart that follows prose begins: at least four short unpunctuated
    paragraphs in a row, after one that is neither short nor a list's lead-in (":")."""
    spans = _paragraphs(text)
    paras = [text[s:e] for s, e in spans]
    for i in range(1, len(paras) - _LAYOUT_RUN_MIN + 1):
        before = paras[i - 1].rstrip()
        if not (_is_layout_line(before) or before.endswith(":")) and all(
                _is_layout_line(p) for p in paras[i: i + _LAYOUT_RUN_MIN]):
            return spans[i][0]
    return None


def prose_text(header: str, chunk: Chunk) -> str | None:
    """A chunk's indexed text up to the table or chart that follows its prose; None if none does.

    It is embedded as the chunk's second vector. "We will have inspected all CRCs by April 2019"
    shares its chunk with the table of CRC owners, which fills two thirds of it: MiniLM ranked
    that chunk 154th of 318 for a question about the date, and its prose alone 2nd. Embedding
    only the prose instead lost the table's own questions (dense-only dev hit@5 0.812 -> 0.759).
    """
    cut = layout_start(chunk.text)
    return None if cut is None else indexed_text(header, replace(chunk, text=chunk.text[:cut].rstrip()))


def _is_fact(line: str) -> bool:
    return len(line) <= _FACT_MAX_CHARS and _FACT.match(line) is not None and not line.endswith(".")


def fact_lists(text: str) -> list[FactList]:
    """Runs of key-facts lines, each line to be its own chunk.

    A report's key-facts page puts a dozen unrelated figures side by side; as one
    chunk, no single question matches it well (MiniLM ranked the probation page
    210th for a near-verbatim question). One line per chunk, indexed under the
    page's heading, is what a question about one of those figures matches.
    """
    paras = _paragraphs(text)
    found: list[FactList] = []
    i = 0
    while i < len(paras):
        if not _is_fact(text[slice(*paras[i])]):
            i += 1
            continue
        facts, j = [], i
        while j < len(paras) and _is_fact(text[slice(*paras[j])]):
            end = paras[j][1]
            nxt = j + 1
            # A short line between two facts finishes the first one's label.
            if (nxt + 1 < len(paras) and len(text[slice(*paras[nxt])]) <= _WRAP_MAX_CHARS
                    and not _is_fact(text[slice(*paras[nxt])]) and _is_fact(text[slice(*paras[nxt + 1])])):
                end, nxt = paras[nxt][1], nxt + 1
            facts.append((paras[j][0], end))
            j = nxt
        if len(facts) >= _FACTS_MIN:
            found.append(FactList(tuple(facts), _heading_before(text, paras[:i])))
        i = max(j, i + 1)
    return found


_DEFINED = re.compile(r"((?:[A-Za-z][\w’'-]*\s+){1,8})\(([A-Z]{2,7})s?\)")
_ABBREVIATION = re.compile(r"\b([A-Z]{2,7})s?\b")


def glossary(text: str) -> dict[str, str]:
    """Abbreviations a report defines, by the initials of the words before them:
    'Full Joint Inspections (FJI)' -> {'FJI': 'Full Joint Inspections'}. The first definition wins."""
    found: dict[str, str] = {}
    for m in _DEFINED.finditer(text):
        words, abbreviation = m.group(1).split(), m.group(2)
        for start in range(len(words) - 1, -1, -1):  # the shortest run of words that fits
            long_form = [w for w in words[start:] if w not in ("and", "of", "for", "the")]
            # "Multi-Agency Public Protection Arrangements (MAPPA)", "pre-sentence reports (PSRs)":
            # each part of a hyphenated word may count.
            by_part = "".join(p[0] for w in long_form for p in w.split("-") if p)
            if abbreviation.lower() in ("".join(w[0] for w in long_form).lower(), by_part.lower(),
                                        "".join(w[0] for w in words[start:]).lower()):
                found.setdefault(abbreviation, " ".join(words[start:]))
                break
    return found


def fact_context(section: str, line: str, abbreviations: dict[str, str]) -> str:
    """A key-facts line's heading, then the long forms of the abbreviations its terse label uses
    ('151 Number of YOTs' is asked about as 'Youth Offending Teams')."""
    long_forms = dict.fromkeys(abbreviations[a] for a in _ABBREVIATION.findall(line) if a in abbreviations)
    return "\n".join([section, *long_forms]).strip()


def _heading_before(text: str, earlier: list[tuple[int, int]]) -> str:
    """The nearest short title-like paragraph before a list, skipping page numbers and debris."""
    for s, e in reversed(earlier[-3:]):
        para = text[s:e]
        if _HEADING.fullmatch(para):
            return para
    return ""


def chunk_document(
    doc: Document,
    cleaned: CleanText,
    count_tokens: Callable[[str], int],
    max_tokens: int,
    overlap_tokens: int,
    first_id: int = 0,
) -> list[Chunk]:
    header = context_header(doc)
    budget = max_tokens - SPECIAL_TOKENS - count_tokens(header + "\n")
    if budget < 16:
        raise ValueError(
            f"the title of {doc.doc} leaves only {budget} tokens for text; "
            "shorten it in the manifest or raise chunk_tokens."
        )
    # The splitter only overlaps small pieces; to guarantee every cut has context on
    # both sides we split to (budget - overlap) and then extend each chunk backwards
    # by up to `overlap` tokens of whole words, preferring a sentence start.
    overlap = min(overlap_tokens, budget // 3)
    splitter = RecursiveCharacterTextSplitter(
        separators=SEPARATORS,
        keep_separator="end",
        chunk_size=budget - overlap,
        chunk_overlap=0,
        length_function=count_tokens,
        add_start_index=True,
        strip_whitespace=True,
    )
    text_all = cleaned.text
    spans: list[tuple[int, int, bool, str]] = []
    abbreviations: dict[str, str] = {}
    floor = 0
    for facts in [*fact_lists(text_all), None]:
        upto = facts.start if facts else len(text_all)
        spans += _prose_spans(text_all, floor, upto, splitter, overlap, count_tokens)
        if facts:
            abbreviations = abbreviations or glossary(text_all)
            spans += [(s, e, True, fact_context(facts.section, text_all[s:e], abbreviations)) for s, e in facts.facts]
            floor = facts.end
    notes = footnotes(doc.text)
    tables = open_tables(text_all, [cs for cs, _, _, _ in spans])
    chunks = []
    for n, ((cs, ce, fact, context), table) in enumerate(zip(spans, tables)):
        start, end = cleaned.original_span(cs, ce)
        text = text_all[cs:ce]
        # Within the model's limit, which the document header and the text already take part of.
        room = max_tokens - SPECIAL_TOKENS - count_tokens(f"{header}\n{context}\n{text}")
        table = "" if fact else fitted_table(table, room, count_tokens)
        if table:
            room -= count_tokens(table) + 1
        cited = [note.citing for note in notes_in(notes, start, end)]
        chunks.append(Chunk(first_id + n, doc.doc, start, end, cs, ce, text, fact, context,
                            fitted_notes(cited, room, count_tokens), table))
    return chunks


def fitted_table(table: str, room: int, count_tokens: Callable[[str], int]) -> str:
    """A table's caption and headings, as many of its last headings as fit (they head the columns)."""
    lines = table.split("\n") if table else []
    while len(lines) > 1 and count_tokens("\n".join(lines)) + 1 > room:
        # The caption stays (first, or last below its rows); the first headings go.
        drop = next((n for n, line in enumerate(lines) if not is_caption(line)), len(lines) - 1)
        lines = lines[:drop] + lines[drop + 1:]
    return "\n".join(lines) if lines and count_tokens("\n".join(lines)) + 1 <= room else ""


def fitted_notes(notes: list[str], room: int, count_tokens: Callable[[str], int]) -> tuple[str, ...]:
    """The words citing a chunk's footnotes, cut to the tokens left in the model's limit."""
    fitted = []
    for citing in notes:
        words = citing.split()
        while words and count_tokens(" ".join(words)) + 1 > room:
            words = words[:-1]
        if len(words) < 3:  # no room left for what the note is about
            break
        line = " ".join(words)
        room -= count_tokens(line) + 1
        fitted.append(line)
    return tuple(fitted)


def _prose_spans(
    text_all: str, lo: int, hi: int, splitter: RecursiveCharacterTextSplitter, overlap: int,
    count_tokens: Callable[[str], int],
) -> list[tuple[int, int, bool, str]]:
    """Chunk spans of text_all[lo:hi], each after the first reaching back by the overlap."""
    part = text_all[lo:hi]
    spans: list[tuple[int, int, bool, str]] = []
    for piece in splitter.create_documents([part]) if part.strip() else []:
        text = piece.page_content
        cs = piece.metadata["start_index"]
        if cs < 0 or part[cs : cs + len(text)] != text:
            cs = part.find(text)
        cs, ce = lo + cs, lo + cs + len(text)
        if spans and overlap:
            cs = _extend_back(text_all, cs, overlap, count_tokens, floor=lo)
        spans.append((cs, ce, False, ""))
    return spans


def _extend_back(text: str, start: int, overlap: int, count_tokens: Callable[[str], int], floor: int = 0) -> int:
    """The earliest sentence (or else word) start before `start` within `overlap` tokens."""
    window_start = max(floor, start - overlap * 8)
    best = start
    for m in re.finditer(r"(?<=[.!?;:])\s+(?=\S)|\n\n(?=\S)", text[window_start:start]):
        pos = window_start + m.end()
        if count_tokens(text[pos:start]) <= overlap:
            return pos
    for m in re.finditer(r"\s+(?=\S)", text[window_start:start]):
        pos = window_start + m.end()
        if count_tokens(text[pos:start]) <= overlap:
            return pos
    return best


def check_token_limit(
    chunks: list[Chunk], headers: dict[str, str], count_tokens: Callable[[str], int], max_tokens: int
) -> None:
    """Refuse to index a chunk the model would truncate."""
    for c in chunks:
        n = count_tokens(indexed_text(headers[c.doc], c)) + SPECIAL_TOKENS
        if n > max_tokens:
            raise ValueError(f"chunk {c.id} of {c.doc} has {n} tokens, over the model's {max_tokens}")
