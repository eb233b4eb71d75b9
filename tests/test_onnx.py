"""The ONNX encoder reproduces sentence-transformers, keeps torch out of the server, and
its cached export is reused when sound and redone when damaged."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from rag.embedding import load_encoder
from rag.errors import IndexStale
from rag.indexing import expectations
from rag.onnx_encoder import Unsupported, cache_dir_for, cached_graph, read_layout
from rag.settings import PROJECT_ROOT, Settings
from rag.store import load_index

pytestmark = pytest.mark.slow

SENTENCES = [
    "What proportion of London CRC staff were agency workers in 2019?",
    "Around one in four probation staff are agency workers, and the CRC is in the process of "
    "converting some of these roles into permanent positions.",
    "HM Inspectorate of Probation",
    "The Inspectorate found that 165 cases had no risk of serious harm assessment at the start of the order, "
    "and that managers rarely checked the quality of the work. " * 5,  # over 128 tokens: past tokenizer.json's own cut
]


@pytest.fixture(scope="session")
def fp32_encoder(seed_settings: Settings):
    return load_encoder(backend="onnx", variant="fp32", models_dir=seed_settings.onnx_cache_dir)


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1)


def test_fp32_vectors_match_sentence_transformers(fp32_encoder, torch_encoder):
    assert fp32_encoder.backend.startswith("onnx-fp32:")
    assert _cosines(fp32_encoder.encode(SENTENCES), torch_encoder.encode(SENTENCES)).min() > 0.9999


def test_int8_vectors_stay_close_to_sentence_transformers(encoder, torch_encoder):
    assert encoder.backend.startswith("onnx-int8:")
    assert _cosines(encoder.encode(SENTENCES), torch_encoder.encode(SENTENCES)).min() > 0.99


def test_vectors_are_unit_length_and_in_input_order_whatever_the_batching(fp32_encoder):
    batched = fp32_encoder.encode(SENTENCES, batch_size=2)  # lengths differ, so batches are reordered
    one_by_one = np.stack([fp32_encoder.encode([s])[0] for s in SENTENCES])
    np.testing.assert_allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)
    assert _cosines(batched, one_by_one).min() > 0.9999


def test_token_counts_match_the_reference_tokenizer_without_truncation(encoder, torch_encoder):
    for text in [*SENTENCES, "", "£22m (48%) in 2019–20"]:
        assert encoder.count_tokens(text) == torch_encoder.count_tokens(text)
    assert encoder.count_tokens(SENTENCES[-1]) > 128


def test_serving_with_the_onnx_backend_never_imports_torch(seed_settings: Settings, seed_index: Path):
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from rag.api.server import preflight
        from rag.api.app import create_app
        from rag.service import load_service
        from rag.settings import Settings
        settings = Settings(index_dir=Path({str(seed_settings.index_dir)!r}), seeds_dir=Path({str(seed_settings.seeds_dir)!r}),
                            onnx_cache_dir=Path({str(seed_settings.onnx_cache_dir)!r}))
        preflight(settings)
        create_app(settings)
        service = load_service(settings)
        assert service.encoder.backend.startswith("onnx-int8:"), service.encoder.backend
        service.ask("How many probation officer vacancies were there?")
        print(sorted(m for m in ("torch", "transformers", "sentence_transformers") if m in sys.modules))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                         cwd=PROJECT_ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_cached_export_is_reused(encoder, seed_settings: Settings, monkeypatch):
    import rag.onnx_encoder

    def no_export(*args, **kwargs):
        raise AssertionError("a sound cached export must not be redone")

    monkeypatch.setattr(rag.onnx_encoder, "export_graph", no_export)
    again = load_encoder(backend="onnx", variant="int8", models_dir=seed_settings.onnx_cache_dir)
    np.testing.assert_array_equal(again.encode(SENTENCES[:2]), encoder.encode(SENTENCES[:2]))


def test_damaged_cached_export_is_detected_and_exported_again(encoder, seed_settings: Settings, tmp_path, caplog):
    models = tmp_path / "models"
    source = cache_dir_for(seed_settings.onnx_cache_dir, encoder.sha256, "int8")
    shutil.copytree(source, cache_dir_for(models, encoder.sha256, "int8"))
    graph = cache_dir_for(models, encoder.sha256, "int8") / "model.onnx"
    with graph.open("r+b") as fh:  # flip bytes in the middle of the weights
        fh.seek(graph.stat().st_size // 2)
        fh.write(b"\x00" * 64)
    assert cached_graph(graph.parent, encoder.sha256, "int8") is None
    with caplog.at_level(logging.WARNING, logger="rag"):
        rebuilt = load_encoder(backend="onnx", variant="int8", models_dir=models)
    assert "damaged or out of date" in caplog.text
    assert cached_graph(graph.parent, encoder.sha256, "int8") == graph
    assert rebuilt.backend == encoder.backend  # the export is deterministic, so the index stays fresh
    np.testing.assert_allclose(rebuilt.encode(SENTENCES[:2]), encoder.encode(SENTENCES[:2]), atol=1e-5)


def test_model_the_onnx_path_cannot_reproduce_falls_back_to_torch(encoder, tmp_path, caplog):
    custom = tmp_path / "max-pooled"
    shutil.copytree(encoder.path, custom)
    pooling = custom / "1_Pooling" / "config.json"
    config = json.loads(pooling.read_text()) | {"pooling_mode_mean_tokens": False, "pooling_mode_max_tokens": True}
    pooling.write_text(json.dumps(config))
    with pytest.raises(Unsupported, match="pooling"):
        read_layout(custom)
    with caplog.at_level(logging.WARNING, logger="rag"):
        fallback = load_encoder(str(custom), backend="onnx", models_dir=tmp_path / "models")
    assert fallback.backend == "torch" and "using torch" in fallback.note and "pooling" in caplog.text
    assert fallback.encode(["a question"]).shape == (1, encoder.dim)


def test_index_embedded_by_another_backend_or_graph_is_stale(seed_settings: Settings, seed_index: Path, encoder):
    def expect(backend: str) -> dict:
        return expectations(seed_settings, encoder.name, encoder.sha256, backend)

    load_index(seed_index, expect(encoder.backend))
    with pytest.raises(IndexStale, match=f"{encoder.backend} encoder, but the torch encoder"):
        load_index(seed_index, expect("torch"))
    with pytest.raises(IndexStale, match="onnx-int8:000000000000 encoder would embed"):
        load_index(seed_index, expect("onnx-int8:000000000000"))  # a re-export with other numerics
