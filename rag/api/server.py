"""`rag serve`: refuse an address it cannot listen on, or a missing, stale or corrupt
index, up front; then run uvicorn.

The checks run before the port opens so either problem is a one-line error and
a non-zero exit, never a server that starts and then cannot answer. They need no
model load: the model's identity is its configured name and its weights' sha256.
"""

from __future__ import annotations

import errno
import json
import os
import socket
from pathlib import Path

from rag.errors import BadParameter
from rag.settings import Settings

FACTORY = "rag.api.server:app_from_env"


def check_listen(host: str, port: int) -> None:
    """Bind the address and let it go, before the index loads.

    Left to uvicorn, a taken port or an address this machine does not have ends in a log line
    and exit 3, which here means "unreadable document"; this says which and exits 2."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise BadParameter(f"cannot listen on --host {host[:80]!r}: it is not an address or a name this machine "
                          f"can resolve ({getattr(exc, 'strerror', None) or exc}); use e.g. 127.0.0.1 or 0.0.0.0.") \
            from None
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: TIME_WAIT is no conflict
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                why = f"port {port} is already in use (another `rag serve`?); choose another with --port"
            elif exc.errno == errno.EADDRNOTAVAIL:
                why = f"{host} is not an address of this machine; use e.g. 127.0.0.1 or 0.0.0.0"
            else:
                why = f"{exc.strerror or exc}{'; ports below 1024 need root' if port < 1024 else ''}"
            raise BadParameter(f"cannot listen on {host}:{port}: {why}.") from None


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
        elif isinstance(value, SecretStr):
            os.environ[key] = value.get_secret_value()
        elif isinstance(value, list):  # str() would give Python's repr, which is not the JSON a list is read from
            os.environ[key] = json.dumps(value)
        else:
            os.environ[key] = str(value)


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
