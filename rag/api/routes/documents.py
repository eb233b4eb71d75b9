"""The corpus itself, so every citation can be opened and read in place.

Offsets are Python string indices into the original file decoded as UTF-8 —
the same indices citations carry — so `text[start:end]` is the cited passage.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query

from rag.api.deps import ServiceDep
from rag.api.schemas import DocumentText, ErrorResponse, SpanText
from rag.corpus import Document
from rag.errors import UnknownDocument
from rag.schemas import DocumentSummary
from rag.service import QAService

router = APIRouter(prefix="/documents", tags=["documents"])

MAX_CONTEXT = 5000
ERRORS = {
    404: {"model": ErrorResponse, "description": "unknown document"},
    503: {"model": ErrorResponse, "description": "the model and index are loading, or failed to load"},
}
DocName = Annotated[str, Path(description="the document's file name, as listed by GET /documents")]


def find(service: QAService, doc: str) -> Document:
    try:
        return service.documents[doc]
    except KeyError:
        names = ", ".join(sorted(service.documents))
        raise UnknownDocument(f"unknown document {doc!r}; the corpus has: {names}.") from None


@router.get("", response_model=list[DocumentSummary], responses=ERRORS)
def list_documents(service: ServiceDep) -> list[DocumentSummary]:
    """Every report in the index: file, title, date, publisher, size and number of chunks."""
    out = []
    for name in sorted(service.documents):
        d = service.documents[name]
        info = service.stored.documents.get(name)
        out.append(DocumentSummary(
            doc=d.doc, title=d.title, date=d.display_date, publisher=d.publisher,
            chunks=info.chunks if info else 0, chars=len(d.text),
        ))
    return out


@router.get("/{doc}", response_model=DocumentText, responses=ERRORS)
def get_document(service: ServiceDep, doc: DocName) -> DocumentText:
    """The original text of one report."""
    d = find(service, doc)
    return DocumentText(doc=d.doc, title=d.title, date=d.display_date, text=d.text)


@router.get(
    "/{doc}/span",
    response_model=SpanText,
    responses={**ERRORS, 422: {"model": ErrorResponse, "description": "span outside the document, or start >= end"}},
)
def get_span(
    service: ServiceDep,
    doc: DocName,
    start: Annotated[int, Query(ge=0, description="start offset (inclusive) in the original text")],
    end: Annotated[int, Query(ge=1, description="end offset (exclusive) in the original text")],
    context: Annotated[int, Query(ge=0, le=MAX_CONTEXT, description="characters of context each side")] = 200,
) -> SpanText:
    """A span of the original text with some context either side, to read a citation in place.

    A span outside the document is a 422 (a bad parameter, like every other one
    here) rather than HTTP 416, which belongs to the Range header.
    """
    d = find(service, doc)
    size = len(d.text)
    if start >= end:
        raise HTTPException(422, detail=f"start ({start}) must be less than end ({end}).")
    if end > size:
        raise HTTPException(422, detail=f"end ({end}) is past the end of {doc}, which has {size} characters.")
    return SpanText(
        doc=d.doc, title=d.title, date=d.display_date, start=start, end=end,
        text=d.text[start:end],
        before=d.text[max(0, start - context):start],
        after=d.text[end:end + context],
    )
