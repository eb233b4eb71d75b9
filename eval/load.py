"""A bounded load test on loopback: concurrent questions while reports are being added.

    python eval/load.py                              # 16 clients for 60 s, a new report every 5 s
    python eval/load.py --clients 4 --seconds 15     # a quick look
    python eval/load.py --index index/               # start from this built index instead of building one

Copies seeds/ and a built index into a temporary directory (the project's
index/ if it is current, otherwise it builds one there), starts a real
`python -m rag.cli serve` on 127.0.0.1 with RAG_API_TOKEN set, and waits for
/health. Then N client threads ask the eval questions through GET and POST
/ask for D seconds while a writer POSTs a generated report every few seconds
(text, HTML and PDF in turn), times each upload and asks the question only that
report answers. At the end it removes one report again. Any non-200 answer or
connection error is a failure. Every loop is bounded in count and time and the
whole run has a hard timeout. Prints one table and writes
eval/bench_results/load.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
from bench import free_port, stop_server  # same directory: the benchmark's process helpers

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "eval" / "questions.jsonl"
OUT = ROOT / "eval" / "bench_results" / "load.json"
HOST = "127.0.0.1"  # loopback only, whatever the arguments say
TOKEN = "load-test-" + os.urandom(6).hex()
MAX_REQUESTS = 500_000  # per run: a runaway loop still ends
MAX_ADDS = 30


def log(msg: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


# --- the generated reports: one unique, askable fact each ----------------------------------------

SYLLABLES = ["brack", "en", "holt", "quar", "row", "by", "thist", "le", "mere", "fen", "wick", "vale", "cal",
             "der", "moss", "ley", "ash", "ton", "hal", "stead", "pen", "gar", "worth", "lin", "dale", "ock"]
FILLER = (
    "Inspectors interviewed managers, probation practitioners and partner agencies over two weeks. "
    "They read a sample of case records and observed supervision appointments. "
    "Leaders had a clear vision for the service and staff spoke positively about their managers. "
)


@dataclass(frozen=True)
class Report:
    name: str
    body: bytes
    place: str
    supervised: int

    @property
    def question(self) -> str:
        return f"How many people on probation did the {self.place} probation delivery unit supervise?"


def make_report(i: int, rng: random.Random, fmt: str) -> Report:
    place = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize() + rng.choice(["shire", "ford", "bury"])
    supervised = rng.randint(101, 999)
    title = f"Inspection of probation services in {place}"
    fact = (f"The {place} probation delivery unit supervised {supervised} people on probation "
            f"during the inspection period.")
    paragraphs = [f"This report describes our inspection of {place} in spring 2026. " + FILLER, fact, FILLER * 2]
    name = f"load-{i:02d}-{place.lower()}.{fmt}"
    if fmt == "txt":
        body = (title + "\n\n" + "\n\n".join(paragraphs) + "\n").encode()
    elif fmt == "html":
        body = (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
                f"<script>var hits = 'analytics {rng.randint(1000, 9999)}';</script></head><body>"
                f"<nav><a href='/'>Home</a> <a href='/reports'>Reports</a></nav><main><h1>{title}</h1>"
                + "".join(f"<p>{p}</p>" for p in paragraphs)
                + "</main><footer>Crown copyright.</footer></body></html>").encode()
    else:
        from fpdf import FPDF

        pdf = FPDF()
        pdf.set_font("helvetica", size=11)
        pdf.set_title(title)
        for page in ([title, paragraphs[0]], paragraphs[1:]):
            pdf.add_page()
            pdf.multi_cell(0, 6, "\n\n".join(page))
        body = bytes(pdf.output())
    return Report(name, body, place, supervised)


# --- the server --------------------------------------------------------------------------------


def rag(work: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "rag.cli", "--index", str(work / "index"), "--seeds", str(work / "seeds"), *args]


def prepare(work: Path, index: Path | None, timeout: float) -> str:
    """Seeds and a current index in `work`: copied when the given (or project) index fits, else built."""
    sys.path.insert(0, str(ROOT))
    from rag.api.server import preflight
    from rag.errors import RagError
    from rag.settings import Settings

    shutil.copytree(ROOT / "seeds", work / "seeds")
    candidate = index or ROOT / "index"
    if (candidate / "CURRENT").is_file():
        shutil.copytree(candidate, work / "index")
        try:
            preflight(Settings(seeds_dir=work / "seeds", index_dir=work / "index"))
            return f"copied {candidate}"
        except RagError as exc:
            log(f"{candidate} does not fit the seeds ({exc}); building a fresh index")
            shutil.rmtree(work / "index")
    log("building the seed index (about a minute on 2 cores)")
    subprocess.run(rag(work, "build"), cwd=ROOT, check=True, timeout=timeout, stdout=subprocess.DEVNULL)
    return "built"


def start_server(work: Path, port: int, logfile: Path, limit: float) -> subprocess.Popen:
    env = {**os.environ, "RAG_API_TOKEN": TOKEN, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    with logfile.open("ab") as out:
        proc = subprocess.Popen(rag(work, "serve", "--host", HOST, "--port", str(port)), cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}; see {logfile}")
        try:
            if httpx.get(f"http://{HOST}:{port}/health", timeout=1.0).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    stop_server(proc)
    raise RuntimeError(f"the server was not healthy within {limit:.0f} s; see {logfile}")


class RssPeak(threading.Thread):
    """Samples the server's resident memory every 100 ms and keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        import psutil

        self.process = psutil.Process(pid)
        self.peak_mb = 0.0
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(0.1):
            try:
                self.peak_mb = max(self.peak_mb, self.process.memory_info().rss / 2**20)
            except Exception:  # noqa: BLE001 - the process may be gone; the peak so far stands
                return


