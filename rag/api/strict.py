"""Requests are read strictly: what a client sends is either used as sent or refused.

Starlette's defaults are lenient in ways that hide a client's mistake: a repeated
query parameter silently takes its last value, an unknown one is ignored, bytes
that are not UTF-8 become U+FFFD, and a body sent as text/plain is refused as if
it were the wrong JSON. The dependencies here turn each of those into an error
that names the problem, the same strictness the POST body already has; a body
the server would have to decompress is refused before any route reads it.
"""

from __future__ import annotations

from collections import Counter
from email.message import Message
from urllib.parse import parse_qsl

from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from rag.errors import shown


def accepted_parameters(request: Request) -> list[str]:
    """The query parameters the matched route declares, in declaration order (aliases as sent)."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    return [field.alias for field in getattr(dependant, "query_params", ())]


def _names(names: list[str], limit: int = 6) -> str:
    """['q', 'k', 'mode'] -> 'q, k and mode'; a client's own names are cut short, as an error must not echo 50 KB."""
    cut = [n if len(n) <= 40 else f"{n[:40]}…" for n in names[:limit]]
    if len(names) > limit:
        cut.append(f"{len(names) - limit} more")
    return cut[0] if len(cut) == 1 else f"{', '.join(cut[:-1])} and {cut[-1]}"


def _query_items(raw: bytes) -> list[tuple[str, str]]:
    """The query string's pairs, refusing bytes that are not UTF-8 (Starlette would make them U+FFFD)."""
    try:
        return parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise HTTPException(422, detail="the query string is not valid UTF-8; percent-encode the UTF-8 bytes "
                                        "of the question (e.g. with encodeURIComponent).") from None


async def strict_query(request: Request) -> None:
    """Refuse unknown, repeated or non-UTF-8 query parameters, listing the ones the route takes.

    `k=1&k=50` would otherwise answer with one of the two and `top_k=3` would be
    ignored: either way the client gets an answer to something it did not ask.
    """
    items = _query_items(request.scope.get("query_string", b""))
    accepted = accepted_parameters(request)
    takes = f"{request.url.path} takes {_names(accepted, limit=len(accepted)) if accepted else 'no query parameters'}"
    unknown = sorted({name for name, _ in items if name not in accepted})
    if unknown:
        which = "query parameter {} is" if len(unknown) == 1 else "query parameters {} are"
        raise HTTPException(422, detail=f"{which.format(_names(unknown))} not known; {takes}.")
    repeated = [name for name, count in Counter(name for name, _ in items).items() if count > 1]
    if repeated:
        raise HTTPException(422, detail=f"query parameter {_names(repeated[:1])} is given more than once; "
                                        f"give each parameter once ({takes}).")


def is_json(content_type: str) -> bool:
    """application/json or any application/*+json, whatever its parameters (charset)."""
    message = Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (subtype == "json" or subtype.endswith("+json"))


async def json_body(request: Request) -> None:
    """A body that is not declared JSON is a 415 that says so, not a misleading 422.

    FastAPI parses the body only when Content-Type says JSON; otherwise the model
    sees raw bytes and the client is told its (perhaps perfectly good) JSON is not
    an object. `curl -d` sends form encoding by default, so this is a common slip.
    """
    content_type = request.headers.get("content-type", "")
    if not is_json(content_type):
        sent = f"Content-Type {shown(content_type, 60)}" if content_type else "no Content-Type"
        raise HTTPException(415, detail=f"send the body as JSON with 'Content-Type: application/json' "
                                        f"(this request had {sent}).")


def _codings(scope: Scope) -> list[str]:
    """The content codings a request declares, lower case, `identity` left out (it means none)."""
    declared = [value.decode("latin-1") for name, value in scope.get("headers", ()) if name == b"content-encoding"]
    return [c for c in (part.strip().lower() for v in declared for part in v.split(",")) if c not in ("", "identity")]


class IdentityBodies:
    """A POST body with a Content-Encoding other than identity is a 415 that says so.

    Nothing here decompresses: left alone, gzip bytes sent to /ask fail as "not valid
    JSON", and sent to /documents are taken for the report itself. A middleware, because
    FastAPI parses a JSON body before any dependency could look at the headers.
    Only POST routes read a body, so other methods pass through untouched.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not (codings := _codings(scope)):
            await self.app(scope, receive, send)
            return
        sent = shown(", ".join(codings), 60)
        # RFC 9110 15.5.16: a 415 for a content coding names, in Accept-Encoding, the ones that would do.
        detail = ("send the request body uncompressed (Content-Encoding identity, or no Content-Encoding); "
                  f"this request had Content-Encoding {sent}.")
        response = JSONResponse({"detail": detail}, status_code=415, headers={"Accept-Encoding": "identity"})
        await response(scope, receive, send)
