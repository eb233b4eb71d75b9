"""The query and passage encoder on ONNX Runtime: no torch in the serving process.

sentence-transformers brings torch and transformers, which cost ~12 ms per
question, ~340 MB of server RSS and ~3 s of start-up (eval/bench.py, before and
after). This module runs the same model as an ONNX graph with the `tokenizers`
library, and pools exactly as sentence-transformers does for these models
(masked mean or CLS, then L2).

The graph is exported offline from the local weights the first time it is
needed (normally by `rag build`) and cached, with its own sha256, under
`<onnx_cache_dir>/<weights sha>-<variant>/` (default index/models/). Exporting
and quantising need torch, transformers and onnx; a cached graph needs only
onnxruntime.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.errors import ModelError
from rag.hashing import sha256_file

log = logging.getLogger("rag")

VARIANTS = ("fp32", "int8")
OPSET = 17
TOKEN_BUDGET = 4096  # padded tokens per batch: build peak RSS 348 MB, vs 803 MB for 64 x 256 (same CPU time)
EXPORT_FORMAT = 2  # bump when the exported graph changes, so old caches are re-exported
ST_TRANSFORMER = "sentence_transformers.models.Transformer"
ST_POOLING = "sentence_transformers.models.Pooling"
ST_NORMALIZE = "sentence_transformers.models.Normalize"


class Unsupported(Exception):
    """This model cannot run on the ONNX backend; the caller falls back to torch."""


@dataclass(frozen=True)
class ModelLayout:
    """What the ONNX backend must reproduce of a sentence-transformers directory."""

    pooling: str  # "mean" or "cls"
    max_seq_length: int
    lower_case: bool
    dim: int


def read_layout(path: Path) -> ModelLayout:
    """Read modules.json and the pooling config; refuse layouts we would get wrong."""
    if not (path / "tokenizer.json").is_file():
        raise Unsupported("it has no tokenizer.json (a fast tokenizer)")
    try:
        modules = json.loads((path / "modules.json").read_text(encoding="utf-8"))
        st_config = _read_json(path / "sentence_bert_config.json")
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise Unsupported(f"its sentence-transformers configuration is unreadable ({exc})") from exc
    types = [m.get("type") for m in modules]
    if not types or types[0] != ST_TRANSFORMER or types[1:2] != [ST_POOLING] or set(types[2:]) - {ST_NORMALIZE}:
        raise Unsupported(f"its modules {types} are not Transformer + Pooling (+ Normalize)")
    pool = _read_json(path / modules[1].get("path", "") / "config.json")
    modes = [k for k, v in pool.items() if k.startswith("pooling_mode_") and v]
    if modes == ["pooling_mode_mean_tokens"]:
        pooling = "mean"
    elif modes == ["pooling_mode_cls_token"]:
        pooling = "cls"
    else:
        raise Unsupported(f"its pooling {modes} is not plain mean or CLS")
    max_len = st_config.get("max_seq_length") or min(
        int(config.get("max_position_embeddings", 512)),
        int(_read_json(path / "tokenizer_config.json").get("model_max_length", 512)),
    )
    dim = int(pool.get("word_embedding_dimension") or config.get("hidden_size") or 0)
    return ModelLayout(pooling, int(max_len), bool(st_config.get("do_lower_case", False)), dim)


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


# --- export (build time, needs torch) ------------------------------------------------------


def cache_dir_for(models_dir: Path, weights_sha: str, variant: str) -> Path:
    """Named by the weights, so every index built from the same model shares one export."""
    return models_dir / f"{weights_sha[:16]}-{variant}"


def cached_graph(directory: Path, weights_sha: str, variant: str) -> Path | None:
    """The cached graph if it is complete, from these weights, and matches its checksum."""
    onnx_file, record_file = directory / "model.onnx", directory / "export.json"
    if not onnx_file.is_file() or not record_file.is_file():
        return None
    try:
        record = json.loads(record_file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        record = {}
    expected = {"source_sha256": weights_sha, "variant": variant, "format": EXPORT_FORMAT}
    if any(record.get(k) != v for k, v in expected.items()) or record.get("onnx_sha256") != sha256_file(onnx_file):
        log.warning("the cached ONNX model in %s is damaged or out of date; exporting it again", directory)
        return None
    return onnx_file


def export_graph(model_path: Path, directory: Path, weights_sha: str, variant: str) -> Path:
    """Export the transformer to ONNX (and quantise it for int8), then record its checksum.

    Each file is written under a temporary name and renamed into place, and the
    record holding the checksum is written last, so a crash or a concurrent
    export leaves either a complete cache or one that fails the checksum.
    """
    directory.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    tmp = directory / f".model.{os.getpid()}.{os.urandom(3).hex()}.onnx"
    fp32 = tmp.with_suffix(".fp32.onnx")
    try:
        _torch_export(model_path, fp32)
        if variant == "int8":
            _quantize(fp32, tmp)
        else:
            os.replace(fp32, tmp)
        final = directory / "model.onnx"
        os.replace(tmp, final)
        record = {
            "source": str(model_path),
            "source_sha256": weights_sha,
            "variant": variant,
            "format": EXPORT_FORMAT,
            "opset": OPSET,
            "onnx_sha256": sha256_file(final),
            "exported_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "seconds": round(time.perf_counter() - started, 2),
        }
        record_tmp = directory / f".export.{os.getpid()}.json"
        record_tmp.write_text(json.dumps(record, indent=1), encoding="utf-8")
        os.replace(record_tmp, directory / "export.json")
    finally:
        for leftover in (tmp, fp32):
            leftover.unlink(missing_ok=True)
    log.info("exported %s to ONNX (%s) in %.1f s", model_path, variant, time.perf_counter() - started)
    return final


def _quantize(fp32: Path, target: Path) -> None:
    """Dynamic int8 weights for the MatMuls, except the first two feed-forward down-projections.

    Measured on the 193 eval questions and 100 passages against fp32 (cosine min / mean):
    onnxruntime's default recipe 0.955 / 0.968; MatMul-only with per-channel scales
    0.986 / 0.993; the same with the first two layers' FFN output kept fp32 0.992 / 0.995
    for +0.25 ms a question (errors in early layers are amplified by every later one).
    7-bit weights (reduce_range) avoid u8*s8 saturation on CPUs without VNNI.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(fp32), load_external_data=False).graph
    shapes = {i.name: tuple(i.dims) for i in graph.initializer}
    # The FFN down-projection is the MatMul whose weight maps a wider dimension back to the hidden one.
    down = [n.name for n in graph.node if n.op_type == "MatMul"
            and any(len(shapes.get(i, ())) == 2 and shapes[i][0] > shapes[i][1] for i in n.input)]
    root = logging.getLogger()
    root.addFilter(_quiet_quantizer)
    try:
        quantize_dynamic(fp32, target, weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"],
                         per_channel=True, reduce_range=True, nodes_to_exclude=down[:2])
    finally:
        root.removeFilter(_quiet_quantizer)


