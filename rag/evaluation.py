"""The evaluation harness: how often the right figure comes back, rightly cited.

Every question goes through `QAService.ask`, the same code path as the CLI and
HTTP answers. Retrieval is scored on the citations (a citation from the right
document containing the answer or an alias), answers on the extracted figure
after normalisation ("48 per cent" = "48%", "£22m" = "£22 million").
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections import defaultdict
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rag.errors import BadParameter
from rag.retrieval import Mode

KINDS = {"count", "percent", "money", "name", "date", "number", "unanswerable"}
SPLITS = ("dev", "test")
RECORD_EXAMPLE = '{"id": "q1", "question": "...?", "answer": "615", "doc": "report.txt", "kind": "count"}'
_NUMBER_WORDS = {
    w: i for i, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]
    )
} | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_QUALIFIERS = re.compile(
    r"^(?:around|about|approximately|nearly|almost|over|just over|just under|more than|less than|fewer than|"
    r"some|roughly|only|just|up to|at least)\s+"
)
_HONORIFIC = re.compile(r"^(?:dame|sir|mr|mrs|ms|dr|lord|lady)\.?\s+")


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answer: str | None
    aliases: list[str]
    doc: str | None
    kind: str
    split: str = "dev"
    line: int = field(default=0, compare=False)  # where it is in its file, for messages

    @property
    def answerable(self) -> bool:
        return self.answer is not None


def load_questions(path: Path) -> list[Question]:
    """Read a JSON-lines eval set, refusing the first bad record with BadParameter ("FILE:LINE: what").

    A set is often edited by hand; a mistake must say where it is before a run starts,
    not end the run with a traceback (or, for a bad split, silently drop the question)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadParameter(f"{path}: cannot read it ({exc.strerror or exc}).") from None
    out: list[Question] = []
    first_line: dict[str, int] = {}
    for n, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        q = _parse_record(line.removeprefix(b"\xef\xbb\xbf") if n == 1 else line, f"{path}:{n}", n)
        if q.id in first_line:
            raise BadParameter(f"{path}:{n}: id {q.id!r} is already used on line {first_line[q.id]}; ids must be unique.")
        first_line[q.id] = n
        out.append(q)
    return out


def _parse_record(line: bytes, where: str, n: int) -> Question:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadParameter(f"{where}: not UTF-8 text (byte {line[exc.start]:#04x} at column {exc.start + 1}); "
                          "save the file as UTF-8.") from None
    try:
        raw = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        why = f"{exc.msg} at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
        raise BadParameter(f"{where}: not valid JSON ({why}); each line holds one record such as {RECORD_EXAMPLE}.") \
            from None
    if not isinstance(raw, dict):
        raise BadParameter(f"{where}: a record must be a JSON object such as {RECORD_EXAMPLE}, "
                          f"not {_json_type(raw)}.")
    missing = [key for key in ("id", "question", "kind") if key not in raw]
    if missing:
        fields = ", ".join(missing[:-1]) + " or " * (len(missing) > 1) + missing[-1]
        raise BadParameter(f"{where}: the record has no {fields}; every record needs id, question and "
                          "kind (answer, aliases, doc and split are optional).")
    if not isinstance(raw["id"], str) or not raw["id"].strip():
        raise BadParameter(f"{where}: id must be a non-empty string, not {_json_type(raw['id'])}.")
    where = f"{where}: record {raw['id']!r}"
    return Question(
        id=raw["id"], question=_text(raw, "question", where), answer=_text(raw, "answer", where, optional=True),
        aliases=_aliases(raw, where), doc=_text(raw, "doc", where, optional=True), kind=_text(raw, "kind", where),
        split=_split(raw, where), line=n,
    )


def _text(raw: dict, key: str, where: str, optional: bool = False) -> str | None:
    value = raw.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise BadParameter(f"{where}: {key} must be a string{' or null' if optional else ''}, not {_json_type(value)}.")
    if not value.strip():
        raise BadParameter(f"{where}: the {key} is empty.")
    return value


def _aliases(raw: dict, where: str) -> list[str]:
    aliases = raw.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise BadParameter(f"{where}: aliases must be a list of strings.")
    return aliases


