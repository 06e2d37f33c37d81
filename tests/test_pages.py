"""Page planning: which pages exist and what their contexts say."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator import citation_formats, export, pages, store
from generator.config import SiteConfig
from generator.library import build_library
from generator.model import AuthorRef, Name, Paper, Topic, Venue, VenueCatalog

ROOT = Path(__file__).resolve().parent.parent
VENUES = VenueCatalog((Venue("acl", "ACL", "Annual Meeting of the ACL"),))
HOSTILE = Paper(
    id="doe-2020-hostile", type="inproceedings", title='</script><script>alert(1)</script> "><img onerror=x>',
    authors=(AuthorRef(Name("<b>Jane</b>", "Doe")),), year=2020, month=3, venue_id="acl",
    abstract="Abstract with </script> inside.", url="javascript:alert(1)", doi="10.1/x",
    links={"code": "data:text/html,x", "data": "https://example.org/data"},
)


def _planner(*papers: Paper, base_url: str | None = None) -> pages.PagePlanner:
    topics = {"t": Topic("t", "Tests", phrases=("abstract",))}
    library = build_library({p.id: p for p in papers}, VENUES, {}, topics)
    return pages.PagePlanner(library, SiteConfig(base_url=base_url), export.export_entries(library))


def test_json_ld_cannot_close_its_script_element() -> None:
    context = _planner(HOSTILE).paper_page(HOSTILE).context["paper"]
    assert "</" not in context["json_ld"] and "<" not in context["json_ld"]
    data = json.loads(context["json_ld"])
    assert data["name"] == HOSTILE.title and data["@type"] == "ScholarlyArticle"
    assert data["datePublished"] == "2020-03"


def test_only_http_links_become_links() -> None:
    links = _planner(HOSTILE).paper_page(HOSTILE).context["paper"]["links"]
    assert [link["label"] for link in links] == ["Data", "DOI"]
    assert all(link["href"].startswith("https://") for link in links)


def test_scholar_meta_tags() -> None:
    paper = Paper(id="a", type="inproceedings", title="T", year=2021, month=7, venue_id="acl", pages="1--9",
                  booktitle="Proceedings of ACL", url="https://aclanthology.org/2021.acl-long.1/",
                  authors=(AuthorRef(Name("Ada", "Lovelace")), AuthorRef(Name(None, "Plato"))))
    pairs = _planner(paper).paper_page(paper).context["paper"]["scholar_meta"]
    meta = dict(pairs)
    assert [v for k, v in pairs if k == "citation_author"] == ["Lovelace, Ada", "Plato"]
    assert meta["citation_publication_date"] == "2021/07"
    assert meta["citation_conference_title"] == "Proceedings of ACL"
    assert meta["citation_pdf_url"] == "https://aclanthology.org/2021.acl-long.1.pdf"
    assert (meta["citation_firstpage"], meta["citation_lastpage"]) == ("1", "9")


def test_paper_page_offers_each_citation_file_written_beside_its_bib() -> None:
    paper = Paper(id="a", type="inproceedings", title="T", year=2021, authors=(AuthorRef(Name("Ada", "Lovelace")),))
    planner = _planner(paper)
    exports = planner.paper_page(paper).context["paper"]["exports"]
    written = {path for path, _ in citation_formats.citation_files(planner.library) if path.startswith("papers/a/")}
    assert {f"papers/a/{export['href']}" for export in exports} == written == {"papers/a/a.json", "papers/a/a.ris"}
    assert [(e["id"], e["label"], e["type"]) for e in exports] == [
        ("download-csl-json", "Download CSL-JSON (Zotero, pandoc)", "application/vnd.citationstyles.csl+json"),
        ("download-ris", "Download RIS (EndNote, Mendeley)", "application/x-research-info-systems"),
    ]


@pytest.mark.parametrize(("base_url", "canonical"), [(None, "./"), ("https://example.org/lab/", "https://example.org/lab/papers/a/")])
def test_canonical_link(base_url: str | None, canonical: str) -> None:
    paper = Paper(id="a", type="misc", title="T")
    assert _planner(paper, base_url=base_url).paper_page(paper).context["canonical"] == canonical


def test_author_page_counts_coauthors_and_groups_by_year() -> None:
    ada, bob, cy = Name("Ada", "Lovelace"), Name("Bob", "Babbage"), Name("Cy", "Young")
    papers = [
        Paper(id="p1", type="misc", title="One", year=2020, authors=(AuthorRef(ada), AuthorRef(bob))),
        Paper(id="p2", type="misc", title="Two", year=2021, authors=(AuthorRef(ada), AuthorRef(bob), AuthorRef(cy))),
        Paper(id="p3", type="misc", title="Three", year=2021, authors=(AuthorRef(ada),)),
    ]
    planned = {page.path: page for page in _planner(*papers).listing_pages()}
    listing = planned["authors/ada-lovelace/index.html"].context["listing"]
    assert [(c["name"], c["count"]) for c in listing["coauthors"]] == [("Bob Babbage", 2), ("Cy Young", 1)]
    assert [(g["year"], [p["id"] for p in g["papers"]]) for g in listing["groups"]] == [(2021, ["p3", "p2"]), (2020, ["p1"])]
    assert listing["bib_file"] == "ada-lovelace.bib"
    assert {"authors/index.html", "years/2020/index.html", "years/2021/index.html", "years/index.html",
            "venues/index.html", "topics/index.html"} <= set(planned)


def test_shipped_site_plan_has_every_page_once() -> None:
    content = ROOT / "content"
    catalog, _ = store.load_venues(content)
    people, _ = store.load_people(content)
    topics, _ = store.load_topics(content)
    library = build_library(store.load_papers(content).papers, catalog, people, topics)
    planned = pages.plan_pages(library, SiteConfig(), export.export_entries(library), pages.load_markdown_pages(content))
    paths = [page.path for page in planned]
    assert len(paths) == len(set(paths))
    assert len([p for p in paths if re.fullmatch(r"papers/[^/]+/index\.html", p)]) == len(library.papers)
    assert len([p for p in paths if re.fullmatch(r"authors/[^/]+/index\.html", p)]) == len(library.people)
    assert "about/index.html" in paths and "404.html" in paths
