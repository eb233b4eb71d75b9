"""Hostile input: every attempt gets a 4xx JSON error (or a sane answer), never a 500 or a traceback.

The app writes to a private copy of the seed library and index and has a token
configured, so the write endpoints are reachable; no request here may change
the library, which the last test checks.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import shutil
import unicodedata
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from rag.api.app import create_app
from rag.api.errors import MAX_BODY_BYTES
from rag.settings import Settings

pytestmark = pytest.mark.slow

TOKEN = "hostile-token-7c1e"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
LONDON = "003_97cfb1dd66e4e149.txt"
AGENCY = "What proportion of London CRC staff were agency workers in 2019?"
JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def library(seed_settings: Settings, seed_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(seed_settings.seeds_dir, root / "seeds")
    shutil.copytree(seed_index, root / "index")
    return seed_settings.model_copy(update={
        "seeds_dir": root / "seeds", "index_dir": root / "index", "api_token": SecretStr(TOKEN), "reload_interval": 0,
    })


@pytest.fixture(scope="module")
def app(library: Settings, library_before: dict[str, bytes], service, encoder):
    # The session's service answers reads (its index is identical to the copy); writes go to the copy.
    app = create_app(library, service=service)
    app.state.writer_encoder = encoder
    return app


@pytest.fixture(scope="module")
def client(app) -> TestClient:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def library_before(library: Settings) -> dict[str, bytes]:
    return _snapshot(library)


def _snapshot(settings: Settings) -> dict[str, bytes]:
    files = {f"seeds/{p.name}": p.read_bytes() for p in settings.seeds_dir.iterdir()}
    files["index/CURRENT"] = (settings.index_dir / "CURRENT").read_bytes()
    return files


def refused(r, *statuses: int, max_detail: int = 600) -> str:
    """A 4xx JSON error whose message is short, readable and carries no traceback."""
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:500])
    if statuses:
        assert r.status_code in statuses, (r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("application/json"), r.headers
    detail = r.json()["detail"]
    assert isinstance(detail, str) and detail.strip()
    assert len(detail) <= max_detail, f"{len(detail)} characters: {detail[:200]}..."
    assert "Traceback" not in r.text and 'File "' not in r.text
    return detail


def answered_or_refused(r) -> None:
    """200 with an answer, or a clean 4xx: anything but a 5xx."""
    if r.status_code == 200:
        r.content.decode("utf-8")  # strictly valid UTF-8, whatever came in
        assert isinstance(r.json(), dict)
    else:
        refused(r)


def no_injected_headers(r) -> None:
    for name, value in r.headers.multi_items():
        assert "\r" not in value and "\n" not in value, (name, value)
        assert name.lower() not in ("set-cookie", "x-injected"), (name, value)


# --- path traversal in document ids ------------------------------------------------------------

TRAVERSALS = [
    "../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "%2E%2E/%2E%2E/etc/passwd",
    "%252e%252e%252fetc%252fpasswd",  # double-encoded
    "..%5C..%5Cetc%5Cpasswd",  # backslashes
    "..\\..\\etc\\passwd",
    "%00",
    "abc%00.txt",
    f"{LONDON}%00.pdf",
    "..%00/etc/passwd",
    "%c0%ae%c0%ae%c0%afetc%c0%afpasswd",  # overlong UTF-8 dots and slash
    "....//....//etc/passwd",
    "%2Fetc%2Fpasswd",
    "manifest.json",  # lives in the library directory, but is not a report
    "%2e%2e",
    "%2e",
    "~",
    "%20",
    "..%2F" + "..%2F" * 50 + "etc%2Fpasswd",
]


@pytest.mark.parametrize("doc", TRAVERSALS)
def test_path_traversal_in_a_document_id_is_a_4xx_that_reveals_nothing(client, doc):
    for method, url, kwargs in [
        ("get", f"/documents/{doc}", {}),
        ("get", f"/documents/{doc}/span?start=0&end=10", {}),
        ("delete", f"/documents/{doc}", {"headers": AUTH}),
        ("get", f"/ask?q=agency+workers&doc={doc}", {}),
        ("get", f"/search?q=agency+workers&doc={doc}", {}),
    ]:
        r = getattr(client, method)(url, **kwargs)
        refused(r, 404, 405, 422)
        assert "root:" not in r.text and "/bin/" not in r.text


def test_a_traversing_name_in_a_json_body_is_an_unknown_document(client):
    refused(client.post("/ask", json={"question": AGENCY, "doc": "../../etc/passwd"}), 404)


# --- body size, nesting, content type and encoding ---------------------------------------------------


def test_a_json_body_over_the_limit_is_413_with_or_without_content_length(client):
    big = json.dumps({"question": "a" * MAX_BODY_BYTES}).encode()
    refused(client.post("/ask", content=big, headers=JSON), 413)

    def chunked():  # no Content-Length: the limit holds while the body streams in
        for _ in range(MAX_BODY_BYTES // 4096 + 2):
            yield b" " * 4096

    refused(client.post("/ask", content=chunked(), headers=JSON), 413)
    for length in ("999999999999", "-1", "12abc", "0x10"):
        refused(client.post("/ask", content=b"{}", headers={**JSON, "content-length": length}), 400, 413)


def test_an_unauthorised_upload_is_refused_before_its_body_is_read(app):
    """A 40 MB upload without the token must not be buffered: 401 after at most one chunk."""
    chunk = b"x" * (1 << 20)
    reads = 0

    async def receive():
        nonlocal reads
        reads += 1
        return {"type": "http.request", "body": chunk, "more_body": reads < 40}

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": "/documents", "raw_path": b"/documents", "root_path": "", "query_string": b"name=big.txt",
        "headers": [(b"host", b"testserver"), (b"transfer-encoding", b"chunked")],
        "client": ("127.0.0.1", 1), "server": ("testserver", 80), "state": {},
    }
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 401
    assert reads <= 1, f"read {reads} MB of an unauthorised upload"


@pytest.mark.parametrize("body", [
    b"[" * 30_000 + b"]" * 30_000,  # within the size limit, far past the parser's recursion limit
    b'{"question": ' + b"[" * 20_000 + b"]" * 20_000 + b"}",
    b'{"question": "x", "k": ' + b'{"a": ' * 8_000 + b"1" + b"}" * 8_000 + b"}",
])
def test_deeply_nested_json_is_a_clean_422(client, body):
    assert len(body) < MAX_BODY_BYTES
    refused(client.post("/ask", content=body, headers=JSON), 422)


def test_nesting_past_the_size_limit_is_413(client):
    refused(client.post("/ask", content=b"[" * 100_000 + b"]" * 100_000, headers=JSON), 413)


def test_a_number_too_long_to_convert_is_a_clean_422(client):
    detail = refused(client.post("/ask", content=b'{"question": "x", "k": ' + b"9" * 5000 + b"}", headers=JSON), 422)
    assert "9" * 100 not in detail


@pytest.mark.parametrize("content_type", [
    "text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data; boundary=x",
    "", "application/json; charset=utf-16", "application/json\r\nX-Injected: 1", "image/png",
])
def test_a_wrong_content_type_is_refused(client, content_type):
    body = json.dumps({"question": AGENCY}).encode()
    r = client.post("/ask", content=body, headers={"content-type": content_type})
    if r.status_code != 200:  # a JSON body with no content type is still read as JSON
        refused(r, 415, 422)
    no_injected_headers(r)
    r = client.post("/documents?name=m.txt", content=b"hello", headers={**AUTH, "content-type": "multipart/form-data"})
    refused(r, 415)


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "x-gzip"])
def test_a_compressed_upload_is_refused_not_indexed_as_a_report(client, encoding):
    """Taken as is, the compressed bytes would be indexed as the report's text."""
    body = gzip.compress(b"Lighthouse report. The Lighthouseshire CRC had 7 offices in 2024.\n")
    r = client.post("/documents?name=lighthouse.txt", content=body, headers={**AUTH, "content-encoding": encoding})
    assert "uncompressed" in refused(r, 415)


