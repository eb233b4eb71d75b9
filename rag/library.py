"""Adding and removing reports: the library directory and the index change together.

Order matters for "nothing lost". Originals are written into the library first
(each file atomically, then the manifest atomically) and the index is updated
after; a process killed in between leaves the previous index loadable and
correct for what it holds, and the next `rag build` or `rag add` indexes the
new files. Every write happens under the index's write lock, so CLI commands
and HTTP uploads take turns.
"""

from __future__ import annotations

import json
import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rag.corpus import (
    MANIFEST_NAME,
    META_FIELDS,
    SourceFile,
    is_report_file,
    list_document_files,
    make_document,
    read_manifest,
    scan_library,
)
from rag.embedding import Encoder
from rag.errors import BadParameter, DocumentError, UnknownDocument
from rag.indexing import BuildResult, Progress, update_index
from rag.readers import SUPPORTED_SUFFIXES, date_problem
from rag.settings import Settings
from rag.store import write_lock

MAX_NAME_CHARS = 200


@dataclass(frozen=True)
class Upload:
    """A report to add: its file name (its identity), bytes, and metadata from options."""

    name: str
    raw: bytes
    meta: dict = field(default_factory=dict)


@dataclass
class AddReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (name, why)
    # (name, other): the report went in, but `other` in the library has the very same bytes, so
    # every passage of it would be cited twice. Added all the same: the name is a report's
    # identity, and a user renaming a report adds the new name before removing the old.
    same_content: list[tuple[str, str]] = field(default_factory=list)
    build: BuildResult | None = None


def check_name(name: str) -> str:
    """A document id is a plain file name: no paths, no hidden files, no control characters."""
    if not isinstance(name, str) or not name.strip():
        raise DocumentError("a document needs a file name, e.g. 'annual-report-2024.pdf'.")
    if name != Path(name).name or "/" in name or "\\" in name or name in (".", ".."):
        raise DocumentError(f"{name!r} is not a plain file name (no directories or '..').")
    if "\ufffd" in name:  # what a name sent as invalid UTF-8 (e.g. %FF in a URL) decodes to
        raise DocumentError(f"{name!r} is not allowed: the name was not valid UTF-8.")
    if name.startswith(".") or any(unicodedata.category(ch)[0] == "C" for ch in name):
        raise DocumentError(f"{name!r} is not allowed: it starts with '.' or contains control characters.")
    if len(name) > MAX_NAME_CHARS:
        raise DocumentError(f"the file name is {len(name)} characters; the limit is {MAX_NAME_CHARS}.")
    if name.lower() in ("readme.md", MANIFEST_NAME):
        raise DocumentError(f"{name!r} is reserved; rename the file.")
    if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise DocumentError(
            f"{name}: unsupported file type; supported: {', '.join(sorted(SUPPORTED_SUFFIXES))}."
        )
    return name


def clean_meta(meta: dict) -> dict:
    """Title, date and publisher given with a report (options, query parameters), checked.

    A bad value raises BadParameter, not DocumentError: it is a bad parameter (exit 2, HTTP 422)
    whatever the file, so the CLI can refuse it before reading any file or loading the model."""
    out = {}
    for key in META_FIELDS:
        value = meta.get(key)
        if value is None or value == "":
            continue
        value = " ".join(str(value).split())
        if len(value) > 500:
            raise BadParameter(f"the {key} is {len(value)} characters; the limit is 500.")
        problem = date_problem(value) if key == "date" else None
        if problem:
            raise BadParameter(problem)
        out[key] = value
    return out


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _write_manifest(seeds_dir: Path, manifest: dict) -> None:
    data = json.dumps(dict(sorted(manifest.items())), ensure_ascii=False, indent=2) + "\n"
    _write_atomic(seeds_dir / MANIFEST_NAME, data.encode("utf-8"))


