"""feeds: sitemap.xml, the Atom feed and robots.txt are valid, escaped, sorted and repeatable."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.config import SiteConfig
from generator.feeds import FEED_PATH, FeedEntry, atom_feed, newest_entries, robots_txt, sitemap_xml
from generator.model import AuthorRef, Name, Paper

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://example.org/pubs/"

PAGES = [
    "papers/okafor-2023-zebra/index.html",
    "index.html",
    "authors/index.html",
    "404.html",
    "papers/okafor-2023-zebra/okafor-2023-zebra.bib",
    "about/index.html",
    "authors/index.html",  # twice
]


def entry(paper_id: str, year: int | None, month: int | None = None, **fields: object) -> FeedEntry:
    values: dict[str, object] = {
        "title": f"Title of {paper_id}",
        "authors": ("Lucía Ortiz", "Okafor"),
        "summary": None,
        "url_path": f"papers/{paper_id}/",
    }
    values.update(fields)
    return FeedEntry(id=paper_id, year=year, month=month, **values)  # type: ignore[arg-type]


ENTRIES = [
    entry("ortiz-2021-grammar", 2021, 3),
    entry("brandt-etal-2023-script", 2023, 7, title='Escaping <script> Tags & "Quotes"\x00\x1b in Titles'),
    entry("okafor-2023-zebra", 2023, None, summary="Parsers cross <roads> & streets."),
    entry("undated-paper", None),
    entry("abbas-2023-ant", 2023, 7),
]


def sitemap_locations(text: str) -> list[str]:
    return [loc.text or "" for loc in ET.fromstring(text).iter(f"{SM}loc")]


def feed_entries(text: str) -> list[ET.Element]:
    return ET.fromstring(text).findall(f"{ATOM}entry")


# ---------------------------------------------------------------- sitemap


def test_sitemap_lists_each_html_page_once_sorted_as_folder_urls() -> None:
    assert sitemap_locations(sitemap_xml(PAGES, BASE)) == [
        BASE,
        BASE + "about/",
        BASE + "authors/",
        BASE + "papers/okafor-2023-zebra/",
    ]


def test_sitemap_accepts_a_base_url_without_final_slash() -> None:
    assert sitemap_locations(sitemap_xml(["index.html", "about/index.html"], "https://example.org/pubs")) == [
        BASE,
        BASE + "about/",
    ]


def test_sitemap_without_base_url_is_relative_to_itself_and_says_so() -> None:
    text = sitemap_xml(PAGES, None)
    assert sitemap_locations(text) == ["./", "about/", "authors/", "papers/okafor-2023-zebra/"]
    assert "<!-- No base_url was set" in text
    assert "<!--" not in sitemap_xml(PAGES, BASE)


def test_sitemap_percent_encodes_paths() -> None:
    assert sitemap_locations(sitemap_xml(["papers/a b&c/index.html"], BASE)) == [BASE + "papers/a%20b%26c/"]


def test_sitemap_does_not_depend_on_input_order() -> None:
    assert sitemap_xml(PAGES, BASE) == sitemap_xml(list(reversed(PAGES)), BASE)


# ---------------------------------------------------------------- Atom feed


@pytest.mark.parametrize("base_url", [BASE, None])
def test_feed_escapes_markup_and_drops_characters_xml_cannot_hold(base_url: str | None) -> None:
    text = atom_feed(ENTRIES, SiteConfig(title="Lab <b>&</b> Friends", base_url=base_url), FEED_PATH)
    root = ET.fromstring(text)  # parses, so the XML is well-formed
    assert root.findtext(f"{ATOM}title") == "Lab <b>&</b> Friends"
    titles = [item.findtext(f"{ATOM}title") for item in feed_entries(text)]
    assert 'Escaping <script> Tags & "Quotes" in Titles' in titles
    assert "<script>" not in text
    summaries = [item.findtext(f"{ATOM}summary") for item in feed_entries(text)]
    assert "Parsers cross <roads> & streets." in summaries


_hostile = st.text(max_size=20) | st.sampled_from(["", "&amp;", '<a href="x">', "]]>", "\r\n\t", "\x00\x0b", "\ud800é"])


_NOT_XML = "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]"


def _kept(text: str) -> str:
    """What an XML parser reads back of ``text``: characters XML cannot hold are dropped; a carriage return in
    element text is read as a line feed (XML normalises line ends)."""
    return re.sub(_NOT_XML, "", text).replace("\r\n", "\n").replace("\r", "\n")


@settings(max_examples=300, deadline=None)
@given(title=_hostile, name=_hostile, summary=_hostile, path=_hostile, language=_hostile)
def test_any_text_gives_a_feed_that_parses_and_reads_back(title: str, name: str, summary: str, path: str,
                                                          language: str) -> None:
    config = SiteConfig(title="Lab", base_url=None, language=language)
    feed = ET.fromstring(atom_feed([entry("x-2020-y", 2020, title=title, authors=(name,), summary=summary or None,
                                          url_path=path)], config, f"authors/{path}/feed.xml", page_path=path))
    # In an attribute, line ends and tabs are written as character references, so they read back as they were.
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == re.sub(_NOT_XML, "", language)
    item = feed.find(f"{ATOM}entry")
    assert item is not None
    assert (item.findtext(f"{ATOM}title") or "") == _kept(title)
    assert (item.findtext(f"{ATOM}author/{ATOM}name") or "") == _kept(name)
    assert (item.findtext(f"{ATOM}summary") or "") == (_kept(summary) if summary else "")


def test_feed_entries_are_newest_first_with_ties_by_id_and_undated_last() -> None:
    ids = [item.findtext(f"{ATOM}id") for item in feed_entries(atom_feed(ENTRIES, SiteConfig(base_url=BASE), FEED_PATH))]
    assert ids == [
        BASE + "papers/abbas-2023-ant/",
        BASE + "papers/brandt-etal-2023-script/",
        BASE + "papers/okafor-2023-zebra/",
        BASE + "papers/ortiz-2021-grammar/",
        BASE + "papers/undated-paper/",
    ]


def test_feed_dates_come_from_the_papers_not_the_clock() -> None:
    root = ET.fromstring(atom_feed(ENTRIES, SiteConfig(base_url=BASE), FEED_PATH))
    assert root.findtext(f"{ATOM}updated") == "2023-07-01T00:00:00Z"
    assert [item.findtext(f"{ATOM}updated") for item in root.findall(f"{ATOM}entry")] == [
        "2023-07-01T00:00:00Z",
        "2023-07-01T00:00:00Z",
        "2023-01-01T00:00:00Z",
        "2021-03-01T00:00:00Z",
        "1970-01-01T00:00:00Z",
    ]


def test_feed_is_deterministic_whatever_the_input_order() -> None:
    config = SiteConfig(base_url=BASE)
    assert atom_feed(ENTRIES, config, FEED_PATH) == atom_feed(list(reversed(ENTRIES)), config, FEED_PATH)


def test_feed_with_base_url_links_absolutely() -> None:
    root = ET.fromstring(atom_feed(ENTRIES[:1], SiteConfig(base_url=BASE, owner="Lucía Ortiz"), FEED_PATH))
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {"self": BASE + "feed.xml", "alternate": BASE}
    assert root.findtext(f"{ATOM}id") == BASE + "feed.xml"
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "Lucía Ortiz"
    item = root.find(f"{ATOM}entry")
    assert item is not None
    assert item.find(f"{ATOM}link").get("href") == BASE + "papers/ortiz-2021-grammar/"  # type: ignore[union-attr]
    assert [name.text for name in item.iter(f"{ATOM}name")] == ["Lucía Ortiz", "Okafor"]


def test_feed_without_base_url_links_relative_to_itself_with_tag_ids() -> None:
    root = ET.fromstring(atom_feed(ENTRIES[:1], SiteConfig(), "feeds/atom.xml"))
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {"self": "../feeds/atom.xml", "alternate": "../index.html"}
    item = root.find(f"{ATOM}entry")
    assert item is not None
    assert item.find(f"{ATOM}link").get("href") == "../papers/ortiz-2021-grammar/index.html"  # type: ignore[union-attr]
    assert item.findtext(f"{ATOM}id") == "tag:bibsite.invalid,2024:papers/ortiz-2021-grammar/"
    assert (root.findtext(f"{ATOM}id") or "").startswith("tag:")


def test_feed_of_no_entries_is_still_valid() -> None:
    root = ET.fromstring(atom_feed([], SiteConfig(), FEED_PATH))
    assert root.findtext(f"{ATOM}updated") == "1970-01-01T00:00:00Z"
    assert root.findall(f"{ATOM}entry") == []


def test_newest_entries_takes_the_newest_papers_with_display_names() -> None:
    papers = [
        Paper(id=f"p{year}", type="misc", title=f"Paper {year}", year=year,
              authors=(AuthorRef(Name("Lucía", "Ortiz")), AuthorRef(Name(None, "Okafor"))))
        for year in range(2000, 2010)
    ]
    entries = newest_entries(papers, limit=3)
    assert [e.id for e in entries] == ["p2009", "p2008", "p2007"]
    assert entries[0] == FeedEntry("p2009", "Paper 2009", ("Lucía Ortiz", "Okafor"), 2009, None, None, "papers/p2009/")


# ---------------------------------------------------------------- robots.txt


def test_robots_allows_all_and_names_the_sitemap_only_with_a_base_url() -> None:
    assert robots_txt(BASE) == f"User-agent: *\nAllow: /\n\nSitemap: {BASE}sitemap.xml\n"
    assert robots_txt(None) == "User-agent: *\nAllow: /\n"
