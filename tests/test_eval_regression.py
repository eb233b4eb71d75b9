"""CI gate: quality on the held-out test split may not fall more than 0.05 below
the figures recorded in the README (the `eval-gate` comment beside the table)."""

from __future__ import annotations

import json
import re

from rag.evaluation import evaluate, load_questions
from rag.settings import PROJECT_ROOT

TOLERANCE = 0.05


def recorded_figures() -> dict:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- eval-gate: (\{.*?\}) -->", readme)
    assert match, "README.md must record the eval figures in an <!-- eval-gate: {...} --> comment"
    return json.loads(match.group(1))


def test_test_split_quality_has_not_regressed(service):
    gate = recorded_figures()
    questions = [q for q in load_questions(PROJECT_ROOT / "eval" / "questions.jsonl") if q.split == "test"]
    summary = evaluate(service, questions, "hybrid")["summary"]
    for metric in ("hit@5", "answer_accuracy"):
        assert summary[metric] >= gate[metric] - TOLERANCE, (
            f"{metric} fell to {summary[metric]} from the recorded {gate[metric]}"
        )