@pytest.mark.parametrize("body", [
    b'{"question": "\xff\xfe agency"}',
    b'{"question": "agency \xed\xa0\x80 workers"}',  # an encoded surrogate: not UTF-8
    b'{"question": "\xc0\xaf"}',
    b"\xff\xfe",
    b"\x00\x00\x00{",
    b'\xef\xbb\xbf{"question": "agency"}',  # a BOM
])
def test_a_body_that_is_not_utf8_json_is_refused(client, body):
    r = client.post("/ask", content=body, headers=JSON)
    if r.status_code != 200:  # json.loads reads UTF-16/32 and a BOM; that is fine
        refused(r, 422)


# --- odd characters in questions -----------------------------------------------------------------

ODD = {
    "control": "agency\x00workers\x01\x02\x07\x08\x1b[31m in\x7f London\x85?",
    "only control": "\x00\x01\x02\x1f\x7f",
    "rtl override": "\u202eagency workers\u202c in London \u2066isolate\u2069",
    "zero width": "a\u200bgency\u200c work\u200ders\ufeff\u2060 in London",
    "only zero width": "\u200b\u200c\u200d\ufeff\u2060",
    "emoji": "👮‍♀️ agency workers 🇬🇧 in London 💷 £22m?",
    "combining": "age\u0301\u0302\u0303ncy" + "\u0336" * 500 + " workers",
    "line separators": "agency\u2028workers\u2029in\u0085London\r\n",
    "private use and nonchars": "\ue000 agency \uffff workers \U0010fffd",
    "replacement": "\ufffd\ufffd agency workers",
    "fullwidth": "ａｇｅｎｃｙ ｗｏｒｋｅｒｓ",
    "html": "<script>alert(1)</script><img src=x onerror=alert(1)>",
    "sql": "'; DROP TABLE chunks; --",
    "format string": "%s%s%s%n {0} {__class__} ${jndi:ldap://x}",
}


