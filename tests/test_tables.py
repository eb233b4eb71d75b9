"""A table's row is read by its columns: the question names the column, the headings say which."""

from __future__ import annotations

from rag.tables import closing_tables, column_fit, column_keys, is_caption, open_tables, row_cells

FIGURE_37 = """As shown below, the picture is disappointing overall.

Figure 37 % yes

Have contracted providers contributed sufficiently to achieving the desired outcomes?

All cases

CRC cases

NPS cases

Accommodation 58% 57% 58%

Employment, training and education 56% 44% 80%"""


def test_a_row_is_its_label_then_two_or_more_figures():
    row = "Employment, training and education 56% 44% 80%"
    assert [row[s:e] for s, e in row_cells(row)] == ["56%", "44%", "80%"]
    # A dash is an empty cell; an asterisk is a note's mark, not a cell.
    row = "Financial management 24% 24% -"
    assert [row[s:e] for s, e in row_cells(row)] == ["24%", "24%", "-"]
    row = "SCH9 AB – Percentage of action plans completed within 3 months 68.9% * 100%"
    assert [row[s:e] for s, e in row_cells(row)] == ["68.9%", "100%"]
    assert row_cells("The rate fell to 45%.") == []
    assert row_cells("56% 44%") == []  # no label: a chart's values, not a row
    row = "2013/2014 429 218,671 0.20%"  # a year labels its row too
    assert [row[s:e] for s, e in row_cells(row)] == ["429", "218,671", "0.20%"]


def test_a_caption_opens_a_table_with_or_without_a_colon():
    assert is_caption("Figure 37 % yes") and is_caption("Figure 8") and is_caption("Figure 35: Serious further offence reviews")
    assert not is_caption("Figure 8 shows that most targets were met.")


def test_columns_are_told_apart_by_the_words_their_headings_do_not_share():
    headings = ["Have contracted providers contributed sufficiently?", "All cases", "CRC cases", "NPS cases"]
    assert column_keys(headings, ["58%", "57%", "58%"]) == [frozenset(), {"crc"}, {"nps"}]
    # A title run into the first heading keeps its last word apart from the others'.
    assert column_keys(["Availability of interventions for offenders CRC cases", "NPS cases"], ["70%", "78%"]) == [
        {"crc"}, {"nps"}]
    # Headings set on one line give their last capitalised words, one a column.
    assert column_keys(["CRC service level measure and assurance metrics Rating Target"], ["67.2%", "90%"]) == [
        {"rate"}, {"target"}]
    # Lines that do not run in parallel, with nothing to place them by, head no columns.
    assert column_keys(["Caseload (end of financial year)", "Probation", "trusts"], ["441", "234,510"]) is None


FIGURE_35 = ["England and Wales", "Serious further offence reviews", "Caseload (end of financial year)",
             "Serious further offence reviews as a % of caseload", "Probation", "trusts"]


def test_headings_that_do_not_run_in_parallel_are_placed_by_the_one_that_says_percent():
    keys = column_keys(FIGURE_35, ["441", "234,510", "0.19%"], "Figure 35: Serious further offence reviews, England and Wales")
    # The caption's words belong to every column; what is left tells them apart.
    assert keys == [frozenset(), {"caseload", "end", "financi", "year"}, {"caseload"}]
    # Without a percentage in the row, or with two ways to place the lines, nothing is guessed.
    assert column_keys(FIGURE_35, ["441", "234,510", "17"]) is None
    assert column_keys(["A %", "B", "C %", "D"], ["1%", "2"]) is None


def test_the_column_the_question_names_wins_and_the_others_lose():
    row = "Accommodation 58% 57% 58%"
    cells = row_cells(row)
    keys = [frozenset(), frozenset({"crc"}), frozenset({"nps"})]
    assert [column_fit(keys, cells, c, frozenset({"nps", "case"})) for c in cells] == [-1, -1, 1]
    assert [column_fit(keys, cells, c, frozenset({"accommod"})) for c in cells] == [0, 0, 0]
    # The column that shares most words with the question is the one it names.
    keys = [frozenset(), frozenset({"caseload", "end", "year"}), frozenset({"caseload"})]
    assert [column_fit(keys, cells, c, frozenset({"caseload", "end"})) for c in cells] == [-1, 1, -1]


def test_a_question_about_one_column_gets_that_columns_figure():
    from tests.test_answers import _answer_from

    assert _answer_from(FIGURE_37, "For NPS cases, how often did contracted providers contribute sufficiently "
                                   "to employment, training and education?") == "80%"
    assert _answer_from(FIGURE_37, "In what share of CRC cases did contracted providers contribute "
                                   "sufficiently to accommodation?") == "57%"
    # A question that names no column is answered from the first, all cases.
    assert _answer_from(FIGURE_37, "How often did contracted providers contribute sufficiently to accommodation?") == "58%"


