"""Cleaning repairs PDF debris while every cleaned character still points into the original."""

from __future__ import annotations

import re

import pytest

from rag.cleaning import clean, identity, rewrite

ANNUAL = "001_077a6287ac014f02.txt"
BLOG = "004_0880fbf5f6f5a3fe.txt"


def assert_maps_back(original: str, cleaned) -> None:
    """Each cleaned character is its original character, or stands for whitespace or a lost ligature."""
    assert len(cleaned.offsets) == len(cleaned.text)
    for ch, off in zip(cleaned.text, cleaned.offsets):
        if ch.isspace():
            continue
        src = original[off]
        assert src == ch or (src == "\ufffd" and ch in "ti"), (ch, src, off)


def test_offsets_map_back_exactly_on_every_seed(originals):
    for text in originals.values():
        assert_maps_back(text, clean(text))


def test_original_span_covers_the_cleaned_text(originals):
    text = originals[ANNUAL]
    ct = clean(text)
    i = ct.text.index("Youth offending has reduced by 42%")
    start, end = ct.original_span(i, i + 60)
    squash = lambda s: re.sub(r"\s+", " ", s)  # noqa: E731
    assert squash(text[start:end]).startswith("Youth offending has reduced by 42%")


def test_glued_footnote_numbers_are_dropped():
    ct = clean("owned by 21 Community Rehabilitation\nCompanies4 owned by eight\norganisations (about 40,000 each year6). Rate 78%51) and June 201719; end.")
    assert "Companies owned" in ct.text
    assert "each year)" in ct.text
    assert "78%)" in ct.text
    assert "June 2017;" in ct.text
    assert "40,000" in ct.text  # real figures are left alone


def test_other_line_ends_break_lines_and_invisible_characters_vanish():
    original = "\ufeffThe NPS had 615 vacan\u200bcies.\u2028It had seven divi\u00adsions.\x85End."
    ct = clean(original)
    assert re.sub(r"\s+", " ", ct.text) == "The NPS had 615 vacancies. It had seven divisions. End."
    assert_maps_back(original, ct)


def test_a_footnote_number_glued_to_a_figure_is_dropped_only_when_the_footnote_is_there():
    page = ("The number has risen by 20%, from 429 to\n5178. Most are convicted of murder.\n\n"
            "It rose from 1,204 to 2016. The rate was 4312.\n\n"
            "8  Figures released by the Ministry of Justice.\n")
    ct = clean(page)
    assert "from 429 to 517." in ct.text
    assert "to 2016." in ct.text  # a year keeps its digits
    assert "4312." in ct.text  # no footnote 12 (nor 2) below: a figure, not a figure and a note
    assert_maps_back(page, ct)


def test_figures_and_words_split_across_lines_are_rejoined():
    ct = clean("the NPS had twenty-\none divisions and\n3,\n000 cases costing £\n22m, up\n42\n% on last year.")
    assert "twenty-one divisions" in ct.text
    assert "3,000 cases" in ct.text
    assert "£22m" in ct.text
    assert "42%" in ct.text


def test_lost_ti_ligatures_are_restored(originals):
    ct = clean(originals[ANNUAL])
    assert "\ufffd" not in ct.text
    assert "The entire process" in ct.text


def test_vertical_headings_url_lines_and_quote_marks_are_removed(originals):
    ct = clean(originals[ANNUAL])
    assert not re.search(r"^(in|tro|d|u|ctio|n)$", ct.text, re.M)
    assert not re.search(r"^https?://", ct.text, re.M)
    assert "“ ”“ ”" not in ct.text


def test_a_vertical_heading_goes_whole_even_where_two_letter_groups_share_a_line():
    raw = ("In total, we completed 4,138 \ncase assessments. \n\nyo\nu\n\nth\n\n"
           "a\nn\n\nn\nu\n\na\nl re\n\np\no\n\nrt\n\nThe quality of Youth \nOffending Services\n")
    text = clean(raw).text
    assert "l re" not in text
    assert "case assessments.\n\nThe quality of Youth Offending Services" in text


def test_a_page_number_before_a_running_heading_is_not_a_key_fact():
    raw = ("Many continue to rely on the legacy systems used by the NPS.\n\n91\n\nYouth Offending Services\n\n"
           "92\n\nYouth Offending Services\n\n32,848\nNumber of young people managed by YOTs\n\n"
           "151\nNumber of YOTs\n\n")
    text = clean(raw).text
    assert "92 Youth Offending Services" not in text
    assert "32,848 Number of young people managed by YOTs\n\n151 Number of YOTs" in text


def test_sentences_cut_by_page_breaks_are_joined(originals):
    ct = clean(originals[ANNUAL])
    assert "reduced by 42% over the first four years of our youth inspection series" in ct.text


