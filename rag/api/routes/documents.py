"""The corpus itself, so every citation can be opened and read in place.

Offsets are Python string indices into the original file decoded as UTF-8 —
the same indices citations carry — so `text[start:end]` is the cited passage.
"""

from __future__ import annotations

import hmac
import threading
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import SecretStr

from rag.api.deps import ServiceDep, StateDep
from rag.api.schemas import AddResponse, DocumentText, ErrorResponse, RejectedDocument, RemoveResponse, SpanText
from rag.api.strict import strict_query
from rag.corpus import Document
from rag.embedding import Encoder, encoder_for
from rag.errors import DocumentError, NotAuthorised, UnknownDocument, WritesDisabled, listing, shown
from rag.library import Upload, add_documents, remove_documents
from rag.schemas import DocumentSummary
from rag.service import QAService
from rag.settings import Settings

# Every route here refuses unknown or repeated query parameters: `GET /documents?doc=x` or
# `DELETE /documents/a.txt?confirm=1` would otherwise do something the client did not ask.
router = APIRouter(prefix="/documents", tags=["documents"], dependencies=[Depends(strict_query)])

MAX_CONTEXT = 5000
ERRORS = {
    404: {"model": ErrorResponse, "description": "unknown document"},
    422: {"model": ErrorResponse, "description": "an unknown or repeated query parameter"},
    503: {"model": ErrorResponse, "description": "the model and index are loading, or failed to load"},
}
DocName = Annotated[str, Path(description="the document's file name, as listed by GET /documents")]


def find(service: QAService, doc: str) -> Document:
    try:
        return service.documents[doc]
    except KeyError:
        raise UnknownDocument(f"unknown document {shown(doc)}; the corpus has: {listing(service.documents)}.") from None