@pytest.mark.parametrize("question", ODD.values(), ids=ODD.keys())
def test_odd_characters_in_a_question_are_answered_or_refused_cleanly(client, question):
    for r in (client.get("/ask", params={"q": question}), client.post("/ask", json={"question": question}),
              client.get("/search", params={"q": question})):
        answered_or_refused(r)
        if r.status_code == 200:
            echoed = r.json().get("question", r.json().get("query"))
            # Control, format and separator characters are dropped before the question is used or shown.
            assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") for ch in echoed), echoed
        else:
            assert r.status_code == 422 and "empty" in r.json()["detail"]


@pytest.mark.parametrize("escaped", ["\\ud800", "\\udfff", "\\udbff\\udfff\\ud800", "agency \\ud83d workers"])
def test_lone_surrogates_in_json_are_answered_or_refused_cleanly(client, escaped):
    body = ('{"question": "' + escaped + ' agency workers", "doc": null}').encode()
    r = client.post("/ask", content=body, headers=JSON)
    answered_or_refused(r)
    body = ('{"question": "agency", "doc": "' + escaped + '"}').encode()
    refused(client.post("/ask", content=body, headers=JSON), 404)
    r = client.get("/ask?q=%ED%A0%80agency")  # a surrogate percent-encoded in a query is invalid UTF-8
    answered_or_refused(r)


@pytest.mark.parametrize("size", [2001, 10_000, 60_000])
def test_an_over_long_question_is_refused_without_echoing_it(client, size):
    question = "agency workers " * (size // 15 + 1)
    for r in (client.get("/ask", params={"q": question[:size]}), client.post("/ask", json={"question": question[:size]})):
        detail = refused(r, 422, max_detail=200)
        assert "2000" in detail and "agency workers agency" not in detail


# --- header injection and odd headers ----------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "/ask?q=agency%0d%0aSet-Cookie:%20session=1",
    "/ask/?q=agency%0d%0aX-Injected:%201",  # the trailing slash redirects: the query goes into Location
    "/documents/?x=%0d%0aX-Injected:%201",
    "/search/?q=a&mode=%0d%0aX-Injected:%201",
    "/documents/%0d%0aX-Injected:%201",
    "/documents/%0d%0aX-Injected:%201/span?start=0&end=1",
    "/health?x=%0aX-Injected:%201",
])
def test_crlf_in_values_never_reaches_a_response_header(client, url):
    r = client.get(url, follow_redirects=False)
    assert r.status_code < 500, r.text
    no_injected_headers(r)
    if r.is_redirect:
        assert r.headers["location"].startswith("http://testserver/")


