"""The shipped site in a real browser: links, Copy BibTeX, the .bib download, search, small screens, accessibility.

Playwright drives Debian's Chromium (/usr/bin/chromium; `make test` installs it). The site is
built from content/ and served under a sub-path (/lab/pubs/) to prove every link is relative.
Set BIBSITE_SKIP_BROWSER=1 to skip these tests; otherwise a missing browser is a failure.
"""

from __future__ import annotations

import html
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from generator import search
from generator.build import build_site
from generator.config import load_config

pytestmark = pytest.mark.skipif(
    os.environ.get("BIBSITE_SKIP_BROWSER") == "1",
    reason="browser tests skipped because BIBSITE_SKIP_BROWSER=1 is set",
)

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SUB_PATH = "lab/pubs"
TIMEOUT_MS = 10_000
SERIOUS_IMPACTS = ("serious", "critical")
AXE = Axe()  # reads axe-core once


@dataclass(frozen=True, slots=True)
class ServedSite:
    folder: Path  # the built site on disk
    base_url: str  # where it is served, ending in /lab/pubs/
    paper_id: str  # the paper page used by the paper tests: the one with the most text
    author_slug: str  # the author page used: the one with the most text
    search_word: str  # a word in one paper's title and on no other paper page
    search_paper_id: str  # that paper

    def url(self, path: str) -> str:
        return self.base_url + path

    def paper_url_pattern(self) -> re.Pattern[str]:
        return re.compile(re.escape(self.base_url) + r"papers/[^/]+/(index\.html)?$")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    yield from _serve(tmp_path_factory.mktemp("served"))


@pytest.fixture(scope="session")
def sharded_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """The shipped site built as a large one: several search indexes (20 papers each) merged by the search box."""
    yield from _serve(tmp_path_factory.mktemp("served-sharded"), shard_size=20)


def _serve(root: Path, shard_size: int | None = None) -> Iterator[ServedSite]:
    out = root / SUB_PATH
    config, problems = load_config(REPO / "content", out, REPO / "templates", REPO / "static")
    assert problems == []
    with pytest.MonkeyPatch.context() as patch:  # only for this build: other tests see the real size
        if shard_size:
            patch.setattr(search, "SHARD_SIZE", shard_size)
        build_site(config)
    assert (out / "pagefind" / "pagefind-ui.js").is_file(), "the build wrote no search index (pagefind/)"
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        word, word_paper = _pick_search_word(out)
        yield ServedSite(
            folder=out,
            base_url=f"http://127.0.0.1:{server.server_address[1]}/{SUB_PATH}/",
            paper_id=_largest_page(out / "papers"),
            author_slug=_largest_page(out / "authors"),
            search_word=word,
            search_paper_id=word_paper,
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} not found: the browser tests need Debian's chromium (`apt-get install -y chromium`, "
            "which `make test` runs when it is missing). Set BIBSITE_SKIP_BROWSER=1 to skip them."
        )
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def open_page(browser: Browser, site: ServedSite, **context_options: Any) -> Iterator[Page]:
    """A page in a fresh context; at the end, fails on script errors and on missing files the pages asked for."""
    context = browser.new_context(**context_options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"script error on {page.url}: {error}"))
    page.on(
        "response",
        lambda response: (
            errors.append(f"HTTP {response.status} for {response.url} (from {page.url})")
            if response.status >= 400 and not response.url.endswith("/favicon.ico")
            else None
        ),
    )
    yield page
    context.close()
    assert errors == []


@pytest.fixture
def page(browser: Browser, site: ServedSite) -> Iterator[Page]:
    yield from open_page(browser, site)


@pytest.fixture
def clipboard_page(browser: Browser, site: ServedSite) -> Iterator[Page]:
    yield from open_page(browser, site, permissions=["clipboard-read", "clipboard-write"])


@pytest.fixture
def narrow_page(browser: Browser, site: ServedSite) -> Iterator[Page]:
    yield from open_page(browser, site, viewport={"width": 375, "height": 812})


def test_home_links_to_authors_then_an_author_then_a_paper(page: Page, site: ServedSite) -> None:
    page.goto(site.url(""))
    page.locator('a[href="authors/index.html"]').first.click()
    page.wait_for_url(site.url("authors/index.html"))

    follow_first_link(page, re.compile(re.escape(site.url("authors/")) + r"[^/]+/(index\.html)?$"))
    assert page.locator("h1").inner_text().strip()

    follow_first_link(page, site.paper_url_pattern())
    assert page.locator("h1").inner_text().strip()


