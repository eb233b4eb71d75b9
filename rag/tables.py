"""Read a table's row by its columns.

A PDF table reaches the text as its caption, its column headings one per line,
and then one line per row whose figures follow the row's label:

    Figure 37 % yes
    All cases
    CRC cases
    NPS cases
    Employment, training and education 56% 44% 80%

"For NPS cases, how often ...?" asks for the third figure, not the first. The
headings are matched to a row's trailing figures from the right, and each column
is told apart by the word its heading does not share with the others ("NPS" of
"NPS cases"). Headings set on one line ("... assurance metrics Rating Target")
give their last capitalised words, one a column.

Some tables are printed above their caption instead ("Figure 10: HMI Probation 'Quality
and Impact' inspections" closes a list of areas and report dates). Their rows are read
by the caption that follows them and by the headings that open them (see `closing_tables`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from rag.lexical import tokenize

# "Figure 37 % yes", "Figure 8", "Table 2: ...": a caption opens a table.
_CAPTION = re.compile(r"^\s*(?:Figure|Table|Chart)\s+\d+[a-z]?(?=\s*[:.–-]|\s*$|\s+%)")
_CELL = r"(?:\d[\d,.]*%?|[-–])"
# A row's cells close its line: "... education 56% 44% 80%", "... 68.9% * 100%" ("*" marks a note).
_CELLS = re.compile(rf"(?:\s+(?:{_CELL}|\*))+\s*$")
_ONE_CELL = re.compile(_CELL)
_YEAR_WORDS = frozenset(tokenize("year years"))
_YEAR_LABEL = re.compile(r"(?:19|20)\d\d(?:\s*[/–-]\s*(?:19|20)?\d\d)?")  # "2016", "2011/2012", "2015-16"
_TABLE_NOTE = re.compile(r"(?i)^\s*(?:sources?|notes?)\b|^\s*\d{1,3}\s+\S")  # "Source: ...", "19 Source: ..."
_HEADING_WORDS = 15  # a heading line is short and ends without a full stop
_WORD = re.compile(r"\S+")
_FIGURE_WORD = re.compile(r"\S*\d\S*")
_MIN_CLOSED_ROWS = 4  # fewer short lines before a caption are a chart's labels or a heading
_CLOSED_HEADINGS = 2


@dataclass(frozen=True)
class Table:
    """What is known of the table being read: its caption's and headings' tokens, and its
    heading lines in order. Empty outside a table."""

    tokens: frozenset[str] = frozenset()
    headings: tuple[str, ...] = field(default=())
    caption: str = ""
    closing: bool = False  # the caption follows the rows: every line up to it is a row it heads

    @property
    def lines(self) -> str:
        """The caption and headings, one a line, in the order they are printed: what a passage
        continuing the table lacks (a closing caption comes last, which is how it is read back)."""
        if not self.caption:
            return ""
        return "\n".join((*self.headings, self.caption) if self.closing else (self.caption, *self.headings))


@lru_cache(maxsize=20_000)
def is_table_row(line: str) -> bool:
    """Mostly figures: at least half its words hold a digit."""
    words = len(_WORD.findall(line))
    return words >= 2 and 2 * len(_FIGURE_WORD.findall(line)) >= words


def read_table_line(table: Table, line: str, tokens: frozenset[str]) -> tuple[Table, bool, list[tuple[int, int]]]:
    """The table after reading `line` (whose tokens are `tokens`), whether the line is a row,
    and its cells when it is a row of a captioned table."""
    cells = row_cells(line) if table.tokens else []
    if is_caption(line):
        return Table(tokens, (), line), False, []
    if cells or is_table_row(line):
        return table, True, cells
    if table.tokens and (not re.search(r"[A-Za-z]", line) or _TABLE_NOTE.match(line)):
        return table, False, []  # a page number, a chart's lone value or the table's source
    if table.tokens and is_heading(line):
        return Table(table.tokens | tokens, (*table.headings, line), table.caption), False, []
    return Table(), False, []  # prose again


def table_of_lines(lines: str, tokens_of: Callable[[str], frozenset[str]]) -> Table:
    """The table a passage opens inside of, from the caption and headings it was indexed with
    (`Table.lines`): a caption first opens a table, a caption last closes one."""
    found = [line for line in lines.split("\n") if line]
    if len(found) > 1 and is_caption(found[-1]) and not is_caption(found[0]):
        return Table(frozenset().union(*map(tokens_of, found)), tuple(found[:-1]), found[-1], closing=True)
    table = Table()
    for line in found:
        table, _, _ = read_table_line(table, line, tokens_of(line))
    return table


def _says_something(caption: str) -> bool:
    """"Figure 10: HMI Probation ..." names its table; a bare "Figure 27:" does not."""
    return len(re.findall(r"[A-Za-z]{2,}", _CAPTION.sub("", caption, count=1))) >= 2


def closing_tables(text: str, tokens_of: Callable[[str], frozenset[str]] = lambda s: frozenset(tokenize(s)),
                   opening: Table | None = None) -> list[tuple[int, int, Table]]:
    """The runs of table lines (at least `_MIN_CLOSED_ROWS`) that a caption closes, as (start,
    end, table) spans of `text`: the caption comes right after the run and is followed by prose,
    not by rows of its own, and no caption opens the run. The run's first lines without a figure
    (at most two) head its columns ("PCC area inspected Date of inspection report").
    A text that opens inside such a table (`opening`, closing) reads its first run by it."""
    lines = [(m.start(), m.end(), m.group(0).strip()) for m in re.finditer(r"[^\n]+", text)]
    lines = [line for line in lines if line[2]]
    found: list[tuple[int, int, Table]] = []
    run: list[tuple[int, int, str]] = []
    opened = False  # the run follows a caption, whose table it continues
    for i, (start, end, line) in enumerate(lines):
        if is_caption(line):
            after = lines[i + 1][2] if i + 1 < len(lines) else ""
            if (len(run) >= _MIN_CLOSED_ROWS and not opened and _says_something(line)
                    and not (after and continues_table(after))):
                headings = list(itertools.takewhile(lambda h: not _FIGURE_WORD.search(h),
                                                    [r[2] for r in run[:_CLOSED_HEADINGS]]))
                tokens = frozenset().union(tokens_of(line), *map(tokens_of, headings))
                found.append((run[0][0], run[-1][1], Table(tokens, tuple(headings), line, closing=True)))
            run, opened = [], True
        elif continues_table(line):
            run.append((start, end, line))
        else:
            run, opened = [], False
    if opening is not None and opening.closing and lines and not (found and found[0][0] == lines[0][0]):
        first = next((n for n, line in enumerate(lines) if is_caption(line[2]) or not continues_table(line[2])),
                     len(lines))
        if first:
            found.insert(0, (lines[0][0], lines[first - 1][1], opening))
    return found


def continues_table(line: str) -> bool:
    """A passage opening with this line may be inside a table: a row or a heading."""
    return is_heading(line) or is_table_row(line) or bool(row_cells(line))


def open_tables(text: str, starts: list[int]) -> list[str]:
    """For each offset of `starts`, the caption and headings of the table open there, if a
    passage starting there continues one ("" otherwise): a chunk that begins inside a long
    table is indexed and read under them."""
    lines = [(m.start(), m.group(0).strip()) for m in re.finditer(r"[^\n]+", text)]
    closed = closing_tables(text)
    found: dict[int, str] = {}
    table, i = Table(), 0
    for start in sorted(set(starts)):
        while i < len(lines) and lines[i][0] < start:
            if line := lines[i][1]:
                table, _, _ = read_table_line(table, line, frozenset(tokenize(line)))
            i += 1
        first = lines[i][1] if i < len(lines) else ""
        opened = table.lines if first and continues_table(first) else ""
        # A passage that begins inside a table whose caption follows it is read by that caption.
        closing = next((t.lines for s, e, t in closed if s < start < e), "") if not opened else ""
        found[start] = opened or closing
    return [found[s] for s in starts]


def is_caption(line: str) -> bool:
    return bool(_CAPTION.match(line))


def is_heading(line: str) -> bool:
    return len(line.split()) <= _HEADING_WORDS and not line.rstrip().endswith(".")


def row_cells(line: str) -> list[tuple[int, int]]:
    """The spans of a row's figures: two or more at the end of a line that has a label,
    words or a year ("2011/2012 441 234,510 0.19%")."""
    m = _CELLS.search(line)
    if not m or not (re.search(r"[A-Za-z]", line[: m.start()]) or _YEAR_LABEL.fullmatch(line[: m.start()].strip())):
        return []
    cells = [(m.start() + c.start(), m.start() + c.end()) for c in _ONE_CELL.finditer(m.group(0))]
    return cells if len(cells) >= 2 else []


def column_keys(headings: tuple[str, ...] | list[str], cells: list[str], caption: str = "",
                label: str = "") -> list[frozenset[str]] | None:
    """The words that tell each column apart, from the headings above a row whose figures are `cells`.

    The last `len(cells)` heading lines head the columns when they run in parallel
    ("All cases", "CRC cases", "NPS cases"): their shared last words are dropped and the last
    word left is the column's ("All", "CRC", "NPS"). A single heading line holding them all
    gives its last capitalised words ("Rating Target"). Otherwise the headings are placed by
    their units (see `_keys_by_units`).
    """
    columns = len(cells)
    if not headings or columns < 2:
        return None
    last = headings[-1].split()
    if len(last) > columns and all(w[:1].isupper() and w.isalpha() for w in last[-columns:]):
        lines = [[w] for w in last[-columns:]]  # "... assurance metrics Rating Target"
    elif len(headings) >= columns and _parallel([h.split() for h in headings[-columns:]]):
        lines = [h.split() for h in headings[-columns:]]
        while _parallel(lines):
            lines = [words[:-1] for words in lines]
    else:
        return _keys_by_units(headings, cells, caption, label)
    keys = [next(iter(tokenize(words[-1])), "") for words in lines]
    return [frozenset({k} - {""}) for k in keys] if len(set(keys)) == len(keys) else None


def _parallel(lines: list[list[str]]) -> bool:
    """Heading lines of two or more words sharing their last one ("CRC cases", "NPS cases")."""
    return all(len(words) > 1 for words in lines) and len({words[-1].lower() for words in lines}) == 1


def _keys_by_units(headings: tuple[str, ...] | list[str], cells: list[str], caption: str,
                   label: str) -> list[frozenset[str]] | None:
    """Headings that do not run in parallel ("Serious further offence reviews" / "Caseload (end of
    financial year)" / "... as a % of caseload"), among lines that head no column ("England and
    Wales" over the labels, "Probation" / "trusts" over a group of rows): the one run of
    consecutive lines whose "%" stands exactly over the row's percentages heads the columns,
    each told by its words that the caption does not already give every column. In a row
    labelled by its year, a heading's "year" ("end of financial year") is the label's, and a
    question's ("the last trust year") asks for the row, not that column."""
    percent = [cell.endswith("%") for cell in cells]
    if all(percent) or not any(percent):
        return None  # nothing tells the lines apart
    width = len(cells)
    runs = [i for i in range(len(headings) - width + 1)
            if all(("%" in line) == p for line, p in zip(headings[i:i + width], percent))]
    if len(runs) != 1:
        return None
    shared = frozenset(tokenize(caption)) | (_YEAR_WORDS if _YEAR_LABEL.fullmatch(label.strip()) else frozenset())
    return [frozenset(tokenize(line)) - shared for line in headings[runs[0]:runs[0] + width]]


def column_fit(keys: list[frozenset[str]] | None, cells: list[tuple[int, int]], span: tuple[int, int],
               asked: frozenset[str]) -> int:
    """+1 when the figure stands in the column the question names best, -1 when the question
    names another column of the row better, 0 when it names none (or the row is no table row)."""
    if not keys or len(keys) != len(cells) or span not in cells:
        return 0
    named = [len(key & asked) for key in keys]
    if not max(named):
        return 0
    return 1 if named[cells.index(span)] == max(named) else -1
