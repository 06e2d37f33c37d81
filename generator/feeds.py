"""Machine-readable site files: sitemap.xml, an Atom feed, robots.txt. Pure functions returning text.

Output is deterministic: no wall-clock time is read. A feed's dates come from the papers'
own year and month (the first of the month, midnight UTC).

Links depend on ``base_url``. With it, every address is absolute (``<base>papers/x/``).
Without it, the site's public address is unknown, so addresses are written relative to
the file that holds them, which is what a browser or feed reader does with a relative
reference. The sitemap protocol asks for absolute URLs, so a sitemap built without
``base_url`` says so in a comment and becomes valid once ``base_url`` is set
(in site.yaml, or with ``bibsite build --base-url``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from .config import SiteConfig
from .markup import markdown_to_text, xml_text
from .model import Paper
from .render import relative_url

SITEMAP_PATH = "sitemap.xml"
FEED_PATH = "feed.xml"
ROBOTS_PATH = "robots.txt"
FEED_SIZE = 50  # papers in the feed, newest first
NOT_INDEXED = frozenset({"404.html"})  # pages a sitemap leaves out

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
ATOM_NS = "http://www.w3.org/2005/Atom"
# Placeholder authority for tag: URIs when the site has no base_url (".invalid" is reserved, RFC 2606).
TAG_AUTHORITY = "bibsite.invalid,2024"
UNDATED = "1970-01-01T00:00:00Z"  # Atom requires a date; an undated paper gets the epoch, not today
# Sitemaps and feeds are written as text, two spaces per level, as ElementTree writes them indented:
# a large site has a feed per author, and building and serializing element trees was most of their cost.
_XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'
# Characters XML 1.0 does not allow at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One paper as the feed shows it."""

    id: str  # the paper's id
    title: str
    authors: tuple[str, ...]  # display names, in order
    year: int | None
    month: int | None
    summary: str | None  # plain text
    url_path: str  # "papers/<id>/"

    @classmethod
    def from_paper(cls, paper: Paper) -> FeedEntry:
        return cls(
            id=paper.id,
            title=paper.title,
            authors=tuple(author.name.as_first_last() for author in paper.authors),
            year=paper.year,
            month=paper.month,
            summary=markdown_to_text(paper.abstract) or None,
            url_path=f"papers/{paper.id}/",
        )

    @property
    def updated(self) -> str:
        """The first of the paper's month (or January) at midnight UTC, as RFC 3339."""
        if self.year is None:
            return UNDATED
        return f"{self.year:04d}-{self.month or 1:02d}-01T00:00:00Z"


def newest_entries(papers: Iterable[Paper], limit: int = FEED_SIZE) -> list[FeedEntry]:
    """The ``limit`` newest papers as feed entries, newest first."""
    return [FeedEntry.from_paper(paper) for paper in newest_papers(papers, limit)]


def newest_papers(papers: Iterable[Paper], limit: int | None = FEED_SIZE) -> list[Paper]:
    """The ``limit`` newest papers (None: all), newest first; undated last; ties by id (as ``_newest_first``)."""
    return sorted(papers, key=lambda paper: (-(paper.year or 0), -(paper.month or 0), paper.id))[:limit]