# --- the load ----------------------------------------------------------------------------------


@dataclass
class Tally:
    """What every client saw, merged under one lock."""

    latencies: list[tuple[float, float]] = field(default_factory=list)  # (start, ms) of each 200
    requests: int = 0
    failures: int = 0
    first_failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, started: float, ms: float, failure: str | None) -> None:
        with self.lock:
            self.requests += 1
            if failure is None:
                self.latencies.append((started, ms))
                return
            self.failures += 1
            if len(self.first_failures) < 5:
                self.first_failures.append(failure)


def client(port: int, questions: list[str], slot: int, until: float, stop: threading.Event, tally: Tally) -> None:
    with httpx.Client(base_url=f"http://{HOST}:{port}", timeout=30.0) as http:
        i = slot * 7
        while time.monotonic() < until and not stop.is_set() and tally.requests < MAX_REQUESTS:
            question = questions[i % len(questions)]
            use_post = i % 2 == 1
            i += 1
            started = time.monotonic()
            failure = None
            try:
                if use_post:
                    r = http.post("/ask", json={"question": question})
                else:
                    r = http.get("/ask", params={"q": question})
                if r.status_code != 200:
                    failure = f"{'POST' if use_post else 'GET'} /ask {r.status_code}: {r.text[:160]}"
            except httpx.HTTPError as exc:
                failure = f"{'POST' if use_post else 'GET'} /ask {type(exc).__name__}: {exc}"
            tally.record(started, (time.monotonic() - started) * 1000, failure)


def answers(http: httpx.Client, report: Report) -> bool:
    r = http.get("/ask", params={"q": report.question})
    return r.status_code == 200 and str(report.supervised) in re.sub(r"\D", "", r.json().get("answer") or "")