def test_the_retry_after_header_while_loading_is_fixed(loading_app):
    with TestClient(loading_app.app) as c:
        r = c.get("/ask?q=agency%0d%0aRetry-After:%2099999")
        assert r.status_code == 503 and r.headers["retry-after"] == "5"
        no_injected_headers(r)
        loading_app.release.set()


@pytest.mark.parametrize("authorization", [
    b"Bearer " + b"a" * 100_000,
    b"Bearer " + "t\u00f6ken\u202e\u200b".encode(),
    b"Bearer " + f"{TOKEN}\u200b".encode(),
    b"Bearer " + TOKEN.encode("utf-16"),
    f"Bearer {TOKEN}".encode("latin-1") + b"\xff",
    b"Bearer",
    b"Bearer ",
    b"bearer",
    f"Basic {TOKEN}".encode(),
    TOKEN.encode(),
    b"Bearer \x00" + TOKEN.encode(),
    b"Bearer " + TOKEN.encode() + b"\x00",
])
def test_a_bad_authorization_header_is_401(client, authorization):
    detail = refused(client.delete("/documents/nope.txt", headers={"Authorization": authorization}), 401)
    assert TOKEN not in detail
    refused(client.post("/documents?name=m.txt", content=b"hello", headers={"Authorization": authorization}), 401)


def test_the_right_token_is_accepted_and_a_wrong_one_beside_it_is_not_enough(client):
    refused(client.delete("/documents/nope.txt", headers=AUTH), 404)  # past the token check
    r = client.delete("/documents/nope.txt", headers=[("Authorization", "Bearer wrong"), *AUTH.items()])
    refused(r, 401, 404)


# --- parameters out of range or of the wrong type ---------------------------------------------------


@pytest.mark.parametrize(("params", "allowed"), [
    ({"k": 0}, {422}), ({"k": -1}, {422}), ({"k": 51}, {422}), ({"k": 10**30}, {422}), ({"k": "9" * 5000}, {422}),
    ({"k": ""}, {422}), ({"k": "1e3"}, {422}), ({"k": "0x10"}, {422}), ({"k": "5.5"}, {422}), ({"k": "NaN"}, {422}),
    ({"k": "true"}, {422}), ({"k": " 5 "}, {200, 422}), ({"k": "５"}, {200, 422}), ({"k": "5\x00"}, {422}),
    ({"year": 0}, {422}), ({"year": 1899}, {422}), ({"year": 2101}, {422}), ({"year": -2019}, {422}),
    ({"year": "twenty"}, {422}), ({"year": "2019.0"}, {200, 422}), ({"year": "a" * 60_000}, {422}),
    ({"mode": ""}, {422}), ({"mode": "HYBRID"}, {422}), ({"mode": "bm25\x00"}, {422}), ({"mode": "x" * 60_000}, {422}),
    ({"doc": "x" * 60_000}, {404}), ({"doc": "\x00"}, {404}),
])
def test_out_of_range_and_mistyped_query_parameters(client, params, allowed):
    for path in ("/search",) if "mode" in params else ("/ask", "/search"):
        r = client.get(path, params={"q": AGENCY, **params})
        if r.status_code != 200:
            refused(r)
        assert r.status_code in allowed, (path, params, r.status_code, r.text[:300])


@pytest.mark.parametrize(("body", "allowed"), [
    ({"question": AGENCY, "k": "3"}, {422}),  # strict, as the schema says integer: no numeric strings
    ({"question": AGENCY, "k": 3.0}, {422}),
    ({"question": AGENCY, "k": 3.5}, {422}),
    ({"question": AGENCY, "k": True}, {200, 422}),
    ({"question": AGENCY, "k": None}, {422}),
    ({"question": AGENCY, "k": []}, {422}),
    ({"question": AGENCY, "k": {}}, {422}),
    ({"question": AGENCY, "k": 1e308}, {422}),
    ({"question": AGENCY, "year": "2019"}, {422}),
    ({"question": AGENCY, "year": 2019.5}, {422}),
    ({"question": AGENCY, "year": None}, {200}),
    ({"question": AGENCY, "year": False}, {422}),
    ({"question": AGENCY, "doc": 5}, {422}),
    ({"question": AGENCY, "doc": None}, {200}),
    ({"question": AGENCY, "doc": ["a", "b"]}, {422}),
    ({"question": 123}, {422}),
    ({"question": True}, {422}),
    ({"question": None}, {422}),
    ({"question": {"text": AGENCY}}, {422}),
    ({"question": [AGENCY]}, {422}),
    ({"q": AGENCY}, {422}),
    ({}, {422}),
])
def test_numbers_as_strings_floats_booleans_and_null_in_the_body(client, body, allowed):
    r = client.post("/ask", json=body)
    assert r.status_code in allowed, (body, r.status_code, r.text[:300])
    if r.status_code == 200:
        k = body.get("k", 5)
        assert len(r.json()["citations"]) == int(k)
    else:
        refused(r)


