"""Questions in, answers and evidence out.

The routes are plain `def`: FastAPI runs them in its thread pool, which keeps
the encoder (CPU-bound ONNX Runtime) off the event loop so `/health` and the page
stay responsive while a question is being encoded. Running `/ask` on the loop
would save about 0.3 ms a request, and stall every other client meanwhile.
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel

from rag.api.deps import ServiceDep
from rag.api.schemas import ErrorResponse
from rag.api.strict import json_body, strict_query
from rag.errors import BadQuestion
from rag.retrieval import Mode
from rag.schemas import AskRequest, AskResponse, SearchResponse

router = APIRouter(tags=["questions"])

ERRORS = {
    404: {"model": ErrorResponse, "description": "unknown document"},
    413: {"model": ErrorResponse, "description": "request body over 64 KiB"},
    422: {"model": ErrorResponse, "description": "empty or over-long question, k outside 1..50, bad parameter, "
                                                 "a doc/year filter no report matches"},
    503: {"model": ErrorResponse, "description": "the model and index are loading, or failed to load"},
}
GET_ERRORS = {**ERRORS, 422: {"model": ErrorResponse, "description": ERRORS[422]["description"]
                              + ", an unknown or repeated query parameter, a query string that is not UTF-8"}}
POST_ERRORS = {**ERRORS, 415: {"model": ErrorResponse, "description": "the body is not sent as application/json, or "
                                                                   "not sent uncompressed (Content-Encoding identity)"}}

Question = Annotated[str | None, Query(description="the question, 1 to 2,000 characters", examples=[
    "What proportion of London CRC staff were agency workers in 2019?"])]
# POST's body calls it "question"; a client that does the same in a query string is understood too.
QuestionAlias = Annotated[str | None, Query(alias="question", description="the same as q")]
K = Annotated[int, Query(ge=1, le=50, description="number of passages to return")]
Doc = Annotated[str | None, Query(description="only this document (file name, as in GET /documents)")]
Year = Annotated[int | None, Query(ge=1900, le=2100, description="only documents dated this year")]


def _json(model: BaseModel) -> Response:
    """The model is already valid: send its JSON as is, rather than have FastAPI check it again."""
    return Response(model.model_dump_json(), media_type="application/json")


def _question(q: str | None, question: str | None, path: str) -> str:
    if q is not None and question is not None and q != question:
        raise BadQuestion("give the question once, as q or as question, not both")
    found = q if q is not None else question
    if found is None:
        raise BadQuestion(f"query parameter q is required: {path}?q=How+many+CRCs+were+there")
    return found


def _doc(doc: str | None) -> str | None:
    """An HTML form's "all documents" option sends `doc=`; treat it as no filter."""
    return doc or None


@router.post("/ask", response_model=AskResponse, responses=POST_ERRORS, dependencies=[Depends(json_body)])
def ask_post(body: AskRequest, service: ServiceDep) -> Response:
    """Answer a question from the reports; the same JSON as `rag ask --json`."""
    return _json(service.ask(body.question, k=body.k, doc=_doc(body.doc), year=body.year, mode=body.mode))


@router.get("/ask", response_model=AskResponse, responses=GET_ERRORS, dependencies=[Depends(strict_query)])
def ask_get(service: ServiceDep, q: Question = None, question: QuestionAlias = None, k: K = 5, doc: Doc = None,
            year: Year = None, mode: Mode = "hybrid") -> Response:
    """`POST /ask` as a query string, for a quick look from a browser or curl."""
    return _json(service.ask(_question(q, question, "/ask"), k=k, doc=_doc(doc), year=year, mode=mode))


@router.get("/search", response_model=SearchResponse, responses=GET_ERRORS, dependencies=[Depends(strict_query)])
def search(
    service: ServiceDep, q: Question = None, question: QuestionAlias = None, k: K = 5, doc: Doc = None,
    year: Year = None, mode: Mode = "hybrid"
) -> SearchResponse:
    """The ranked passages alone, with each retriever's own score and rank beside the fused one."""
    started = time.perf_counter()
    q = _question(q, question, "/search")
    results = service.search(q, k=k, doc=_doc(doc), year=year, mode=mode)
    return SearchResponse(
        query=service.clean_question(q),
        searched_as=service.searched_as(q),
        mode=mode,
        results=results,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
    )
