"""`rag`: build the index, ask questions, serve the API, evaluate.

A thin layer over the library: it parses options into Settings, calls the
library, and turns domain errors into "Error: ..." and an exit code.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

import click

from rag.errors import BadParameter, RagError
from rag.settings import Settings
from rag.terminal import plain

# What `cmd | head` gets from coreutils: 128 + SIGPIPE. Not 0, so `set -o pipefail` can tell the
# output was cut short; not 1, which would read as a failure of the command itself.
EXIT_BROKEN_PIPE = 141


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj["settings"]


def _echo(message: str = "", err: bool = False, **style) -> None:
    click.secho(plain(message), err=err, **style)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush on exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (a test runner's capture): nothing is flushed to a closed pipe


class OptionsOnce:
    """For `rag` and each command: a single-valued option given twice is a usage error (exit 2).

    Click keeps the last value: `rag ask -k 3 ... -k 7` cited 7 passages and `--port 8001
    --port 8002` served on 8002, and neither said the other was dropped. The arguments are
    parsed once more, on a copy: the parser consumes them."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not ctx.resilient_parsing:  # shell completion: nothing is run
            _, _, order = self.make_parser(ctx).parse_args(args=list(args))  # type: ignore[attr-defined]
            once = [p for p in order if isinstance(p, click.Option) and not (p.multiple or p.count)]
            for i, param in enumerate(once):
                if param in once[:i]:
                    names = " / ".join(f"'{name}'" for name in (*param.opts, *param.secondary_opts))
                    raise click.UsageError(f"option {names} is given more than once; give it once.", ctx)
        return super().parse_args(ctx, args)  # type: ignore[misc]


class RagCommand(OptionsOnce, click.Command):
    """Every `rag` subcommand: each option is given once."""


class RagGroup(OptionsOnce, click.Group):
    """Each option is given once; domain errors become a one-line message and the error's exit code."""

    command_class = RagCommand

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RagError as exc:
            _echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except BrokenPipeError:  # `rag ask ... | head -1`: the reader has what it wanted
            _quiet_stdout()
            sys.exit(EXIT_BROKEN_PIPE)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)


@click.group(cls=RagGroup)
@click.option("--index", "index_dir", type=click.Path(path_type=Path), help="index directory [env RAG_INDEX_DIR; default index/]")
@click.option("--seeds", "seeds_dir", type=click.Path(path_type=Path), help="report files [env RAG_SEEDS_DIR; default seeds/]")
@click.option("--model", help="sentence-transformers model path [env RAG_MODEL; default: bundled all-MiniLM-L6-v2]")
@click.pass_context
def main(ctx: click.Context, index_dir: Path | None, seeds_dir: Path | None, model: str | None) -> None:
    """Answer questions over HM Inspectorate of Probation reports, with verifiable citations."""
    overrides = {k: v for k, v in {"index_dir": index_dir, "seeds_dir": seeds_dir, "model": model}.items() if v}
    try:
        settings = Settings(**overrides)
    except Exception as exc:  # pydantic ValidationError: a bad RAG_* variable
        raise click.UsageError(f"invalid settings: {exc}") from exc
    ctx.obj = {"settings": settings}


def _load_encoder(s: Settings):
    from rag.embedding import describe, encoder_for

    first_use = "; exported to ONNX on first use, ~10 s" if s.encoder_backend == "onnx" else ""
    click.echo(f"Loading model ({s.model}){first_use}...", err=True)
    encoder = encoder_for(s, threads=None)
    click.echo(f"Model: {describe(encoder)}", err=True)
    return encoder


def _say(message: str) -> None:
    _echo(message, err=True)


def _print_build(result) -> None:
    if result.skipped:
        _echo(f"Index {result.path} is up to date ({result.documents} documents, {result.chunks} chunks); "
              "nothing to do. Use --force to rebuild.")
        return
    reused = result.documents - len(result.embedded)
    _echo(f"Index {result.path}: {result.documents} documents ({len(result.embedded)} embedded, {reused} reused"
          + (f", {len(result.removed)} removed" if result.removed else "")
          + f"), {result.chunks} chunks in {result.seconds:.1f} s.")
    for name, why in result.rejected:
        _echo(f"Skipped {name}: {why}", fg="yellow", err=True)