def collect_files(paths: list[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand directories to the report files inside them (recursively), one file per name.

    The file name is a report's identity in the library, so of two files with the same name
    (`a/x.txt`, `b/x.txt`) only the first goes in, and the other's problem says which was kept."""
    found, problems = [], []
    for p in paths:
        if p.is_dir():
            inside = sorted(f for f in p.rglob("*") if is_report_file(f))
            if not inside:
                problems.append((str(p), f"no report files ({', '.join(sorted(SUPPORTED_SUFFIXES))}) inside."))
            found += inside
        elif p.is_file():
            found.append(p)
        else:
            problems.append((str(p), "no such file or directory."))
    kept: dict[str, Path] = {}
    for f in found:
        first = kept.setdefault(f.name, f)
        if first != f and first.resolve() != f.resolve():
            problems.append((str(f), f"another file in this batch has the name {f.name}: {first}, which is the "
                                     "one added. The library holds one report per name; rename one to add both."))
    return list(kept.values()), problems


def add_documents(settings: Settings, encoder: Encoder, uploads: list[Upload], progress: bool = False,
                  report: Progress | None = None) -> AddReport:
    """Validate each report, keep the readable ones in the library, update the index.

    A bad report is rejected with its reason and the rest of the batch still goes in."""
    result = AddReport()
    seeds = settings.seeds_dir
    seeds.mkdir(parents=True, exist_ok=True)
    with write_lock(settings.index_dir):
        manifest = read_manifest(seeds)
        existing = {s.name: s for s in scan_library(seeds)}
        by_content = {s.sha256: s.name for s in existing.values()}
        accepted: list[tuple[Upload, dict]] = []
        seen: set[str] = set()
        for up in uploads:
            try:
                name = check_name(up.name)
                if name in seen:
                    raise DocumentError(f"{name} appears twice in this batch.")
                meta = {**manifest.get(name, {}), **clean_meta(up.meta)}
                doc = make_document(name, up.raw, meta)  # rejects unreadable files before anything is written
            except (DocumentError, BadParameter) as exc:
                result.rejected.append((up.name, str(exc)))
                continue
            seen.add(name)
            # Keep what the file told us, so the manifest says what the index shows.
            meta = {"title": doc.title, "date": doc.date, "publisher": doc.publisher, **meta}
            meta = {k: v for k, v in meta.items() if v}
            old = existing.get(name)
            if old is not None and old.sha256 == doc.sha256 and manifest.get(name, {}) == meta:
                result.unchanged.append(name)
                continue
            (result.replaced if old is not None else result.added).append(name)
            accepted.append((up, meta))
            _note_same_content(result, by_content, name, doc.sha256, old)
        for up, meta in accepted:
            _write_atomic(seeds / up.name, up.raw)
            manifest[up.name] = meta
        if accepted:
            _write_manifest(seeds, manifest)
        result.build = update_index(settings, encoder, progress=progress, report=report)
    return result


def _note_same_content(result: AddReport, by_content: dict[str, str], name: str, sha256: str,
                       old: SourceFile | None) -> None:
    """Record a report whose bytes another library report already has (M9: the answer would cite
    the same passage twice), and keep `by_content` true for the rest of the batch."""
    if old is not None and by_content.get(old.sha256) == name:
        del by_content[old.sha256]  # its old bytes leave the library with this replacement
    other = by_content.setdefault(sha256, name)
    if other != name:
        result.same_content.append((name, other))


def check_removal(seeds_dir: Path, names: list[str]) -> None:
    """Raise if removing `names` would fail: the CLI calls this before loading the model, and
    `remove_documents` again under the lock. Unknown names are an error and nothing is removed."""
    library = {p.name for p in list_document_files(seeds_dir)}
    unknown = [n for n in names if n not in library]
    if unknown:
        raise UnknownDocument(
            f"no such document: {', '.join(unknown)}; remove takes document names as `rag documents` lists "
            f"them, and the library has: {', '.join(sorted(library)) or 'nothing'}."
        )
    if len(set(names)) >= len(library):
        raise DocumentError("that would remove every report; the index needs at least one.")


def library_names(seeds_dir: Path, given: list[str]) -> list[str]:
    """The document names meant by `rag remove` arguments: a path (`/tmp/notes.txt`, as given to
    `rag add`) stands for the library report with its file name, if there is one."""
    library = {p.name for p in list_document_files(seeds_dir)}
    return [g if g in library or Path(g).name not in library else Path(g).name for g in given]


def remove_documents(settings: Settings, encoder: Encoder, names: list[str], report: Progress | None = None) -> BuildResult:
    """Delete reports from the library and the index; unknown names are an error, nothing removed."""
    seeds = settings.seeds_dir
    with write_lock(settings.index_dir):
        check_removal(seeds, names)
        # Files first: a manifest entry without its file is ignored, a file without its entry is not.
        for n in names:
            (seeds / n).unlink(missing_ok=True)
        manifest = read_manifest(seeds)
        for n in names:
            manifest.pop(n, None)
        _write_manifest(seeds, manifest)
        return update_index(settings, encoder, report=report)


def sync_library(settings: Settings, encoder: Encoder, force: bool = False, progress: bool = False,
                 report: Progress | None = None) -> BuildResult:
    """`rag build`: index whatever the library holds now (incrementally unless forced)."""
    with write_lock(settings.index_dir):
        return update_index(settings, encoder, force=force, progress=progress, report=report)
