"""The report files and what we know about them.

A document's identity is its file name; its text is the file decoded as UTF-8,
and every citation is a span of Python string indices into that text.
Title, date and publisher come from `manifest.json` beside the files; a file
missing from the manifest still loads, titled by its name, so a user can drop
new reports in and rebuild.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from rag.errors import DocumentError

MANIFEST_NAME = "manifest.json"
TEXT_SUFFIXES = {".txt", ".md", ".text"}
MAX_DOCUMENT_BYTES = 50_000_000


@dataclass(frozen=True)
class Document:
    doc: str  # file name: the document's identity
    title: str
    date: str  # ISO-like: "2020-12-03", "2017"
    publisher: str
    text: str  # the original file decoded as UTF-8, untouched
    sha256: str
    kind: str = ""
    date_note: str = ""

    @property
    def year(self) -> int | None:
        match = re.match(r"(\d{4})", self.date)
        return int(match.group(1)) if match else None

    @property
    def display_date(self) -> str:
        return display_date(self.date)


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def display_date(date: str) -> str:
    """'2020-12-03' -> '3 December 2020'; partial dates are shown as given."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", date)
    if not match:
        return date or "undated"
    year, month, day = (int(g) for g in match.groups())
    return f"{day} {_MONTHS[month - 1]} {year}"


def read_manifest(seeds_dir: Path) -> dict[str, dict]:
    path = seeds_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DocumentError(f"{path} is not valid JSON ({exc}); fix or delete it.") from exc
    if not isinstance(data, dict):
        raise DocumentError(f"{path} must map file names to {{title, date, publisher}}.")
    return data


def decode_text(name: str, raw: bytes) -> str:
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise DocumentError(
            f"{name} is {len(raw) / 1e6:.0f} MB; the limit is {MAX_DOCUMENT_BYTES / 1e6:.0f} MB."
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"{name} is not valid UTF-8 (byte {exc.start}); convert it to UTF-8 first."
        ) from exc
    if "\x00" in text:
        raise DocumentError(f"{name} contains NUL bytes: it looks binary, not text.")
    if not text.strip():
        raise DocumentError(f"{name} is empty.")
    return text


def load_document(path: Path, meta: dict | None = None) -> Document:
    meta = meta or {}
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"cannot read {path}: {exc.strerror or exc}") from exc
    text = decode_text(path.name, raw)
    return Document(
        doc=path.name,
        title=str(meta.get("title") or path.stem),
        date=str(meta.get("date") or ""),
        publisher=str(meta.get("publisher") or ""),
        text=text,
        sha256=hashlib.sha256(raw).hexdigest(),
        kind=str(meta.get("kind") or ""),
        date_note=str(meta.get("date_note") or ""),
    )


def list_document_files(seeds_dir: Path) -> list[Path]:
    if not seeds_dir.is_dir():
        raise DocumentError(f"seeds directory {seeds_dir} does not exist.")
    return sorted(
        p for p in seeds_dir.iterdir()
        if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES and p.name.lower() != "readme.md"
    )


def load_corpus(seeds_dir: Path) -> list[Document]:
    """Every text report under `seeds_dir`, in file-name order."""
    manifest = read_manifest(seeds_dir)
    docs = [load_document(p, manifest.get(p.name)) for p in list_document_files(seeds_dir)]
    if not docs:
        raise DocumentError(f"no report files (.txt) found in {seeds_dir}.")
    return docs


def corpus_fingerprint(docs: list[Document]) -> str:
    """Changes whenever any file's bytes or metadata change, or a file comes or goes."""
    h = hashlib.sha256()
    for d in sorted(docs, key=lambda d: d.doc):
        h.update(f"{d.doc}\0{d.sha256}\0{d.title}\0{d.date}\0{d.publisher}\n".encode())
    return h.hexdigest()