def test_a_sentence_cut_by_a_heading_before_a_figure_is_joined_and_key_facts_are_not():
    raw = ("Caseloads have fallen dramatically (from 147,791 in 2006/2007 to 32,949 in\n\n"
           "How Youth Offending Services are configured\n\n2015/2016: a reduction of 78%).\n\n"
           "Probation Services\n\n262,347 Number of offenders supervised, 30 June 2017\n\n"
           "21 Number of CRCs\n\n8 Number of CRC owners\n\n")
    ct = clean(raw)
    assert "to 32,949 in 2015/2016: a reduction of 78%)." in ct.text
    assert "How Youth Offending Services are configured" in ct.text
    assert "\n\n21 Number of CRCs\n\n8 Number of CRC owners" in ct.text
    start = ct.text.index("2015/2016: a")
    assert raw[slice(*ct.original_span(start, start + 9))] == "2015/2016"


def test_pull_quotes_repeating_body_text_appear_once(originals):
    ct = clean(originals[ANNUAL])
    assert ct.text.count("Youth offending and probation services can make a big difference") == 1


def test_a_web_page_keeps_its_sidebar_advert_and_related_posts(originals):
    # Readers ask about what the page shows ("Which company sponsored the posts?"): nothing is dropped.
    ct = clean(originals[BLOG])
    for shown in ("there were 615 probation officer vacancies across the NPS", "Probation posts sponsored by Unilink",
                  "With over 20 years’ experience in the criminal justice sector", "quadruple murderer Damien Bendall",
                  "One email every day at noon"):
        assert shown in ct.text


@pytest.mark.parametrize("pattern,repl,expected", [("b", "", "ac"), ("b", "XY", "aXYc"), ("c", "", "ab")])
def test_rewrite_keeps_offsets_of_untouched_text(pattern, repl, expected):
    ct = rewrite(identity("abc"), pattern, repl)
    assert ct.text == expected
    assert ct.offsets[0] == 0 and ("c" not in expected or ct.offsets[-1] == 2)


def test_table_rows_and_key_facts_keep_each_figure_with_its_label():
    table = ("Figure 8\n\nCRC measures Rating Target\n\nSCH9 AA – Percentage of offender surveys that are\npositive\n\n"
             "79.1% 75%\n\nSCH9 AC – Percentage of offenders in settled accommodation\n\n67.2% 90%\n\n")
    facts = ("Probation Services\n\n262,347 \nNumber of offenders \n\nsupervised, 30 June 2017\n\n21 \n\n"
             "Number of CRCs\n\n2,718 \n\nNumber of cases examined\n\n73% \nSufficient responses to non-\n\ncompliance\n\n")
    text = clean(table + facts).text
    assert "Percentage of offender surveys that are positive 79.1% 75%" in text
    assert "settled accommodation 67.2% 90%" in text
    assert "262,347 Number of offenders supervised, 30 June 2017" in text
    assert "21 Number of CRCs" in text and "2,718 Number of cases examined" in text
    assert "73% Sufficient responses to non-compliance" in text
    # A bracket left open at a line's end waits for the short line that closes it.
    wrapped = "37.8% Proven 1-year reoffending rate (Oct 2014 –\n\nSept 2015 cohort)\n\n3.4 Average number\n\n"
    assert "rate (Oct 2014 – Sept 2015 cohort)\n\n3.4" in clean(wrapped).text
    assert "(see below)\n\nSept" in clean("Figures (see below)\n\nSept 2015 cohort)\n\n").text


def test_table_rows_on_consecutive_lines_stay_apart():
    # Hard-wrapped text joins single line breaks, but one row a line is a table, not a wrap.
    text = ("Caseload (end of financial year)\n\n2011/2012 441 234,510 0.19%\n2012/2013 409 222,306 0.18%\n\n"
            "Over 40,000 more individuals are now under probation\nsupervision on release.")
    assert "0.19%\n\n2012/2013 409" in clean(text).text
    assert "under probation supervision on release." in clean(text).text


def test_a_heading_over_its_paragraph_is_not_glued_to_the_first_sentence():
    # "One" would have fitted on the line after "Women": the break is the heading's own.
    text = ("in prisons.\n\nWomen\nOne in ten offenders \nsupervised by probation \nservices are women. "
            "They \ndiffer from male offenders.\n")
    assert "\n\nWomen\n\nOne in ten offenders supervised by probation services are women." in clean(text).text
    # A table cell whose next word had no room ("Cheshire"), or too short for prose, stays one cell.
    assert "Purple Futures Cheshire and Greater" in clean("x.\n\nPurple Futures\nCheshire and \nGreater\n").text
    assert "Seetec Kent, Surrey and Sussex" in clean("x.\n\nSeetec\nKent, Surrey and \nSussex\n").text


def test_chart_columns_and_page_numbers_stay_apart_from_labels():
    text = clean("Where practicable, CRCs offer women meetings\n\n75%\n\n79%\n\n77%\n\n"
                 "Many rely on legacy systems.\n\n91\n\nYouth Offending Services\n\n92\n\n").text
    assert "meetings 75%" not in text
    assert "91 Youth" not in text and "Services 92" not in text


def test_footnotes_lose_their_number_and_never_swallow_body_text():
    raw = ("The number of cautions has\n\n16\u2003 Source: Youth Justice statistics, https://www.gov.uk/\n"
           "statistics/youth-justice\n\nalso reduced, by 17% in the year.\n")
    text = clean(raw).text
    assert "The number of cautions has also reduced, by 17% in the year." in text
    assert "16 Source" not in text and "Source: Youth Justice statistics" in text
