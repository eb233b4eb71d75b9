"""Speed and footprint, side by side with the LangChain tutorial pipeline.

    python eval/bench.py                       # full run, ~10 minutes on 2 cores
    python eval/bench.py --quick               # ~2 minutes
    python eval/bench.py --peer none           # this project only
    python eval/bench.py --sections build,http # a subset

Every figure comes from real subprocesses: `rag build` / `rag serve` against
`eval/langchain_peer.py build` / `serve`, alternated phase by phase so machine
noise hits both, with each figure's ratio ours/theirs. HTTP traffic goes to
127.0.0.1 only, and every loop is bounded in count and time. The scale section
grows the seed vectors synthetically (×10, ×100, ×1000) to show where a flat
FAISS index should give way to HNSW. Prints one markdown table (plus the scale
table) and writes a JSON report.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import http.client
import json
import os
import platform
import pstats
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "eval" / "questions.jsonl"
PEER = ROOT / "eval" / "langchain_peer.py"
SECTIONS = ("build", "http", "profile", "scale")

# The targets: (figure key, comparison, bound). Checked, never asserted: figures belong in reports.
TARGETS = {
    "build_s": ("<=", 10.0),
    "cold_start_s": ("<=", 5.0),
    "p50_ms": ("<=", 10.0),
    "p95_ms": ("<=", 20.0),
    "rps_16": (">=", 150.0),
    "server_peak_rss_mb": ("<=", 500.0),
}
RATIO_TARGETS = {"build_s": 0.6, "p50_ms": 0.5}


@dataclass(frozen=True)
class Target:
    """A question service under test: how to build its index and how to serve it."""

    name: str
    build: Callable[[Path], list[str]]
    serve: Callable[[Path, int], list[str]]


OURS = Target(
    "ours",
    build=lambda d: [sys.executable, "-m", "rag.cli", "--index", str(d), "build", "--force"],
    serve=lambda d, p: [sys.executable, "-m", "rag.cli", "--index", str(d), "serve", "--port", str(p)],
)
LANGCHAIN = Target(
    "langchain",
    build=lambda d: [sys.executable, str(PEER), "build", "--index", str(d)],
    serve=lambda d, p: [sys.executable, str(PEER), "serve", "--index", str(d), "--port", str(p)],
)


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if values else None


def rounds_order(targets: list[Target], r: int) -> list[Target]:
    """Alternate who goes first each round, so neither always runs on a warmer machine."""
    return targets if r % 2 == 0 else targets[::-1]


# --- processes --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_measured(cmd: list[str], logfile: Path, timeout: float) -> dict:
    """Run a command to completion; wall seconds and the child's own peak RSS (wait4 rusage)."""
    started = time.perf_counter()
    with logfile.open("ab") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            seconds = time.perf_counter() - started
            proc.returncode = os.waitstatus_to_exitcode(status)
            break
        if time.perf_counter() - started > timeout:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise RuntimeError(f"{' '.join(cmd)} took over {timeout:.0f} s; see {logfile}")
        time.sleep(0.01)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {tail(logfile)}")
    return {"seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024}  # ru_maxrss is in KiB on Linux


def tail(path: Path, lines: int = 5) -> str:
    try:
        return " | ".join(path.read_text(errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return ""


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


class RssMonitor(threading.Thread):
    """Polls each server's process tree every 50 ms; keeps the peak per (server, phase)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        import psutil

        self.psutil = psutil
        self.procs: dict[str, object] = {}
        self.phase = "start"
        self.peaks: dict[str, dict[str, float]] = {}
        self.stopping = threading.Event()

    def watch(self, name: str, pid: int) -> None:
        self.procs[name] = self.psutil.Process(pid)

    def forget(self, name: str) -> None:
        self.procs.pop(name, None)

    def run(self) -> None:
        while not self.stopping.wait(0.05):
            for name, proc in list(self.procs.items()):
                try:
                    tree = [proc, *proc.children(recursive=True)]
                    rss = sum(p.memory_info().rss for p in tree) / 2**20
                except self.psutil.Error:
                    continue
                peaks = self.peaks.setdefault(name, {})
                peaks[self.phase] = max(peaks.get(self.phase, 0.0), rss)


def start_server(target: Target, index_dir: Path, logfile: Path, limit: float = 60.0) -> tuple[subprocess.Popen, int, float]:
    """Launch the server and time it to the first 200 from /health (polled every 50 ms)."""
    port = free_port()
    started = time.perf_counter()
    with logfile.open("ab") as out:
        proc = subprocess.Popen(target.serve(index_dir, port), stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                start_new_session=True)
    while time.perf_counter() - started < limit:
        if proc.poll() is not None:
            raise RuntimeError(f"{target.name} server exited {proc.returncode} before healthy: {tail(logfile)}")
        if get_status(port, "/health", timeout=1.0) == 200:
            return proc, port, time.perf_counter() - started
        time.sleep(0.05)
    stop_server(proc)
    raise RuntimeError(f"{target.name} server not healthy within {limit:.0f} s: {tail(logfile)}")


def stop_server(proc: subprocess.Popen) -> None:
    """Stop the server we started (its own process group: uvicorn workers included)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


# --- HTTP load ------------------------------------------------------------------------------


def get_status(port: int, path: str, timeout: float) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        return resp.status
    except OSError:
        return 0
    finally:
        conn.close()


class Client:
    """One keep-alive connection to 127.0.0.1; reconnects after a failure."""

    def __init__(self, port: int, timeout: float = 30.0) -> None:
        self.port, self.timeout = port, timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.failures: list[str] = []  # the first few, to say what went wrong
        self.last_used = time.perf_counter()

    # uvicorn closes keep-alive connections idle for 5 s; reopen before that rather than count its close as an error.
    IDLE_LIMIT_S = 4.0

    def _reconnect(self) -> None:
        self.conn.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)

    def _get(self, path: str) -> tuple[int, bytes]:
        try:
            self.conn.request("GET", path)
            resp = self.conn.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self._reconnect()  # a stale keep-alive connection: retry once, as any HTTP client pool does
            self.conn.request("GET", path)
            resp = self.conn.getresponse()
        return resp.status, resp.read()

    def ask(self, question: str, k: int = 5) -> tuple[int, float]:
        path = "/ask?" + urlencode({"q": question, "k": k})
        if time.perf_counter() - self.last_used > self.IDLE_LIMIT_S:
            self._reconnect()
        started = time.perf_counter()
        try:
            status, body = self._get(path)
            if status != 200 and len(self.failures) < 3:
                self.failures.append(f"{status} for {question[:60]!r}: {body[:160].decode(errors='replace')}")
        except (OSError, http.client.HTTPException) as exc:
            self._reconnect()
            status = 0
            if len(self.failures) < 3:
                self.failures.append(f"{type(exc).__name__} for {question[:60]!r}: {exc}")
        self.last_used = time.perf_counter()
        return status, (self.last_used - started) * 1000

    def close(self) -> None:
        self.conn.close()


def latency_summary(ms: list[float]) -> dict:
    return {"n": len(ms), "p50_ms": pct(ms, 50), "p95_ms": pct(ms, 95), "p99_ms": pct(ms, 99),
            "mean_ms": float(np.mean(ms)) if ms else None}


def sequential(servers: dict[str, int], questions: list[str], n: int, block: int = 20, warmup: int = 10) -> dict:
    """n sequential GET /ask per server, interleaved in blocks; split by first-seen vs repeated question.

    The first pass over the questions is each server's first sight of them; later passes
    repeat them, which a server that caches query vectors answers faster.
    """
    clients = {name: Client(port) for name, port in servers.items()}
    for name, c in clients.items():
        for i in range(warmup):  # connection set-up and lazy imports, with questions outside the set
            c.ask(f"warm-up request {i} about probation caseloads")
        log(f"  sequential: {name} warmed up")
    samples: dict[str, list[tuple[float, int, bool]]] = {name: [] for name in servers}
    for start in range(0, n, block):
        for name in rounds_order(list(servers), start // block):
            for i in range(start, min(start + block, n)):
                status, ms = clients[name].ask(questions[i % len(questions)])
                samples[name].append((ms, status, i < len(questions)))
    out = {}
    for name, rows in samples.items():
        ok = [ms for ms, status, _ in rows if status == 200]
        out[name] = latency_summary(ok) | {
            "requests": len(rows),
            "errors": sum(status != 200 for _, status, _ in rows),
            "first_seen": latency_summary([ms for ms, s, first in rows if s == 200 and first]),
            "repeated": latency_summary([ms for ms, s, first in rows if s == 200 and not first]),
            "statuses": dict(Counter(str(status) for _, status, _ in rows)),
            "failures": clients[name].failures,
        }
        clients[name].close()
    return out


def throughput(port: int, questions: list[str], clients: int, seconds: float, max_requests: int = 100_000) -> dict:
    """`clients` threads, each a keep-alive connection, asking in a loop for `seconds` (or max_requests)."""
    results: list[list[tuple[int, float]]] = [[] for _ in range(clients)]
    barrier = threading.Barrier(clients + 1)
    per_thread = max_requests // clients
    deadline = [0.0]

    failures: list[str] = []

    def worker(slot: int) -> None:
        c = Client(port)
        barrier.wait()
        i = slot * 7  # threads start at different questions
        while time.perf_counter() < deadline[0] and len(results[slot]) < per_thread:
            results[slot].append(c.ask(questions[i % len(questions)]))
            i += 1
        c.close()
        failures.extend(c.failures)

    threads = [threading.Thread(target=worker, args=(s,), daemon=True) for s in range(clients)]
    for t in threads:
        t.start()
    deadline[0] = time.perf_counter() + seconds
    started = time.perf_counter()
    barrier.wait()
    for t in threads:
        t.join(timeout=seconds + 60)
    elapsed = time.perf_counter() - started
    rows = [r for rs in results for r in rs]
    ok = [ms for status, ms in rows if status == 200]
    return {"clients": clients, "seconds": elapsed, "requests": len(rows), "errors": len(rows) - len(ok),
            "rps": len(ok) / elapsed if elapsed else None, "p50_ms": pct(ok, 50), "p95_ms": pct(ok, 95),
            "statuses": dict(Counter(str(status) for status, _ in rows)), "failures": failures[:5]}


# --- sections -----------------------------------------------------------------------------


def bench_build(targets: list[Target], rounds: int, work: Path) -> tuple[dict, dict[str, Path]]:
    """Build each seed index from scratch `rounds` times, alternating; keep the last of each for serving."""
    samples: dict[str, list[dict]] = {t.name: [] for t in targets}
    last: dict[str, Path] = {}
    failed: dict[str, str] = {}
    for r in range(rounds):
        for t in rounds_order(targets, r):
            if t.name in failed:
                continue
            index_dir = work / f"index-{t.name}-{r}"
            try:
                m = run_measured(t.build(index_dir), work / f"build-{t.name}.log", timeout=600)
            except RuntimeError as exc:  # one side failing to build should not hide the other's figures
                failed[t.name] = str(exc)
                log(f"build {t.name} FAILED: {exc}")
                continue
            m["index_mb"] = dir_mb(index_dir)
            samples[t.name].append(m)
            log(f"build {t.name} round {r + 1}/{rounds}: {m['seconds']:.1f} s, peak RSS {m['peak_rss_mb']:.0f} MB")
            if t.name in last:
                shutil.rmtree(last[t.name], ignore_errors=True)
            last[t.name] = index_dir
    out: dict = {name: {"error": err} for name, err in failed.items()}
    for name, ms in samples.items():
        if not ms:
            continue
        out[name] = {"build_s": float(np.median([m["seconds"] for m in ms])),
                     "build_peak_rss_mb": max(m["peak_rss_mb"] for m in ms),
                     "index_mb": ms[-1]["index_mb"], "samples": ms}
    return out, last


def bench_http(targets: list[Target], indexes: dict[str, Path], questions: list[str], args, work: Path) -> dict:
    """Cold starts (alternating rounds), then sequential latency and throughput with both servers up."""
    monitor = RssMonitor()
    monitor.start()
    out: dict[str, dict] = {t.name: {"cold_start_samples": []} for t in targets}
    servers: dict[str, tuple[subprocess.Popen, int]] = {}
    try:
        for r in range(args.start_rounds):
            final = r == args.start_rounds - 1
            for t in rounds_order(targets, r):
                proc, port, seconds = start_server(t, indexes[t.name], work / f"serve-{t.name}.log")
                monitor.watch(t.name, proc.pid)
                out[t.name]["cold_start_samples"].append(seconds)
                log(f"cold start {t.name} round {r + 1}/{args.start_rounds}: {seconds:.2f} s")
                if final:
                    servers[t.name] = (proc, port)
                else:
                    monitor.forget(t.name)
                    stop_server(proc)
        time.sleep(0.5)  # let the start-up peak settle before the load phase begins
        monitor.phase = "load"
        ports = {name: port for name, (_, port) in servers.items()}
        seq = sequential(ports, questions, args.sequential)
        for name, s in seq.items():
            out[name]["sequential"] = s
            log(f"sequential {name}: p50 {s['p50_ms']:.1f} ms, p95 {s['p95_ms']:.1f} ms, errors {s['errors']}")
        for clients in args.clients:
            for t in rounds_order(targets, clients):
                tp = throughput(ports[t.name], questions, clients, args.seconds)
                out[t.name][f"throughput_{clients}"] = tp
                log(f"throughput {t.name} x{clients}: {tp['rps']:.1f} req/s, errors {tp['errors']}")
    finally:
        for proc, _ in servers.values():
            stop_server(proc)
        monitor.stopping.set()
        monitor.join(timeout=5)
    for name, o in out.items():
        o["cold_start_s"] = float(np.median(o["cold_start_samples"])) if o["cold_start_samples"] else None
        peaks = monitor.peaks.get(name, {})
        o["server_peak_rss_mb"] = peaks.get("load")
        o["server_start_peak_rss_mb"] = peaks.get("start")
    return out


def stage_times(stats: pstats.Stats, calls: int) -> dict[str, float]:
    """Cumulative ms per ask() in the stages that matter, matched by module file and function name."""
    stages = {
        "ask (total)": ("rag/service.py", "ask"),
        "query encoder": ("rag/embedding.py", "encode"),
        "dense search (faiss)": ("rag/retrieval.py", "dense_search"),
        "BM25 scoring": ("rag/lexical.py", "scores"),
        "BM25 top-n selection": ("rag/retrieval.py", "lexical_search"),
        "fusion": ("rag/retrieval.py", "fuse", "fuse_scores"),
        "answer extraction": ("rag/answering.py", "extract_answer"),
        "response (citations, pydantic)": ("rag/service.py", "citation"),
    }
    out = {}
    for label, (file, *funcs) in stages.items():
        cum = sum(v[3] for (f, _, fn), v in stats.stats.items() if f.endswith(file) and fn in funcs)  # type: ignore[attr-defined]
        out[label] = cum * 1000 / calls
    return out


def bench_profile(index_dir: Path, questions: list[str]) -> tuple[dict, object]:
    """In-process service.ask(): first-seen and repeated questions timed, then a cProfile breakdown."""
    from rag.service import load_service
    from rag.settings import Settings

    started = time.perf_counter()
    service = load_service(Settings(index_dir=index_dir))
    load_s = time.perf_counter() - started

    def timed_pass() -> list[float]:
        ms = []
        for q in questions:
            t0 = time.perf_counter()
            service.ask(q, k=5)
            ms.append((time.perf_counter() - t0) * 1000)
        return ms

    first = timed_pass()
    repeated = timed_pass()
    service._cache.clear()  # the profiled pass must see the encoder, as first-seen questions do
    prof = cProfile.Profile()
    prof.enable()
    for q in questions:
        service.ask(q, k=5)
    prof.disable()
    stats = pstats.Stats(prof)
    result = {
        "load_service_s": load_s,
        "first_seen": latency_summary(first),
        "repeated": latency_summary(repeated),
        "profile_first_seen_ms_per_ask": stage_times(stats, len(questions)),
    }
    return result, service


def synthetic(base: np.ndarray, factor: int, sigma: float, seed: int = 0) -> np.ndarray:
    """`factor` noisy copies of every seed vector, renormalised: a corpus with the seeds' geometry, ×factor."""
    import faiss

    rng = np.random.default_rng(seed)
    out = np.empty((base.shape[0] * factor, base.shape[1]), dtype=np.float32)
    step = 100
    for start in range(0, factor, step):  # in slabs, to keep the noise temporaries small
        reps = min(step, factor - start)
        rows = slice(start * base.shape[0], (start + reps) * base.shape[0])
        out[rows] = np.tile(base, (reps, 1)) + rng.standard_normal((reps * base.shape[0], base.shape[1]),
                                                                   dtype=np.float32) * sigma
    faiss.normalize_L2(out)
    return out


def time_queries(index, queries: np.ndarray, k: int) -> tuple[list[float], np.ndarray]:
    ms, ids = [], []
    for q in queries:
        t0 = time.perf_counter()
        _, i = index.search(q.reshape(1, -1), k)
        ms.append((time.perf_counter() - t0) * 1000)
        ids.append(i[0])
    return ms, np.array(ids)


def recall(truth: np.ndarray, found: np.ndarray, k: int) -> float:
    return float(np.mean([len(set(t[:k]) & set(f[:k])) / k for t, f in zip(truth, found)]))


def index_mb(index, work: Path) -> float:
    import faiss

    path = work / "scale.faiss"
    faiss.write_index(index, str(path))
    size = path.stat().st_size / 2**20
    path.unlink()
    return size


def hybrid_p50(service, index, factor: int, questions: list[str], qvecs: np.ndarray) -> float | None:
    """Full hybrid retrieval (dense + BM25 over the tiled corpus + fusion), as the service runs it."""
    from scipy import sparse

    from rag.lexical import BM25
    from rag.retrieval import SearchIndex, search

    si, bm = service.index, service.index.bm25
    tiled = SearchIndex(
        faiss_index=index,
        chunks=si.chunks * factor,
        bm25=BM25(bm.vocab, sparse.hstack([bm.matrix] * factor, format="csr"), bm.idf, bm.k1, bm.b),
        chunk_docs=np.tile(si.chunk_docs, factor),
        chunk_years=np.tile(si.chunk_years, factor),
    )
    s = service.settings
    ms = []
    for q, v in zip(questions, qvecs):
        t0 = time.perf_counter()
        search(tiled, q, v, 5, "hybrid", candidates=s.candidates, dense_weight=s.dense_weight,
               lexical_weight=s.lexical_weight, rrf_k=s.rrf_k)
        ms.append((time.perf_counter() - t0) * 1000)
    return pct(ms, 50)


def bench_scale(service, questions: list[str], args, work: Path) -> dict:
    """Flat vs HNSW over ×10/×100/×1000 synthetic corpora: build, size, memory, latency, recall."""
    import faiss
    import psutil

    me = psutil.Process()
    flat0 = service.index.faiss_index
    base = flat0.reconstruct_n(0, flat0.ntotal)
    qvecs = service.encoder.encode(questions)
    k = max(10, service.settings.candidates)  # the service asks FAISS for `candidates` passages
    levels = []
    for factor in args.factors:
        vectors = synthetic(base, factor, args.sigma)
        n = len(vectors)
        level: dict = {"factor": factor, "vectors": n}
        rss0 = me.memory_info().rss
        t0 = time.perf_counter()
        flat = faiss.IndexFlatIP(vectors.shape[1])
        flat.add(vectors)
        level["flat"] = {"build_s": time.perf_counter() - t0, "disk_mb": index_mb(flat, work),
                         "rss_delta_mb": (me.memory_info().rss - rss0) / 2**20}
        ms, truth = time_queries(flat, qvecs, k)
        level["flat"] |= {"p50_ms": pct(ms, 50), "p95_ms": pct(ms, 95)}
        rss0 = me.memory_info().rss
        t0 = time.perf_counter()
        hnsw = faiss.IndexHNSWFlat(vectors.shape[1], args.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = args.ef_construction
        hnsw.add(vectors)
        level["hnsw"] = {"M": args.hnsw_m, "efConstruction": args.ef_construction,
                         "build_s": time.perf_counter() - t0, "disk_mb": index_mb(hnsw, work),
                         "rss_delta_mb": (me.memory_info().rss - rss0) / 2**20, "sweep": []}
        for ef in args.ef_search:
            hnsw.hnsw.efSearch = ef
            ms, found = time_queries(hnsw, qvecs, k)
            level["hnsw"]["sweep"].append({"efSearch": ef, "p50_ms": pct(ms, 50), "p95_ms": pct(ms, 95),
                                           "recall@10": recall(truth, found, 10), "recall@50": recall(truth, found, k)})
        good = [s for s in level["hnsw"]["sweep"] if s["recall@10"] >= args.recall]
        level["hnsw"]["tuned"] = good[0] if good else max(level["hnsw"]["sweep"], key=lambda s: s["recall@10"])
        hnsw.hnsw.efSearch = level["hnsw"]["tuned"]["efSearch"]
        try:
            level["hybrid_p50_ms"] = {"flat": hybrid_p50(service, flat, factor, questions, qvecs),
                                      "hnsw": hybrid_p50(service, hnsw, factor, questions, qvecs)}
        except Exception as exc:  # noqa: BLE001 - rag internals are moving; the vector figures still stand
            level["hybrid_p50_ms"] = {"error": f"{type(exc).__name__}: {exc}"}
        tuned = level["hnsw"]["tuned"]
        log(f"scale x{factor} ({n:,} vectors): flat p50 {level['flat']['p50_ms']:.2f} ms; HNSW build "
            f"{level['hnsw']['build_s']:.1f} s, ef {tuned['efSearch']} p50 {tuned['p50_ms']:.2f} ms "
            f"recall@10 {tuned['recall@10']:.3f}")
        levels.append(level)
        del flat, hnsw, vectors
        gc.collect()
    return {"sigma": args.sigma, "k": k, "queries": len(questions), "levels": levels,
            "recommendation": recommend(levels, base.shape[0], args)}


def recommend(levels: list[dict], seed_n: int, args) -> dict:
    """Flat search cost is linear in n: switch where it would pass the dense-search budget."""
    big = levels[-1]
    per_vector_ms = big["flat"]["p50_ms"] / big["vectors"]
    threshold = int(args.flat_budget_ms / per_vector_ms)
    threshold = int(float(f"{threshold:.2g}"))  # two significant figures: a setting, not a measurement
    tuned = big["hnsw"]["tuned"]
    return {"flat_budget_ms": args.flat_budget_ms, "flat_ms_per_1k_vectors": per_vector_ms * 1000,
            "switch_at_vectors": threshold, "switch_at_seed_multiple": threshold / seed_n,
            "index": "IndexHNSWFlat", "metric": "METRIC_INNER_PRODUCT", "M": args.hnsw_m,
            "efConstruction": args.ef_construction, "efSearch": tuned["efSearch"],
            "measured_at_vectors": big["vectors"], "recall@10": tuned["recall@10"], "recall@50": tuned["recall@50"]}


# --- report ---------------------------------------------------------------------------------


def fmt(v: float | None, digits: int = 1) -> str:
    return "—" if v is None else f"{v:,.{digits}f}"


def check(key: str, ours: float | None, ratio: float | None) -> str:
    parts = []
    if key in TARGETS and ours is not None:
        op, bound = TARGETS[key]
        ok = ours <= bound if op == "<=" else ours >= bound
        parts.append(f"{op} {bound:g} {'✓' if ok else '✗'}")
    if key in RATIO_TARGETS and ratio is not None:
        ok = ratio <= RATIO_TARGETS[key]
        parts.append(f"ratio ≤ {RATIO_TARGETS[key]:g} {'✓' if ok else '✗'}")
    return "; ".join(parts)


def figures(report: dict, name: str) -> dict[str, float | None]:
    b = report.get("build", {}).get(name, {})
    h = report.get("http", {}).get(name, {})
    s = h.get("sequential", {})
    f = {"build_s": b.get("build_s"), "build_peak_rss_mb": b.get("build_peak_rss_mb"), "index_mb": b.get("index_mb"),
         "cold_start_s": h.get("cold_start_s"), "p50_ms": s.get("p50_ms"), "p95_ms": s.get("p95_ms"),
         "p99_ms": s.get("p99_ms"), "p50_first_seen_ms": s.get("first_seen", {}).get("p50_ms"),
         "p50_repeated_ms": s.get("repeated", {}).get("p50_ms"), "server_peak_rss_mb": h.get("server_peak_rss_mb")}
    errors = s.get("errors", 0) or 0
    for c in report.get("config", {}).get("clients", []):
        tp = h.get(f"throughput_{c}", {})
        f[f"rps_{c}"] = tp.get("rps")
        f[f"p95_{c}_ms"] = tp.get("p95_ms")
        errors += tp.get("errors", 0) or 0
    f["http_errors"] = errors if h else None
    return f


LABELS = {
    "build_s": ("build seed index (s, median)", 1), "build_peak_rss_mb": ("build peak RSS (MB)", 0),
    "index_mb": ("index on disk (MB)", 2), "cold_start_s": ("cold start to healthy (s, median)", 2),
    "p50_ms": ("/ask p50, sequential (ms)", 1), "p95_ms": ("/ask p95 (ms)", 1), "p99_ms": ("/ask p99 (ms)", 1),
    "p50_first_seen_ms": ("  p50, first sight of each question (ms)", 1),
    "p50_repeated_ms": ("  p50, repeated questions (ms)", 1),
    "server_peak_rss_mb": ("server peak RSS under load (MB)", 0), "http_errors": ("HTTP errors (all phases)", 0),
}


def markdown(report: dict) -> str:
    names = list(report["targets"])
    peer = names[1] if len(names) > 1 else None
    ours, theirs = figures(report, "ours"), figures(report, peer) if peer else {}
    labels = dict(LABELS)
    for c in report["config"]["clients"]:
        labels[f"rps_{c}"] = (f"throughput, {c} client{'s' if c > 1 else ''} (req/s)", 1)
        labels[f"p95_{c}_ms"] = (f"  p95 at {c} client{'s' if c > 1 else ''} (ms)", 1)
    m = report["machine"]
    lines = [
        f"Benchmark {report['date']} · {m['cores']} cores (nproc {m['nproc']}), {m['cpu']}, "
        f"{m['memory_gb']:.0f} GB · Python {m['python']}",
        f"`{report['command']}` · load average at start {report['load_average']['start'][0]:.1f}, "
        f"at end {report['load_average']['end'][0]:.1f} · {report['seconds']:.0f} s",
        "",
        f"| figure | ours | {peer or 'peer'} | ours/{peer or 'peer'} | target |",
        "|---|---:|---:|---:|---|",
    ]
    for key, (label, digits) in labels.items():
        a, b = ours.get(key), theirs.get(key)
        if a is None and b is None:
            continue
        ratio = a / b if a is not None and b else None
        lines.append(f"| {label} | {fmt(a, digits)} | {fmt(b, digits)} | {fmt(ratio, 2)} | {check(key, a, ratio)} |")
    prof = report.get("profile")
    if prof and "first_seen" in prof:
        lines.append(f"| in-process ask() p50, first-seen / repeated (ms) | {fmt(prof['first_seen']['p50_ms'], 1)} / "
                     f"{fmt(prof['repeated']['p50_ms'], 1)} | | | |")
    scale = report.get("scale")
    if scale and "levels" in scale:
        lines += ["", f"Scale (synthetic: noisy copies of the {scale['levels'][0]['vectors'] // scale['levels'][0]['factor']}"
                  f" seed vectors, σ={scale['sigma']}; {scale['queries']} eval questions; k={scale['k']}):", "",
                  "| corpus | vectors | flat build (s) | flat MB | flat p50 (ms) | HNSW build (s) | HNSW MB | "
                  "efSearch | HNSW p50 (ms) | recall@10 | recall@50 | hybrid p50 flat / HNSW (ms) |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for lv in scale["levels"]:
            f, h, t = lv["flat"], lv["hnsw"], lv["hnsw"]["tuned"]
            hy = lv.get("hybrid_p50_ms", {})
            hy_s = f"{fmt(hy.get('flat'), 2)} / {fmt(hy.get('hnsw'), 2)}" if "error" not in hy else "error"
            lines.append(f"| ×{lv['factor']} | {lv['vectors']:,} | {f['build_s']:.2f} | {f['disk_mb']:.0f} | "
                         f"{f['p50_ms']:.2f} | {h['build_s']:.1f} | {h['disk_mb']:.0f} | {t['efSearch']} | "
                         f"{t['p50_ms']:.2f} | {t['recall@10']:.3f} | {t['recall@50']:.3f} | {hy_s} |")
        r = scale["recommendation"]
        lines += ["", f"Recommendation: flat up to ~{r['switch_at_vectors']:,} vectors (flat costs "
                  f"{r['flat_ms_per_1k_vectors']:.3f} ms per 1k vectors; budget {r['flat_budget_ms']:g} ms), then "
                  f"{r['index']}(d, M={r['M']}, {r['metric']}), efConstruction={r['efConstruction']}, "
                  f"efSearch={r['efSearch']} (recall@10 {r['recall@10']:.3f} at {r['measured_at_vectors']:,} vectors)."]
    for section, err in report.get("errors", {}).items():
        lines.append(f"\n{section}: FAILED — {err}")
    return "\n".join(lines)


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    import psutil

    return {"cores": os.cpu_count(), "nproc": int(nproc or 0), "cpu": cpu, "python": platform.python_version(),
            "platform": platform.platform(), "memory_gb": psutil.virtual_memory().total / 2**30}


# --- main -----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Speed and footprint benchmark, side by side with the LangChain peer.")
    p.add_argument("--peer", choices=["langchain", "none"], default="langchain",
                   help="the pipeline to compare against (langchain needs the bench extra)")
    p.add_argument("--quick", action="store_true", help="fewer rounds, 3 s throughput phases, scale to ×100 only")
    p.add_argument("--out", type=Path, default=ROOT / "eval" / "bench_results" / "latest.json")
    p.add_argument("--sections", default=",".join(SECTIONS), help=f"comma-separated subset of {','.join(SECTIONS)}")
    p.add_argument("--sigma", type=float, default=0.03, help="per-dimension noise of the synthetic corpus")
    p.add_argument("--flat-budget-ms", type=float, default=2.0,
                   help="dense-search time per query above which HNSW is recommended")
    p.add_argument("--hnsw-m", type=int, default=32, help="HNSW graph degree M")
    p.add_argument("--ef-construction", type=int, default=200, help="HNSW efConstruction (rag/indexing.py builds with 200)")
    args = p.parse_args(argv)
    args.sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        p.error(f"unknown section(s) {', '.join(sorted(unknown))}; choose from {', '.join(SECTIONS)}")
    q = args.quick
    args.build_rounds = 1 if q else 3
    args.start_rounds = 1 if q else 3
    args.sequential = 300 if q else 600
    args.clients = [1, 4, 16]
    args.seconds = 3.0 if q else 10.0
    args.factors = [10, 100] if q else [10, 100, 1000]
    args.ef_search = [64, 128, 256, 512, 1024] if q else [64, 128, 256, 512, 1024, 2048, 4096]
    args.recall = 0.98
    args.profile_questions = 60 if q else 120
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.peer == "langchain":
        try:
            import langchain_community  # noqa: F401
        except ImportError:
            sys.exit("The LangChain peer needs the bench extra: pip install -e '.[bench]' (or pass --peer none).")
    try:
        import psutil  # noqa: F401
    except ImportError:
        sys.exit("The benchmark needs psutil: pip install -e '.[bench]'.")
    targets = [OURS] + ([LANGCHAIN] if args.peer == "langchain" else [])
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    report: dict = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "command": " ".join(["python", os.path.relpath(sys.argv[0], ROOT), *sys.argv[1:]]) if argv is None
        else " ".join(["python eval/bench.py", *argv]),
        "config": {k: v for k, v in vars(args).items() if k != "out"} | {"questions": len(questions)},
        "targets": {t.name: " ".join(t.serve(Path("DIR"), 0)) for t in targets},
        "errors": {},
        # Other work on the machine skews absolute figures (the alternation protects the ratios): record it.
        "load_average": {"start": os.getloadavg()},
    }
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="rag-bench-"))
    indexes: dict[str, Path] = {}
    try:
        if any(s in args.sections for s in ("build", "http", "profile", "scale")):
            # Serving, profiling and scaling need freshly built indexes, so the build always runs.
            report["build"], indexes = bench_build(targets, args.build_rounds if "build" in args.sections else 1, work)
        for name, b in report.get("build", {}).items():
            if "error" in b:
                report["errors"][f"build {name}"] = b["error"]
        built = [t for t in targets if t.name in indexes]
        if "http" in args.sections and built:
            try:
                report["http"] = bench_http(built, indexes, questions, args, work)
            except Exception as exc:  # noqa: BLE001 - report what broke, keep the other sections
                report["errors"]["http"] = f"{type(exc).__name__}: {exc}"
                log(f"http section failed: {exc}")
        service = None
        if ("profile" in args.sections or "scale" in args.sections) and "ours" in indexes:
            log("profile: in-process service.ask() over the eval questions")
            report["profile"], service = bench_profile(indexes["ours"], questions[: args.profile_questions])
        if "scale" in args.sections and service is not None:
            report["scale"] = bench_scale(service, questions, args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report["seconds"] = time.perf_counter() - started
    report["load_average"]["end"] = os.getloadavg()
    names = [t.name for t in targets]
    if len(names) > 1:
        a, b = figures(report, names[0]), figures(report, names[1])
        report["ratios"] = {k: (a[k] / b[k] if a.get(k) is not None and b.get(k) else None) for k in a}
    report["figures"] = {n: figures(report, n) for n in names}
    table = markdown(report)
    report["table"] = table
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    print(table)
    print(f"\nReport: {args.out} ({report['seconds']:.0f} s)")
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