def sitemap_xml(page_paths: list[str], base_url: str | None) -> str:
    """A sitemaps.org urlset listing each HTML page once, sorted by address.

    ``papers/x/index.html`` is listed as ``<base>papers/x/`` and ``index.html`` as ``<base>``.
    Paths that are not HTML, and the pages in ``NOT_INDEXED``, are left out.
    Without ``base_url``, each ``<loc>`` is relative to the sitemap itself (``papers/x/``, ``./``
    for the home page), and a comment says that search engines need ``base_url`` set.
    """
    locations = sorted({_page_address(path) for path in page_paths if _is_indexed(path)})
    lines = [_XML_DECLARATION, f'<urlset xmlns="{SITEMAP_NS}">']
    if not base_url:
        lines.append("  <!-- No base_url was set: locations are relative to this file. Set base_url in site.yaml, "
                     "or pass the base URL option to bibsite build, to make this a sitemap search engines accept. -->")
    for location in locations:
        lines += ["  <url>", _element("    ", "loc", _absolute(base_url, location) if base_url else location or "./"),
                  "  </url>"]
    if len(lines) == 2:
        return f'{_XML_DECLARATION}\n<urlset xmlns="{SITEMAP_NS}" />\n'
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def atom_feed(entries: list[FeedEntry], config: SiteConfig, feed_path: str, title: str | None = None,
              page_path: str = "") -> str:
    """An Atom 1.0 feed of ``entries``, newest first; ``feed_path`` is where the feed is published.

    ``title`` names a feed narrower than the site's (one author's, one topic's), and ``page_path``
    is the page it follows (``authors/<id>/``).

    Entry ids are the papers' addresses when ``base_url`` is known, else
    ``tag:bibsite.invalid,2024:papers/<id>``: either way they stay the same from build to build.
    The feed's ``<updated>`` is the newest entry's date.
    """
    entries = _newest_first(entries)
    base_url = config.base_url

    def href(target: str) -> str:
        if base_url:
            return _absolute(base_url, target)
        return relative_url(feed_path, target) or "./"

    lines = [_XML_DECLARATION,
             f'<feed xmlns="{ATOM_NS}" xml:lang="{_attribute(config.language)}">',
             _element("  ", "title", f"{config.title}: {title}" if title else config.title)]
    if config.description:
        lines.append(_element("  ", "subtitle", config.description))
    lines += [f'  <link rel="self" type="application/atom+xml" href="{_attribute(href(feed_path))}" />',
              f'  <link rel="alternate" type="text/html" href="{_attribute(href(page_path))}" />',
              _element("  ", "id", href(feed_path) if base_url else f"tag:{TAG_AUTHORITY}:{feed_path}"),
              _element("  ", "updated", max((entry.updated for entry in entries), default=UNDATED)),
              "  <author>",  # Atom needs an author for entries that list none
              _element("    ", "name", config.owner or config.title),
              "  </author>",
              "  <generator>bibsite</generator>"]
    for entry in entries:
        lines += ["  <entry>",
                  _element("    ", "title", entry.title),
                  f'    <link rel="alternate" type="text/html" href="{_attribute(href(entry.url_path))}" />',
                  _element("    ", "id", href(entry.url_path) if base_url else f"tag:{TAG_AUTHORITY}:{entry.url_path}"),
                  _element("    ", "updated", entry.updated)]
        for name in entry.authors:
            lines += ["    <author>", _element("      ", "name", name), "    </author>"]
        if entry.summary:
            lines.append(_element("    ", "summary", entry.summary))
        lines.append("  </entry>")
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def robots_txt(base_url: str | None) -> str:
    """Allow every crawler everywhere; name the sitemap when its absolute address is known.

    Crawlers read robots.txt only at the root of a host, so for a site published in a
    subfolder this file is informative only.
    """
    lines = ["User-agent: *", "Allow: /"]
    if base_url:
        lines += ["", f"Sitemap: {_absolute(base_url, SITEMAP_PATH)}"]
    return "\n".join(lines) + "\n"


def _newest_first(entries: Iterable[FeedEntry]) -> list[FeedEntry]:
    """Newest first; undated last; ties by id, so the order never depends on the input's."""
    return sorted(entries, key=lambda entry: (-(entry.year or 0), -(entry.month or 0), entry.id))


def _is_indexed(path: str) -> bool:
    return path.endswith(".html") and path not in NOT_INDEXED


def _page_address(path: str) -> str:
    """``papers/x/index.html`` -> ``papers/x/``; ``index.html`` -> ``""``; percent-encoded."""
    if path == "index.html" or path.endswith("/index.html"):
        path = path.removesuffix("index.html")
    return quote(path, safe="/")


def _absolute(base_url: str, target: str) -> str:
    return base_url.rstrip("/") + "/" + target.lstrip("/")


def _element(indent: str, tag: str, text: str) -> str:
    """``<tag>text</tag>`` on its own line, as ElementTree writes it (``<tag />`` when empty)."""
    text = _NOT_XML.sub("", text)
    if not text:
        return f"{indent}<{tag} />"
    return f"{indent}<{tag}>{xml_text(text)}</{tag}>"


def _attribute(value: str) -> str:
    """An attribute's value, escaped as ElementTree escapes it."""
    value = _NOT_XML.sub("", value)
    for character, escaped in _ATTRIBUTE_ESCAPES:
        if character in value:
            value = value.replace(character, escaped)
    return value


_ATTRIBUTE_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"),
                      ("\t", "&#09;"))
