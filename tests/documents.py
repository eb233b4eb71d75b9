"""Small real reports made by the tests themselves: a PDF, a web page, a text file.

Each states one fact in words no seed report uses, so a test can ask for it
and know which document must answer.
"""

from __future__ import annotations


def make_pdf(pages: list[str], title: str = "", encrypt_with: str | None = None) -> bytes:
    """A real PDF with a text layer, one string per page (fpdf2, core font)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    if title:
        pdf.set_title(title)
        pdf.set_author("HM Inspectorate of Probation")
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    if encrypt_with:
        pdf.set_encryption(owner_password="owner", user_password=encrypt_with)
    return bytes(pdf.output())


HARBOUR_PDF_PAGES = [
    "Inspection of probation services in Harbourshire\n\n"
    "This report describes our inspection of the Harbourshire probation delivery unit in spring 2026. "
    "We interviewed staff and people on probation across three offices.",
    "Caseloads and staffing\n\n"
    "In Harbourshire, 37 per cent of probation practitioner posts were vacant at the time of the inspection. "
    "Managers told us that recruitment had improved since the autumn.",
]

LIGHTHOUSE_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Lighthouse Bay youth justice inspection - HM Inspectorate of Probation</title>
<meta property="og:site_name" content="HM Inspectorate of Probation">
<meta property="article:published_time" content="2026-03-14T09:00:00Z">
<script>var tracking = "Lighthouse Bay had 999 analytics events";</script>
</head><body>
<nav><a href="/">Home</a> <a href="/reports">Reports</a> Lighthouse Bay menu</nav>
<main><h1>Lighthouse Bay youth justice inspection</h1>
<p>The Lighthouse Bay youth justice service supervised 212 children during the inspection period.</p>
<p>Inspectors rated the service as Good overall.</p></main>
<footer>Crown copyright. Lighthouse Bay footer text.</footer>
</body></html>
"""

MOORLAND_TEXT = (
    "Moorland approved premises review\n\n"
    "The Moorland approved premises had 48 bed spaces, and the average occupancy over the year was "
    "91 per cent.\n"
)