def _quiet_quantizer(record: logging.LogRecord) -> bool:
    """Drop the quantiser's advice to pre-process: it measured no better here, and it is noise in `rag build`."""
    return "pre-processing before quantization" not in record.getMessage()


def _torch_export(model_path: Path, target: Path) -> None:
    """torch.onnx.export of the bare transformer (pooling stays in numpy, where it is visible)."""
    try:
        import torch
        from transformers import AutoModel
    except ImportError as exc:
        raise ModelError(
            f"exporting the model to ONNX needs torch and transformers ({exc}); reinstall the project, "
            "or build the index once on a machine that has them."
        ) from exc

    class LastHidden(torch.nn.Module):
        """Keyword arguments: transformers 5 moved BertModel.forward's positional parameters."""

        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids=None):
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    # Eager attention exports to plain MatMul/Softmax, which ONNX Runtime fuses itself.
    model = AutoModel.from_pretrained(str(model_path), local_files_only=True, attn_implementation="eager").eval()
    ids = torch.ones((2, 16), dtype=torch.long)
    names = ["input_ids", "attention_mask"]
    args: tuple = (ids, torch.ones_like(ids))
    if getattr(model.config, "type_vocab_size", 0):
        names.append("token_type_ids")
        args = (*args, torch.zeros_like(ids))
    axes = {n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]}
    import warnings

    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about shape-dependent Python branches
        torch.onnx.export(LastHidden(model), args, str(target), input_names=names,
                          output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=OPSET, dynamo=False)


