"""Is the service ready, and what is it serving? 503 until the model and index are loaded."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from rag.api.deps import RETRY_AFTER_SECONDS, StateDep
from rag.api.schemas import ErrorResponse
from rag.api.strict import strict_query
from rag.schemas import Health

router = APIRouter(tags=["service"])


@router.get("/health", response_model=Health, dependencies=[Depends(strict_query)], responses={
    503: {"model": Health, "description": "loading or failed"},
    422: {"model": ErrorResponse, "description": "an unknown or repeated query parameter"},
})
def health(state: StateDep) -> Health | JSONResponse:
    """`ok` with what is loaded; 503 `loading` while loading; 503 `error` with the reason if loading failed."""
    service = state.service
    if service is None:
        if state.error is not None:
            body = Health(status="error", detail=state.error)
            return JSONResponse(body.model_dump(), status_code=503)
        body = Health(status="loading", detail="the model and index are still loading.")
        return JSONResponse(body.model_dump(), status_code=503, headers={"Retry-After": RETRY_AFTER_SECONDS})
    manifest = service.stored.manifest
    return Health(
        status="ok",
        documents=len(service.documents),
        chunks=len(service.stored.chunks),
        model=service.encoder.name,
        built_at=str(manifest.get("built_at", "")),
        index_version=service.stored.path.name,
        pending=service.pending.describe() if service.pending else None,
        detail=state.reload_error,
    )
