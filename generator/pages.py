"""plan_pages(library, config) -> one Page per HTML file, each with the context its template shows.

Sorting, counts and co-author tallies are computed here; templates only display.
One parametrised builder serves every listing kind (author, venue, topic, year).
"""

from __future__ import annotations

import heapq
import json
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from unidecode import unidecode

from . import charts
from .citation_formats import FORMATS as CITATION_FORMATS
from .config import SiteConfig
from .export import format_citation
from .markup import markdown_to_text, render_markdown
from .model import Library, Paper, is_web_url
from .names import slug
from .render import relative_url
from .report import paper_report, person_report
from .search import bundle_name
from .store import dump_paper
from .versions import version_label

NEWEST_ON_HOME = 10
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")
TRACK_NAMES = {"long": "Long paper", "short": "Short paper", "demo": "Demo", "main": "Main conference",
               "srw": "Student research workshop", "industry": "Industry track", "tutorial": "Tutorial"}


@dataclass(frozen=True, slots=True)
class Page:
    path: str  # in the output, e.g. "papers/qin-etal-2023-webcpm/index.html"
    template: str
    context: dict[str, Any]


def paper_url(paper_id: str) -> str:
    return f"papers/{paper_id}/"


def _json_for_script(data: Any) -> str:
    """JSON safe inside <script>: no "</script>" or "<!--" can close or open anything."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)  # one line: the C encoder (indent is pure Python)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _safe_href(url: str | None) -> str | None:
    return url if url and is_web_url(url.strip()) else None


class PagePlanner:
    """Builds every page's context from one Library; small lookups are cached on the instance."""

    def __init__(self, library: Library, config: SiteConfig, bibtex: Mapping[str, str],
                 markdown_pages: dict[str, str] | None = None, search_shards: int = 1,
                 related: Mapping[str, tuple[str, ...]] | None = None) -> None:
        self.library = library
        self.search_shards = search_shards
        self.related = related or {}  # paper id -> the ids of the papers most related to it
        self.bibtex = bibtex  # paper id -> its BibTeX entry (export.export_entries)
        self.config = config
        self.markdown_pages = markdown_pages or {}
        self.nav_pages = [{"title": _markdown_title(slug, text), "url": f"{slug}/"} for slug, text in sorted(self.markdown_pages.items())]

    # ------------------------------------------------------------ shared pieces

    def base_context(self, path: str, title: str, description: str | None = None) -> dict[str, Any]:
        directory = path.removesuffix("index.html")
        # Without a base URL the canonical link can only point at the page itself.
        canonical = self.config.base_url + directory if self.config.base_url else "./"
        return {
            "site": self.config,
            "page_path": path,
            "page_title": title,
            "description": description or self.config.description or title,
            "canonical": canonical,
            "nav_pages": self.nav_pages,
        }

    def author_links(self, paper: Paper) -> list[dict[str, str]]:
        return [{"name": a.name.as_first_last(), "url": f"authors/{a.person_id}/"} for a in paper.authors]

    def venue_label(self, paper: Paper) -> dict[str, str] | None:
        venue = self.library.venues.get(paper.venue_id) if paper.venue_id else None
        if venue is None:
            text = paper.booktitle or paper.journal
            return {"short": text, "name": text, "url": None} if text else None
        return {"short": venue.short, "name": venue.name, "url": f"venues/{venue.id}/"}

    def summary(self, paper: Paper) -> dict[str, Any]:
        """A paper as one line of a list."""
        return {
            "id": paper.id,
            "title": paper.title,
            "url": paper_url(paper.id),
            "authors": self.author_links(paper),
            "venue": self.venue_label(paper),
            "year": paper.year,
        }

    def summaries_by_year(self, paper_ids: tuple[str, ...]) -> list[dict[str, Any]]:
        groups: dict[Any, list[dict[str, Any]]] = {}
        for paper_id in paper_ids:  # already newest first
            paper = self.library.papers[paper_id]
            groups.setdefault(paper.year, []).append(self.summary(paper))
        return [{"year": year, "papers": papers} for year, papers in groups.items()]

    # ------------------------------------------------------------ pages

    def plan(self) -> Iterator[Page]:
        yield self.home_page()
        for paper_id in self.library.papers:
            yield self.paper_page(self.library.papers[paper_id])
        yield from self.listing_pages()
        for page_slug, text in sorted(self.markdown_pages.items()):
            yield self.markdown_page(page_slug, text)
        yield self.not_found_page()

    def home_page(self) -> Page:
        library = self.library
        newest = self.newest_papers()
        context = self.base_context("index.html", self.config.title)
        context["home"] = {
            "counts": {"papers": len(library.papers), "authors": len(library.people),
                       "venues": len(library.papers_by_venue), "topics": len(library.papers_by_topic),
                       "years": len(library.papers_by_year)},
            "newest": [self.summary(p) for p in newest],
            "years": [{"year": y, "url": f"years/{y}/", "count": len(ids)}
                      for y, ids in sorted(library.papers_by_year.items(), reverse=True)],
        }
        # Indexes beyond the first, which the search box merges (one per SHARD_SIZE papers).
        context["search_bundles"] = [f"{bundle_name(shard)}/pagefind.js" for shard in range(1, self.search_shards)]
        return Page("index.html", "index.html", context)

    def newest_papers(self) -> list[Paper]:
        """The papers the home page lists."""
        papers = self.library.papers.values()
        return heapq.nsmallest(NEWEST_ON_HOME, papers, key=lambda p: (-(p.year or 0), -(p.month or 0), p.title.casefold()))

    def search_context(self, paper: Paper) -> dict[str, Any]:
        """What the search index holds of a paper (templates/search_document.html)."""
        return {
            "title": paper.title,
            "authors": [a.name.as_first_last() for a in paper.authors],
            "venue": self.venue_label(paper),
            "year": paper.year,
            "abstract_html": render_markdown(paper.abstract) if paper.abstract else None,
            "topics": [self.library.topics[t].name for t in paper.topic_ids],
            "language": self.config.language,
        }

    def paper_page(self, paper: Paper) -> Page:
        path = f"papers/{paper.id}/index.html"
        venue = self.venue_label(paper)
        context = self.base_context(path, paper.title, markdown_to_text(paper.abstract, 300) or paper.title)
        links = self.paper_links(paper)
        context["paper"] = {
            "id": paper.id,
            "title": paper.title,
            "authors": self.author_links(paper),
            "venue": venue,
            "booktitle": paper.booktitle or paper.journal,
            "volume": paper.volume,
            "number": paper.number,
            "track": TRACK_NAMES.get(paper.track or "", paper.track),
            "year": paper.year,
            "year_url": f"years/{paper.year}/" if paper.year else None,
            "month": MONTH_NAMES[paper.month - 1] if paper.month else None,
            "pages": paper.pages.replace("--", "–") if paper.pages else None,
            "is_preprint": paper.is_preprint,
            "abstract_html": render_markdown(paper.abstract) if paper.abstract else None,
            "is_abstract_truncated": paper.is_abstract_truncated,
            "note": paper.note,
            "topics": [{"name": self.library.topics[t].name, "url": f"topics/{t}/"} for t in paper.topic_ids],
            "links": links,
            "bibtex": self.bibtex[paper.id],
            "bib_file": f"{paper.id}.bib",
            "exports": [{"id": f"download-{fmt.name.lower()}", "label": f"Download {fmt.name} ({fmt.readers})",
                         "href": f"{paper.id}.{fmt.extension}", "type": fmt.media_type} for fmt in CITATION_FORMATS],
            "citation": format_citation(paper, self.library),
            "scholar_meta": self.scholar_meta(paper, links),
            "json_ld": _json_for_script(self.json_ld(paper, links)),
            "related": [self.summary(self.library.papers[i]) for i in self.related.get(paper.id, ())],
            "versions": self.versions(paper),
            "cite_instead": self.cite_instead(paper),
            # Without a repository there is nowhere to report to, and no record to put in the link.
            "report_url": paper_report(self.config.repository_url, paper.id,
                                       dump_paper(self.library.records.get(paper.id, paper)))
                          if self.config.repository_url else None,
        }
        return Page(path, "paper.html", context)

    def versions(self, paper: Paper) -> list[dict[str, Any]]:
        """Every version of the work: the members of its confirmed group, and a preprint merged into this record."""
        shown = []
        for paper_id in self.library.versions.get(paper.id, ()):
            other = self.library.papers[paper_id]
            shown.append({"label": version_label(other), "summary": self.summary(other), "is_current": paper_id == paper.id})
        if paper.arxiv and not paper.is_preprint:  # import merged its preprint into this record
            shown.append({"label": "Preprint", "is_current": False, "summary": {
                "title": f"arXiv:{paper.arxiv}", "url": f"https://arxiv.org/abs/{paper.arxiv}", "authors": [],
                "venue": {"short": "arXiv", "name": "arXiv", "url": None}, "year": None}})
        return shown if len(shown) > 1 or (shown and not shown[0]["is_current"]) else []

    def cite_instead(self, paper: Paper) -> dict[str, Any] | None:
        """The version to cite when it is not this one (a preprint's published version)."""
        group = self.library.versions.get(paper.id, ())
        if not group or group[0] == paper.id:
            return None
        preferred = self.library.papers[group[0]]
        return {"label": version_label(preferred).lower(), "summary": self.summary(preferred),
                "bibtex": self.bibtex[preferred.id], "citation": format_citation(preferred, self.library)}

    def paper_links(self, paper: Paper) -> list[dict[str, str]]:
        candidates = [("PDF", paper.links.get("pdf") or _anthology_pdf(paper.url))]
        if paper.arxiv:
            candidates.append(("arXiv", f"https://arxiv.org/abs/{paper.arxiv}"))
        candidates += [("Code", paper.links.get("code")), ("Data", paper.links.get("data"))]
        if paper.doi:
            candidates.append(("DOI", f"https://doi.org/{paper.doi}"))
        candidates.append(("Web page", paper.url))
        candidates += [(name.capitalize(), url) for name, url in sorted(paper.links.items())
                       if name not in ("pdf", "code", "data")]
        return [{"label": label, "href": href} for label, url in candidates if (href := _safe_href(url))]

    def scholar_meta(self, paper: Paper, links: list[dict[str, str]]) -> list[tuple[str, str]]:
        """Google Scholar's citation_* tags."""
        meta = [("citation_title", paper.title)]
        meta += [("citation_author", a.name.as_last_first()) for a in paper.authors]
        if paper.year:
            date = f"{paper.year}/{paper.month:02d}" if paper.month else str(paper.year)
            meta.append(("citation_publication_date", date))
        venue = self.venue_label(paper)
        if paper.type == "article" and venue:
            meta.append(("citation_journal_title", paper.journal or venue["name"]))
        elif paper.type == "inproceedings" and venue:
            meta.append(("citation_conference_title", paper.booktitle or venue["name"]))
        meta += [(key, value) for key, value in (("citation_firstpage", (paper.pages or "").split("--")[0]),
                                                  ("citation_lastpage", (paper.pages or "--").split("--")[-1]),
                                                  ("citation_doi", paper.doi or ""),
                                                  ("citation_publisher", paper.publisher or "")) if value]
        pdf = next((link["href"] for link in links if link["label"] == "PDF"), None)
        if pdf:
            meta.append(("citation_pdf_url", pdf))
        return meta

    def json_ld(self, paper: Paper, links: list[dict[str, str]]) -> dict[str, Any]:
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ScholarlyArticle",
            "headline": paper.title[:110],
            "name": paper.title,
            "author": [{"@type": "Person", "name": a.name.as_first_last()} for a in paper.authors],
        }
        if paper.year:
            data["datePublished"] = f"{paper.year}-{paper.month:02d}" if paper.month else str(paper.year)
        venue = self.venue_label(paper)
        container = paper.journal or (venue["name"] if venue and paper.type == "article" else None)
        if paper.type == "article" and container:
            data["isPartOf"] = {"@type": "Periodical", "name": container}
        elif paper.booktitle:
            data["isPartOf"] = {"@type": "Book", "name": paper.booktitle}  # the proceedings volume
        if paper.arxiv:
            data["identifier"] = f"arXiv:{paper.arxiv}"
        if paper.abstract:
            data["abstract"] = markdown_to_text(paper.abstract)
        if paper.doi:
            data["sameAs"] = f"https://doi.org/{paper.doi}"
        if paper.url and _safe_href(paper.url):
            data["url"] = paper.url
        return data

    # ------------------------------------------------------------ listings

    def listing_pages(self) -> Iterator[Page]:
        library = self.library
        for person_id in library.papers_by_person:
            yield self.author_page(person_id)
        for venue_id in library.papers_by_venue:
            yield self.venue_page(venue_id)
        for topic_id in library.papers_by_topic:
            yield self.topic_page(topic_id)
        for year in library.papers_by_year:
            yield self.year_page(year)
        yield from self.index_pages()

    def author_page(self, person_id: str) -> Page:
        person = self.library.people[person_id]
        paper_ids = self.library.papers_by_person[person_id]
        folder = f"authors/{person_id}"
        coauthors = self.tally_coauthors(person_id, paper_ids)
        variants = [v.as_first_last() for v in person.variants]
        # With one paper the network would only repeat its author list.
        network = charts.coauthor_network_svg(
            (person_id, person.display_name),
            [(item["id"], item["name"], item["count"]) for item in coauthors],
            lambda other: relative_url(f"{folder}/index.html", f"authors/{other}/"), "coauthor-network",
        ) if coauthors and len(paper_ids) > 1 else None
        extra = {"person": {"orcid": person.orcid, "homepage": _safe_href(person.homepage),
                            "affiliation": person.affiliation, "variants": variants},
                 "coauthors": coauthors,
                 "bib_file": f"{person_id}.bib",
                 "feed_file": "feed.xml",
                 "report_url": person_report(self.config.repository_url, person_id, person.display_name,
                                             variants, paper_ids),
                 "charts": self.year_chart(paper_ids, person.display_name) + ([_chart(network)] if network else [])}
        return self.listing_page("author", folder, person.display_name, paper_ids, extra)

    def venue_page(self, venue_id: str) -> Page:
        venue = self.library.venues.get(venue_id)
        name = venue.name if venue else venue_id
        paper_ids = self.library.papers_by_venue[venue_id]
        return self.listing_page("venue", f"venues/{venue_id}", name, paper_ids,
                                 {"short": venue.short if venue else venue_id, "bib_file": f"{venue_id}.bib",
                                  "charts": self.year_chart(paper_ids, name)})

    def topic_page(self, topic_id: str) -> Page:
        topic = self.library.topics[topic_id]
        paper_ids = self.library.papers_by_topic[topic_id]
        return self.listing_page("topic", f"topics/{topic_id}", topic.name, paper_ids,
                                 {"topic_description": topic.description, "feed_file": "feed.xml",
                                  "charts": self.year_chart(paper_ids, topic.name)})

    def year_page(self, year: int) -> Page:
        return self.listing_page("year", f"years/{year}", str(year), self.library.papers_by_year[year], {})

    def listing_page(self, kind: str, folder: str, name: str, paper_ids: tuple[str, ...],
                     extra: dict[str, Any]) -> Page:
        path = f"{folder}/index.html"
        count = len(paper_ids)
        description = f"{count} paper{'s' if count != 1 else ''}: {name}"
        context = self.base_context(path, name, description)
        context["listing"] = {
            "kind": kind,
            "name": name,
            "count": count,
            "groups": self.summaries_by_year(paper_ids),
            "venues": self.tally(paper_ids, "venue") if kind != "venue" else [],
            "topics": self.tally(paper_ids, "topic") if kind != "topic" else [],
            "years": self.tally(paper_ids, "year") if kind != "year" else [],
            "person": None, "coauthors": [], "bib_file": None, "short": name, "topic_description": None,
            "feed_file": None, "report_url": None, "charts": [],
            **extra,
        }
        return Page(path, "listing.html", context)

    def tally(self, paper_ids: tuple[str, ...], key: str) -> list[dict[str, Any]]:
        """How many of these papers have each venue, topic or year: most first, then by name."""
        counts: Counter[str] = Counter()
        for paper_id in paper_ids:
            paper = self.library.papers[paper_id]
            if key == "venue" and paper.venue_id:
                counts[paper.venue_id] += 1
            elif key == "topic":
                counts.update(paper.topic_ids)
            elif key == "year" and paper.year:
                counts[str(paper.year)] += 1
        names = {
            "venue": lambda i: (v.short if (v := self.library.venues.get(i)) else i),
            "topic": lambda i: self.library.topics[i].name,
            "year": lambda i: i,
        }[key]
        folder = {"venue": "venues", "topic": "topics", "year": "years"}[key]
        order = (lambda item: (-int(item[0]), 0)) if key == "year" else (lambda item: (-item[1], names(item[0]).casefold()))
        return [{"name": names(i), "url": f"{folder}/{i}/", "count": n} for i, n in sorted(counts.items(), key=order)]

    def tally_coauthors(self, person_id: str, paper_ids: tuple[str, ...]) -> list[dict[str, Any]]:
        counts: Counter[str] = Counter()
        for paper_id in paper_ids:
            counts.update({a.person_id for a in self.library.papers[paper_id].authors} - {person_id})
        people = self.library.people
        ordered = sorted(counts.items(), key=lambda item: (-item[1], people[item[0]].name.family.casefold(), item[0]))
        return [{"id": i, "name": people[i].display_name, "url": f"authors/{i}/", "count": n}
                for i, n in ordered]

    def year_chart(self, paper_ids: tuple[str, ...], name: str) -> list[dict[str, str | None]]:
        """The papers-per-year chart, if the papers span more than one year (else the page's one year
        heading says all it would): a list of one chart or none."""
        counts = Counter(self.library.papers[i].year for i in paper_ids)
        dated = {year: count for year, count in counts.items() if year}
        if len(dated) < 2:
            return []
        chart = charts.papers_per_year_svg(dated, f"Papers per year: {name}", "papers-per-year")
        undated = counts.get(None, 0) + counts.get(0, 0)
        return [_chart(chart, f"{undated} undated paper{'s' if undated != 1 else ''} not shown." if undated else None)]

    def index_pages(self) -> Iterator[Page]:
        yield self.authors_index()
        for kind in ("venues", "topics", "years"):
            yield self.index_page_of(kind)

    def authors_index(self) -> Page:
        library = self.library
        letters: dict[str, list[dict[str, Any]]] = {}
        people = sorted(library.people.values(),
                        key=lambda p: (unidecode(p.name.family).casefold(), unidecode(p.name.given or "").casefold(), p.id))
        for person in people:
            letter = (unidecode(person.name.family)[:1] or "#").upper()
            letter = letter if letter.isalpha() else "#"
            shown = person.name.as_last_first() + (f" ({person.disambiguator})" if person.disambiguator else "")
            letters.setdefault(letter, []).append({"name": shown, "url": f"authors/{person.id}/",
                                                   "count": len(library.papers_by_person[person.id])})
        return self.index_page("authors", "Authors", [{"letter": k, "entries": v} for k, v in letters.items()])

    def index_page_of(self, kind: str) -> Page:
        """The venues, topics or years index."""
        library = self.library
        if kind == "venues":
            venues = [{"name": library.venues.get(i).name if library.venues.get(i) else i,
                       "short": library.venues.get(i).short if library.venues.get(i) else i,
                       "url": f"venues/{i}/", "count": len(ids)} for i, ids in library.papers_by_venue.items()]
            return self.index_page("venues", "Venues",
                                   [{"letter": None, "entries": sorted(venues, key=lambda v: v["short"].casefold())}])
        if kind == "topics":
            topics = [{"name": library.topics[i].name, "description": library.topics[i].description,
                       "url": f"topics/{i}/", "count": len(ids)} for i, ids in library.papers_by_topic.items()]
            page = self.index_page("topics", "Topics",
                                   [{"letter": None, "entries": sorted(topics, key=lambda t: t["name"].casefold())}])
            rows = [(i, library.topics[i].name, Counter(y for p in ids if (y := library.papers[p].year)))
                    for i, ids in sorted(library.papers_by_topic.items(), key=lambda item: library.topics[item[0]].name.casefold())]
            if rows:
                chart = charts.topic_year_svg(rows, lambda i: relative_url("topics/index.html", f"topics/{i}/"),
                                              "topics-by-year")
                page.context["index"]["charts"] = [_chart(chart)]
            return page
        years = [{"name": str(y), "url": f"years/{y}/", "count": len(ids)}
                 for y, ids in sorted(library.papers_by_year.items(), reverse=True)]
        return self.index_page("years", "Years", [{"letter": None, "entries": years}])

    def index_page(self, folder: str, title: str, sections: list[dict[str, Any]]) -> Page:
        path = f"{folder}/index.html"
        context = self.base_context(path, title, f"{title} of {self.config.title}")
        context["index"] = {"kind": folder, "title": title, "sections": sections, "charts": []}
        return Page(path, "index_list.html", context)

    def markdown_page(self, slug: str, text: str) -> Page:
        path = f"{slug}/index.html"
        title = _markdown_title(slug, text)
        context = self.base_context(path, title)
        context["page"] = {"title": title, "html": render_markdown(text)}
        return Page(path, "page.html", context)

    def not_found_page(self) -> Page:
        context = self.base_context("404.html", "Page not found")
        context["absolute_links"] = True  # hosts serve it at whatever address was missing
        return Page("404.html", "404.html", context)