def writer(port: int, every: float, max_adds: int, until: float, stop: threading.Event, adds: list[dict]) -> None:
    """Every `every` seconds, upload the next report, time it and check it answers its own question."""
    rng = random.Random(20261122)
    formats = ["txt", "html", "pdf"]
    auth = {"Authorization": f"Bearer {TOKEN}"}
    i = 0
    while i < max_adds and not stop.wait(every) and time.monotonic() < until - 2:
        report = make_report(i, rng, formats[i % len(formats)])
        i += 1
        entry = {"name": report.name, "bytes": len(report.body), "fact": report.question,
                 "expected": report.supervised}
        with httpx.Client(base_url=f"http://{HOST}:{port}", timeout=120.0) as http:
            started = time.monotonic()
            entry["start"] = started
            try:
                r = http.post("/documents", params={"name": report.name, "date": "2026-04-01"},
                              content=report.body, headers=auth)
                entry["status"] = r.status_code
                entry["seconds"] = round(time.monotonic() - started, 3)
                entry["server_seconds"] = r.json().get("seconds") if r.status_code == 201 else None
                if r.status_code != 201:
                    entry["error"] = r.text[:200]
                # The upload returns once this server answers from the new version; allow a moment all the same.
                deadline = time.monotonic() + 10
                entry["answerable"] = answers(http, report)
                while not entry["answerable"] and time.monotonic() < deadline:
                    time.sleep(0.5)
                    entry["answerable"] = answers(http, report)
                entry["answerable_after_s"] = round(time.monotonic() - started, 3) if entry["answerable"] else None
            except httpx.HTTPError as exc:
                entry.update(status=0, error=f"{type(exc).__name__}: {exc}", answerable=False)
            entry["end"] = time.monotonic()
        adds.append(entry)
        log(f"added {report.name} ({len(report.body)} bytes) in {entry.get('seconds')} s, "
            f"status {entry['status']}, answerable {entry['answerable']}")


def remove_one(port: int, adds: list[dict]) -> dict | None:
    if not adds:
        return None
    name = adds[0]["name"]
    with httpx.Client(base_url=f"http://{HOST}:{port}", timeout=120.0) as http:
        started = time.monotonic()
        r = http.delete(f"/documents/{name}", headers={"Authorization": f"Bearer {TOKEN}"})
        seconds = time.monotonic() - started
        listed = [d["doc"] for d in http.get("/documents").json()]
    return {"name": name, "status": r.status_code, "seconds": round(seconds, 3), "gone": name not in listed}


# --- report --------------------------------------------------------------------------------------


def summarise(tally: Tally, adds: list[dict], elapsed: float) -> dict:
    ms = [m for _, m in tally.latencies]
    during = [m for s, m in tally.latencies if any(a["start"] <= s <= a["end"] for a in adds)]
    return {
        "requests": tally.requests, "failures": tally.failures, "first_failures": tally.first_failures,
        "seconds": round(elapsed, 2), "rps": round(tally.requests / elapsed, 1) if elapsed else None,
        "p50_ms": r1(pct(ms, 50)), "p95_ms": r1(pct(ms, 95)), "p99_ms": r1(pct(ms, 99)), "max_ms": r1(max(ms, default=None)),
        "during_writes": {"n": len(during), "p50_ms": r1(pct(during, 50)), "p95_ms": r1(pct(during, 95))},
    }


def r1(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def table(report: dict) -> str:
    s, a = report["load"], report["adds"]
    ok = [x for x in a if x.get("status") == 201]
    f = lambda v, d=1: "-" if v is None else f"{v:.{d}f}"  # noqa: E731
    rows = [
        ("clients × seconds", f"{report['config']['clients']} × {report['config']['seconds']:.0f}"),
        ("requests (GET and POST /ask)", f"{s['requests']}"),
        ("failed requests", f"{s['failures']}"),
        ("throughput (req/s)", f(s["rps"])),
        ("latency p50 / p95 / p99 (ms)", f"{f(s['p50_ms'])} / {f(s['p95_ms'])} / {f(s['p99_ms'])}"),
        ("p50 / p95 while a report was being added (ms)",
         f"{f(s['during_writes']['p50_ms'])} / {f(s['during_writes']['p95_ms'])}"),
        ("reports added (txt, html, pdf)", f"{len(ok)} of {len(a)}"),
        ("seconds per upload, min / max", f"{f(min((x['seconds'] for x in ok), default=None), 2)} / "
                                          f"{f(max((x['seconds'] for x in ok), default=None), 2)}"),
        ("added reports answering their own question", f"{sum(bool(x.get('answerable')) for x in a)} of {len(a)}"),
        ("report removed at the end", "-" if not report["removed"] else
         f"{report['removed']['name']}: {report['removed']['status']}, {report['removed']['seconds']:.2f} s"),
        ("server peak RSS (MB)", f(report["server"]["peak_rss_mb"], 0)),
        ("ERROR lines in the server log", f"{len(report['server']['error_lines'])}"),
    ]
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"| {k:<{width}} | {v} |" for k, v in [("figure", "value"), ("-" * width, "---"), *rows])


