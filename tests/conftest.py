"""Shared fixtures: the real model and seed index are built once per test session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.settings import PROJECT_ROOT, Settings

SEEDS = PROJECT_ROOT / "seeds"


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings pointing at a private copy of the seeds, a fresh index directory and model cache.

    The cache goes in the environment too, so CLI runs and `rag serve` subprocesses reuse the
    session's one ONNX export instead of writing to the project's index/models/.
    """
    root = tmp_path_factory.mktemp("rag")
    seeds = root / "seeds"
    shutil.copytree(SEEDS, seeds)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("RAG_ONNX_CACHE_DIR", str(root / "models"))
        yield Settings(seeds_dir=seeds, index_dir=root / "index", onnx_cache_dir=root / "models")


@pytest.fixture(scope="session")
def encoder(seed_settings: Settings):
    """The default encoder (ONNX int8), exported once into the session's own model cache."""
    from rag.embedding import encoder_for

    return encoder_for(seed_settings, threads=None)


@pytest.fixture(scope="session")
def torch_encoder():
    """sentence-transformers itself: the reference the ONNX backend must reproduce."""
    from rag.embedding import load_encoder

    return load_encoder(backend="torch")


@pytest.fixture(scope="session")
def seed_index(seed_settings: Settings, encoder) -> Path:
    from rag.indexing import build_index

    build_index(seed_settings, encoder)
    return seed_settings.index_dir


@pytest.fixture(scope="session")
def service(seed_settings: Settings, seed_index: Path, encoder):
    from rag.service import load_service

    return load_service(seed_settings, encoder=encoder)


@pytest.fixture(scope="session")
def originals() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}


@pytest.fixture()
def loading_app(seed_settings: Settings, service):
    """An app whose service stays "loading" until the test sets `release`."""
    import threading
    from types import SimpleNamespace

    from rag.api.app import create_app

    release = threading.Event()

    def slow_loader(settings: Settings):
        release.wait(30)
        return service

    yield SimpleNamespace(app=create_app(seed_settings, loader=slow_loader), release=release)
    release.set()  # no loader thread left waiting after the test
