"""Turn an added file's bytes into the text citations index into, plus its own metadata.

Text files are kept exactly as decoded, so a citation's span is a span of the file.
PDFs and web pages have no such text, so the extracted text returned here *is* the
document: the caller stores it and every span indexes into it. Anything that cannot
become useful text is refused with a `DocumentError` saying what to do, never a
parser's traceback.
"""

from __future__ import annotations

import codecs
import io
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import TYPE_CHECKING

from rag.errors import DocumentError
from rag.html_text import html_to_text

TEXT_SUFFIXES = frozenset({".txt", ".md", ".text"})
MAX_DOCUMENT_BYTES = 50_000_000

if TYPE_CHECKING:
    from pypdf import PdfReader

PDF_SUFFIXES = frozenset({".pdf"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(TEXT_SUFFIXES) | PDF_SUFFIXES | HTML_SUFFIXES
MAX_PDF_PAGES = 2000
MIN_CHARS_PER_PAGE = 20  # fewer non-space characters per page than this: no real text layer
MIN_HTML_WORD_CHARS = 20  # a page with less main text than this is a shell, a redirect or an app
PAGE_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Extracted:
    text: str  # the text that every citation's character span indexes into
    format: str  # "text" | "pdf" | "html"
    pages: tuple[int, ...] = ()  # PDF: offset in `text` where each page starts (page 1 at 0)
    title: str = ""  # from the file's own metadata
    date: str = ""  # "YYYY-MM-DD", "YYYY-MM" or "YYYY"
    publisher: str = ""
    notes: tuple[str, ...] = ()  # things the user should know, e.g. a PDF page that could not be read


def read_document(name: str, raw: bytes, max_bytes: int = MAX_DOCUMENT_BYTES) -> Extracted:
    """Extract `raw` (the bytes of the file called `name`) or raise DocumentError.

    The size is checked before anything is decoded or parsed, so an oversized upload
    costs nothing.
    """
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise DocumentError(
            f"{name}: files of type '{suffix or '(no suffix)'}' are not supported; add one of {supported}."
        )
    if len(raw) > max_bytes:
        raise DocumentError(
            f"{name} is {_megabytes(len(raw))}; the limit is {_megabytes(max_bytes)}. Split it into smaller files."
        )
    if not raw.strip():
        raise DocumentError(f"{name} is empty; add a file that contains the report's text.")
    if suffix in PDF_SUFFIXES:
        return _read_pdf(name, raw)
    if suffix in HTML_SUFFIXES:
        return _read_html(name, raw)
    if b"\x00" in raw:
        raise DocumentError(
            f"{name} contains NUL bytes (at byte {raw.index(0)}): it is binary or UTF-16, not UTF-8 text. Save it as UTF-8 text."
        )
    # Exactly the decoded bytes (a UTF-8 BOM, if any, stays as U+FEFF) so spans match rag.corpus.
    return Extracted(text=decode_text(name, raw), format="text")


def decode_text(name: str, raw: bytes) -> str:
    """A text report exactly as decoded: citations are spans of this string."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise DocumentError(
            f"{name} is {len(raw) / 1e6:.0f} MB; the limit is {MAX_DOCUMENT_BYTES / 1e6:.0f} MB."
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"{name} is not valid UTF-8 (byte {exc.start}); convert it to UTF-8 first."
        ) from exc
    if "\x00" in text:
        raise DocumentError(f"{name} contains NUL bytes: it looks binary, not text.")
    if not text.strip():
        raise DocumentError(f"{name} is empty.")
    return text


def page_of(pages: tuple[int, ...], offset: int) -> int | None:
    """The 1-based page holding character `offset`, or None when there are no pages (not a PDF)."""
    if not pages or offset < 0:
        return None
    return bisect_right(pages, offset)


def _megabytes(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n < 10_000_000 else f"{n / 1e6:.0f} MB"


# --- PDF ---------------------------------------------------------------------------------------------


def _read_pdf(name: str, raw: bytes) -> Extracted:
    """The PDF's text layer, page by page, exactly as pypdf extracts it (rag.cleaning repairs it later)."""
    # The spec lets a little junk precede the header; anything else without one is not a PDF.
    if b"%PDF-" not in raw[:1024]:
        raise DocumentError(f"{name} is not a PDF (it has no %PDF- header); check that you picked the right file.")
    from pypdf import PdfReader  # imported here: only PDF uploads pay for it
    from pypdf.errors import DependencyError

    encrypted = f"{name} is password-protected (encrypted); save an unprotected copy and add that instead."
    try:
        reader = PdfReader(io.BytesIO(raw))  # tries the empty user password itself
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(encrypted)
        n_pages = len(reader.pages)
    except DocumentError:
        raise
    except DependencyError as exc:  # AES needs the optional `cryptography` package: still "encrypted" to the user
        raise DocumentError(encrypted) from exc
    except Exception as exc:  # pypdf raises many types (and plain ValueError/KeyError) on damaged files
        raise DocumentError(
            f"{name} is damaged or truncated and cannot be read ({_short(exc)}); re-download or re-export it."
        ) from exc
    if n_pages == 0:
        raise DocumentError(f"{name} has no pages; re-download or re-export it.")
    if n_pages > MAX_PDF_PAGES:
        raise DocumentError(f"{name} has {n_pages} pages; the limit is {MAX_PDF_PAGES}. Split it into smaller files.")

    texts: list[str] = []
    failed: list[int] = []
    for number in range(1, n_pages + 1):
        try:
            texts.append(reader.pages[number - 1].extract_text())
        except Exception:  # one broken page should not lose the whole report; it is reported in `notes`
            texts.append("")
            failed.append(number)
    if len(failed) == n_pages:
        raise DocumentError(f"{name}: no page's text could be read; the PDF is damaged. Re-download or re-export it.")
    if sum(len("".join(t.split())) for t in texts) < MIN_CHARS_PER_PAGE * n_pages:
        raise DocumentError(f"{name} has no extractable text; it may be a scan - run OCR on it first.")

    pages, offset = [], 0
    for t in texts:
        pages.append(offset)
        offset += len(t) + len(PAGE_SEPARATOR)
    notes = tuple(f"page {n} could not be read and is left empty" for n in failed)
    title, date, publisher = _pdf_metadata(reader)
    return Extracted(PAGE_SEPARATOR.join(texts), "pdf", tuple(pages), title, date, publisher, notes)


def _pdf_metadata(reader: PdfReader) -> tuple[str, str, str]:
    """Title, date and publisher from the PDF's info dictionary; broken metadata just means none."""
    try:
        info = reader.metadata or {}
        title, author, created = (str(info.get(key) or "").strip() for key in ("/Title", "/Author", "/CreationDate"))
    except Exception:
        return "", "", ""
    # Export tools often leave the source file's name as the title ("Microsoft Word - draft3.docx").
    if re.search(r"^Microsoft \w+ - |\.(docx?|pdf|indd|rtf|odt|pptx?)$", title, re.IGNORECASE):
        title = ""
    match = re.match(r"(?:D:)?(\d{4})(\d{2})?(\d{2})?", created)
    return title, _iso_date(*match.groups()) if match else "", author


# --- HTML --------------------------------------------------------------------------------------------


def _read_html(name: str, raw: bytes) -> Extracted:
    text = _decode_html(raw)
    if "\x00" in text:
        raise DocumentError(f"{name} contains NUL bytes: it looks binary, not a web page. Check the file.")
    page = html_to_text(text)
    date = next((d for d in map(normalise_date, page.dates) if d), "")
    if len(re.findall(r"\w", page.text)) < MIN_HTML_WORD_CHARS:
        raise DocumentError(
            f"{name} has no main text (only navigation, scripts or markup); save the report's own page or its PDF instead."
        )
    return Extracted(page.text, "html", (), page.title, date, page.publisher)


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)


def _decode_html(raw: bytes) -> str:
    """Decode as the page says (BOM, then <meta charset>), else UTF-8, else Windows-1252.

    Browsers treat "iso-8859-1" and "ascii" as Windows-1252, and so do we: old Latin-1 pages
    are common and contain cp1252 quotes. Latin-1 is the last resort because it never fails.
    """
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if raw.startswith(bom):
            return raw[len(bom):].decode(codec, errors="replace")
    candidates = ["utf-8", "cp1252", "latin-1"]
    match = _CHARSET.search(raw[:4096])
    if match:
        try:
            declared = codecs.lookup(match.group(1).decode("ascii")).name
            candidates.insert(0, "cp1252" if declared in ("iso8859-1", "ascii") else declared)
        except (LookupError, UnicodeDecodeError):
            pass  # an unknown charset label: fall back to guessing
    for codec in candidates:
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    raise AssertionError("unreachable: latin-1 decodes any bytes")


# --- dates -------------------------------------------------------------------------------------------

# The years the --year filter and the API's `year` accept: a report dated outside them could
# never be found by year.
MIN_YEAR, MAX_YEAR = 1900, 2100


def date_problem(value: str) -> str | None:
    """Why `value` cannot be a report's date (YYYY, YYYY-MM or YYYY-MM-DD), or None if it can.

    A date given by hand is refused rather than repaired: '2026-02-30' is a typo whose meaning
    we cannot guess, and it would otherwise be shown to every reader as "30 February 2026"."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if not match:
        return f"the date must be YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2026-03-14), got {value[:40]!r}."
    year, month, day = match.groups()
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        return f"the date {value} is out of range: the year must be between {MIN_YEAR} and {MAX_YEAR}."
    if month and not 1 <= int(month) <= 12:
        return f"the date {value} has no such month: the month must be 01-12."
    if day:
        try:
            datetime(int(year), int(month), int(day))
        except ValueError:
            return f"the date {value} is not a calendar date: that month has no day {int(day)}."
    return None


def normalise_date(value: str) -> str:
    """'2019-04-12T09:00:00+01:00' or '12 April 2019' -> '2019-04-12'; '' when it is not a date."""
    value = value.strip()
    match = re.match(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if match:
        return _iso_date(*match.groups())
    for fmt in ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%d/%m/%Y"):
        try:
            parsed = datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        return parsed.isoformat() if MIN_YEAR <= parsed.year <= MAX_YEAR else ""
    return ""


def _iso_date(year: str, month: str | None, day: str | None) -> str:
    """The most precise valid prefix of year-month-day ('2019-13-01' -> '2019'); '' for a year
    outside 1900-2100, which is a tool's placeholder (0000, 1601) rather than a publication date."""
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        return ""
    if not month or not 1 <= int(month) <= 12:
        return year
    if not day:
        return f"{year}-{month}"
    try:
        return datetime(int(year), int(month), int(day)).date().isoformat()
    except ValueError:
        return f"{year}-{month}"


def _short(exc: Exception) -> str:
    return (str(exc) or type(exc).__name__).strip()[:160]
