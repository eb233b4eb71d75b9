"""A bar chart's figures read by their labels (see rag/charts.py)."""

from rag.charts import chart_readings, sentence_as_read

PROGRESS = """Review is necessarily limited.

49%

43%

25%

22%

0% 20% 40% 60% 80% 100%

NPS cases

CRC cases

Up to this point, had sufficient progress been made?

Yes

No, individual’s lack of engagement was a barrier

Figure 29:
"""


def _read(text: str) -> dict[str, str]:
    return {text[pos:].split()[0]: reading for pos, reading in chart_readings(text).items()}


def test_figures_run_series_by_series_through_the_categories():
    assert _read(PROGRESS) == {
        "49%": "NPS cases Yes Up to this point, had sufficient progress been made?",
        "43%": "CRC cases Yes Up to this point, had sufficient progress been made?",
        "25%": "NPS cases No, individual’s lack of engagement was a barrier Up to this point, had sufficient progress been made?",
        "22%": "CRC cases No, individual’s lack of engagement was a barrier Up to this point, had sufficient progress been made?",
    }


def test_a_legend_on_one_line_and_a_heading_left_over_by_the_labels():
    text = ("Advice to the court.\n\n92%\n\n89%\n\n8%\n\n11%\n\n0% 20% 40% 60% 80% 100%\n\n"
            "A good quality PSR was provided to the court\n\nThe PSR gave sufficient attention to diversity\n\n"
            "Advice provided to the courts\n\nYes No\n")
    read = _read(text)
    assert read["89%"] == "The PSR gave sufficient attention to diversity Yes Advice provided to the courts"
    assert read["8%"] == "A good quality PSR was provided to the court No Advice provided to the courts"


def test_a_chart_of_one_series_needs_no_legend():
    text = ("Risk was assessed.\n\n79%\n\n86%\n\n0% 20% 40% 60% 80% 100%\n\nPublic\n\nStaff\n\n"
            "Was there sufficient assessment of the risk posed to:\n\nFigure 11\n")
    assert _read(text) == {"79%": "Public Was there sufficient assessment of the risk posed to:",
                           "86%": "Staff Was there sufficient assessment of the risk posed to:"}


def test_a_chart_cut_by_the_passage_is_left_unread():
    # Its labels run into the passage's end: more categories may follow.
    assert chart_readings(PROGRESS.split("Up to this point")[0]) == {}
    # Its figures open the passage: the first may have been cut off, and two figures fill two
    # of the three labels evenly, as if "All cases" were the chart's heading.
    cut = "40%\n\n36%\n\n0% 20% 40% 60% 80% 100%\n\nNPS cases\n\nCRC cases\n\nAll cases\n\nDid planning support?\n\nYes No\n"
    assert chart_readings(cut) == {}
    # Figures that do not fill the labels evenly are not guessed at.
    assert chart_readings(PROGRESS.replace("43%\n\n", "")) == {}


def test_series_told_apart_by_nothing_are_left_unread():
    text = PROGRESS.replace("Yes\n\nNo, individual’s lack of engagement was a barrier\n", "All cases CRC cases\n")
    assert chart_readings(text) == {}


def test_a_figure_is_embedded_with_what_it_measures_and_prose_as_it_is():
    start = PROGRESS.index("43%")
    assert sentence_as_read(PROGRESS, start, start + 3) == (
        "CRC cases Yes Up to this point, had sufficient progress been made? 43%")
    assert sentence_as_read(PROGRESS, 0, 30) == "Review is necessarily limited."
