"""Dependencies that hand the loaded service to routes, declared once as `Annotated` aliases.

Routes never reach for globals: the service lives on `app.state`, put there by
the app factory, so several apps (tests, workers) can coexist in one process.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from rag.api.loader import ServiceState
from rag.service import QAService

RETRY_AFTER_SECONDS = "5"


async def get_state(request: Request) -> ServiceState:
    return request.app.state.rag


async def get_service(state: Annotated[ServiceState, Depends(get_state)]) -> QAService:
    """The ready service, or 503 saying whether it is still loading or why it failed."""
    service = state.service
    if service is not None:
        return service
    if state.error is not None:
        raise HTTPException(503, detail=f"the service is not available: {state.error}")
    raise HTTPException(
        503,
        detail="the model and index are still loading; try again in a few seconds.",
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )


StateDep = Annotated[ServiceState, Depends(get_state)]
ServiceDep = Annotated[QAService, Depends(get_service)]
