"""The CLI end to end on the real seed index: answers, JSON shape, errors and exit codes."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from rag.cli import main
from rag.errors import BadParameter

AGENCY = "What proportion of London CRC staff were agency workers in 2019?"
LONDON = "003_97cfb1dd66e4e149.txt"


@pytest.fixture()
def run(seed_settings, seed_index):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(
            main, ["--index", str(seed_settings.index_dir), "--seeds", str(seed_settings.seeds_dir), *args]
        )

    return invoke


def test_ask_prints_the_figure_its_sentence_and_cited_passages(run):
    result = run("ask", "What proportion of London CRC staff were agency workers in 2019?")
    assert result.exit_code == 0, result.output
    assert re.search(r"Answer: .*one in four", result.output)
    assert re.search(r"\[1\] London probation service .*\(21 August 2019\), 003_97cfb1dd66e4e149\.txt chars \d+-\d+",
                     result.output)


def test_ask_json_citations_verify_against_the_original_files(run, originals):
    result = run("ask", "How many probation officer vacancies were there across the NPS?", "--json", "-k", "3")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"question", "answer", "answer_sentence", "citations"}
    assert data["answer"] == "615"
    assert len(data["citations"]) == 3
    for c in data["citations"]:
        assert set(c) >= {"rank", "doc", "title", "date", "start", "end", "text", "score"}
        original = " ".join(originals[c["doc"]][c["start"] : c["end"]].split())
        # The cleaned passage's words come from that very span of the original.
        assert " ".join(c["text"].split()[:4]) in original
    cited = data["citations"][data["answer_citation"] - 1]
    assert "615" in cited["text"] and "615" in originals[cited["doc"]][cited["start"] : cited["end"]]


def test_build_does_nothing_when_the_index_is_up_to_date(run):
    result = run("build")
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


@pytest.mark.parametrize(
    "args,code,message",
    [
        (["ask", "   "], 2, "question is empty"),
        (["ask", "x" * 2001], 2, "limit is 2000"),
        (["ask", "vacancies", "-k", "0"], 2, "k must be between 1 and 50"),
        (["ask", "vacancies", "--doc", "nope.txt"], 2, "unknown document"),
    ],
)
def test_bad_input_gets_a_clear_message_and_exit_code(run, args, code, message):
    result = run(*args)
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_index_exits_with_a_rebuild_hint(tmp_path, seed_settings):
    result = CliRunner().invoke(main, ["--index", str(tmp_path / "none"), "--seeds", str(seed_settings.seeds_dir),
                                       "ask", "anything"])
    assert result.exit_code == 4
    assert "rag build" in result.output


# --- errors before any work: hermetic, no index or model needed -------------------------------------


@pytest.fixture()
def bare(tmp_path):
    """The CLI over a small library of its own and no index: anything that reaches the
    index or the model fails with exit 4, so a check that should come first is seen to."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "alpha.txt").write_text("Alpha report. The Alphashire CRC had 12 offices in 2024.\n", encoding="utf-8")
    (seeds / "beta.txt").write_text("Beta report. The Betashire CRC had 40 staff in 2023.\n", encoding="utf-8")
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, ["--index", str(tmp_path / "index"), "--seeds", str(seeds), *args])

    return invoke