def _chart(chart: charts.Chart, note: str | None = None) -> dict[str, str | None]:
    """A chart as a page shows it: the picture, then its numbers as a table for screen readers and copying."""
    return {"title": chart.title, "svg": chart.svg, "table": charts.chart_table_html(chart), "note": note}


def _markdown_title(slug: str, text: str) -> str:
    """The page's first-line heading, else its file name."""
    lines = text.strip().splitlines()
    return lines[0].lstrip("# ").strip() if lines and lines[0].startswith("#") else slug.replace("-", " ").title()


def _anthology_pdf(url: str | None) -> str | None:
    """The ACL Anthology serves each paper's PDF beside its page: .../2023.acl-long.499/ -> ...499.pdf."""
    if url and url.startswith("https://aclanthology.org/") and url.endswith("/"):
        return url.rstrip("/") + ".pdf"
    return None


def load_markdown_pages(content_dir: Path) -> dict[str, str]:
    return {slug(path.stem): path.read_text(encoding="utf-8") for path in sorted((content_dir / "pages").glob("*.md"))}


def plan_pages(library: Library, config: SiteConfig, bibtex: dict[str, str], markdown_pages: dict[str, str]) -> list[Page]:
    return list(PagePlanner(library, config, bibtex, markdown_pages).plan())
