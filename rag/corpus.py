"""The report library on disk, and what we know about each report.

A report's identity is its file name in the library directory (`seeds/` by
default). Title, date and publisher come from `manifest.json` beside the files,
else from the file's own metadata (PDF info, HTML meta tags); a file missing
from the manifest still loads, titled by its name, so a user can drop reports
in and run `rag build`.

Scanning is cheap (hashes only) so every load can tell which files changed;
reading (PDF/HTML text extraction) happens only for files that need indexing.
Every citation is a span of Python string indices into a report's text: the
file itself for text files, the extracted text layer for PDF and HTML.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from rag.errors import DocumentError
from rag.hashing import sha256_file
from rag.readers import SUPPORTED_SUFFIXES, read_document

MANIFEST_NAME = "manifest.json"
META_FIELDS = ("title", "date", "publisher", "kind", "date_note")


@dataclass(frozen=True)
class Document:
    doc: str  # file name: the document's identity
    title: str
    date: str  # ISO-like: "2020-12-03", "2017"
    publisher: str
    text: str  # what citations index into: the decoded file, or its extracted text layer
    sha256: str  # of the file's bytes
    kind: str = ""
    date_note: str = ""
    format: str = "text"  # "text" | "pdf" | "html"
    pages: tuple[int, ...] = ()  # PDF: offset in `text` where each page starts
    source_key: str = ""  # changes when the file or its manifest entry changes

    @property
    def year(self) -> int | None:
        match = re.match(r"(\d{4})", self.date)
        return int(match.group(1)) if match else None

    @property
    def display_date(self) -> str:
        return display_date(self.date)


@dataclass(frozen=True)
class SourceFile:
    """A report file as found in the library: enough to tell whether it changed."""

    name: str
    path: Path
    sha256: str
    meta: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def key(self) -> str:
        entry = json.dumps({k: self.meta.get(k, "") for k in META_FIELDS}, sort_keys=True)
        return hashlib.sha256(f"{self.sha256}\0{entry}".encode()).hexdigest()


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def display_date(date: str) -> str:
    """'2020-12-03' -> '3 December 2020', '2020-12' -> 'December 2020'.

    Anything that is not a real date (a hand-edited manifest's '2026-02-30') is shown as given,
    never as a day that does not exist."""
    if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", date):
        try:
            d = datetime.strptime(date, "%Y-%m-%d" if len(date) == 10 else "%Y-%m")
        except ValueError:
            return date
        month = _MONTHS[d.month - 1]
        return f"{d.day} {month} {d.year}" if len(date) == 10 else f"{month} {d.year}"
    return date or "undated"


def read_manifest(seeds_dir: Path) -> dict[str, dict]:
    path = seeds_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DocumentError(f"{path} is not valid JSON ({exc}); fix or delete it.") from exc
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise DocumentError(f"{path} must map file names to {{title, date, publisher}}.")
    return data


def is_report_file(path: Path) -> bool:
    name = path.name
    return (
        path.is_file()
        and not name.startswith(".")
        and path.suffix.lower() in SUPPORTED_SUFFIXES
        and name.lower() not in ("readme.md", MANIFEST_NAME)
    )


def list_document_files(seeds_dir: Path) -> list[Path]:
    if not seeds_dir.is_dir():
        raise DocumentError(f"the reports directory {seeds_dir} does not exist.")
    return sorted(p for p in seeds_dir.iterdir() if is_report_file(p))


def report_sha256(path: Path) -> str:
    try:
        return sha256_file(path)
    except OSError as exc:
        raise DocumentError(f"cannot read {path}: {exc.strerror or exc}") from exc


def scan_library(seeds_dir: Path) -> list[SourceFile]:
    """Every report file in the library with its hash and manifest entry, in name order."""
    manifest = read_manifest(seeds_dir)
    return [SourceFile(p.name, p, report_sha256(p), manifest.get(p.name, {})) for p in list_document_files(seeds_dir)]


def make_document(name: str, raw: bytes, meta: dict | None = None, source_key: str = "") -> Document:
    """Extract a report's text; manifest/option metadata wins over the file's own."""
    meta = meta or {}
    extracted = read_document(name, raw)
    return Document(
        doc=name,
        title=str(meta.get("title") or extracted.title or Path(name).stem),
        date=str(meta.get("date") or extracted.date or ""),
        publisher=str(meta.get("publisher") or extracted.publisher or ""),
        text=extracted.text,
        sha256=hashlib.sha256(raw).hexdigest(),
        kind=str(meta.get("kind") or ""),
        date_note=str(meta.get("date_note") or ""),
        format=extracted.format,
        pages=tuple(extracted.pages),
        source_key=source_key,
    )


def read_source(source: SourceFile) -> Document:
    try:
        raw = source.path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"cannot read {source.path}: {exc.strerror or exc}") from exc
    if hashlib.sha256(raw).hexdigest() != source.sha256:
        raise DocumentError(f"{source.name} changed while it was being read; run the command again.")
    return make_document(source.name, raw, source.meta, source.key)


def load_corpus(seeds_dir: Path) -> list[Document]:
    """Every report under `seeds_dir`, in file-name order; any unreadable one is an error."""
    docs = [read_source(s) for s in scan_library(seeds_dir)]
    if not docs:
        raise DocumentError(
            f"no report files ({', '.join(sorted(SUPPORTED_SUFFIXES))}) found in {seeds_dir}."
        )
    return docs


def corpus_fingerprint(sources: list[SourceFile]) -> str:
    """Changes whenever any file's bytes or metadata change, or a file comes or goes."""
    h = hashlib.sha256()
    for s in sorted(sources, key=lambda s: s.name):
        h.update(f"{s.name}\0{s.key}\n".encode())
    return h.hexdigest()
