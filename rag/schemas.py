"""The JSON shapes shared by `rag ask --json` and the HTTP API (identical by construction)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from rag.retrieval import Mode


class Citation(BaseModel):
    rank: int
    doc: str = Field(description="file name of the report (its identity)")
    title: str
    date: str
    start: int = Field(description="start of the passage in the original file (Python str index, UTF-8 decoded)")
    end: int = Field(description="end (exclusive) of the passage in the original file")
    page: int | None = Field(None, description="PDF page (1-based) where the passage starts; null for other formats")
    end_page: int | None = Field(None, description="PDF page where the passage ends")
    text: str = Field(description="the passage, cleaned of layout debris")
    section: str | None = Field(None, description="for a line of a key-facts page, the page's heading "
                                "(\"Youth Offending Services\"): the line alone does not say whose figures they are")
    score: float = Field(description="fused retrieval score")
    dense_score: float | None = None
    dense_rank: int | None = None
    lexical_score: float | None = None
    lexical_rank: int | None = None


class Span(BaseModel):
    doc: str
    start: int
    end: int
    page: int | None = None


class AskResponse(BaseModel):
    question: str
    searched_as: str | None = Field(None, description="the question as searched, when misspelt words in it were "
                                    "corrected to words the reports use ('probaton' -> 'probation') or a year it "
                                    "counts to was written in ('in 2006 ... ten years later' -> 'in 2006 ... in 2016'); null otherwise")
    answer: str | None = Field(description="the extracted figure, name or date; null when not found")
    answer_sentence: str | None
    answer_kind: str = Field(description="what the question asks for: count, percent, money, name, date, duration, "
                             "rating, number; expansion ('What does MAPPA stand for?'); definition ('What is a RAR?', "
                             "which no figure answers: the answer is null and the passages are the reply)")
    answer_citation: int | None = Field(None, description="rank of the citation the answer comes from")
    answer_span: Span | None = Field(None, description="the answer sentence's span in the original file")
    confidence: float
    message: str | None = Field(None, description="why the answer is null: 'not found in the reports', or for a "
                                "definition question that it asks for no figure, name or date")
    citations: list[Citation]
    stale: list[str] | None = Field(None, description="cited reports whose file in the library changed or was removed "
                                    "since the index was built: their citations index into the text the index holds, "
                                    "which may no longer match the file (`rag build` brings it up to date); "
                                    "null when none")
    mode: str
    took_ms: float


class SearchResponse(BaseModel):
    query: str
    searched_as: str | None = Field(None, description="the query with misspelt words corrected and years it counts "
                                    "to written in, as searched; null when nothing was changed")
    mode: str
    results: list[Citation]
    took_ms: float


class AskRequest(BaseModel):
    # A misspelt or foreign field ("top_k", "filter") is refused, not silently ignored: the
    # client would otherwise get answers it did not ask for and never know.
    model_config = ConfigDict(extra="forbid")

    question: str = Field(..., description="a natural-language question, 1 to 2,000 characters")
    # Strict, as the schema says integer: lax mode took true as k=1 and "2019" or 3.0 as numbers,
    # so a client's type slip went unnoticed instead of being pointed out.
    k: int = Field(5, ge=1, le=50, strict=True, description="number of passages to cite")
    doc: str | None = Field(None, description="only search this document (file name)")
    year: int | None = Field(None, ge=1900, le=2100, strict=True, description="only search documents dated this year")
    mode: Mode = Field("hybrid", description="retrieval: hybrid (default), dense or bm25")


class DocumentSummary(BaseModel):
    doc: str
    title: str
    date: str
    publisher: str
    chunks: int
    chars: int
    format: str = "text"
    pages: int | None = Field(None, description="number of pages (PDF only)")
    sha256: str = Field("", description="sha256 of the original file's bytes")


class Health(BaseModel):
    status: str
    documents: int = 0
    chunks: int = 0
    model: str = ""
    built_at: str = ""
    index_version: str = ""
    pending: str | None = Field(None, description="library changes the index does not include yet")
    detail: str | None = None
