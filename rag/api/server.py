"""`rag serve`: refuse a missing, stale or corrupt index up front, then run uvicorn.

The check runs before the port opens so a broken index is a one-line error and
a non-zero exit, never a server that starts and then cannot answer. It needs no
model load: the model's identity is its configured name and its weights' sha256.
"""

from __future__ import annotations

import os
from pathlib import Path

from rag.settings import Settings

FACTORY = "rag.api.server:app_from_env"


def preflight(settings: Settings) -> None:
    """Raise IndexMissing / IndexStale / IndexCorrupt / ModelError / DocumentError if serving would fail."""
    from rag.embedding import resolve_model_path, weights_sha256
    from rag.indexing import expectations
    from rag.store import load_index

    path = resolve_model_path(settings.model)
    sha = weights_sha256(path) if Path(path).is_dir() else ""
    # load_index checks freshness first, then every file's checksum: the full check, minus the model.
    load_index(settings.index_dir, expectations(settings, settings.model, sha))


def export_settings(settings: Settings) -> None:
    """Put every setting in the environment so worker processes rebuild the same Settings."""
    from pydantic import SecretStr

    for name, value in settings.model_dump().items():
        key = f"RAG_{name.upper()}"
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value.get_secret_value() if isinstance(value, SecretStr) else str(value)


def app_from_env():  # -> FastAPI; imported lazily so `rag --help` stays fast
    """uvicorn's factory for multi-worker mode: each worker reads RAG_* and loads its own service."""
    from rag.api.app import create_app

    return create_app(Settings())


def run(settings: Settings, workers: int = 1) -> None:
    import uvicorn

    from rag.errors import RagError

    if workers < 1:
        raise RagError(f"--workers must be at least 1, got {workers}.")
    preflight(settings)
    common = {"host": settings.host, "port": settings.port, "log_level": "info", "limit_concurrency": 64}
    if workers == 1:
        from rag.api.app import create_app

        uvicorn.run(create_app(settings), **common)
    else:
        export_settings(settings)
        uvicorn.run(FACTORY, factory=True, workers=workers, **common)
