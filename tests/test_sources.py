from rag.sources import annual_reports, named_report

TITLES = {
    "a.txt": "HM Inspectorate of Probation Annual Report 2017",
    "b.txt": "Annual probation report: 'There is hope' (press release on the 2019/20 annual report)",
    "c.txt": "National Probation Service faces workload crisis (blog post, 2019)",
}


def test_an_annual_report_is_named_by_a_year_its_title_gives():
    reports = annual_reports(TITLES)
    assert reports == {"a.txt": {2017}, "b.txt": {2019, 2020}}
    assert named_report("How many cases did the 2017 annual report count?", reports) == "a.txt"
    assert named_report("What did the Inspectorate's 2019/20 annual report recommend?", reports) == "b.txt"
    assert named_report("What did the 2020 annual report say?", reports) == "b.txt"
    # No year, another kind of report, or a year no annual report has: none is named.
    assert named_report("What did the annual report say?", reports) is None
    assert named_report("What did the 2019 inspection report say?", reports) is None
    assert named_report("What did the 2023 annual report say?", reports) is None


def test_a_question_about_a_named_report_is_not_answered_from_another(service):
    # The blog's "The Inspectorate has made 24 recommendations ..." is about an inspection of
    # central functions; the 2019/20 annual report's press release gives no count of them.
    assert service.ask("How many recommendations did the Inspectorate's 2019/20 annual report make?").answer is None
    assert service.ask("How many recommendations did the Inspectorate make on central functions for the NPS "
                       "in 2019?").answer == "24"


def test_the_named_report_is_the_one_searched(service):
    # "We will have inspected all CRCs by April 2019" shares its passage with Figure 10's rows;
    # among every document's passages it ranked 16th, among the 2017 report's it is read.
    question = "According to the 2017 annual report, by what date would all CRCs have been inspected?"
    resp = service.ask(question)
    assert resp.answer == "April 2019"
    assert {c.doc for c in resp.citations} == {"001_077a6287ac014f02.txt"}
    assert {c.doc for c in service.search(question)} == {"001_077a6287ac014f02.txt"}
    # A client's year filter is its own choice of reports, and stays.
    assert {c.doc for c in service.search(question, year=2019)} != {"001_077a6287ac014f02.txt"}
