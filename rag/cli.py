"""`rag`: build the index, ask questions, serve the API, evaluate.

A thin layer over the library: it parses options into Settings, calls the
library, and turns domain errors into "Error: ..." and an exit code.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import click

from rag.errors import RagError
from rag.settings import Settings


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj["settings"]


class RagGroup(click.Group):
    """Turns domain errors into a one-line message and the error's exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RagError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)
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


@main.command()
@click.option("--force", is_flag=True, help="rebuild even if the index is up to date")
@click.pass_context
def build(ctx: click.Context, force: bool) -> None:
    """(Re)build the index from the seeds directory."""
    from rag.corpus import load_corpus
    from rag.embedding import describe, encoder_for
    from rag.indexing import build_index, expectations, index_status

    s = _settings(ctx)
    first_use = "; exported to ONNX on first use, ~10 s" if s.encoder_backend == "onnx" else ""
    click.echo(f"Loading model ({s.model}){first_use}...", err=True)
    encoder = encoder_for(s, threads=None)
    click.echo(f"Model: {describe(encoder)}", err=True)
    docs = load_corpus(s.seeds_dir)
    if not force:
        why = index_status(s, expectations(s, docs, encoder.name, encoder.sha256, encoder.backend))
        if why is None:
            click.echo(f"Index in {s.index_dir} is up to date ({len(docs)} documents); nothing to do. "
                       "Use --force to rebuild.")
            return
        click.echo(f"Building: {why}", err=True)
    click.echo(f"Cleaning, chunking and embedding {len(docs)} documents...", err=True)
    result = build_index(s, encoder, docs, progress=True)
    click.echo(f"Built {result.path}: {result.documents} documents, {result.chunks} chunks in {result.seconds:.1f} s.")


def _print_answer(resp, width: int = 100) -> None:
    click.echo()
    if resp.answer is not None:
        click.secho(f"Answer: {resp.answer}", bold=True)
        click.echo(textwrap.fill(f"“{resp.answer_sentence}” [{resp.answer_citation}]", width,
                                 initial_indent="  ", subsequent_indent="  "))
    else:
        click.secho(f"Answer: {resp.message}", bold=True)
    click.echo()
    for c in resp.citations:
        click.secho(f"[{c.rank}] {c.title} ({c.date}), {c.doc} chars {c.start}-{c.end}", fg="cyan")
        snippet = c.text if len(c.text) <= 600 else c.text[:600] + "…"
        click.echo(textwrap.fill(" ".join(snippet.split()), width, initial_indent="    ", subsequent_indent="    "))
    click.echo()


@main.command()
@click.argument("question")
@click.option("-k", "k", default=5, show_default=True, help="passages to cite (1-50)")
@click.option("--doc", help="only this document (file name)")
@click.option("--year", type=int, help="only documents dated this year")
@click.option("--mode", type=click.Choice(["hybrid", "dense", "bm25"]), default="hybrid", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output, same shape as the HTTP answer")
@click.pass_context
def ask(ctx: click.Context, question: str, k: int, doc: str | None, year: int | None, mode: str, as_json: bool) -> None:
    """Answer QUESTION from the reports, citing the passages."""
    from rag.service import load_service

    service = load_service(_settings(ctx))
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
    """Measure retrieval and answer quality on the eval set."""
    from rag.evaluation import evaluate, format_breakdown, format_table, load_questions, write_chart
    from rag.service import load_service
    from rag.settings import PROJECT_ROOT

    set_path = set_path or PROJECT_ROOT / "eval" / "questions.jsonl"
    out = out or PROJECT_ROOT / "eval" / "results"
    questions = [q for q in load_questions(set_path) if split == "all" or q.split == split]
    if not questions:
        raise click.UsageError(f"no questions in {set_path} for split {split!r}")
    service = load_service(_settings(ctx))
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
    click.echo(f"{len(questions)} questions ({split} split) from {set_path}\n")
    click.echo(format_table(reports))
    main_report = reports["hybrid" if "hybrid" in reports else modes[0]]
    click.echo("\n" + format_breakdown(main_report, "by_doc") + "\n\n" + format_breakdown(main_report, "by_kind"))
    if failures and main_report["failures"]:
        click.echo(f"\nFailures ({main_report['mode']}):")
        for f in main_report["failures"]:
            click.echo(f"  {f['id']} [{f['kind']}] expected {f['expected']!r}, got {f['answer']!r}, "
                       f"hit rank {f['hit_rank']}: {f['question']}")
    click.echo(f"\nReport: {out / (name + '.json')}  chart: {out / (name + '.png')}")


@main.command()
@click.option("--host", default=None, help="bind address [default 127.0.0.1]")
@click.option("--port", default=None, type=int, help="port [default 8000]")
@click.option("--workers", default=1, show_default=True, help="worker processes")
@click.option("--build/--no-build", "build_missing", default=False, help="build the index first if missing or stale")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, workers: int, build_missing: bool) -> None:
    """Serve the HTTP API and web page."""
    from rag.api.server import run

    s = _settings(ctx)
    s = s.model_copy(update={k: v for k, v in {"host": host, "port": port}.items() if v})
    if build_missing:
        ctx.invoke(build, force=False)
    run(s, workers=workers)


if __name__ == "__main__":
    main()
