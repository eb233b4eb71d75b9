"""Load the question-answering service in the background, and say how far it got.

Loading the model and index takes seconds; doing it in a thread lets the server
accept connections at once, so `/health` can answer "loading" (503) instead of
the port looking dead, and can say why if loading failed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Literal

from rag.errors import RagError
from rag.service import QAService
from rag.settings import Settings

# uvicorn configures this logger's handlers; our messages then appear beside its own.
log = logging.getLogger("uvicorn.error")

Status = Literal["loading", "ready", "failed"]
Loader = Callable[[Settings], QAService]


class ServiceState:
    """The one shared service, or why there is none yet. Read from any request thread."""

    def __init__(self, service: QAService | None = None) -> None:
        self.service = service
        self.error: str | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def status(self) -> Status:
        with self._lock:
            if self.service is not None:
                return "ready"
            return "failed" if self.error is not None else "loading"

    def start(self, settings: Settings, loader: Loader) -> None:
        """Load in a daemon thread: a stuck load must not keep the process alive at shutdown."""
        if self.service is not None or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._load, args=(settings, loader), name="rag-load", daemon=True)
        self._thread.start()

    def wait(self, timeout: float | None = None) -> Status:
        """Block until loading ends (tests and the factory's callers use this)."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.status

    def _load(self, settings: Settings, loader: Loader) -> None:
        try:
            service = loader(settings)
        except RagError as exc:
            message = str(exc)
        except Exception as exc:  # noqa: BLE001 - any failure must reach /health, not a dead thread
            log.exception("loading the question-answering service failed")
            message = f"loading failed unexpectedly ({type(exc).__name__}: {exc})."
        else:
            with self._lock:
                self.service = service
            log.info("service ready: %d documents, %d chunks", len(service.documents), len(service.stored.chunks))
            return
        log.error("service not available: %s", message)
        with self._lock:
            self.error = message