def test_paper_page_shows_the_title(page: Page, site: ServedSite) -> None:
    page.goto(site.url(f"papers/{site.paper_id}/"))

    assert page.locator("h1").inner_text().strip() == paper_title(site.folder, site.paper_id)


def test_copy_bibtex_puts_the_bib_file_on_the_clipboard(clipboard_page: Page, site: ServedSite) -> None:
    page = clipboard_page
    page.goto(site.url(f"papers/{site.paper_id}/"))
    bib = (site.folder / "papers" / site.paper_id / f"{site.paper_id}.bib").read_text(encoding="utf-8")
    button = page.locator("button#copy-bibtex")
    assert button.inner_text().strip() == "Copy BibTeX"
    assert page.locator("pre#bibtex").inner_text().rstrip() == bib.rstrip()

    button.click()

    copied = read_clipboard(page)
    assert copied.startswith("@")
    assert copied.rstrip() == bib.rstrip()


def test_download_link_gives_one_entry_keyed_by_the_paper_id(page: Page, site: ServedSite) -> None:
    page.goto(site.url(f"papers/{site.paper_id}/"))
    link = page.locator("a#download-bibtex")
    assert link.get_attribute("href") == f"{site.paper_id}.bib"
    assert link.get_attribute("download") is not None

    with page.expect_download() as info:
        link.click()
    download = info.value

    assert download.failure() is None
    text = Path(download.path()).read_text(encoding="utf-8")
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    assert [entry.key for entry in library.entries] == [site.paper_id]


def test_search_finds_a_paper_by_a_title_word(page: Page, site: ServedSite) -> None:
    page.goto(site.url(""))
    search_input = page.locator("#search input")

    search_input.fill(site.search_word)

    results = page.locator(".pagefind-ui__result-link")
    results.first.wait_for()
    hrefs = [href for href in (link.get_attribute("href") for link in results.all()) if href]
    assert f"/{SUB_PATH}/papers/{site.search_paper_id}/" in hrefs
    results.first.click()
    page.wait_for_url(site.paper_url_pattern())
    assert page.locator("h1").inner_text().strip()


def test_search_finds_papers_in_every_index_of_a_large_site(browser: Browser, sharded_site: ServedSite) -> None:
    site = sharded_site
    shards = len([folder for folder in site.folder.iterdir() if folder.name.startswith(search.BUNDLE_DIR)])
    assert shards == 3 and all((site.folder / search.bundle_name(shard) / "pagefind.js").is_file() for shard in range(3))
    for page in open_page(browser, site):
        for shard in range(shards):
            word, paper_id = _pick_search_word(site.folder, lambda i, shard=shard: search.shard_of(i, shards) == shard)
            page.goto(site.url(""))
            page.locator("#search input").fill(word)
            results = page.locator(".pagefind-ui__result-link")
            results.first.wait_for()
            hrefs = [href for href in (link.get_attribute("href") for link in results.all()) if href]
            assert f"/{SUB_PATH}/papers/{paper_id}/" in hrefs, (shard, word, hrefs)


@pytest.mark.parametrize("kind", ["home", "author", "paper"])
def test_no_sideways_scrolling_on_a_375px_screen(narrow_page: Page, site: ServedSite, kind: str) -> None:
    page = narrow_page
    page.goto(site.url(page_path(site, kind)))

    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")

    assert widths[0] <= widths[1], f"{kind} page is {widths[0]} px wide in a {widths[1]} px window"


@pytest.mark.parametrize("kind", ["home", "author", "paper", "authors", "venues", "topics"])
def test_no_serious_accessibility_violations(page: Page, site: ServedSite, kind: str) -> None:
    page.goto(site.url(page_path(site, kind)))
    if kind == "home":
        page.locator("#search input").wait_for()  # check Pagefind's UI too

    results = AXE.run(page)

    violations = [v for v in results.response["violations"] if v.get("impact") in SERIOUS_IMPACTS]
    assert violations == [], "\n".join(_describe_violation(v) for v in violations)