@main.command()
@click.option("--force", is_flag=True, help="re-embed every report, not only new or changed ones")
@click.pass_context
def build(ctx: click.Context, force: bool) -> None:
    """Index the reports in the library directory (seeds/), embedding only new or changed ones.

    Unreadable files are skipped with a warning; the rest are indexed. The new
    index version replaces the old one atomically: a running server switches
    to it within a second, and an interrupted build leaves the old one in place."""
    from rag.library import sync_library

    s = _settings(ctx)
    encoder = _load_encoder(s)
    _print_build(sync_library(s, encoder, force=force, progress=True, report=_say))


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--title", help="title (one file only; default: the file's own metadata, else its name)")
@click.option("--date", help="publication date YYYY[-MM[-DD]] (default: the file's own metadata)")
@click.option("--publisher", help="publisher (default: the file's own metadata)")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@click.pass_context
def add(ctx: click.Context, paths: tuple[Path, ...], title: str | None, date: str | None, publisher: str | None,
        as_json: bool) -> None:
    """Add reports (PDF, HTML, text; files or directories) to the library and the index.

    Each file is copied into the library under its own name (an existing name is
    replaced) and only new or changed reports are embedded. A file that cannot be
    read is rejected with the reason and the others still go in; the exit code
    is then 3. A bad --date (not YYYY, YYYY-MM or YYYY-MM-DD, not a calendar date,
    or a year outside 1900-2100) adds nothing and exits 2. A file with the same
    content as a report already in the library is added with a warning."""
    from rag.library import add_documents, clean_meta, collect_files

    s = _settings(ctx)
    meta = clean_meta({"title": title, "date": date, "publisher": publisher})  # a bad option stops everything
    files, problems = collect_files(list(paths))
    if title and len(files) > 1:
        raise click.UsageError("--title applies to one file; give one file or set titles in seeds/manifest.json.")
    uploads = _read_uploads(files, meta, problems)
    result = None
    if uploads:
        encoder = _load_encoder(s)
        result = add_documents(s, encoder, uploads, progress=True, report=_say)
    rejected = problems + (result.rejected if result else [])
    if as_json:
        click.echo(json.dumps({
            "added": result.added if result else [], "replaced": result.replaced if result else [],
            "unchanged": result.unchanged if result else [],
            "rejected": [{"name": n, "reason": r} for n, r in rejected],
            "same_content": [{"name": n, "same_as": o} for n, o in (result.same_content if result else [])],
            "index": result.build.path if result and result.build else None,
        }, indent=2))
    else:
        if result:
            _print_added(result)
        for name, why in rejected:
            _echo(f"Rejected {name}: {why}", fg="red", err=True)
    if rejected:
        sys.exit(3)


def _read_uploads(files: list[Path], meta: dict, problems: list[tuple[str, str]]) -> list:
    """Each file as an Upload; a bad name or an unreadable file goes to `problems` here, so a
    batch with nothing to add never waits for the model to load."""
    from rag.errors import DocumentError
    from rag.library import Upload, check_name

    uploads = []
    for f in files:
        try:
            uploads.append(Upload(check_name(f.name), f.read_bytes(), meta))
        except DocumentError as exc:
            problems.append((str(f), str(exc)))
        except OSError as exc:
            problems.append((str(f), f"cannot read it: {exc.strerror or exc}"))
    return uploads


def _print_added(result) -> None:
    for label, names in (("Added", result.added), ("Replaced", result.replaced), ("Unchanged", result.unchanged)):
        if names:
            _echo(f"{label}: {', '.join(names)}")
    if result.build:
        _print_build(result.build)
    for name, other in result.same_content:
        _echo(f"Warning: {name} has the same content as {other}, which the library already holds; both are kept, "
              f"so their passages will be cited twice. `rag remove {name}` (or {other}) drops the copy.",
              fg="yellow", err=True)


@main.command()
@click.argument("docs", nargs=-1, required=True)
@click.pass_context
def remove(ctx: click.Context, docs: tuple[str, ...]) -> None:
    """Remove reports (by file name, as `rag documents` lists them) from the library and the index.

    A path stands for its file name (`rag remove ~/reports/notes.txt` removes notes.txt),
    as `rag add` took it. An unknown name removes nothing and exits 2."""
    from rag.library import check_removal, library_names, remove_documents

    s = _settings(ctx)
    names = library_names(s.seeds_dir, list(docs))
    check_removal(s.seeds_dir, names)  # before the model load: a typo costs nothing
    encoder = _load_encoder(s)
    result = remove_documents(s, encoder, names, report=_say)
    _echo(f"Removed: {', '.join(names)}")
    _print_build(result)


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def documents(ctx: click.Context, as_json: bool) -> None:
    """List the reports in the index, and library changes not indexed yet."""
    from rag.corpus import display_date, scan_library
    from rag.store import load_index, pending_changes

    s = _settings(ctx)
    stored = load_index(s.index_dir)
    rows = [
        {"doc": d.doc, "title": d.title, "date": d.date, "format": d.format, "chunks": d.chunks,
         "pages": len(d.pages) or None}
        for d in stored.documents.values()
    ]
    pending = pending_changes(scan_library(s.seeds_dir), stored)
    if as_json:
        click.echo(json.dumps({"index": stored.path.name, "documents": rows,
                               "pending": pending.describe() if pending else None}, indent=2))
        return
    for r in rows:
        _echo(f"{r['doc']}  {display_date(r['date'])}  {r['format']}  {r['chunks']} chunks  {r['title']}")
    if pending:
        _echo(pending.describe(), fg="yellow", err=True)


def _print_answer(resp, width: int = 100) -> None:
    """The human-readable answer. Everything printed goes through `plain`: it quotes reports."""
    _echo()
    if resp.searched_as:
        _echo(f"Searched as: {resp.searched_as}", fg="yellow")
    if resp.answer is not None:
        _echo(f"Answer: {resp.answer}", bold=True)
        _echo(textwrap.fill(f"“{plain(resp.answer_sentence or '')}” [{resp.answer_citation}]", width,
                            initial_indent="  ", subsequent_indent="  "))
    else:
        _echo(f"Answer: {resp.message}", bold=True)
    _echo()
    for c in resp.citations:
        page = f", page {c.page}" if c.page else ""
        section = f", key facts: {c.section}" if c.section else ""
        _echo(f"[{c.rank}] {c.title} ({c.date}), {c.doc} chars {c.start}-{c.end}{page}{section}", fg="cyan")
        snippet = c.text if len(c.text) <= 600 else c.text[:600] + "…"
        _echo(textwrap.fill(" ".join(plain(snippet).split()), width, initial_indent="    ", subsequent_indent="    "))
    _echo()


@main.command()
@click.argument("question")
@click.option("-k", "k", default=5, show_default=True, help="passages to cite (1-50)")
@click.option("--doc", help="only this document (file name)")
@click.option("--year", type=int, help="only documents dated this year")
@click.option("--mode", type=click.Choice(["hybrid", "dense", "bm25"]), default="hybrid", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output, same shape as the HTTP answer")
@click.pass_context
def ask(ctx: click.Context, question: str, k: int, doc: str | None, year: int | None, mode: str, as_json: bool) -> None:
    """Answer QUESTION from the reports, citing the passages.

    A question that starts with '-' needs `--` before it, or it is read as an option:
    rag ask -- "-1 vacancies"."""
    from rag.service import load_service

    service = load_service(_settings(ctx))
    if service.pending:
        _echo(f"Note: {service.pending.describe()}", fg="yellow", err=True)
    resp = service.ask(question, k=k, doc=doc, year=year, mode=mode)  # type: ignore[arg-type]
    if as_json:
        click.echo(json.dumps(resp.model_dump(), ensure_ascii=False, indent=2))
    else:
        _print_answer(resp)


@main.command(name="eval")
@click.option("--set", "set_path", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              default=None, help="questions file [default eval/questions.jsonl]")
@click.option("--mode", type=click.Choice(["hybrid", "dense", "bm25", "all"]), default="hybrid", show_default=True)
@click.option("--split", type=click.Choice(["dev", "test", "all"]), default="all", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="print the full JSON report")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="where to write the JSON report and chart [default eval/results/]")
@click.option("--failures/--no-failures", default=True, help="list the questions that failed")
@click.pass_context
def eval_cmd(ctx: click.Context, set_path: Path | None, mode: str, split: str, as_json: bool, out: Path | None,
             failures: bool) -> None:
    """Measure retrieval and answer quality on the eval set.

    The set is JSON lines, one record per question: id, question and kind, and optionally
    answer (null: the reports do not say), aliases, doc and split (dev or test). A record
    that is not valid, or names a doc the index does not hold, stops the run with its
    file and line (exit 2)."""
    from rag.evaluation import (
        check_documents,
        evaluate,
        format_breakdown,
        format_table,
        load_questions,
        write_chart,
    )
    from rag.service import load_service
    from rag.settings import PROJECT_ROOT

    set_path = set_path or PROJECT_ROOT / "eval" / "questions.jsonl"
    out = out or PROJECT_ROOT / "eval" / "results"
    every = load_questions(set_path)
    questions = [q for q in every if split == "all" or q.split == split]
    if not questions:
        raise click.UsageError(f"no questions in {set_path} for split {split!r}")
    service = load_service(_settings(ctx))
    check_documents(every, service.documents, set_path)
    modes = ["dense", "bm25", "hybrid"] if mode == "all" else [mode]
    reports = {m: evaluate(service, questions, m) for m in modes}  # type: ignore[arg-type]
    out.mkdir(parents=True, exist_ok=True)
    report = {"set": str(set_path), "split": split, "questions": len(questions),
              "settings": json.loads(_settings(ctx).model_dump_json()), "reports": reports}
    name = f"{split}-{mode}"
    (out / f"{name}.json").write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    write_chart(reports, out / f"{name}.png")
    if as_json:
        click.echo(json.dumps(report, indent=1, ensure_ascii=False))
        return
    _echo(f"{len(questions)} questions ({split} split) from {set_path}\n")
    _echo(format_table(reports))
    main_report = reports["hybrid" if "hybrid" in reports else modes[0]]
    _echo("\n" + format_breakdown(main_report, "by_doc") + "\n\n" + format_breakdown(main_report, "by_kind"))
    if failures and main_report["failures"]:
        _echo(f"\nFailures ({main_report['mode']}):")
        for f in main_report["failures"]:
            _echo(f"  {f['id']} [{f['kind']}] expected {f['expected']!r}, got {f['answer']!r}, "
                  f"hit rank {f['hit_rank']}: {f['question']}")
    _echo(f"\nReport: {out / (name + '.json')}  chart: {out / (name + '.png')}")


@main.command()
@click.option("--host", default=None, help="bind address [env RAG_HOST; default 127.0.0.1]")
@click.option("--port", default=None, type=click.IntRange(1, 65535), help="port [env RAG_PORT; default 8000]")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1), help="worker processes")
@click.option("--build/--no-build", "build_missing", default=False, help="build the index first if missing or stale")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, workers: int, build_missing: bool) -> None:
    """Serve the HTTP API and web page.

    A port out of range, a port already in use or a host this machine cannot listen on
    is refused before anything loads (exit 2)."""
    from rag.api.server import check_listen, run

    s = _settings(ctx)
    s = s.model_copy(update={k: v for k, v in {"host": host, "port": port}.items() if v})
    check_listen(s.host, s.port)
    if build_missing:
        ctx.invoke(build, force=False)
    try:
        run(s, workers=workers)
    except SystemExit as exc:
        if exc.code == 3:  # uvicorn's "startup failed": the address was taken after check_listen
            raise BadParameter(f"the server could not start on {s.host}:{s.port}; the log above says why.") from None
        raise


if __name__ == "__main__":
    main()