@pytest.mark.parametrize("raw", [b"NaN", b"Infinity", b"-Infinity", b"1e999", b"-0"])
def test_non_finite_numbers_in_the_body(client, raw):
    r = client.post("/ask", content=b'{"question": "agency", "k": ' + raw + b"}", headers=JSON)
    refused(r, 422)


def test_duplicate_parameters_are_answered_or_refused_and_never_fail(client):
    for url in ["/ask?q=agency&q=workers", "/ask?q=agency&q=", "/ask?q=agency&k=3&k=100", "/ask?q=a&k=3&k=3",
                "/search?q=agency&mode=bm25&mode=magic", "/ask?q=agency&year=2019&year=1700",
                f"/documents/{LONDON}/span?start=0&end=10&end=-1", "/ask?" + "&".join(["q=agency"] * 2000)]:
        answered_or_refused(client.get(url))
    r = client.post("/ask", content=b'{"question": "agency", "question": ""}', headers=JSON)
    refused(r, 422)


@pytest.mark.parametrize(("url", "echoed"), [
    ("/documents/" + "a" * 20_000, "a" * 200),
    ("/documents/" + "a" * 20_000 + "/span?start=0&end=1", "a" * 200),
    (f"/documents/{LONDON}/span?start=0&end=" + "9" * 4000, "9" * 200),
    (f"/documents/{LONDON}/span?start=" + "9" * 4000 + "&end=" + "9" * 3999, "9" * 200),
    ("/ask?q=agency&doc=" + "a" * 20_000, "a" * 200),
    ("/search?q=agency&k=" + "9" * 4000, "9" * 200),
])
def test_error_messages_do_not_echo_huge_inputs(client, url, echoed):
    r = client.get(url)
    refused(r, max_detail=600)
    assert echoed not in r.text
    r = client.post("/ask", json={"question": AGENCY, "doc": "b" * 50_000})
    refused(r, 404, max_detail=600)
    assert "b" * 200 not in r.text


def test_an_upload_name_that_was_not_utf8_is_refused(client):
    for name in ("%ED%A0%80.txt", "%FF%FE.txt", "report%C0%AF.txt"):
        refused(client.post(f"/documents?name={name}", content=b"Some report text.", headers=AUTH), 422)


@pytest.mark.parametrize(("method", "url"), [
    ("put", f"/documents/{LONDON}"), ("patch", f"/documents/{LONDON}"), ("post", f"/documents/{LONDON}"),
    ("delete", "/documents"), ("put", "/ask"), ("delete", "/ask"), ("post", "/health"), ("post", "/search"),
])
def test_unsupported_methods_are_405(client, method, url):
    refused(getattr(client, method)(url, headers=AUTH), 405)


def test_nothing_above_changed_the_library(library, library_before, client):
    assert client.get("/health").json()["documents"] == 5
    assert _snapshot(library) == library_before


def test_messages_quote_inputs_and_list_the_corpus_in_bounded_space():
    from rag.errors import listing, shown

    assert shown("x" * 50_000).endswith("… (50000 characters)") and len(shown("x" * 50_000)) < 120
    assert shown(10**3999).endswith("(4000 characters)")
    assert shown("a.txt") == "'a.txt'"
    names = [f"report-{i:03d}.txt" for i in range(500)]
    assert listing(names).endswith("and 490 more (GET /documents lists them all)") and len(listing(names)) < 250
    assert listing(["b.txt", "a.txt"]) == "a.txt, b.txt"
