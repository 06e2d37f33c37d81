"""Charts, related papers, per-author and per-topic feeds and report links, as the built sample site shows them."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from generator.build import build_site
from generator.config import load_config
from tests.conftest import REPO, BuildInto

SAMPLE = REPO / "tests" / "sample_site"
SVG = "{http://www.w3.org/2000/svg}"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("features") / "site"
    config, problems = load_config(SAMPLE, out, REPO / "templates", REPO / "static")
    assert problems == []
    build_site(config)
    return out


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [value for name, value in attrs if name == "href" and value]


def hrefs(page: Path) -> list[str]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.hrefs


def svgs(page: Path) -> list[ET.Element]:
    return [ET.fromstring(svg) for svg in re.findall(r"<svg\b.*?</svg>", page.read_text(encoding="utf-8"), re.DOTALL)]


def paper_years(site: Path, listing: Path) -> list[int]:
    """The year of every paper a listing page links to, read from the papers' own pages."""
    years = []
    for paper_id in dict.fromkeys(re.findall(r'href="\.\./\.\./papers/([^/]+)/index\.html"', listing.read_text("utf-8"))):
        year = re.search(r'href="\.\./\.\./years/(\d{4})/index\.html"', (site / "papers" / paper_id / "index.html").read_text("utf-8"))
        if year:
            years.append(int(year.group(1)))
    return years


def test_every_chart_is_valid_xml_with_a_title_and_a_description(site: Path) -> None:
    pages = [*site.glob("authors/*/index.html"), *site.glob("venues/*/index.html"), *site.glob("topics/*/index.html"),
             site / "topics" / "index.html"]
    charts = [chart for page in pages for chart in svgs(page)]
    assert len(charts) > len([*site.glob("venues/*/index.html")])
    for chart in charts:
        title, desc = chart.find(f"{SVG}title"), chart.find(f"{SVG}desc")
        assert title is not None and title.text and desc is not None and desc.text
        assert chart.get("aria-labelledby")


@pytest.mark.parametrize("folder", ["authors", "venues", "topics"])
def test_the_bars_count_the_papers_the_page_lists(site: Path, folder: str) -> None:
    charted = 0
    for page in sorted(site.glob(f"{folder}/*/index.html")):
        bars = {int(rect.get("data-year")): int(rect.get("data-count"))
                for chart in svgs(page) for rect in chart.iter(f"{SVG}rect") if rect.get("data-year")}
        listed: dict[int, int] = {}
        for year in paper_years(site, page):
            listed[year] = listed.get(year, 0) + 1
        if len(listed) < 2:  # a chart of one bar would only repeat the page's one year heading
            assert bars == {}, page
            continue
        assert {year: n for year, n in bars.items() if n} == listed, page
        charted += 1
        total = int(re.search(r'<p class="counts">(\d+) paper', page.read_text("utf-8")).group(1))
        assert sum(bars.values()) <= total  # undated papers have no bar
    assert charted, f"some {folder} page spans several years"


def test_a_network_is_drawn_for_authors_of_more_than_one_paper(site: Path) -> None:
    kinds = {}
    for page in sorted(site.glob("authors/*/index.html")):
        papers = int(re.search(r'<p class="counts">(\d+) paper', page.read_text("utf-8")).group(1))
        networks = [chart for chart in svgs(page) if "chart-network" in (chart.get("class") or "")]
        assert len(networks) == (papers > 1), page  # with one paper it would repeat the paper's author list
        kinds[papers > 1] = True
    assert kinds == {True: True, False: True}, "the sample has authors of one paper and of several"


def test_the_coauthor_network_links_every_coauthor(site: Path) -> None:
    page = site / "authors" / "wei-zhang" / "index.html"
    if not page.exists():
        page = max(site.glob("authors/*/index.html"), key=lambda p: len(p.read_text("utf-8")))
    network = [chart for chart in svgs(page) if "network" in (chart.get("class") or "")]
    assert network, "an author with co-authors gets a network"
    node_links = {a.get("href") for a in network[0].iter(f"{SVG}a")}
    tally = set(re.findall(r'<a href="(\.\./[^"]+/index\.html)">[^<]+</a> <span class="count">',
                           page.read_text("utf-8").split('aria-label="Facets"')[1].split("<h2>Venues")[0]))
    assert tally and tally <= node_links


def test_related_papers_are_other_papers_and_the_same_in_every_build(site: Path, tmp_path: Path,
                                                                     build_into: BuildInto) -> None:
    shown = {}
    for page in sorted(site.glob("papers/*/index.html")):
        text = page.read_text("utf-8")
        section = text.split('id="related-heading"')[1].split("</section>")[0] if "related-heading" in text else ""
        related = re.findall(r'href="\.\./\.\./papers/([^/]+)/index\.html"', section)
        assert page.parent.name not in related and len(related) == len(set(related)) <= 5
        shown[page.parent.name] = related
    assert any(shown.values()), "some sample paper has a related paper"
    build_into(SAMPLE, tmp_path / "again")
    for paper_id, related in shown.items():
        again = (tmp_path / "again" / "papers" / paper_id / "index.html").read_text("utf-8")
        assert all(f'href="../../papers/{other}/index.html"' in again for other in related)


@pytest.mark.parametrize("folder", ["authors", "topics"])
def test_each_author_and_topic_has_a_feed_of_its_papers(site: Path, folder: str) -> None:
    for page in sorted(site.glob(f"{folder}/*/index.html")):
        feed = page.parent / "feed.xml"
        assert 'href="feed.xml"' in page.read_text("utf-8")
        root = ET.parse(feed).getroot()
        entries = {link.get("href").split("/")[-2] for link in root.iter(f"{ATOM}link")
                   if link.get("rel") == "alternate" and "/papers/" in link.get("href", "")}
        listed = set(re.findall(r'href="\.\./\.\./papers/([^/]+)/index\.html"', page.read_text("utf-8")))
        assert entries and entries <= listed and len(entries) == min(len(listed), 50)


def test_report_links_open_the_sites_repository_with_the_record(site: Path) -> None:
    repository = yaml.safe_load((SAMPLE / "site.yaml").read_text("utf-8"))["repository_url"]
    for page in sorted(site.glob("papers/*/index.html")):
        paper_id = page.parent.name
        reports = [href for href in hrefs(page) if "/issues/new?" in href]
        assert len(reports) == 1
        assert reports[0].startswith(repository.rstrip("/") + "/issues/new?")
        body = parse_qs(urlsplit(reports[0].replace("&amp;", "&")).query)["body"][0]
        assert f"id: {paper_id}" in body
        record = yaml.safe_load(body.split("```yaml\n")[1].split("```")[0])
        assert record == yaml.safe_load((SAMPLE / "papers" / f"{paper_id}.yaml").read_text("utf-8"))
    for page in sorted(site.glob("authors/*/index.html")):
        assert any(href.startswith(repository.rstrip("/") + "/issues/new?") for href in hrefs(page))