def test_site_works_opened_from_disk(browser: Browser, site: ServedSite) -> None:
    """file://: no server, so every folder link must name its index.html."""
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(site.folder.as_uri() + "/index.html")
    page.locator('header a[href="authors/index.html"]').click()
    follow_first_link(page, re.compile(r"file://.*/authors/[^/]+/index\.html$"))
    follow_first_link(page, re.compile(r"file://.*/papers/[^/]+/index\.html$"))
    assert page.locator("h1").inner_text().strip()
    assert page.locator("pre#bibtex").inner_text().startswith("@")
    context.close()


def test_search_results_are_accessible_in_dark_mode(browser: Browser, site: ServedSite) -> None:
    for page in open_page(browser, site, color_scheme="dark"):
        page.goto(site.url(""))
        page.locator("#search input").fill(site.search_word)
        page.locator(".pagefind-ui__result-link").first.wait_for()
        violations = [v for v in AXE.run(page).response["violations"] if v.get("impact") in SERIOUS_IMPACTS]
        assert violations == [], "\n".join(_describe_violation(v) for v in violations)


def page_path(site: ServedSite, kind: str) -> str:
    return {
        "home": "",
        "author": f"authors/{site.author_slug}/",
        "paper": f"papers/{site.paper_id}/",
        "authors": "authors/",
        "venues": "venues/",
        "topics": "topics/",
    }[kind]


def follow_first_link(page: Page, target: re.Pattern[str]) -> None:
    """Click the first link in <main> whose resolved address matches ``target``."""
    # SVG links (chart nodes) have no string .href: resolve each attribute against the page instead.
    hrefs: list[str] = page.locator("main a[href]").evaluate_all(
        "links => links.map(link => new URL(link.getAttribute('href'), document.baseURI).href)")
    matching = [index for index, href in enumerate(hrefs) if target.match(href)]
    assert matching, f"no link in <main> of {page.url} matches {target.pattern}"
    page.locator("main a[href]").nth(matching[0]).click()
    page.wait_for_url(target)


def read_clipboard(page: Page) -> str:
    """The clipboard's text, waiting a little for the page's asynchronous write."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    text: str = page.evaluate("() => navigator.clipboard.readText()")
    while not text and time.monotonic() < deadline:
        page.wait_for_timeout(50)
        text = page.evaluate("() => navigator.clipboard.readText()")
    return text


def paper_title(site_dir: Path, paper_id: str) -> str:
    """The text of the paper page's <h1>, read from the built file."""
    page_html = (site_dir / "papers" / paper_id / "index.html").read_text(encoding="utf-8")
    match = re.search(r"<h1[^>]*>(.*?)</h1>", page_html, re.DOTALL)
    assert match, f"papers/{paper_id}/index.html has no <h1>"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).split())


def _largest_page(folder: Path) -> str:
    """The name of the sub-folder whose index.html is largest (ties: the first by name)."""
    pages = sorted(folder.glob("*/index.html"), key=lambda path: (-path.stat().st_size, path.parent.name))
    assert pages, f"no pages under {folder}"
    return pages[0].parent.name


_RELATED_SECTION = re.compile(r'<section[^>]*class="related"[^>]*data-pagefind-ignore>.*?</section>', re.DOTALL)


def _pick_search_word(site_dir: Path, is_wanted: Callable[[str], bool] = lambda paper_id: True) -> tuple[str, str]:
    """A longish word from one (wanted) paper's title that no other paper page contains where search
    sees it (related papers' titles are not indexed), and that paper's id."""
    texts = {
        path.parent.name: _RELATED_SECTION.sub("", path.read_text(encoding="utf-8")).casefold()
        for path in sorted((site_dir / "papers").glob("*/index.html"))
    }
    for paper_id in filter(is_wanted, sorted(texts)):
        for word in sorted(set(re.findall(r"[A-Za-z]{7,}", paper_title(site_dir, paper_id))), key=str.casefold):
            if not any(word.casefold() in text for other, text in texts.items() if other != paper_id):
                return word, paper_id
    raise AssertionError("no paper title has a word that appears on no other paper page")


def _describe_violation(violation: dict[str, Any]) -> str:
    targets = ", ".join(str(node.get("target")) for node in violation.get("nodes", [])[:5])
    return f"{violation['impact']}: {violation['id']}: {violation['help']} ({targets})"
