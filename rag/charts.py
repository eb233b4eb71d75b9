"""Read a bar chart's figures by their labels.

A PDF bar chart reaches the text as its figures, one a line, then its axis, then
its category labels, then its title and legend:

    49%
    43%
    46%
    26%
    ...
    0% 20% 40% 60% 80% 100%
    NPS cases
    CRC cases
    All cases
    Up to this point, had sufficient progress been made in delivering required interventions?
    Yes
    No

Alone, "43%" says nothing, so no question could find it. The figures run series
by series, each through the categories in the order they are listed: the second
figure is the "Yes" of "CRC cases". Each figure is read as its category, series
and title ("CRC cases Yes Up to this point, ... interventions?"), which is what
a question about it names.

Only a chart read whole is read: its figures must fill its categories evenly and
its labels must end in a title, legend or caption, so that a chart cut by the
end of a passage is left as bare figures rather than misread.
"""

from __future__ import annotations

import re
from functools import lru_cache

_AXIS = re.compile(r"^0%(?:\s+\d{1,3}%)*\s+100%$")  # "0% 20% 40% 60% 80% 100%"
_FIGURE = re.compile(r"^\d{1,3}(?:\.\d)?%$")
_LEGEND = re.compile(r"^(?:yes|no)\b|^%\s*(?:yes|no)\b", re.IGNORECASE)  # "Yes No", "No, has impeded", "% yes"
_CAPTION = re.compile(r"^(?:Figure|Table|Chart)\s+\d+")
_TITLE_END = re.compile(r"[?:]$")
_HEADING_CHARS = 60  # a label left over from an even split may be the chart's heading, if short
_MAX_SERIES = 3


@lru_cache(maxsize=4_096)
def chart_readings(text: str) -> dict[int, str]:
    """What each chart figure in a passage measures, by the figure's offset."""
    return {pos: " ".join(p for p in parts if p) for pos, parts in _chart_parts(text).items()}


@lru_cache(maxsize=4_096)
def _chart_parts(text: str) -> dict[int, tuple[str, str, str]]:
    """Each chart figure's category, series and title, by the figure's offset."""
    lines = [(m.start() + len(m.group(0)) - len(m.group(0).lstrip()), m.group(0).strip())
             for m in re.finditer(r"[^\n]*\S[^\n]*", text)]
    readings: dict[int, tuple[str, str, str]] = {}
    for i, (_, line) in enumerate(lines):
        if _AXIS.match(line):
            readings |= _read_chart(lines, i)
    return readings


def _read_chart(lines: list[tuple[int, str]], axis: int) -> dict[int, tuple[str, str, str]]:
    figures = []
    for pos, line in reversed(lines[:axis]):
        if not _FIGURE.match(line):
            break
        figures.insert(0, pos)
    labels, after = [], axis + 1
    while after < len(lines) and not _ends_labels(lines[after][1]):
        labels.append(lines[after][1])
        after += 1
    if not figures or not labels or after == len(lines):
        return {}  # a chart cut short by the passage's end
    title, legend = _title_and_legend(lines[after:])
    # A passage opening on the figures may have cut some off: only a whole fit will do.
    whole = figures[0] == lines[0][0]
    categories = _categories(len(figures), labels, headed=not title and not whole)
    series = len(figures) // len(categories) if categories else 0
    if not categories or whole and series < 2:
        return {}
    heading = labels[len(categories):]
    names = _series_names(legend, series)
    if series > 1 and not any(names):
        return {}  # series told apart by nothing: any of them could be the one asked
    title = " ".join([*heading, title]).strip()
    return {pos: (categories[n % len(categories)], names[n // len(categories)], title) for n, pos in enumerate(figures)}


def _ends_labels(line: str) -> bool:
    return bool(_TITLE_END.search(line) or _LEGEND.match(line) or _CAPTION.match(line)
                or _FIGURE.match(line) or _AXIS.match(line))


def _categories(figures: int, labels: list[str], headed: bool) -> list[str]:
    """The labels the figures fill evenly, in one to three series. In a chart titled by no
    question, a short last label the figures do not fill is its heading ("Protecting the
    public - Planning")."""
    for n in (len(labels), len(labels) - 1) if headed else (len(labels),):
        if n < 1 or figures % n or figures // n > _MAX_SERIES:
            continue
        if n < len(labels) and (n < 2 or len(labels[-1]) > _HEADING_CHARS):
            continue
        return labels[:n]
    return []


def _title_and_legend(lines: list[tuple[int, str]]) -> tuple[str, list[str]]:
    """The question the chart answers and its series' names, in whichever order they follow."""
    title, legend = "", []
    for _, line in lines[:6]:
        if _CAPTION.match(line) or _FIGURE.match(line) or _AXIS.match(line):
            break
        if _LEGEND.match(line):
            legend.append(line)
        elif _TITLE_END.search(line) and not title:
            title = line
        else:
            break
    return title, legend


def _series_names(legend: list[str], series: int) -> list[str]:
    """One name a series, in the legend's order: "Yes No" on one line or one a line (the last
    lines may be lost to the passage's end or run into the prose after)."""
    if series == 1:
        return [""]
    if len(legend) == 1 and len(words := legend[0].split()) == series and all(_LEGEND.match(w) for w in words):
        return words  # "Yes No"
    if len(legend) == 1 and legend[0].startswith("%"):
        return [""] * series  # "% yes" names no series
    return (legend + [""] * series)[:series]


def reading_of(text: str, start: int, end: int) -> str | None:
    """The chart reading of a sentence that is one chart figure, if it is one."""
    sentence = text[start:end]
    return chart_readings(text).get(start + len(sentence) - len(sentence.lstrip()))


def series_says_yes(text: str, start: int, end: int) -> bool | None:
    """Whether a sentence that is a chart figure is in a "Yes" series (True) or a "No" one
    (False: "No", "No, has impeded"), the share of cases where the thing the chart asks
    about was done or was not; None for any other sentence or series."""
    sentence = text[start:end]
    parts = _chart_parts(text).get(start + len(sentence) - len(sentence.lstrip()))
    answer = re.match(r"(?i)(yes|no)\b", parts[1]) if parts else None
    return None if answer is None else answer.group(1).lower() == "yes"


_TOTAL_CATEGORY = re.compile(r"(?i)^(?:all|total|overall|combined)\b")


def total_bar(text: str, start: int, end: int) -> bool | None:
    """For a chart figure whose chart has an "All cases" (or total) category, whether the
    figure is that category's; None for any other sentence."""
    sentence = text[start:end]
    charts = _chart_parts(text)
    parts = charts.get(start + len(sentence) - len(sentence.lstrip()))
    if parts is None or not any(_TOTAL_CATEGORY.match(c) for c, _, title in charts.values() if title == parts[2]):
        return None
    return _TOTAL_CATEGORY.match(parts[0]) is not None


def sentence_as_read(text: str, start: int, end: int) -> str:
    """A sentence as its words are scored and embedded: a chart figure with what it measures."""
    reading = reading_of(text, start, end)
    return f"{reading} {text[start:end].strip()}" if reading else text[start:end]
