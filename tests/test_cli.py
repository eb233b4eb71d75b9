"""The CLI end to end on the real seed index: answers, JSON shape, errors and exit codes."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from rag.cli import main


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
