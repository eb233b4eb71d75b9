"""POST and DELETE /documents behind a bearer token, and a server that follows the index.

Each test gets a private copy of the seed library and index; the app reuses the
session's encoder for writes, so only the new report is embedded.
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from rag.api.app import create_app
from rag.library import Upload, add_documents
from rag.service import load_service
from rag.settings import Settings
from tests.documents import HARBOUR_PDF_PAGES, LIGHTHOUSE_HTML, MOORLAND_TEXT, make_pdf

pytestmark = pytest.mark.slow

TOKEN = "test-token-4f9a"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture()
def library(seed_settings: Settings, seed_index: Path, tmp_path: Path) -> Settings:
    shutil.copytree(seed_settings.seeds_dir, tmp_path / "seeds")
    shutil.copytree(seed_index, tmp_path / "index")
    return seed_settings.model_copy(update={
        "seeds_dir": tmp_path / "seeds", "index_dir": tmp_path / "index", "api_token": SecretStr(TOKEN),
        "reload_interval": 0.2,
    })


def _client(settings: Settings, encoder) -> TestClient:
    app = create_app(settings, service=load_service(settings, encoder=encoder))
    app.state.writer_encoder = encoder
    return TestClient(app)


def test_upload_needs_the_token_and_then_the_report_answers_at_once(library, encoder):
    with _client(library, encoder) as client:
        pdf = make_pdf(HARBOUR_PDF_PAGES, title="Harbourshire inspection")
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
            r = client.post("/documents?name=harbour.pdf", content=pdf, headers=headers)
            assert r.status_code == 401 and "Bearer" in r.json()["detail"], r.text
        r = client.post("/documents?name=harbour.pdf&date=2026-04-01", content=pdf, headers=AUTH)
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["added"] == ["harbour.pdf"] and body["documents"] == 6

        listed = {d["doc"]: d for d in client.get("/documents").json()}
        assert listed["harbour.pdf"]["format"] == "pdf" and listed["harbour.pdf"]["pages"] == 2
        assert listed["harbour.pdf"]["date"] == "1 April 2026"
        ask = client.get("/ask", params={"q": "What share of practitioner posts were vacant in Harbourshire?"})
        assert ask.status_code == 200
        assert "37" in (ask.json()["answer"] or "") and ask.json()["answer_span"]["page"] == 2
        # The cited span is there in the document's text, as the API serves it.
        span = ask.json()["answer_span"]
        got = client.get(f"/documents/harbour.pdf/span?start={span['start']}&end={span['end']}").json()
        assert "37 per cent" in " ".join(got["text"].split())

        r = client.delete("/documents/harbour.pdf")
        assert r.status_code == 401
        r = client.delete("/documents/harbour.pdf", headers=AUTH)
        assert r.status_code == 200 and r.json()["documents"] == 5
        assert client.get("/documents/harbour.pdf").status_code == 404


def test_without_a_configured_token_writes_are_disabled_and_reads_stay_open(library, encoder):
    settings = library.model_copy(update={"api_token": None})
    with _client(settings, encoder) as client:
        r = client.post("/documents?name=m.txt", content=MOORLAND_TEXT.encode(), headers=AUTH)
        assert r.status_code == 403 and "RAG_API_TOKEN" in r.json()["detail"]
        assert client.delete("/documents/001_077a6287ac014f02.txt", headers=AUTH).status_code == 403
        assert client.get("/documents").status_code == 200


@pytest.mark.parametrize(("name", "body", "status", "word"), [
    ("../../etc/passwd.txt", b"hello there", 422, "plain file name"),
    ("..%2F..%2Fetc%2Fpasswd", b"hello", 422, "not allowed"),
    ("report.exe", b"MZ....", 422, "supported"),
    ("empty.txt", b"", 422, "empty"),
    ("fake.pdf", b"GIF89a not a pdf at all", 422, "pdf"),
    ("bad.txt", b"\xff\xfe\xfa bad bytes", 422, "utf-8"),
])
def test_bad_uploads_are_refused_with_a_reason_and_change_nothing(library, encoder, name, body, status, word):
    with _client(library, encoder) as client:
        before = client.get("/health").json()["index_version"]
        r = client.post("/documents", params={"name": name}, content=body, headers=AUTH)
        assert r.status_code == status, r.text
        assert word.lower() in r.json()["detail"].lower()
        assert client.get("/health").json()["index_version"] == before
        assert sorted(p.name for p in library.seeds_dir.iterdir()) == sorted(
            p.name for p in (library.seeds_dir.parent / "seeds").iterdir())


def test_uploads_over_the_limit_are_refused_before_reading_them(library, encoder):
    settings = library.model_copy(update={"max_upload_bytes": 2048})
    with _client(settings, encoder) as client:
        r = client.post("/documents?name=big.txt", content=b"a" * 5000, headers=AUTH)
        assert r.status_code == 413
        r = client.post("/documents?name=m.txt", content=b"x", headers={**AUTH, "content-type": "multipart/form-data"})
        assert r.status_code == 415


def test_the_server_follows_a_new_index_version_without_failing_requests(library, encoder):
    """Another process adds a report; queries running meanwhile all succeed, then see it."""
    with _client(library, encoder) as client:
        before = client.get("/health").json()["index_version"]
        failures: list[str] = []
        stop = threading.Event()

        def ask_continuously() -> None:
            while not stop.is_set():
                r = client.get("/ask", params={"q": "How many children did Lighthouse Bay supervise?"})
                if r.status_code != 200:
                    failures.append(r.text)

        threads = [threading.Thread(target=ask_continuously) for _ in range(3)]
        for t in threads:
            t.start()
        add_documents(library, encoder, [Upload("lighthouse.html", LIGHTHOUSE_HTML.encode())])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and client.get("/health").json()["index_version"] == before:
            time.sleep(0.1)
        time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join()
        assert not failures
        health = client.get("/health").json()
        assert health["index_version"] != before and health["documents"] == 6
        r = client.get("/ask", params={"q": "How many children did the Lighthouse Bay service supervise?"})
        assert r.json()["answer"] == "212"
