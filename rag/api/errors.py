"""Every failure leaves the API as JSON `{"detail": "..."}` with a message a person can act on.

Domain errors carry their own HTTP status (`RagError.http_status`), so one
handler translates them all; validation errors are flattened into one sentence
(the structured list stays available under `errors` for programs).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rag.errors import RagError

# uvicorn configures this logger's handlers; our messages then appear beside its own.
log = logging.getLogger("uvicorn.error")

MAX_BODY_BYTES = 64 * 1024

_WHERE = {"query": "query parameter", "path": "path parameter", "body": "body field", "header": "header"}


def _describe(error: dict[str, Any]) -> str:
    """('query', 'k') + 'Input should be ...' -> 'query parameter k: input should be ... (got 0)'."""
    loc = [str(p) for p in error.get("loc", ())]
    if error.get("type") == "json_invalid":
        return f"the request body is not valid JSON ({error.get('ctx', {}).get('error', 'parse error')})"
    if loc == ["body"] and error.get("type") == "model_attributes_type":
        return 'the request body must be a JSON object such as {"question": "...", "k": 5}'
    if loc == ["body"]:
        where = "the request body"
    elif loc and loc[0] in _WHERE:
        where = f"{_WHERE[loc[0]]} {'.'.join(loc[1:])}"
    else:
        where = ".".join(loc) or "the request"
    if error.get("type") == "extra_forbidden" and loc[:1] == ["body"]:
        return f"body field {'.'.join(loc[1:])} is not known; the body takes question, k, doc, year and mode"
    msg = str(error.get("msg", "is invalid"))
    msg = msg[:1].lower() + msg[1:]
    got = error.get("input")
    if error.get("type") != "missing" and isinstance(got, str | int | float) and len(str(got)) <= 80:
        msg += f" (got {got!r})"
    return f"{where}: {msg}"


async def rag_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RagError)
    return JSONResponse({"detail": str(exc)}, status_code=exc.http_status)


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in exc.errors()]
    detail = "; ".join(_describe(e) for e in exc.errors()) or "the request is invalid"
    return JSONResponse({"detail": detail + ".", "errors": errors}, status_code=422)


async def http_error(request: Request, exc: Exception) -> Response:
    """FastAPI answers 400 "There was an error parsing the body" when json.loads fails with
    anything but a JSONDecodeError; make those the 422 every other malformed body gets."""
    assert isinstance(exc, HTTPException)
    cause = exc.__cause__
    if exc.status_code == 400 and isinstance(cause, RecursionError | ValueError):
        if isinstance(cause, RecursionError):
            why = "it is nested too deeply"
        elif isinstance(cause, UnicodeDecodeError):
            why = "it is not UTF-8 text"
        elif "digits" in str(cause):
            why = "a number in it has too many digits"
        else:
            why = "it cannot be parsed"
        return JSONResponse({"detail": f"the request body is not valid JSON ({why})."}, status_code=422)
    if exc.status_code == 405:
        # Starlette's Allow lists only the first route matching the path: "POST" for /ask, which GET serves too.
        # A 405 under a Mount comes from StaticFiles, which serves GET and HEAD and sends no Allow at all.
        allow = allowed_methods(request) or "GET, HEAD"
        exc = HTTPException(405, detail=exc.detail, headers={**(exc.headers or {}), "Allow": allow})
    return await http_exception_handler(request, exc)


_METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> str:
    """Every method some route fully matches on this path, with HEAD wherever GET is (see `HeadAsGet`).

    Asks each route whether it would take the request under each method, through
    `matches` alone: FastAPI keeps included routers' routes in wrappers of its own.
    """
    probe = {"type": "http", "path": request.scope["path"], "root_path": request.scope.get("root_path", "")}
    routes = [r for r in request.app.router.routes if not isinstance(r, Mount)]  # a Mount matches any method
    methods = [m for m in _METHOD_ORDER if any(route.matches({**probe, "method": m})[0] == Match.FULL for route in routes)]
    if "GET" in methods and "HEAD" not in methods:
        methods.insert(1, "HEAD")
    return ", ".join(methods)


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    """A bug, not a user error: log it in full, tell the user only that it happened."""
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse({"detail": f"internal error ({type(exc).__name__}); see the server log."}, status_code=500)


class InternalErrors:
    """Turn a bug in a route into the 500 JSON inside the CORS middleware, not outside it.

    Starlette hands `Exception` handlers to its outermost middleware, so a 500 went out
    without the CORS headers and a page on an allowed origin saw only "network error".
    Caught here, the 500 passes back out through CORS like any other response. Once a
    response has started there is nothing left to replace, so the error goes on up.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:
            if started:
                raise
            response = await unexpected_error(Request(scope), exc)
            await response(scope, receive, send)


def add_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RagError, rag_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, unexpected_error)


class BodyLimit:
    """Refuse request bodies over `limit` bytes with 413 before any route parses them.

    Checks Content-Length up front and also counts a chunked body as the app
    reads it, since a client need not declare its length. Counting rather than
    reading ahead means a route that refuses a request first (an upload without
    the token) never takes its body in at all.
    """

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES, upload_limit: int = MAX_BODY_BYTES,
                 upload_path: str = "/documents") -> None:
        self.app = app
        self.limit = limit
        self.upload_limit = upload_limit
        self.upload_path = upload_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_upload = scope["method"] == "POST" and scope.get("path", "").rstrip("/") == self.upload_path
        limit = self.upload_limit if is_upload else self.limit
        declared = dict(scope.get("headers", ())).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await JSONResponse({"detail": _too_large(limit)}, status_code=413)(scope, _no_receive, send)
            return
        size = 0

        async def counted() -> Message:
            nonlocal size
            message = await receive()
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                if size > limit:
                    # Raised inside the route's body read; FastAPI re-raises an HTTPException
                    # there untouched, and its handler turns it into the 413.
                    raise HTTPException(413, detail=_too_large(limit))
            return message

        await self.app(scope, counted, send)


def _too_large(limit: int) -> str:
    size = f"{limit / 1e6:.0f} MB" if limit >= 1_000_000 else f"{limit // 1024} KiB"
    return f"the request body is larger than {size}."


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}