def _split(raw: dict, where: str) -> str:
    split = raw.get("split", "dev")
    if split not in SPLITS:
        raise BadParameter(f"{where}: split must be {' or '.join(SPLITS)}, not {str(split)[:40]!r}.")
    return split


def _json_type(value: Any) -> str:
    """'a list', 'a number': what the user wrote, in JSON's words rather than Python's."""
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(value), "a number")


def check_documents(questions: list[Question], documents: Collection[str], source: Path) -> None:
    """Refuse a record whose doc the index does not hold: every such question would be scored
    as a retrieval miss with no hint that the set, not the system, is wrong."""
    for q in questions:
        if q.doc is not None and q.doc not in documents:
            held = sorted(documents)
            more = f" and {len(held) - 10} more (`rag documents` lists them)" if len(held) > 10 else ""
            raise BadParameter(f"{source}:{q.line}: record {q.id!r}: doc {q.doc[:80]!r} is not in the index, "
                              f"which holds {', '.join(held[:10])}{more}.")


def _words_to_digits(s: str) -> str:
    def compound(m: re.Match) -> str:
        return str(_NUMBER_WORDS[m.group(1)] + _NUMBER_WORDS[m.group(2)])

    s = re.sub(r"\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ](one|two|three|four|five|six|seven|eight|nine)\b",
               compound, s)
    return re.sub(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", lambda m: str(_NUMBER_WORDS[m.group(1)]), s)


def normalise_answer(s: str) -> str:
    """Canonical form of a figure, for exact comparison."""
    s = s.lower().strip().replace("’", "'").strip(" .,;:'\"“”‘")
    s = _QUALIFIERS.sub("", s)
    s = _HONORIFIC.sub("", s)
    s = re.sub(r"\s*(?:per\s?cent|percent)\b", "%", s)
    s = re.sub(r"\s*(?:million|mn)\b", "m", s)
    s = re.sub(r"\s*(?:billion)\b", "bn", s)
    s = re.sub(r"(?<=\d),(?=\d{3}\b)", "", s)
    s = _words_to_digits(s)
    s = re.sub(r"(\d+) out of (\d+)", r"\1 in \2", s)
    return re.sub(r"\s+", " ", s).strip()


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s.lower())


def answer_matches(predicted: str | None, q: Question) -> bool:
    if predicted is None or q.answer is None:
        return predicted is None and q.answer is None
    p = normalise_answer(predicted)
    return any(p == normalise_answer(g) for g in [q.answer, *q.aliases])


def citation_has_answer(text: str, q: Question) -> bool:
    t = _squash(text)
    return any(_squash(g) in t for g in [q.answer, *q.aliases] if g)


@dataclass
class Outcome:
    id: str
    question: str
    kind: str
    doc: str | None
    split: str
    expected: str | None
    answer: str | None
    answer_ok: bool
    hit_rank: int | None  # first citation rank with the answer from the right doc
    latency_ms: float
    top_docs: list[str] = field(default_factory=list)


def run_question(service, q: Question, mode: Mode, k: int = 10) -> Outcome:
    started = time.perf_counter()
    resp = service.ask(q.question, k=k, mode=mode)
    latency = (time.perf_counter() - started) * 1000
    hit_rank = None
    if q.answerable:
        for c in resp.citations:
            if (q.doc is None or c.doc == q.doc) and citation_has_answer(c.text, q):
                hit_rank = c.rank
                break
    return Outcome(
        q.id, q.question, q.kind, q.doc, q.split, q.answer, resp.answer, answer_matches(resp.answer, q),
        hit_rank, round(latency, 2), [c.doc for c in resp.citations[:3]],
    )


def summarise(outcomes: list[Outcome]) -> dict:
    answerable = [o for o in outcomes if o.expected is not None]
    unanswerable = [o for o in outcomes if o.expected is None]

    def share(items, pred) -> float | None:
        return round(sum(1 for o in items if pred(o)) / len(items), 4) if items else None

    lat = sorted(o.latency_ms for o in outcomes)
    return {
        "questions": len(outcomes),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "hit@1": share(answerable, lambda o: o.hit_rank is not None and o.hit_rank <= 1),
        "hit@3": share(answerable, lambda o: o.hit_rank is not None and o.hit_rank <= 3),
        "hit@5": share(answerable, lambda o: o.hit_rank is not None and o.hit_rank <= 5),
        "mrr@10": round(statistics.fmean([1 / o.hit_rank if o.hit_rank else 0.0 for o in answerable]), 4)
        if answerable else None,
        "answer_accuracy": share(answerable, lambda o: o.answer_ok),
        "abstained_unanswerable": share(unanswerable, lambda o: o.answer is None),
        "abstained_answerable": share(answerable, lambda o: o.answer is None),
        "latency_p50_ms": round(statistics.median(lat), 2) if lat else None,
        "latency_p95_ms": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 2) if lat else None,
    }