@pytest.mark.parametrize(
    "content,line,message",
    [
        (b'{"question": "x"', 1, "not valid JSON"),
        (b'{"id": "q1", "question": "How many?", "kind": "count"}\n[1, 2, 3]\n', 2, "must be a JSON object"),
        (b'{"foo": "bar"}\n', 1, "has no id, question or kind"),
        (b'\n\n{"id": "q1", "question": "caf\xe9?", "kind": "count"}\n', 3, "not UTF-8"),
        (b'{"id": "q1", "question": "How many?", "kind": "count", "split": "weird"}\n', 1, "split must be dev or test"),
        (b'{"id": "q1", "question": "How many?", "kind": "count"}\n{"id": "q7", "question": "  ", "kind": "count"}\n',
         2, "record 'q7': the question is empty"),
        (b'{"id": "q1", "question": "How many?", "kind": "count", "aliases": "615"}\n', 1, "aliases must be a list"),
    ],
)
def test_a_malformed_eval_set_names_its_file_and_line_and_exits_2(bare, tmp_path, content, line, message):
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(content)
    result = bare("eval", "--set", str(bad), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    assert f"Error: {bad}:{line}: " in result.output and message in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_missing_eval_set_exits_2(bare, tmp_path):
    result = bare("eval", "--set", str(tmp_path / "nowhere.jsonl"))
    assert result.exit_code == 2 and "does not exist" in result.output


def test_an_eval_record_citing_a_document_not_in_the_index_is_refused(run, tmp_path):
    bad = tmp_path / "set.jsonl"
    bad.write_text('{"id": "q1", "question": "How many vacancies?", "answer": "615", "doc": "nope.txt", '
                   '"kind": "count", "split": "dev"}\n', encoding="utf-8")
    result = run("eval", "--set", str(bad), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    assert f"Error: {bad}:1: record 'q1': doc 'nope.txt' is not in the index" in result.output


@pytest.mark.parametrize(
    "args,message",
    [
        (["--port", "99999"], "99999 is not in the range"),
        (["--port", "0"], "0 is not in the range"),
        (["--workers", "0"], "0 is not in the range"),
        (["--host", "192.0.2.1"], "not an address of this machine"),  # TEST-NET-1: never a local address
        (["--host", "x" * 64 + ".example"], "cannot listen on --host"),  # refused without asking DNS
    ],
)
def test_serve_refuses_a_bad_address_or_worker_count_with_exit_2(bare, args, message):
    result = bare("serve", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_serve_refuses_a_port_in_use_with_exit_2(bare):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = bare("serve", "--port", str(port))
    assert result.exit_code == 2, result.output
    assert f"port {port} is already in use" in result.output


@pytest.mark.parametrize("date,message", [
    ("2026-13", "no such month"), ("2026-02-30", "not a calendar date"), ("1800", "between 1900 and 2100"),
    ("3000-01-01", "between 1900 and 2100"), ("garbage", "YYYY, YYYY-MM or YYYY-MM-DD"), ("2026-1-5", "YYYY-MM-DD"),
])
def test_add_refuses_a_bad_date_with_exit_2_before_loading_the_model(bare, tmp_path, date, message):
    report = tmp_path / "gamma.txt"
    report.write_text("Gamma report. The Gammashire CRC had 9 hostels.\n", encoding="utf-8")
    result = bare("add", str(report), "--date", date)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Loading model" not in result.output
    assert not (tmp_path / "seeds" / "gamma.txt").exists()


def test_add_of_only_rejected_names_does_not_load_the_model(bare, tmp_path):
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04 not supported")
    result = bare("add", str(tmp_path / "notes.docx"))
    assert result.exit_code == 3, result.output
    assert "unsupported file type" in result.output and "Loading model" not in result.output


def test_remove_of_an_unknown_name_says_remove_takes_names_before_loading_the_model(bare):
    result = bare("remove", "/some/where/gamma.txt")
    assert result.exit_code == 2, result.output
    assert "no such document: /some/where/gamma.txt" in result.output
    assert "alpha.txt, beta.txt" in result.output and "document names" in result.output
    assert "Loading model" not in result.output


def test_ask_help_says_a_question_starting_with_a_dash_needs_a_double_dash(bare):
    result = bare("ask", "--help")
    assert 'rag ask -- "-1 vacancies"' in result.output


def test_printed_answers_carry_no_terminal_escapes(capsys):
    from rag.cli import _print_answer

    evil = "Staff: \x1b]0;PWNED\x07 55 \x1b[31mred\x1b[0m \x9b2J\x07\x08 done\ttab"
    citation = SimpleNamespace(rank=1, title=f"Title {evil}", date="2024", doc="esc.txt", start=0, end=10,
                               page=None, text=evil, section=f"Heading {evil}")
    resp = SimpleNamespace(answer="55\x1b[2J", answer_sentence=evil, answer_citation=1, message=None,
                           citations=[citation], searched_as=f"Searched {evil}")
    _print_answer(resp)
    out = capsys.readouterr().out
    assert not [ch for ch in out if ord(ch) < 32 and ch not in "\n\t" or 0x7F <= ord(ch) <= 0x9F], repr(out)
    assert "PWNED" not in out and "Staff:" in out and "55" in out and "red" in out and "done" in out


def test_a_closed_output_pipe_ends_quietly_with_141(seed_settings, seed_index):
    """`rag documents | head -1`: the reader went away; no traceback, and 128 + SIGPIPE as coreutils give."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # closed before the child writes: its first write fails with EPIPE
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "rag.cli", "--index", str(seed_settings.index_dir),
             "--seeds", str(seed_settings.seeds_dir), "documents"],
            stdout=write_end, stderr=subprocess.PIPE, timeout=120,
        )
    finally:
        os.close(write_end)
    assert proc.returncode == 141, proc.stderr.decode()
    assert proc.stderr == b""


# --- options are given once ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args,option",
    [
        (["ask", "-k", "3", "-k", "7", "vacancies"], "'-k'"),
        (["ask", "--mode", "bm25", "vacancies", "--mode", "dense"], "'--mode'"),
        (["ask", "--json", "--json", "vacancies"], "'--json'"),
        (["serve", "--port", "8001", "--port", "8002"], "'--port'"),
        (["eval", "--failures", "--no-failures"], "'--failures' / '--no-failures'"),
        (["add", "a.txt", "--date", "2024", "--date", "2025"], "'--date'"),
        (["--model", "a", "--model", "b", "documents"], "'--model'"),
    ],
)
def test_a_repeated_option_is_refused_with_exit_2_rather_than_taking_the_last(bare, args, option):
    result = bare(*args)
    assert result.exit_code == 2, result.output
    assert f"Error: option {option} is given more than once" in result.output
    assert "Loading model" not in result.output and "Traceback" not in result.output


# --- the answer's JSON says which cited reports changed since the build -----------------------------


def test_ask_json_names_a_cited_report_edited_since_the_build(seed_settings, seed_index, tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(seed_settings.seeds_dir, seeds)
    edited = seeds / LONDON
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA late correction.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--index", str(seed_index), "--seeds", str(seeds), "ask", "--json", AGENCY])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert LONDON in {c["doc"] for c in data["citations"]}
    assert data["stale"] == [LONDON]
    assert "changed: " + LONDON in result.stderr  # the note the human output has always printed


def test_ask_json_has_no_stale_reports_when_the_library_matches_the_index(run):
    result = run("ask", "--json", AGENCY)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stale"] is None


# --- the modules the CLI leans on ---------------------------------------------------------------------


def test_plain_removes_terminal_controls_and_keeps_newlines_and_tabs():
    from rag.terminal import plain

    assert plain("a\x1b]0;title\x07b\x1b[1mc\x1b[0m\td\ne\x9bf\x00") == "abc\td\nef"


def test_check_listen_refuses_a_port_in_use_naming_it():
    from rag.api.server import check_listen

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(BadParameter, match=f"port {port} is already in use"):
            check_listen("127.0.0.1", port)
