"""Adding and removing reports: PDF, HTML and text in, bad files out, nothing lost.

Uses a private copy of the seed library and index per test; only new reports
are embedded, so each add costs well under a second of model time.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rag.errors import DocumentError, UnknownDocument
from rag.indexing import expectations
from rag.library import Upload, add_documents, check_name, remove_documents
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