# --- inference (serving, needs only onnxruntime + tokenizers) -------------------------------


class OnnxModel:
    """A tokenizer and an ONNX Runtime session; `encode` mirrors SentenceTransformer.encode."""

    def __init__(self, model_path: Path, graph: Path, layout: ModelLayout, threads: int | None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.layout = layout
        # The index records this: passages must be looked up with the very graph that embedded them.
        self.graph_sha256 = json.loads((graph.parent / "export.json").read_text(encoding="utf-8"))["onnx_sha256"]
        # tokenizer.json may carry its own fixed padding/truncation (MiniLM's pads to 128):
        # counting must see the raw text, encoding truncates at the model's max_seq_length.
        self.counter = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self.counter.no_truncation()
        self.counter.no_padding()
        self.tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(layout.max_seq_length)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}

    def count_tokens(self, text: str) -> int:
        return len(self.counter.encode(text, add_special_tokens=False).ids)

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        """Normalised embeddings in input order, batched longest-first so padding stays small.

        A batch holds at most `batch_size` texts and TOKEN_BUDGET padded tokens: attention
        memory grows with rows x width^2, so 64 full-length chunks would hold ~200 MB per layer.
        """
        del progress  # batches take milliseconds; a bar would only add noise
        if self.layout.lower_case:
            texts = [t.lower() for t in texts]
        encodings = self.tokenizer.encode_batch(texts) if len(texts) > 1 else [self.tokenizer.encode(texts[0])]
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(-lengths, kind="stable")
        out = np.empty((len(texts), self.layout.dim), dtype=np.float32)
        lo = 0
        while lo < len(texts):
            width = int(lengths[order[lo]])  # the longest of this batch: the order is longest-first
            rows = order[lo : lo + max(1, min(batch_size, TOKEN_BUDGET // width))]
            lo += len(rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                ids[r, : lengths[i]] = encodings[i].ids
                mask[r, : lengths[i]] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, feed)[0]
            out[rows] = pool(hidden, mask, self.layout.pooling)
        return out


def pool(hidden: np.ndarray, mask: np.ndarray, mode: str) -> np.ndarray:
    """sentence-transformers' Pooling then Normalize: masked mean (or CLS), then L2."""
    if mode == "cls":
        vectors = hidden[:, 0]
    else:
        m = mask[..., None].astype(np.float32)
        vectors = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.clip(norms, 1e-12, None)).astype(np.float32)


def load_onnx(model_path: Path, weights_sha: str, variant: str, models_dir: Path, threads: int | None) -> OnnxModel:
    """The ONNX model for these weights, exported on first use; raises Unsupported or ModelError."""
    if variant not in VARIANTS:
        raise ModelError(f"unknown ONNX variant {variant!r}; choose one of {', '.join(VARIANTS)}.")
    if not weights_sha:
        raise Unsupported("its weight file was not found, so a cached export could not be tied to it")
    layout = read_layout(model_path)
    directory = cache_dir_for(models_dir, weights_sha, variant)
    graph = cached_graph(directory, weights_sha, variant)
    if graph is None:
        try:
            graph = export_graph(model_path, directory, weights_sha, variant)
        except ModelError:
            raise
        except Exception as exc:  # noqa: BLE001 - an exporter failure means: use torch instead
            raise Unsupported(f"ONNX export failed ({type(exc).__name__}: {exc})") from exc
    return OnnxModel(model_path, graph, layout, threads)
