"""Readers turn an added file into text and metadata, or refuse it with a message the user can act on.

Every test document is built here (PDFs with fpdf2), so the tests are fast and need no files.
"""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime

import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from rag import readers
from rag.errors import DocumentError
from rag.readers import SUPPORTED_SUFFIXES, page_of, read_document

PAGE_ONE = "Page one reports that 165 cases were inspected in London."
PAGE_TWO = "Page two reports that one in four staff were agency workers."


def make_pdf(*pages: str, title: str = "", author: str = "", created: datetime | None = None) -> bytes:
    pdf = FPDF()
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    if created:
        pdf.set_creation_date(created)
    pdf.set_font("helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 10, text)
    return bytes(pdf.output())


@pytest.fixture(scope="module")
def two_page_pdf() -> bytes:
    return make_pdf(
        PAGE_ONE, PAGE_TWO,
        title="Inspection of probation services in London", author="HM Inspectorate of Probation",
        created=datetime(2019, 4, 12, 10, 30, tzinfo=UTC),
    )


def encrypt(raw: bytes, user_password: str, owner_password: str = "owner") -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(raw)))
    writer.encrypt(user_password, owner_password)  # RC4-128: pypdf needs no crypto library for it
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def rejection(name: str, raw: bytes, **kwargs: int) -> str:
    with pytest.raises(DocumentError) as info:
        read_document(name, raw, **kwargs)
    message = str(info.value)
    assert name in message  # every message names the file
    return message


# --- PDF ---------------------------------------------------------------------------------------------


def test_pdf_text_is_its_pages_joined_by_blank_lines(two_page_pdf):
    doc = read_document("report.pdf", two_page_pdf)
    assert doc.format == "pdf"
    assert doc.text == PAGE_ONE + "\n\n" + PAGE_TWO
    assert doc.pages == (0, len(PAGE_ONE) + 2)


def test_page_of_finds_the_page_a_sentence_is_on(two_page_pdf):
    doc = read_document("report.pdf", two_page_pdf)
    assert page_of(doc.pages, doc.text.index("165 cases")) == 1
    assert page_of(doc.pages, doc.text.index("one in four")) == 2
    assert page_of(doc.pages, doc.pages[1]) == 2  # a page's first character is on that page
    assert page_of(doc.pages, doc.pages[1] - 1) == 1


def test_page_of_is_none_without_pages_or_for_a_negative_offset():
    assert page_of((), 10) is None
    assert page_of((0, 50), -1) is None


def test_pdf_metadata_gives_title_date_and_publisher(two_page_pdf):
    doc = read_document("report.pdf", two_page_pdf)
    assert doc.title == "Inspection of probation services in London"
    assert doc.date == "2019-04-12"
    assert doc.publisher == "HM Inspectorate of Probation"


def test_pdf_title_that_is_only_the_source_file_name_is_dropped():
    raw = make_pdf(PAGE_ONE, title="Microsoft Word - draft3.docx")
    assert read_document("report.pdf", raw).title == ""


def test_encrypted_pdf_is_rejected_with_a_password_message(two_page_pdf):
    message = rejection("secret.pdf", encrypt(two_page_pdf, "letmein"))
    assert "password-protected" in message
    assert "unprotected copy" in message


def test_pdf_with_only_an_owner_password_opens_and_is_read(two_page_pdf):
    doc = read_document("restricted.pdf", encrypt(two_page_pdf, user_password=""))
    assert doc.text == PAGE_ONE + "\n\n" + PAGE_TWO


def test_image_only_pdf_is_rejected_as_a_probable_scan():
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 120, 80, style="F")  # a page of graphics with no text layer, like a scanned page
    message = rejection("scan.pdf", bytes(pdf.output()))
    assert "no extractable text" in message
    assert "OCR" in message


def test_junk_bytes_named_pdf_are_rejected_as_not_a_pdf():
    message = rejection("x.pdf", bytes(range(256)) * 40)
    assert "is not a PDF" in message


