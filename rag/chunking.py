"""Split cleaned reports into passages that fit the embedding model whole.

Sizes are counted in the model's own tokens, including the document-context
header that is embedded with every chunk, so no chunk is silently truncated
at embedding time. Chunks overlap so that a figure and the words that explain
it are not cut apart, and each chunk belongs to exactly one document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from rag.cleaning import CleanText
from rag.corpus import Document

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


def with_context(header: str, text: str) -> str:
    return f"{header}\n{text}"


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
    chunks: list[Chunk] = []
    for piece in splitter.create_documents([text_all]):
        text = piece.page_content
        cs = piece.metadata["start_index"]
        if cs < 0 or text_all[cs : cs + len(text)] != text:
            cs = text_all.find(text)
        ce = cs + len(text)
        if chunks and overlap:
            cs = _extend_back(text_all, cs, overlap, count_tokens)
        start, end = cleaned.original_span(cs, ce)
        chunks.append(Chunk(first_id + len(chunks), doc.doc, start, end, cs, ce, text_all[cs:ce]))
    return chunks


def _extend_back(text: str, start: int, overlap: int, count_tokens: Callable[[str], int]) -> int:
    """The earliest sentence (or else word) start before `start` within `overlap` tokens."""
    window_start = max(0, start - overlap * 8)
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
        n = count_tokens(with_context(headers[c.doc], c.text)) + SPECIAL_TOKENS
        if n > max_tokens:
            raise ValueError(f"chunk {c.id} of {c.doc} has {n} tokens, over the model's {max_tokens}")
