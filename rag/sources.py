"""Which report a question names: "the 2019/20 annual report" is one document of the library.

The named report is the one searched. A figure from another document does not answer a
question about it, however well its sentence fits: "How many recommendations did the
2019/20 annual report make?" is not answered by a blog's "The Inspectorate has made 24
recommendations" about another inspection. And without other documents' passages in the
way, the report's own passage that does answer ranks high enough to be read.

Only annual reports are named this way, by a year their title gives, because questions
name them so and their titles say so; a press release or blog is named by its subject,
which no rule here can read reliably.
"""

import re

from rag.answering import years_in

_ANNUAL_REPORT = re.compile(r"(?i)\bannual\s+(?:probation\s+)?report\b")


def annual_reports(titles: dict[str, str]) -> dict[str, frozenset[int]]:
    """The documents whose titles name an annual report, with the years the titles give."""
    return {doc: years_in(title) for doc, title in titles.items() if _ANNUAL_REPORT.search(title) and years_in(title)}


def named_report(question: str, reports: dict[str, frozenset[int]]) -> str | None:
    """The one annual report of a year the question names, if it names one."""
    if not _ANNUAL_REPORT.search(question) or not (years := years_in(question)):
        return None
    named = [doc for doc, report_years in reports.items() if years & report_years]
    return named[0] if len(named) == 1 else None