def test_truncated_pdf_is_rejected_as_damaged(two_page_pdf):
    message = rejection("cut.pdf", two_page_pdf[: len(two_page_pdf) // 2])
    assert "damaged or truncated" in message
    assert "re-export" in message


def test_unreadable_page_is_left_empty_and_noted(two_page_pdf, monkeypatch):
    from pypdf import PageObject

    original = PageObject.extract_text

    def fail_on_page_two(page, *args, **kwargs):
        if PAGE_TWO[:10] in original(page):
            raise KeyError("/Font")
        return original(page, *args, **kwargs)

    monkeypatch.setattr(PageObject, "extract_text", fail_on_page_two)
    doc = read_document("report.pdf", two_page_pdf)
    assert doc.text == PAGE_ONE + "\n\n"
    assert doc.notes == ("page 2 could not be read and is left empty",)


def test_pdf_with_too_many_pages_is_rejected(two_page_pdf, monkeypatch):
    monkeypatch.setattr(readers, "MAX_PDF_PAGES", 1)
    message = rejection("long.pdf", two_page_pdf)
    assert "has 2 pages; the limit is 1" in message


# --- HTML --------------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Annual report 2019 | HM Inspectorate of Probation</title>
<meta property="og:site_name" content="HM Inspectorate of Probation">
<meta property="article:published_time" content="2019-07-23T09:00:00+01:00">
<style>p { color: red }</style><script>var menu = "SCRIPT TEXT";</script></head>
<body>
<header><a href="/">Logo text</a></header>
<nav><ul><li>Menu about us</li><li>Menu contact</li></ul></nav>
<div role="navigation">Breadcrumb trail</div>
<main>
  <h1>Annual report 2019</h1>
  <p>The Inspectorate found that &pound;22m was   spent
     on agency staff.</p>
  <h2>Findings</h2>
  <p>First finding.<br>Second line of it.</p>
  <ul><li>Item one</li><li>Item <b>two</b></li></ul>
  <table><tr><th>Region</th><th>Share</th></tr><tr><td>London</td><td>25%</td></tr></table>
  <div hidden>Hidden draft text</div>
  <aside>Related posts sidebar</aside>
</main>
<footer>Copyright footer</footer>
<script>trackVisit("SCRIPT TWO")</script>
</body></html>"""


def test_html_keeps_only_the_main_text_in_order_with_paragraph_breaks():
    doc = read_document("page.html", PAGE.encode())
    assert doc.format == "html"
    assert doc.pages == ()
    assert doc.text == (
        "Annual report 2019\n\n"
        "The Inspectorate found that £22m was spent on agency staff.\n\n"
        "Findings\n\n"
        "First finding.\nSecond line of it.\n\n"
        "Item one\nItem two\n\n"
        "Region | Share\nLondon | 25%"
    )
    for chrome in ("SCRIPT", "Logo", "Menu", "Breadcrumb", "Hidden", "Related", "Copyright", "color"):
        assert chrome not in doc.text


def test_html_keeps_an_article_call_out_box_with_a_figure_but_not_the_site_sidebar():
    page = (
        "<body><aside>Site sidebar 2024 archive</aside><main><p>Staffing was reviewed.</p>"
        "<aside class='callout'>Around 1 in 4 staff were agency workers</aside>"
        "<aside><h2>Related</h2><a href='/a'>Report 2018</a> <a href='/b'>Report 2019</a></aside>"
        "<p>The report ends here.</p></main></body>"
    )
    doc = read_document("page.html", page.encode())
    assert doc.text == "Staffing was reviewed.\n\nAround 1 in 4 staff were agency workers\n\nThe report ends here."


def test_html_without_main_keeps_the_body_minus_navigation():
    page = "<body><nav>Menu</nav><div>The first paragraph of the report text.</div><p>A second one here.</p><footer>Foot</footer></body>"
    doc = read_document("page.htm", page.encode())
    assert doc.text == "The first paragraph of the report text.\n\nA second one here."


def test_html_with_several_articles_keeps_them_all():
    page = "<body><p>Teaser outside</p><article><p>First article text here.</p></article><article><p>Second article text.</p></article></body>"
    assert read_document("page.html", page.encode()).text == "First article text here.\n\nSecond article text."


def test_html_metadata_gives_title_date_and_publisher():
    doc = read_document("page.html", PAGE.encode())
    assert doc.title == "Annual report 2019"  # the " | site name" suffix is dropped because it is the site's name
    assert doc.date == "2019-07-23"
    assert doc.publisher == "HM Inspectorate of Probation"


def test_html_title_falls_back_to_h1_and_date_to_the_time_element():
    page = "<body><main><h1>Youth justice in Wales</h1><time datetime='2021-03-04T10:00'>4 March</time><p>Some report text, long enough to keep.</p></main></body>"
    doc = read_document("page.html", page.encode())
    assert (doc.title, doc.date, doc.publisher) == ("Youth justice in Wales", "2021-03-04", "")


def test_title_suffix_that_is_not_the_site_name_is_kept():
    page = "<title>Probation - a review</title><p>Some report text, long enough to keep.</p>"
    assert read_document("page.html", page.encode()).title == "Probation - a review"


def test_latin1_html_is_decoded_not_rejected():
    page = "<html><head><meta charset='iso-8859-1'></head><body><p>Caf\u00e9 staff cost \u00a3300 \u2013 \u201cquoted\u201d.</p></body></html>"
    doc = read_document("page.html", page.encode("cp1252"))
    assert doc.text == "Caf\u00e9 staff cost \u00a3300 \u2013 \u201cquoted\u201d."


def test_undeclared_latin1_html_falls_back_from_utf8():
    page = "<p>Caf\u00e9 staff cost \u00a3300 in total.</p>"
    assert read_document("page.html", page.encode("latin-1")).text == "Caf\u00e9 staff cost \u00a3300 in total."


def test_html_with_no_main_text_is_rejected():
    page = "<html><body><nav>Home About</nav><script>render()</script><div id='app'></div></body></html>"
    assert "has no main text" in rejection("app.html", page.encode())


# --- text and common checks -------------------------------------------------------------------------


def test_text_file_is_kept_exactly_as_decoded():
    raw = "Line one.\r\n  Two  spaces – and “quotes”.\n\n\tTabbed £22m\n".encode()
    doc = read_document("notes.txt", raw)
    assert doc.text == raw.decode("utf-8")
    assert (doc.format, doc.pages, doc.title, doc.date, doc.publisher) == ("text", (), "", "", "")


def test_invalid_utf8_text_is_rejected_naming_the_byte():
    message = rejection("report.txt", b"Fine text, then \xff here")
    assert "not valid UTF-8 (byte 16)" in message


def test_text_with_nul_bytes_is_rejected_as_binary():
    message = rejection("report.txt", "UTF-16 text".encode("utf-16-le"))
    assert "NUL bytes" in message


@pytest.mark.parametrize("raw", [b"", b"  \n\t \r\n"])
@pytest.mark.parametrize("name", ["empty.txt", "empty.pdf", "empty.html"])
def test_empty_or_blank_file_is_rejected(name, raw):
    assert "is empty" in rejection(name, raw)


def test_oversized_file_is_rejected_before_decoding():
    message = rejection("big.txt", b"\xff" * 2_000, max_bytes=1_000)  # invalid UTF-8: proves size is checked first
    assert "the limit is" in message


def test_hundred_megabyte_file_is_rejected_at_once():
    raw = b"a" * 100_000_001
    start = time.perf_counter()
    message = rejection("huge.pdf", raw)
    assert time.perf_counter() - start < 0.1
    assert "100 MB; the limit is 50 MB" in message


def test_unsupported_suffix_is_rejected_naming_the_supported_ones():
    message = rejection("report.docx", b"PK\x03\x04 word document")
    assert "'.docx' are not supported" in message
    for suffix in SUPPORTED_SUFFIXES:
        assert suffix in message


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2019-04-12T09:00:00+01:00", "2019-04-12"), ("2019-04", "2019-04"), ("2019", "2019"),
     ("12 April 2019", "2019-04-12"), ("2019-02-30", "2019-02"), ("2019-13-01", "2019"), ("soon", "")],
)
def test_dates_are_normalised_to_their_valid_prefix(value, expected):
    assert readers.normalise_date(value) == expected
