"""The app factory: settings in, FastAPI app out; no module-level app, settings or model.

The lifespan starts loading the service in the background (see `loader.py`), so
the server answers `/health` at once; routes get the service through `deps.py`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rag.api.errors import BodyLimit, InternalErrors, add_error_handlers
from rag.api.loader import Loader, ServiceState
from rag.api.routes import routers
from rag.api.routes.page import STATIC_DIR
from rag.api.strict import IdentityBodies
from rag.service import QAService, load_service
from rag.settings import Settings

# The page loads nothing from elsewhere and builds the DOM from text nodes only;
# the policy makes a slip there (or injected markup) inert. /docs is exempt: Swagger UI
# uses inline script.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeaders:
    """nosniff everywhere; the page's CSP on the page and its assets.

    Plain ASGI rather than `@app.middleware("http")`: the latter wraps every response
    in a stream and cost about 0.5 ms a request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        page = path == "/" or path.startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                if page:
                    headers.setdefault("Content-Security-Policy", PAGE_CSP)
                    headers.setdefault("Referrer-Policy", "no-referrer")
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HeadAsGet:
    """HEAD on any GET endpoint: run the GET and send its status and headers without the body.

    FastAPI routes declare GET only, so HEAD was a 405, which breaks HEAD-based
    health checks. Rewriting the method here serves every GET route at once and
    keeps HEAD out of the OpenAPI schema. The scope is copied, so the server still
    knows the request was HEAD; Content-Length stays that of the GET, as HTTP says.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


def _add_offline_docs(app: FastAPI) -> None:
    """/docs with Swagger UI from the swagger-ui-bundle wheel: the machine is offline."""
    from fastapi.openapi.docs import get_swagger_ui_html

    try:
        import swagger_ui_bundle
    except ImportError:  # without the bundle, /openapi.json still documents the API
        return
    app.mount("/docs-static", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> Response:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} – API",
            swagger_js_url="/docs-static/swagger-ui-bundle.js",
            swagger_css_url="/docs-static/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )


def _allow_cross_origin(app: FastAPI, origins: list[str]) -> None:
    """Let pages on the configured origins ask questions; none configured, no CORS headers at all.

    Reads only: GET and HEAD, and POST for /ask. Writes need the server's bearer token,
    which a page on another origin would have to hold in its own script for any visitor
    to take; with Authorization not among the allowed headers, the browser refuses a
    cross-origin upload or DELETE at its preflight. curl and scripts are not affected.
    """
    if not origins:
        return
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=["GET", "HEAD", "POST"],
        allow_headers=["Content-Type"],
        expose_headers=["Retry-After"],  # a page can then wait as long as a 503 says
    )


def create_app(settings: Settings, service: QAService | None = None, loader: Loader = load_service) -> FastAPI:
    """Build the app. Pass `service` to reuse one already loaded (tests); otherwise
    `loader(settings)` runs in a background thread when the app starts."""
    state = ServiceState(service)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state.start(settings, loader)
        yield
        state.stop()

    app = FastAPI(
        title="Probation reports QA",
        summary="Questions answered from HM Inspectorate of Probation reports, with verifiable citations.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served below from local files: the default pulls Swagger UI from a CDN
        redoc_url=None,  # ReDoc has no local bundle here, and the product runs offline; /docs covers it
        # A redirect from /ask/ to /ask would build its Location from the Host header the client
        # sent; a trailing slash is simply not a route (404).
        redirect_slashes=False,
    )
    app.state.rag = state
    app.state.settings = settings
    add_error_handlers(app)
    for router in routers:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _add_offline_docs(app)
    app.add_middleware(InternalErrors)  # innermost: a 500 then gets the headers every other response gets
    app.add_middleware(BodyLimit, upload_limit=settings.max_upload_bytes)
    app.add_middleware(IdentityBodies)

    app.add_middleware(SecurityHeaders)
    app.add_middleware(HeadAsGet)
    # Outermost, so the 413 and 415 the middlewares above send carry CORS headers too:
    # a page on an allowed origin can then read why its request was refused.
    _allow_cross_origin(app, settings.cors_origins)
    return app
