"""Adding and removing reports: PDF, HTML and text in, bad files out, nothing lost.

Uses a private copy of the seed library and index per test; only new reports
are embedded, so each add costs well under a second of model time.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rag.corpus import display_date
from rag.errors import BadQuestion, DocumentError, UnknownDocument
from rag.indexing import expectations
from rag.library import Upload, add_documents, check_name, clean_meta, remove_documents
from rag.readers import normalise_date
from rag.service import load_service
from rag.settings import Settings
from rag.store import current_version, load_index
from tests.documents import HARBOUR_PDF_PAGES, LIGHTHOUSE_HTML, MOORLAND_TEXT, make_pdf

pytestmark = pytest.mark.slow


@pytest.fixture()
def library(seed_settings: Settings, seed_index: Path, tmp_path: Path) -> Settings:
    shutil.copytree(seed_settings.seeds_dir, tmp_path / "seeds")
    shutil.copytree(seed_index, tmp_path / "index")
    return seed_settings.model_copy(update={"seeds_dir": tmp_path / "seeds", "index_dir": tmp_path / "index"})


def test_a_mixed_batch_goes_in_and_each_bad_file_is_rejected_with_its_reason(library, encoder):
    before = load_index(library.index_dir)
    uploads = [
        Upload("harbourshire-2026.pdf", make_pdf(HARBOUR_PDF_PAGES, title="Harbourshire inspection")),
        Upload("lighthouse-bay.html", LIGHTHOUSE_HTML.encode()),
        Upload("moorland.txt", MOORLAND_TEXT.encode(), {"title": "Moorland AP review", "date": "2025-11"}),
        Upload("empty.txt", b""),
        Upload("junk.pdf", bytes(range(256)) * 40),
        Upload("latin1.txt", "caf\xe9 report".encode("latin-1")),
        Upload("locked.pdf", make_pdf(["Secret figures: 55 per cent."], encrypt_with="pw")),
        Upload("notes.docx", b"PK\x03\x04 not supported"),
    ]
    report = add_documents(library, encoder, uploads)

    assert report.added == ["harbourshire-2026.pdf", "lighthouse-bay.html", "moorland.txt"]
    reasons = dict(report.rejected)
    assert set(reasons) == {"empty.txt", "junk.pdf", "latin1.txt", "locked.pdf", "notes.docx"}
    assert "empty" in reasons["empty.txt"]
    assert "utf-8" in reasons["latin1.txt"].lower()
    assert "password" in reasons["locked.pdf"].lower() or "encrypt" in reasons["locked.pdf"].lower()
    assert "pdf" in reasons["junk.pdf"].lower()
    assert "supported" in reasons["notes.docx"]
    # Only the three new reports were embedded; the seeds were carried over.
    assert sorted(report.build.embedded) == sorted(report.added)
    after = load_index(library.index_dir)
    assert set(after.documents) == set(before.documents) | set(report.added)
    assert not (library.seeds_dir / "junk.pdf").exists()
    # Metadata: options win, else the file's own.
    assert after.documents["moorland.txt"].title == "Moorland AP review"
    assert after.documents["lighthouse-bay.html"].date == "2026-03-14"
    assert after.documents["harbourshire-2026.pdf"].title == "Harbourshire inspection"


def test_added_reports_answer_questions_with_page_citations(library, encoder):
    add_documents(library, encoder, [
        Upload("harbourshire-2026.pdf", make_pdf(HARBOUR_PDF_PAGES)),
        Upload("lighthouse-bay.html", LIGHTHOUSE_HTML.encode()),
    ])
    service = load_service(library, encoder=encoder)

    resp = service.ask("What share of probation practitioner posts were vacant in Harbourshire?")
    assert resp.answer is not None and "37" in resp.answer
    top = resp.citations[resp.answer_citation - 1]
    assert top.doc == "harbourshire-2026.pdf" and (top.page, top.end_page) == (1, 2)
    assert resp.answer_span is not None and resp.answer_span.page == 2
    text = service.documents["harbourshire-2026.pdf"].text
    assert "37 per cent" in " ".join(text[resp.answer_span.start:resp.answer_span.end].split())

    resp = service.ask("How many children did the Lighthouse Bay youth justice service supervise?")
    assert resp.answer == "212"
    html_text = service.documents["lighthouse-bay.html"].text
    assert "analytics" not in html_text and "menu" not in html_text and "footer" not in html_text


def test_a_changed_report_replaces_its_old_chunks(library, encoder):
    add_documents(library, encoder, [Upload("moorland.txt", MOORLAND_TEXT.encode())])
    revised = MOORLAND_TEXT.replace("48 bed spaces", "52 bed spaces")
    report = add_documents(library, encoder, [Upload("moorland.txt", revised.encode())])
    assert report.replaced == ["moorland.txt"] and report.build.embedded == ("moorland.txt",)
    stored = load_index(library.index_dir)
    texts = [c.text for c in stored.chunks if c.doc == "moorland.txt"]
    assert any("52 bed spaces" in t for t in texts) and not any("48 bed spaces" in t for t in texts)
    # The same file again changes nothing.
    again = add_documents(library, encoder, [Upload("moorland.txt", revised.encode())])
    assert again.unchanged == ["moorland.txt"] and again.build.skipped


def test_remove_deletes_a_report_from_library_and_index(library, encoder):
    add_documents(library, encoder, [Upload("moorland.txt", MOORLAND_TEXT.encode())])
    remove_documents(library, encoder, ["moorland.txt"])
    stored = load_index(library.index_dir)
    assert "moorland.txt" not in stored.documents
    assert not any(c.doc == "moorland.txt" for c in stored.chunks)
    assert not (library.seeds_dir / "moorland.txt").exists()
    with pytest.raises(UnknownDocument, match="no such document"):
        remove_documents(library, encoder, ["moorland.txt"])


@pytest.mark.parametrize("name", ["../../etc/passwd", "a/b.txt", "..", ".hidden.txt", "x\x00.txt", "report.exe",
                                  "manifest.json", "bad\nname.txt", "c:\\windows\\system.ini"])
def test_document_names_that_are_paths_or_oddities_are_refused(name):
    with pytest.raises(DocumentError):
        check_name(name)


def test_a_bad_report_in_the_library_is_skipped_by_build_and_the_rest_indexed(library, encoder):
    from rag.library import sync_library

    (library.seeds_dir / "broken.pdf").write_bytes(b"%PDF-1.7\n this is not really a pdf")
    result = sync_library(library, encoder)
    assert [name for name, _ in result.rejected] == ["broken.pdf"]
    stored = load_index(library.index_dir, expectations(library, encoder.name, encoder.sha256, encoder.backend))
    assert "broken.pdf" not in stored.documents and len(stored.documents) == 5
    assert sync_library(library, encoder).skipped  # a rejected file is not retried until it changes
    assert current_version(library.index_dir) == stored.path


# --- dates: a bad one is a bad parameter (exit 2, HTTP 422), never stored -------------------------


@pytest.mark.parametrize("date,message", [
    ("2026-13", "no such month"), ("2026-00", "no such month"), ("2026-02-30", "not a calendar date"),
    ("2025-02-29", "not a calendar date"), ("1800", "between 1900 and 2100"), ("3000-01-01", "between 1900 and 2100"),
    ("garbage", "YYYY, YYYY-MM or YYYY-MM-DD"), ("2026/03/14", "YYYY, YYYY-MM or YYYY-MM-DD"),
])
def test_a_date_that_is_not_a_real_one_in_1900_2100_is_a_bad_parameter(date, message):
    with pytest.raises(BadQuestion, match=message):
        clean_meta({"date": date})


@pytest.mark.parametrize("date", ["1900", "2100-12", "2024-02-29", "2026-03-14"])
def test_real_dates_in_range_are_kept(date):
    assert clean_meta({"date": f" {date} "}) == {"date": date}


def test_an_impossible_date_in_a_hand_edited_manifest_is_shown_as_given():
    assert display_date("2026-02-30") == "2026-02-30" and display_date("2026-13") == "2026-13"
    assert display_date("2024-02-29") == "29 February 2024" and display_date("2019-08") == "August 2019"


@pytest.mark.parametrize("value", ["1800-05-01", "0000-01-01", "01/01/1601", "3000"])
def test_a_files_own_date_outside_1900_2100_is_dropped_not_kept(value):
    assert normalise_date(value) == ""


def test_an_upload_with_a_bad_date_is_rejected_and_over_http_gets_422(library, encoder):
    from fastapi.testclient import TestClient
    from pydantic import SecretStr

    from rag.api.app import create_app

    report = add_documents(library, encoder, [Upload("gamma.txt", MOORLAND_TEXT.encode(), {"date": "2026-02-30"})])
    assert report.added == [] and "not a calendar date" in dict(report.rejected)["gamma.txt"]

    settings = library.model_copy(update={"api_token": SecretStr("t0ken")})
    app = create_app(settings, service=load_service(settings, encoder=encoder))
    app.state.writer_encoder = encoder
    with TestClient(app) as client:
        r = client.post("/documents?name=gamma.txt&date=2026-13", content=MOORLAND_TEXT.encode(),
                        headers={"Authorization": "Bearer t0ken"})
    assert r.status_code == 422, r.text
    assert "no such month" in r.json()["detail"]
    assert not (library.seeds_dir / "gamma.txt").exists()


# --- the same content twice, the same name twice, removing by path -------------------------------


def test_a_report_with_the_same_bytes_as_another_is_added_with_a_warning(library, encoder):
    seed = library.seeds_dir / "003_97cfb1dd66e4e149.txt"
    report = add_documents(library, encoder, [
        Upload("london-copy.txt", seed.read_bytes()),
        Upload("moorland.txt", MOORLAND_TEXT.encode()),
        Upload("moorland-again.txt", MOORLAND_TEXT.encode()),
    ])
    assert report.added == ["london-copy.txt", "moorland.txt", "moorland-again.txt"]
    assert report.same_content == [("london-copy.txt", seed.name), ("moorland-again.txt", "moorland.txt")]
    # Replacing a report's own bytes is not a copy of anything.
    again = add_documents(library, encoder, [Upload("moorland.txt", MOORLAND_TEXT.encode(), {"title": "New"})])
    assert again.replaced == ["moorland.txt"] and again.same_content == []


def test_cli_add_names_the_file_kept_of_two_with_one_name_and_warns_of_a_copy(library, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "moor.txt").write_text(MOORLAND_TEXT, encoding="utf-8")
    (tmp_path / "b" / "moor.txt").write_text("Another moor. The Otherfell CRC had 3 offices.\n", encoding="utf-8")
    twin = tmp_path / "twin.txt"
    twin.write_bytes((library.seeds_dir / "003_97cfb1dd66e4e149.txt").read_bytes())

    result = _cli(library, "add", str(tmp_path / "a"), str(tmp_path / "b"), str(twin))
    assert result.exit_code == 3, result.output  # b/moor.txt was left out
    assert f"Rejected {tmp_path / 'b' / 'moor.txt'}: another file in this batch has the name moor.txt: " \
           f"{tmp_path / 'a' / 'moor.txt'}, which is the one added" in result.output
    assert "Warning: twin.txt has the same content as 003_97cfb1dd66e4e149.txt" in result.output
    assert (library.seeds_dir / "moor.txt").read_text(encoding="utf-8") == MOORLAND_TEXT
    assert (library.seeds_dir / "twin.txt").exists()


def test_cli_remove_takes_a_path_to_a_library_report_by_its_file_name(library, encoder):
    add_documents(library, encoder, [Upload("moorland.txt", MOORLAND_TEXT.encode())])
    result = _cli(library, "remove", "/some/path/moorland.txt")
    assert result.exit_code == 0, result.output
    assert "Removed: moorland.txt" in result.output
    assert not (library.seeds_dir / "moorland.txt").exists()
    assert "moorland.txt" not in load_index(library.index_dir).documents


def _cli(settings: Settings, *args: str):
    from click.testing import CliRunner

    from rag.cli import main

    return CliRunner().invoke(main, ["--index", str(settings.index_dir), "--seeds", str(settings.seeds_dir), *args])
