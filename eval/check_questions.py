#!/usr/bin/env python3
"""Validate eval/questions.jsonl (stdlib only).

Checks: valid JSON per line, exact field set and types, unique ids, kind and
split values, unanswerable <=> answer null (with doc null and no aliases), doc
names an existing seed file, and every answer occurs in its document
whitespace-insensitively (runs of whitespace collapsed to one space, or all
whitespace removed). Prints failures and exits 1 if there are any.

Usage: python3 eval/check_questions.py [questions.jsonl] [seeds_dir]
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_QUESTIONS = os.path.join(HERE, "questions.jsonl")
DEFAULT_SEEDS = os.path.join(os.path.dirname(HERE), "seeds")

FIELDS = {"id", "question", "answer", "aliases", "doc", "kind", "split"}
KINDS = {"count", "percent", "money", "name", "date", "number", "unanswerable"}
SPLITS = {"dev", "test"}
DOC_RE = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")


def collapse(s):
    return re.sub(r"\s+", " ", s).strip()


def squash(s):
    return re.sub(r"\s+", "", s)


def occurs(answer, text):
    return collapse(answer) in collapse(text) or squash(answer) in squash(text)


def main(argv):
    qpath = argv[1] if len(argv) > 1 else DEFAULT_QUESTIONS
    seeds = argv[2] if len(argv) > 2 else DEFAULT_SEEDS
    failures = []
    texts = {}

    def doc_text(name):
        if name not in texts:
            path = os.path.join(seeds, name)
            try:
                with open(path, encoding="utf-8") as f:
                    texts[name] = f.read()
            except OSError as e:
                texts[name] = None
                failures.append(f"cannot read seed {path}: {e}")
        return texts[name]

    ids = set()
    n = 0
    with open(qpath, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                failures.append(f"line {lineno}: blank line")
                continue
            try:
                q = json.loads(line)
            except json.JSONDecodeError as e:
                failures.append(f"line {lineno}: invalid JSON: {e}")
                continue
            n += 1
            where = f"line {lineno} ({q.get('id', '?') if isinstance(q, dict) else '?'})"
            if not isinstance(q, dict):
                failures.append(f"{where}: not a JSON object")
                continue
            keys = set(q)
            if keys != FIELDS:
                failures.append(f"{where}: fields missing {sorted(FIELDS - keys)} extra {sorted(keys - FIELDS)}")
                continue
            ok = True
            if not isinstance(q["id"], str) or not q["id"]:
                failures.append(f"{where}: id must be a non-empty string"); ok = False
            elif q["id"] in ids:
                failures.append(f"{where}: duplicate id {q['id']}"); ok = False
            else:
                ids.add(q["id"])
            if not isinstance(q["question"], str) or not q["question"].strip():
                failures.append(f"{where}: question must be a non-empty string"); ok = False
            if q["answer"] is not None and (not isinstance(q["answer"], str) or not q["answer"].strip()):
                failures.append(f"{where}: answer must be a non-empty string or null"); ok = False
            if not isinstance(q["aliases"], list) or not all(isinstance(a, str) and a.strip() for a in q["aliases"]):
                failures.append(f"{where}: aliases must be a list of non-empty strings"); ok = False
            if q["doc"] is not None and (not isinstance(q["doc"], str) or not DOC_RE.match(q["doc"])):
                failures.append(f"{where}: doc must be a seed file name or null"); ok = False
            if q["kind"] not in KINDS:
                failures.append(f"{where}: bad kind {q['kind']!r}"); ok = False
            if q["split"] not in SPLITS:
                failures.append(f"{where}: bad split {q['split']!r}"); ok = False
            if not ok:
                continue
            unans = q["kind"] == "unanswerable"
            if unans != (q["answer"] is None):
                failures.append(f"{where}: kind 'unanswerable' iff answer is null"); continue
            if unans:
                if q["doc"] is not None:
                    failures.append(f"{where}: unanswerable question must have doc null")
                if q["aliases"]:
                    failures.append(f"{where}: unanswerable question must have no aliases")
                continue
            if q["doc"] is None:
                failures.append(f"{where}: answerable question needs a doc"); continue
            text = doc_text(q["doc"])
            if text is None:
                continue
            if not occurs(q["answer"], text):
                failures.append(f"{where}: answer {q['answer']!r} not found in {q['doc']}")

    for msg in failures:
        print("FAIL:", msg)
    print(f"{n} questions checked, {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