def machine() -> dict:
    import psutil

    return {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1), "load_average": os.getloadavg()}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Concurrent questions on loopback while reports are added.")
    p.add_argument("--clients", type=int, default=16, help="concurrent question-asking clients (1-64)")
    p.add_argument("--seconds", type=float, default=60.0, help="how long the clients ask (5-600)")
    p.add_argument("--add-every", type=float, default=5.0, help="seconds between report uploads (0: no uploads, "
                   "for a baseline)")
    p.add_argument("--max-adds", type=int, default=12, help=f"at most this many uploads (≤ {MAX_ADDS})")
    p.add_argument("--index", type=Path, default=None, help="a built index to copy (default: index/, else build)")
    p.add_argument("--out", type=Path, default=OUT)
    args = p.parse_args(argv)
    if not 1 <= args.clients <= 64 or not 5 <= args.seconds <= 600 or not 0 < args.max_adds <= MAX_ADDS \
            or args.add_every < 0:
        p.error(f"--clients must be 1-64, --seconds 5-600, --max-adds 1-{MAX_ADDS} and --add-every ≥ 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        import psutil  # noqa: F401
    except ImportError:
        sys.exit("The load test needs psutil: pip install -e '.[bench]'.")
    hard_timeout = int(args.seconds + 900)  # building the index included; then everything stops

    def expire(signum, frame):
        raise TimeoutError(f"the load test passed its hard timeout of {hard_timeout} s")

    signal.signal(signal.SIGALRM, expire)
    signal.alarm(hard_timeout)
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    work = Path(tempfile.mkdtemp(prefix="rag-load-"))
    logfile = work / "server.log"
    proc = None
    stop = threading.Event()
    report: dict = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
        "command": " ".join(["python eval/load.py", *(sys.argv[1:] if argv is None else argv)]),
        "config": {"clients": args.clients, "seconds": args.seconds, "add_every": args.add_every,
                   "max_adds": args.max_adds, "questions": len(questions), "host": HOST},
    }
    try:
        report["index"] = prepare(work, args.index, timeout=600)
        port = free_port()
        started = time.monotonic()
        proc = start_server(work, port, logfile, limit=120)
        report["server"] = {"healthy_after_s": round(time.monotonic() - started, 2)}
        rss = RssPeak(proc.pid)
        rss.start()
        log(f"server healthy on {HOST}:{port}; {args.clients} clients for {args.seconds:.0f} s")
        tally, adds = Tally(), []
        begin = time.monotonic()
        until = begin + args.seconds
        clients = [threading.Thread(target=client, args=(port, questions, n, until, stop, tally), daemon=True)
                   for n in range(args.clients)]
        uploads = threading.Thread(target=writer, daemon=True,
                                   args=(port, args.add_every, args.max_adds, until, stop, adds))
        for t in (*clients, uploads) if args.add_every > 0 else clients:
            t.start()
        for t in clients:
            t.join(timeout=max(0.0, until - time.monotonic()) + 60)
        elapsed = time.monotonic() - begin
        if uploads.is_alive():
            uploads.join(timeout=150)
        stop.set()
        report["load"] = summarise(tally, adds, elapsed)
        report["adds"] = [{k: v for k, v in a.items() if k not in ("start", "end")} for a in adds]
        report["removed"] = remove_one(port, adds)
        rss.stopping.set()
        report["server"]["peak_rss_mb"] = round(rss.peak_mb, 1)
        report["machine"]["load_average_end"] = os.getloadavg()
    finally:
        signal.alarm(0)
        stop.set()
        if proc is not None:
            stop_server(proc)
        text = logfile.read_text(errors="replace") if logfile.exists() else ""
        report.setdefault("server", {})["error_lines"] = [
            line for line in text.splitlines() if line.startswith("ERROR") or "Traceback" in line][:20]
        shutil.rmtree(work, ignore_errors=True)
    report["table"] = table(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    print(report["table"])
    for failure in report["load"]["first_failures"]:
        print(f"  failure: {failure}")
    for line in report["server"]["error_lines"][:5]:
        print(f"  server log: {line}")
    print(f"\nJSON: {os.path.relpath(args.out, ROOT)}")
    ok = report["load"]["failures"] == 0 and all(a.get("answerable") for a in report["adds"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