@router.get("", response_model=list[DocumentSummary], responses=ERRORS)
def list_documents(service: ServiceDep) -> list[DocumentSummary]:
    """Every report in the index: file, title, date, publisher, size and number of chunks."""
    out = []
    for name in sorted(service.documents):
        d = service.documents[name]
        info = service.stored.documents.get(name)
        out.append(DocumentSummary(
            doc=d.doc, title=d.title, date=d.display_date, publisher=d.publisher,
            chunks=info.chunks if info else 0, chars=len(d.text), format=d.format,
            pages=len(d.pages) or None, sha256=d.sha256,
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
    responses={**ERRORS, 422: {"model": ErrorResponse, "description": "span outside the document, start >= end, "
                               "an unknown or repeated query parameter, a query string that is not UTF-8"}},
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
        raise HTTPException(422, detail=f"start ({shown(start)}) must be less than end ({shown(end)}).")
    if end > size:
        raise HTTPException(422, detail=f"end ({shown(end)}) is past the end of {doc}, which has {size} characters.")
    return SpanText(
        doc=d.doc, title=d.title, date=d.display_date, start=start, end=end,
        text=d.text[start:end],
        before=d.text[max(0, start - context):start],
        after=d.text[end:end + context],
    )


# --- writes: add and remove reports ---------------------------------------------------

WRITE_ERRORS = {
    401: {"model": ErrorResponse, "description": "missing or wrong bearer token"},
    403: {"model": ErrorResponse, "description": "writes are disabled: no RAG_API_TOKEN is configured"},
    409: {"model": ErrorResponse, "description": "another update of the index is still running"},
    413: {"model": ErrorResponse, "description": "the report is larger than the upload limit"},
    415: {"model": ErrorResponse, "description": "sent as a multipart form rather than as the raw body"},
    422: {"model": ErrorResponse, "description": "the report was rejected (empty, unreadable, bad name...)"},
    503: {"model": ErrorResponse, "description": "the model and index are loading, or failed to load"},
}
UPLOAD_ERRORS = {
    **WRITE_ERRORS,
    415: {"model": ErrorResponse, "description": "sent as a multipart form rather than as the raw body, "
                                                 "or not sent uncompressed (Content-Encoding identity)"},
    422: {"model": ErrorResponse, "description": "the report was rejected (empty, unreadable, bad name...), "
                                                 "an unknown or repeated query parameter"},
}
_bearer = HTTPBearer(auto_error=False, description="the RAG_API_TOKEN configured on the server")
_writer_lock = threading.Lock()


def require_writer(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Settings:
    """Writes need the configured bearer token; with none configured they are switched off."""
    settings: Settings = request.app.state.settings
    token = settings.api_token
    expected = token.get_secret_value() if isinstance(token, SecretStr) else (token or "")
    if not expected:
        raise WritesDisabled("adding and removing reports over HTTP is disabled: "
                             "start the server with RAG_API_TOKEN set to enable it.")
    given = credentials.credentials if credentials is not None else ""
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise NotAuthorised("this endpoint needs 'Authorization: Bearer <token>' with the server's RAG_API_TOKEN.")
    return settings


WriterDep = Annotated[Settings, Depends(require_writer)]


def writer_encoder(request: Request) -> Encoder:
    """A second encoder for writes, loaded on first use: embedding a report must not share
    a tokenizer with queries being answered at the same time."""
    with _writer_lock:
        encoder = getattr(request.app.state, "writer_encoder", None)
        if encoder is None:
            settings: Settings = request.app.state.settings
            encoder = encoder_for(settings, threads=settings.threads)
            request.app.state.writer_encoder = encoder
        return encoder


# The route reads the raw body itself; declare it so the schema (and clients made from it) show it.
RAW_REPORT = {"requestBody": {"required": True, "description": "the report file's bytes", "content": {
    media: {"schema": {"type": "string", "format": "binary"}}
    for media in ("application/pdf", "text/html", "text/plain", "application/octet-stream")}}}


@router.post("", response_model=AddResponse, status_code=201, responses=UPLOAD_ERRORS, openapi_extra=RAW_REPORT)
async def add_document(
    request: Request,
    settings: WriterDep,
    state: StateDep,
    service: ServiceDep,
    name: Annotated[str, Query(min_length=1, max_length=200, description="file name, e.g. 'report-2024.pdf' "
                               "(.pdf, .html, .htm, .txt, .md); an existing name replaces that report")],
    title: Annotated[str | None, Query(max_length=500)] = None,
    date: Annotated[str | None, Query(max_length=10, description="YYYY, YYYY-MM or YYYY-MM-DD")] = None,
    publisher: Annotated[str | None, Query(max_length=500)] = None,
) -> AddResponse:
    """Add (or replace) one report, sent as the raw request body:
    `curl -X POST --data-binary @report.pdf -H "Authorization: Bearer $TOKEN" '.../documents?name=report.pdf'`.

    Only the new report is embedded; the index switches to the new version
    atomically and this server answers from it as soon as this returns.
    """
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/"):
        raise HTTPException(415, detail="send the report as the raw request body (curl --data-binary @file), "
                                        "not as a multipart form.")
    raw = await request.body()
    upload = Upload(name=name, raw=raw, meta={"title": title, "date": date, "publisher": publisher})
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_add, request, settings, state, upload)


def _add(request: Request, settings: Settings, state, upload: Upload) -> AddResponse:
    report = add_documents(settings, writer_encoder(request), [upload])
    if report.rejected:
        raise DocumentError(report.rejected[0][1])
    state.reload_if_changed(settings)
    build = report.build
    assert build is not None
    return AddResponse(
        added=report.added, replaced=report.replaced, unchanged=report.unchanged,
        rejected=[RejectedDocument(name=n, reason=r) for n, r in (*report.rejected, *build.rejected)],
        index_version=build.path.rsplit("/", 1)[-1], documents=build.documents, chunks=build.chunks,
        seconds=round(build.seconds, 2),
    )


@router.delete("/{doc}", response_model=RemoveResponse, responses={**WRITE_ERRORS, **ERRORS})
def delete_document(
    request: Request, settings: WriterDep, state: StateDep, service: ServiceDep, doc: DocName
) -> RemoveResponse:
    """Remove one report from the library and the index."""
    find(service, doc)
    build = remove_documents(settings, writer_encoder(request), [doc])
    state.reload_if_changed(settings)
    return RemoveResponse(removed=[doc], index_version=build.path.rsplit("/", 1)[-1],
                          documents=build.documents, chunks=build.chunks)
