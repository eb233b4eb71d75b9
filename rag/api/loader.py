"""Load the question-answering service in the background, keep it current, and say how far it got.

Loading the model and index takes seconds; doing it in a thread lets the server
accept connections at once, so `/health` can answer "loading" (503) instead of
the port looking dead, and can say why if loading failed.

Once ready, a watcher notices when another process (`rag build`, `rag add`, a
second worker's upload) switches the index to a new version, loads it beside
the live one and swaps it in. Requests already running keep the service object
they started with, so none fails; a new version that cannot be loaded is
reported on `/health` and the live one stays.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Literal

from rag.errors import RagError
from rag.service import QAService, load_service
from rag.settings import Settings
from rag.store import current_version

# uvicorn configures this logger's handlers; our messages then appear beside its own.
log = logging.getLogger("uvicorn.error")

Status = Literal["loading", "ready", "failed"]
Loader = Callable[[Settings], QAService]


class ServiceState:
    """The one shared service, or why there is none yet. Read from any request thread."""

    def __init__(self, service: QAService | None = None) -> None:
        self.service = service
        self.error: str | None = None
        self.reload_error: str | None = None
        self._lock = threading.Lock()
        self._reload_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._loaded = threading.Event()
        self._loader: Loader = load_service

    @property
    def status(self) -> Status:
        with self._lock:
            if self.service is not None:
                return "ready"
            return "failed" if self.error is not None else "loading"

    def start(self, settings: Settings, loader: Loader) -> None:
        """Load in a daemon thread: a stuck load must not keep the process alive at shutdown."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, args=(settings, loader), name="rag-load", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def wait(self, timeout: float | None = None) -> Status:
        """Block until the first load ends (tests and the factory's callers use this)."""
        self._loaded.wait(timeout)
        return self.status

    def _run(self, settings: Settings, loader: Loader) -> None:
        self._loader = loader
        if self.service is None:
            self._load(settings, loader)
        self._loaded.set()
        if settings.reload_interval <= 0:
            return
        while not self._stop.wait(settings.reload_interval):
            try:
                self.reload_if_changed(settings)
            except Exception:  # noqa: BLE001 - the watcher must outlive any one bad version
                log.exception("checking for a new index version failed")

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
                self.error = None
            log.info("service ready: %d documents, %d chunks", len(service.documents), len(service.stored.chunks))
            return
        log.error("service not available: %s", message)
        with self._lock:
            self.error = message

    def reload_if_changed(self, settings: Settings) -> bool:
        """Swap in the index's live version if it is not the one being served. True if swapped."""
        with self._reload_lock:
            live = self.service
            version = current_version(settings.index_dir)
            if version is None or (live is not None and live.stored.path.name == version.name):
                return False
            if live is None:  # loading failed earlier (e.g. no index yet): try again from scratch
                self._load(settings, self._loader)
                return self.service is not None
            try:
                fresh = load_service(settings, encoder=live.encoder)
            except RagError as exc:
                if self.reload_error != str(exc):
                    log.error("new index version %s not loaded, still serving %s: %s",
                              version.name, live.stored.path.name, exc)
                self.reload_error = f"a new index version could not be loaded; still serving the previous one: {exc}"
                return False
            fresh.adopt_cache(live)  # question vectors depend on the model only, not on the index
            with self._lock:
                self.service = fresh
                self.reload_error = None
            log.info("now serving index version %s: %d documents, %d chunks",
                     fresh.stored.path.name, len(fresh.documents), len(fresh.stored.chunks))
            return True
