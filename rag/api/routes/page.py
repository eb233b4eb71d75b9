"""The web page: one static HTML file with same-origin CSS and JS, no build step, no CDN."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

router = APIRouter(include_in_schema=False)


@router.api_route("/", methods=["GET", "HEAD"])
def index() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html")


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """Browsers ask for this path whatever the page says; answer rather than log a 404."""
    return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")
