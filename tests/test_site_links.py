"""The shipped site, built from content/: every internal link resolves, every page is reachable
from the home page, and every .bib file parses back to the entries it should hold."""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import bibtexparser
import pytest

from generator.build import build_site
from generator.config import SiteConfig, load_config

REPO = Path(__file__).resolve().parents[1]
EXTERNAL_SCHEMES = {"http", "https", "mailto", "data", "tel"}
UNLINKED_PAGES = {"404.html"}  # served by the host for any missing address, linked from nowhere
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"


class LinkCollector(HTMLParser):
    """Every href and src in a page, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [value for name, value in attrs if name in ("href", "src") and value is not None]


def collect_links(html: str) -> list[str]:
    collector = LinkCollector()
    collector.feed(html)
    collector.close()
    return collector.links


def resolve(site: Path, page: str, link: str) -> tuple[str | None, str | None]:
    """(the site file ``link`` on ``page`` points to, or None when external; what is wrong, or None)."""
    parts = urlsplit(link.strip())
    if parts.scheme or parts.netloc:
        is_external = parts.scheme in EXTERNAL_SCHEMES or (not parts.scheme and parts.netloc)
        return None, None if is_external else f"unexpected scheme {parts.scheme!r}"
    if not parts.path:  # "#fragment" or "?query": this page
        return None, None
    if parts.path.startswith("/"):
        return None, "root-absolute, so it breaks when the site is served from a subfolder"
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
    if target == ".." or target.startswith("../"):
        return None, "points outside the site"
    if target == ".":
        target = ""
    if parts.path.endswith("/") or (site / target).is_dir():
        target = posixpath.join(target, "index.html")
    return target, None if (site / target).is_file() else "no such file"


@pytest.mark.parametrize(
    ("page", "link", "expected"),
    [
        ("papers/x/index.html", "../../authors/", ("authors/index.html", None)),
        ("papers/x/index.html", "x.bib#top", ("papers/x/x.bib", None)),
        ("papers/x/index.html", "./?q=1", ("papers/x/index.html", None)),
        ("index.html", "papers/x", ("papers/x/index.html", None)),  # a folder serves its index.html
        ("index.html", "", (None, None)),
        ("index.html", "#content", (None, None)),
        ("index.html", "https://doi.org/10.1/x", (None, None)),
        ("index.html", "mailto:a@example.org", (None, None)),
        ("index.html", "//cdn.example.org/x.js", (None, None)),
        ("index.html", "papers/y/", ("papers/y/index.html", "no such file")),
        ("index.html", "javascript:alert(1)", (None, "unexpected scheme 'javascript'")),
        ("index.html", "/papers/x/", (None, "root-absolute, so it breaks when the site is served from a subfolder")),
        ("papers/x/index.html", "../../../etc/passwd", (None, "points outside the site")),
    ],
)
def test_resolve_follows_links_as_a_static_host_would(
    tmp_path: Path, page: str, link: str, expected: tuple[str | None, str | None]
) -> None:
    (tmp_path / "papers" / "x").mkdir(parents=True)
    for path in ("index.html", "authors/index.html", "papers/x/index.html", "papers/x/x.bib"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("", encoding="utf-8")
    assert resolve(tmp_path, page, link) == expected


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> SiteConfig:
    output = tmp_path_factory.mktemp("shipped") / "site"
    config, problems = load_config(REPO / "content", output, REPO / "templates", REPO / "static")
    assert problems == []
    build_site(config)
    return config


@pytest.fixture(scope="module")
def site(config: SiteConfig) -> Path:
    return config.output_dir


@pytest.fixture(scope="module")
def links_by_page(site: Path) -> dict[str, list[str]]:
    """Each HTML page (path in the site) -> the raw hrefs and srcs on it."""
    return {
        path.relative_to(site).as_posix(): collect_links(path.read_text(encoding="utf-8"))
        for path in sorted(site.rglob("*.html"))
    }


def site_relative(config: SiteConfig, url: str) -> str:
    """An address in sitemap.xml or feed.xml (both at the root) as a link relative to the root."""
    if config.base_url:
        url = url.removeprefix(config.base_url.rstrip("/") + "/")
    return url or "./"


def paper_ids() -> list[str]:
    return sorted(path.stem for path in (REPO / "content" / "papers").glob("*.yaml"))


def test_every_internal_link_resolves_to_a_file(site: Path, links_by_page: dict[str, list[str]]) -> None:
    broken: dict[str, set[str]] = {}  # what is wrong -> "page -> link" lines
    for page, links in links_by_page.items():
        for link in links:
            target, problem = resolve(site, page, link)
            if problem:
                broken.setdefault(f"{target or link}: {problem}", set()).add(f"{page} -> {link}")
    if broken:
        pytest.fail(describe_broken(broken), pytrace=False)


def describe_broken(broken: dict[str, set[str]], shown: int = 5) -> str:
    """Each broken target with how many links lead to it, and the first few of them."""
    lines = [f"{sum(map(len, broken.values()))} broken links to {len(broken)} targets:"]
    for target, links in sorted(broken.items()):
        lines.append(f"{target} ({len(links)} links)")
        lines += [f"    {link}" for link in sorted(links)[:shown]]
        if len(links) > shown:
            lines.append(f"    ... and {len(links) - shown} more")
    return "\n".join(lines)


def test_every_page_is_reachable_from_the_home_page(site: Path, links_by_page: dict[str, list[str]]) -> None:
    reached = {"index.html"}
    queue = deque(reached)
    while queue:
        page = queue.popleft()
        for link in links_by_page.get(page, []):
            target, _ = resolve(site, page, link)
            if target in links_by_page and target not in reached:
                reached.add(target)
                queue.append(target)
    unreachable = sorted(set(links_by_page) - reached - UNLINKED_PAGES)
    if unreachable:
        pytest.fail(f"{len(unreachable)} pages no link leads to from index.html:\n" + "\n".join(unreachable), pytrace=False)


def test_the_site_has_a_page_per_paper_and_the_machine_readable_files(site: Path) -> None:
    missing = [f"papers/{paper_id}/index.html" for paper_id in paper_ids()]
    missing += ["index.html", "404.html", "all.bib", "sitemap.xml", "feed.xml", "robots.txt"]
    missing = [path for path in missing if not (site / path).is_file()]
    if missing:
        pytest.fail("missing from the site:\n" + "\n".join(missing), pytrace=False)


@pytest.mark.parametrize("paper_id", paper_ids())
def test_each_paper_bib_parses_to_its_one_entry(site: Path, paper_id: str) -> None:
    library = bibtexparser.parse_string((site / "papers" / paper_id / f"{paper_id}.bib").read_text(encoding="utf-8"))
    assert library.failed_blocks == []
    assert [entry.key for entry in library.entries] == [paper_id]


def test_all_bib_holds_one_entry_per_paper(site: Path) -> None:
    library = bibtexparser.parse_string((site / "all.bib").read_text(encoding="utf-8"))
    assert library.failed_blocks == []
    assert sorted(entry.key for entry in library.entries) == paper_ids()


def test_every_bib_file_parses_without_failed_blocks(site: Path) -> None:
    failed = {
        path.relative_to(site).as_posix(): len(library.failed_blocks)
        for path in sorted(site.rglob("*.bib"))
        if (library := bibtexparser.parse_string(path.read_text(encoding="utf-8"))).failed_blocks
    }
    assert failed == {}


def test_sitemap_lists_every_page_but_404_and_each_resolves(config: SiteConfig, links_by_page: dict[str, list[str]]) -> None:
    site = config.output_dir
    locations = [loc.text or "" for loc in ET.parse(site / "sitemap.xml").getroot().iter(f"{SM}loc")]
    locations = [site_relative(config, loc) for loc in locations]
    targets = [resolve(site, "sitemap.xml", loc) for loc in locations]
    broken = [f"sitemap.xml -> {loc} ({problem})" for loc, (_, problem) in zip(locations, targets) if problem]
    assert not broken, "\n".join(broken)
    assert sorted(target for target, _ in targets if target) == sorted(set(links_by_page) - UNLINKED_PAGES)


def test_feed_parses_and_its_entries_link_to_paper_pages(config: SiteConfig) -> None:
    site = config.output_dir
    root = ET.parse(site / "feed.xml").getroot()
    entries = root.findall(f"{ATOM}entry")
    assert 0 < len(entries) <= 50
    hrefs = [entry.find(f"{ATOM}link").get("href") or "" for entry in entries]  # type: ignore[union-attr]
    hrefs = [site_relative(config, href) for href in hrefs]
    targets = [resolve(site, "feed.xml", href)[0] for href in hrefs]
    assert all(target and target.startswith("papers/") and (site / target).is_file() for target in targets), hrefs


class ResourceCollector(HTMLParser):
    """What a browser would fetch on its own: scripts, images, frames, stylesheets and other linked resources."""

    def __init__(self) -> None:
        super().__init__()
        self.resources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "img", "iframe", "audio", "video", "source", "embed") and values.get("src"):
            self.resources.append(values["src"])
        if tag == "link" and values.get("rel") not in ("canonical", "alternate") and values.get("href"):
            self.resources.append(values["href"])


def test_no_page_fetches_anything_from_another_site(site: Path) -> None:
    """The site works offline: every script, stylesheet and image is its own."""
    external = {}
    for path in sorted(site.rglob("*.html")):
        collector = ResourceCollector()
        collector.feed(path.read_text(encoding="utf-8"))
        found = [url for url in collector.resources if "//" in url or url.startswith("data:")]
        if found:
            external[str(path.relative_to(site))] = found
    assert external == {}