def breakdown(outcomes: list[Outcome], key: str) -> dict[str, dict]:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        groups[str(getattr(o, key) or "none")].append(o)
    return {g: summarise(items) for g, items in sorted(groups.items())}


def evaluate(service, questions: list[Question], mode: Mode) -> dict:
    service.ask("warm up", k=5, mode=mode)  # first call pays for lazy initialisation
    service.clear_cache()  # every mode's latency includes encoding the question
    outcomes = [run_question(service, q, mode) for q in questions]
    failures = [
        asdict(o) for o in outcomes
        if (o.expected is not None and (not o.answer_ok or o.hit_rank is None or o.hit_rank > 5))
        or (o.expected is None and o.answer is not None)
    ]
    return {
        "mode": mode,
        "summary": summarise(outcomes),
        "by_doc": breakdown(outcomes, "doc"),
        "by_kind": breakdown(outcomes, "kind"),
        "failures": failures,
    }


METRIC_ROWS = [
    ("hit@1", "hit@1"), ("hit@3", "hit@3"), ("hit@5", "hit@5"), ("MRR@10", "mrr@10"),
    ("answer accuracy", "answer_accuracy"), ("unanswerable abstained", "abstained_unanswerable"),
    ("answerable wrongly abstained", "abstained_answerable"),
    ("latency p50 ms", "latency_p50_ms"), ("latency p95 ms", "latency_p95_ms"),
]


def format_table(reports: dict[str, dict]) -> str:
    """Markdown table: one column per mode."""
    modes = list(reports)
    lines = ["| metric | " + " | ".join(modes) + " |", "|---|" + "---|" * len(modes)]
    for label, key in METRIC_ROWS:
        cells = []
        for m in modes:
            v = reports[m]["summary"][key]
            cells.append("–" if v is None else (f"{v:.1f}" if "ms" in label else f"{v:.3f}"))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def format_breakdown(report: dict, key: str) -> str:
    lines = [f"| {key} | n | hit@5 | answer acc. | abstained ok |", "|---|---|---|---|---|"]
    for name, s in report[key].items():
        def f(v):
            return "–" if v is None else f"{v:.2f}"
        abst = s["abstained_unanswerable"] if s["answerable"] == 0 else None
        lines.append(f"| {name} | {s['questions']} | {f(s['hit@5'])} | {f(s['answer_accuracy'])} | {f(abst)} |")
    return "\n".join(lines)


def write_chart(reports: dict[str, dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metrics = ["hit@1", "hit@5", "mrr@10", "answer_accuracy", "abstained_unanswerable"]
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
    width = 0.8 / max(len(reports), 1)
    for i, (mode, rep) in enumerate(reports.items()):
        vals = [rep["summary"][m] or 0 for m in metrics]
        axes[0].bar([x + i * width for x in range(len(metrics))], vals, width, label=mode)
    axes[0].set_xticks([x + width * (len(reports) - 1) / 2 for x in range(len(metrics))], metrics, fontsize=8, rotation=15)
    axes[0].set_ylim(0, 1.05)
    axes[0].set_title("Metrics per retrieval mode")
    axes[0].legend()
    kinds = sorted({k for rep in reports.values() for k in rep["by_kind"] if k != "unanswerable"})
    for i, (mode, rep) in enumerate(reports.items()):
        vals = [rep["by_kind"].get(k, {}).get("answer_accuracy") or 0 for k in kinds]
        axes[1].bar([x + i * width for x in range(len(kinds))], vals, width, label=mode)
    axes[1].set_xticks([x + width * (len(reports) - 1) / 2 for x in range(len(kinds))], kinds, fontsize=8)
    axes[1].set_ylim(0, 1.05)
    axes[1].set_title("Answer accuracy per question kind")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
