"""The "Report a problem" link: the right repository's new-issue form, the record in it, URL-encoded."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from generator.report import MAX_URL_LENGTH, paper_report, person_report, report_url

RECORD = "id: smith-2024-tricky\ntitle: 'A & B: 100% \"quoted\" <tags> #1?'\nauthors:\n- given: José\n  family: Núñez\n"


def test_a_paper_report_opens_a_new_issue_in_the_repository_with_the_record() -> None:
    url = paper_report("https://github.com/lab/publications/", "smith-2024-tricky", RECORD)
    assert url is not None
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "github.com", "/lab/publications/issues/new")
    query = parse_qs(parts.query, strict_parsing=True)
    assert query["title"] == ["Problem with smith-2024-tricky"]
    assert RECORD.rstrip() in query["body"][0]
    assert "content/papers/smith-2024-tricky.yaml" in query["body"][0]
    assert not set(parts.query) & set(" \n\"<>#"), "characters that break a URL must be encoded"


def test_gitlab_gets_its_own_form_and_git_suffixes_are_dropped() -> None:
    url = report_url("https://gitlab.com/lab/pubs.git", "T", "B")
    assert url == "https://gitlab.com/lab/pubs/-/issues/new?issue%5Btitle%5D=T&issue%5Bdescription%5D=B"


def test_no_repository_no_link() -> None:
    assert paper_report(None, "x", RECORD) is None


def test_a_huge_record_is_cut_to_fit_in_a_link_and_says_so() -> None:
    record = "abstract: " + "Ünïcode 漢字 text & more " * 2000
    url = paper_report("https://github.com/lab/pubs", "big-2024", record)
    assert url is not None and len(url) <= MAX_URL_LENGTH
    body = parse_qs(urlsplit(url).query)["body"][0]
    assert body.startswith("The record `big-2024`") and body.endswith("the whole record is in the repository)")


def test_an_author_report_lists_the_papers_and_spellings() -> None:
    url = person_report("https://codeberg.org/lab/pubs", "jane-doe", "Jane Doe", ["J. Doe"], ("a-2020", "b-2021"))
    assert url is not None and url.startswith("https://codeberg.org/lab/pubs/issues/new?")
    body = parse_qs(urlsplit(url).query)["body"][0]
    assert "- a-2020\n- b-2021" in body and "J. Doe" in body and "`jane-doe`" in body