def test_a_passage_that_starts_mid_table_is_indexed_and_read_under_the_tables_caption_and_headings():
    from rag.answering import extract_answer
    from rag.lexical import BM25
    from rag.retrieval import Hit
    from rag.store import Chunk

    report = ("These measures focus on the completion of important tasks.\n\nFigure 8\n\n"
              "CRC service level measure and assurance metrics Rating Target\n\n"
              "SCH9 AA – Percentage of offender surveys that demonstrate a positive experience 79.1% 75%\n\n"
              "19 Source: Community Performance Statistics, Ministry of Justice\n\n41\n\n"
              "SCH9 SL001 – Percentage of offenders with a community sentence seen within 5 days of allocation "
              "to the CRC 95.6% 97%\n\nThe picture varies across CRCs.")
    row, prose = report.index("SCH9 SL001"), report.index("The picture")
    # A page's source note and number inside the table change nothing; prose after it is no table.
    assert open_tables(report, [row, prose, 0]) == [
        "Figure 8\nCRC service level measure and assurance metrics Rating Target", "", ""]

    text = report[row:prose].strip()
    question = "What was the target for offenders with a community sentence seen within 5 days of allocation?"
    bm25 = BM25.build([report, text, "Probation services in England."])

    def answer(table: str) -> str | None:
        hits = [Hit(Chunk(1, "d.txt", 0, len(text), 0, len(text), text, table=table), 1.0, 1)]
        return extract_answer(question, hits, bm25, {}, 0.0).answer

    assert answer("") == "95.6%"  # read alone, the row gives its first column
    assert answer(open_tables(report, [row])[0]) == "97%"


def test_a_table_whose_columns_say_different_things_is_read_by_the_column_asked_for():
    from tests.test_answers import _answer_from

    table = "\n\n".join(["Figure 35: Serious further offence reviews, England and Wales", *FIGURE_35,
                          "2011/2012 441 234,510 0.19%\n2012/2013 409 222,306 0.18%\n2013/2014 429 218,671 0.20%"])
    assert _answer_from(table, "What was the probation caseload at the end of 2013/2014?") == "218,671"
    assert _answer_from(table, "How many serious further offence reviews were there in 2012/2013?") == "409"
    # "year" asks for the row a year labels, not the column headed "(end of financial year)".
    assert _answer_from(table, "How many serious further offence reviews were there in 2013/2014, "
                               "the last year of the probation trusts?") == "429"
    assert _answer_from(table, "What were serious further offence reviews as a share of caseload in 2011/2012?") == "0.19%"



FIGURE_10 = ("We will have inspected all CRCs by April 2019.\n\n"
             "NPS division CRC owner Contract package area\n\nPCC area inspected Date of inspection report\n\n"
             "Midlands\n\nStaffordshire January 2017\n\nEOS Works Ltd Warwickshire and West Mercia\n\n"
             "West Mercia November 2017\n\nWales Working Links Wales Gwent April 2017\n\n"
             "Figure 10: HMI Probation ‘Quality and Impact’ inspections, March 2016 – December 2017\n\n"
             "Government has recently set out its expectations of probation services, which are many.")


def test_a_caption_printed_below_its_rows_closes_their_table():
    run, caption = FIGURE_10.index("NPS division"), FIGURE_10.index("Figure 10")
    [(start, end, table)] = closing_tables(FIGURE_10)
    assert (start, FIGURE_10[end:end + 3]) == (run, "\n\nF")
    # The run's first lines without a figure head its columns.
    assert table.headings == ("NPS division CRC owner Contract package area", "PCC area inspected Date of inspection report")
    assert table.closing and {"qualiti", "impact", "date", "report"} <= table.tokens
    # A passage that begins among the rows is indexed with the headings and, last, the caption.
    row = FIGURE_10.index("West Mercia November")
    assert open_tables(FIGURE_10, [row, caption]) == [
        "NPS division CRC owner Contract package area\nPCC area inspected Date of inspection report\n"
        "Figure 10: HMI Probation ‘Quality and Impact’ inspections, March 2016 – December 2017", ""]
    # A bare "Figure 27:" names nothing, and a caption followed by rows of its own opens their table.
    assert closing_tables(FIGURE_10.replace(FIGURE_10[caption:FIGURE_10.index("\n", caption)], "Figure 27:")) == []
    assert closing_tables(FIGURE_10.replace("Government has", "Kent October 2016\n\nGovernment has")) == []


def test_a_row_above_its_caption_is_read_by_it():
    from rag.answering import extract_answer
    from rag.lexical import BM25
    from rag.retrieval import Hit
    from rag.store import Chunk

    # The report's reference list dates the same report by its year only.
    note = ("In some CRCs (for example in West Mercia), rigorous audits made it hard for staff to improve. "
            "HM Inspectorate of Probation (2017) Quality and Impact inspection: The effectiveness of probation work "
            "in West Mercia.")
    row = FIGURE_10.index("Staffordshire")
    rows = FIGURE_10[row:FIGURE_10.index("Figure 10")].strip()
    hits = [Hit(Chunk(0, "d.txt", 0, len(note), 0, len(note), note), 1.0, 1),
            Hit(Chunk(1, "d.txt", 0, len(rows), 0, len(rows), rows, table=open_tables(FIGURE_10, [row])[0]), 0.9, 2)]
    bm25 = BM25.build([note, rows, "Probation services in England."])
    question = "When was the West Mercia Quality and Impact inspection report published?"
    assert extract_answer(question, hits, bm25, {}, 0.0).answer == "November 2017"
    # A label the question quotes is said by the caption the rows are read by.
    question = "According to the table of 'Quality and Impact' inspections, when was the report on West Mercia published?"
    alone = [Hit(hits[1].chunk, 1.0, 1)]
    assert extract_answer(question, alone, bm25, {}, 0.0).answer == "November 2017"
