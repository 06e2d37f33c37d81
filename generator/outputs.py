"""Every file of the site as an ``Output``: its path, its key and how to make it.

A key is a digest of everything the file's bytes depend on: the global inputs (the
generator's code, the templates, the settings, venues, topics, the people registry and
the Markdown pages) and the records the file shows. Equal keys mean equal bytes, so an
incremental build remakes only the outputs whose key changed and still writes exactly
what a clean build would. Keys are cheap: no page is rendered to compute one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment

from . import citation_formats, export, feeds, search
from .cache import ArtifactStore, code_digest, digest, file_digest
from .config import SiteConfig
from .model import Library, Paper, Person
from .pages import Page, PagePlanner
from .render import render_page

SEARCH_TEMPLATE = "search_document.html"


@dataclass(frozen=True, slots=True)
class Output:
    """One file: ``maker(argument)`` makes its text, bytes, or text in pieces (files of every paper).
    The maker is shared by every file of a kind (a site can have 750,000 files: no closure per file)."""

    path: str  # in the output folder
    key: str
    maker: Callable[[Any], str | bytes | Iterable[str]]
    argument: Any = None

    def make(self) -> str | bytes | Iterable[str]:
        return self.maker(self.argument)


@dataclass(frozen=True, slots=True)
class Artifacts:
    """One paper's export texts, made once per build (or taken from the cache) and shared by every file holding them."""

    bibtex: str
    csl_item: str
    ris: str


class ArtifactTexts:
    """Every paper's export texts, one format of one paper at a time (``column``: ``bibtex``,
    ``csl_item`` or ``ris``), or one format of every paper, by id."""

    def __init__(self, paper_ids: Iterable[str]) -> None:
        self.paper_ids = tuple(paper_ids)

    def text(self, paper_id: str, column: str) -> str:
        raise NotImplementedError

    def every_text(self, column: str) -> Iterator[str]:
        return (self.text(paper_id, column) for paper_id in sorted(self.paper_ids))


class MemoryArtifacts(ArtifactTexts):
    """The texts held in memory: a build without a cache."""

    def __init__(self, artifacts: Mapping[str, Artifacts]) -> None:
        super().__init__(artifacts)
        self._artifacts = artifacts

    def text(self, paper_id: str, column: str) -> str:
        return getattr(self._artifacts[paper_id], column)


class StoredArtifacts(ArtifactTexts):
    """The texts read from the build cache's store when asked for, never all at once."""

    def __init__(self, store: ArtifactStore, paper_ids: Iterable[str]) -> None:
        super().__init__(paper_ids)
        self._store = store

    def text(self, paper_id: str, column: str) -> str:
        return self._store.text(paper_id, column)

    def every_text(self, column: str) -> Iterator[str]:
        """In one pass over the store."""
        expected = iter(sorted(self.paper_ids))
        for paper_id, text in self._store.every_text(column):
            if paper_id != next(expected, None):
                raise KeyError(f"the export store does not match the papers at {paper_id!r}")
            yield text
        if next(expected, None) is not None:
            raise KeyError("the export store lacks papers")


def make_artifacts(paper: Paper, library: Library) -> Artifacts:
    return Artifacts(
        export.export_paper_bibtex(paper, library),
        citation_formats.dump_csl_item(citation_formats.paper_to_csl(paper, library)),
        citation_formats.paper_to_ris(paper, library),
    )


def paper_key(paper: Paper, record_digest: str) -> str:
    """The digest of a resolved record and of its record file (``record_digest``; the record's YAML
    is shown in the report link): it changes when anything shown of the paper does. A resolved
    record is the stored one with person ids and topics added, so those are all it adds."""
    people = "\t".join(author.person_id or "" for author in paper.authors)
    return digest(record_digest, people, "\t".join(paper.topic_ids))


def global_key(config: SiteConfig, library: Library, registry_people: Iterable[object],
               markdown_pages: Mapping[str, str]) -> str:
    templates = sorted(path for path in config.templates_dir.rglob("*") if path.is_file())
    return digest(
        code_digest(),
        *(f"{path.relative_to(config.templates_dir).as_posix()}:{file_digest(path)}" for path in templates),
        repr(config),
        repr(library.venues),
        repr(sorted(library.topics.items())),
        repr(list(registry_people)),
        repr(sorted(markdown_pages.items())),
    )


def person_digest_part(person: Person) -> str:
    """Everything a person's entry says, as one key part (a dataclass ``repr`` is several times slower)."""
    variants = [(variant.given, variant.family) for variant in person.variants]
    return repr((person.id, person.name.given, person.name.family, variants, person.orcid, person.homepage,
                 person.affiliation, person.disambiguator))


class OutputPlanner:
    """Lists every output with its key; making one renders or joins only when asked."""

    def __init__(self, library: Library, config: SiteConfig, env: Environment, planner: PagePlanner,
                 artifacts: ArtifactTexts, keys: Mapping[str, str], global_key: str,
                 related: Mapping[str, tuple[str, ...]] | None = None) -> None:
        self.related = related or {}
        self.library = library
        self.config = config
        self.env = env
        self.planner = planner
        self.artifacts = artifacts
        self.keys = keys  # paper id -> paper_key
        self.global_key = global_key
        self._person_parts: dict[str, str] = {}
        self._newest_first: list[Paper] | None = None

    def key(self, *parts: str) -> str:
        return digest(self.global_key, *parts)

    def render(self, page: Callable[[Any], Page]) -> Callable[[Any], str]:
        """A maker that renders ``page(argument)``."""
        env = self.env
        return lambda argument: _render(env, page(argument))

    # ------------------------------------------------------------ the site

    def outputs(self, related: Callable[[], Mapping[str, tuple[str, ...]]] | None = None) -> list[Output]:
        """Every output. ``related``, if given, is asked for the related papers only once everything
        that does not show them is planned, so they can be worked out elsewhere meanwhile."""
        pages = list(self.pages())
        page_paths = [output.path for output in pages] + [f"papers/{i}/index.html" for i in self.library.papers]
        outputs = (pages + list(self.exports()) + list(self.feeds()) + list(self.machine_files(page_paths))
                   + list(self.static_files()))
        if related is not None:
            self.related = self.planner.related = related()
        return outputs + list(self.paper_pages())

    def paper_pages(self) -> Iterator[Output]:
        library, keys = self.library, self.keys
        render_paper = self.render(self.planner.paper_page)
        for paper_id, paper in library.papers.items():
            yield Output(f"papers/{paper_id}/index.html",
                         self.key("paper", keys[paper_id], *self.paper_keys(self.related.get(paper_id, ())),
                                  "versions", *self.paper_keys(library.versions.get(paper_id, ()))),
                         render_paper, paper)

    def pages(self) -> Iterator[Output]:
        """Every page but the papers' own (``paper_pages``)."""
        library, planner = self.library, self.planner
        yield Output("index.html", self.key("home", *self.home_inputs()), self.render(lambda _: planner.home_page()))
        render_author = self.render(planner.author_page)
        for person_id, paper_ids in library.papers_by_person.items():
            yield Output(f"authors/{person_id}/index.html",
                         self.key("author", person_digest_part(library.people[person_id]), *self.paper_keys(paper_ids),
                                  *self.coauthor_names(person_id, paper_ids)),
                         render_author, person_id)
        render_venue = self.render(planner.venue_page)
        for venue_id, paper_ids in library.papers_by_venue.items():
            yield Output(f"venues/{venue_id}/index.html", self.key("venue", venue_id, *self.paper_keys(paper_ids)),
                         render_venue, venue_id)
        render_topic = self.render(planner.topic_page)
        for topic_id, paper_ids in library.papers_by_topic.items():
            yield Output(f"topics/{topic_id}/index.html", self.key("topic", topic_id, *self.paper_keys(paper_ids)),
                         render_topic, topic_id)
        render_year = self.render(planner.year_page)
        for year, paper_ids in library.papers_by_year.items():
            yield Output(f"years/{year}/index.html", self.key("year", str(year), *self.paper_keys(paper_ids)),
                         render_year, year)
        people = [f"{p.id}\t{p.name!r}\t{len(library.papers_by_person.get(p.id, ()))}" for p in library.people.values()]
        yield Output("authors/index.html", self.key("authors", *people),
                     self.render(lambda _: planner.authors_index()))
        for kind, index in (("venues", library.papers_by_venue), ("topics", library.papers_by_topic),
                            ("years", library.papers_by_year)):
            counts = [f"{name}\t{len(ids)}" for name, ids in index.items()]
            if kind == "topics":  # its chart counts each topic's papers per year
                counts += [repr(sorted(Counter(library.papers[i].year or 0 for i in ids).items())) for ids in index.values()]
            yield Output(f"{kind}/index.html", self.key(kind, *counts), self.render(planner.index_page_of), kind)
        render_markdown = self.render(lambda page: planner.markdown_page(*page))
        for page_slug, text in sorted(planner.markdown_pages.items()):
            yield Output(f"{page_slug}/index.html", self.key("page", page_slug, text), render_markdown, (page_slug, text))
        yield Output("404.html", self.key("404"), self.render(lambda _: planner.not_found_page()))

    def exports(self) -> Iterator[Output]:
        library, artifacts = self.library, self.artifacts

        def bibtex(paper_id: str) -> str:
            return artifacts.text(paper_id, "bibtex")

        def csl_json(paper_id: str) -> str:
            return citation_formats.join_csl([artifacts.text(paper_id, "csl_item")])

        def ris(paper_id: str) -> str:
            return artifacts.text(paper_id, "ris")

        for paper_id in library.papers:
            key = self.keys[paper_id]
            yield Output(f"papers/{paper_id}/{paper_id}.bib", self.key("bib", key), bibtex, paper_id)
            yield Output(f"papers/{paper_id}/{paper_id}.json", self.key("json", key), csl_json, paper_id)
            yield Output(f"papers/{paper_id}/{paper_id}.ris", self.key("ris", key), ris, paper_id)
        for folder, index in (("authors", library.papers_by_person), ("venues", library.papers_by_venue)):
            for owner, paper_ids in index.items():
                yield Output(f"{folder}/{owner}/{owner}.bib", self.key("bundle", *self.paper_keys(paper_ids)),
                             self.bibtex_bundle, paper_ids)
        everything = tuple(sorted(library.papers))
        every_key = self.paper_keys(everything)
        yield Output("all.bib", self.key("all.bib", *every_key), self.bibtex_bundle, everything)
        yield Output("all.json", self.key("all.json", *every_key),
                     lambda _: citation_formats.csl_chunks(artifacts.every_text("csl_item")))
        yield Output("all.ris", self.key("all.ris", *every_key),
                     lambda _: citation_formats.joined_chunks(artifacts.every_text("ris"), citation_formats.RIS_EOL))

    def feeds(self) -> Iterator[Output]:
        """One Atom feed per author and per topic, so a reader can follow one person or one subject."""
        library, config = self.library, self.config

        def feed(entry: tuple[str, str, str, list[Paper]]) -> str:
            path, owner_path, name, newest = entry
            return feeds.atom_feed([feeds.FeedEntry.from_paper(paper) for paper in newest], config, path,
                                   title=name, page_path=owner_path)

        owners = [("authors", person_id, library.people[person_id].display_name, paper_ids)
                  for person_id, paper_ids in library.papers_by_person.items()]
        owners += [("topics", topic_id, library.topics[topic_id].name, paper_ids)
                   for topic_id, paper_ids in library.papers_by_topic.items()]
        # Every paper's place in the whole library's newest-first order: each feed sorts by it, which
        # gives feeds.newest_papers' order at a fraction of its cost (100,000 feeds on a large site).
        place = {paper.id: index for index, paper in enumerate(self.newest_first())}
        for folder, owner, name, paper_ids in owners:
            path = f"{folder}/{owner}/{feeds.FEED_PATH}"
            newest = [library.papers[i] for i in sorted(paper_ids, key=place.__getitem__)[:feeds.FEED_SIZE]]
            yield Output(path, self.key("feed", path, name, *(self.keys[paper.id] for paper in newest)),
                         feed, (path, f"{folder}/{owner}/", name, newest))

    def machine_files(self, page_paths: list[str]) -> Iterator[Output]:
        config = self.config
        yield Output(feeds.SITEMAP_PATH, self.key("sitemap", *page_paths),
                     lambda _: feeds.sitemap_xml(page_paths, config.base_url))
        newest = self.newest_first()[:feeds.FEED_SIZE]
        yield Output(feeds.FEED_PATH, self.key("feed", *(self.keys[paper.id] for paper in newest)),
                     lambda _: feeds.atom_feed(feeds.newest_entries(newest), config, feeds.FEED_PATH))
        yield Output(feeds.ROBOTS_PATH, self.key("robots"), lambda _: feeds.robots_txt(config.base_url))

    def static_files(self) -> Iterator[Output]:
        static = self.config.static_dir
        for path in sorted(static.rglob("*")):
            if path.is_file():
                yield Output(f"static/{path.relative_to(static).as_posix()}", file_digest(path), Path.read_bytes, path)

    def search_documents(self, shards: int) -> list[Output]:
        """What the search indexes are built from: one small page per paper, at the paper page's path
        inside the folder of its index (``pagefind/papers/<id>/index.html``)."""
        template, planner = self.env.get_template(SEARCH_TEMPLATE), self.planner

        def document(paper: Paper) -> str:
            return template.render(planner.search_context(paper))

        return [Output(f"{search.bundle_name(search.shard_of(paper_id, shards))}/papers/{paper_id}/index.html",
                       self.key("search", self.keys[paper_id]), document, paper)
                for paper_id, paper in self.library.papers.items()]

    # ------------------------------------------------------------ key parts

    def paper_keys(self, paper_ids: Iterable[str]) -> list[str]:
        return [self.keys[paper_id] for paper_id in paper_ids]

    def coauthor_names(self, person_id: str, paper_ids: tuple[str, ...]) -> list[str]:
        """The co-authors an author page names: their display names come from the people, not the papers."""
        papers = self.library.papers
        coauthors = {a.person_id for i in paper_ids for a in papers[i].authors} - {person_id}
        parts = self.person_parts()
        return [parts[i] for i in sorted(coauthors)]  # type: ignore[index]

    def newest_first(self) -> list[Paper]:
        """Every paper, in the feeds' order (``feeds.newest_papers``), sorted once per build."""
        if self._newest_first is None:
            self._newest_first = feeds.newest_papers(self.library.papers.values(), None)
        return self._newest_first

    def person_parts(self) -> dict[str, str]:
        """Each person as a key part, made once per build (an author is a co-author on many pages)."""
        if not self._person_parts:
            self._person_parts = {person_id: f"{person_id}\t{person.name.given}\t{person.name.family}"
                                  for person_id, person in self.library.people.items()}
        return self._person_parts

    def home_inputs(self) -> list[str]:
        library = self.library
        counts = (len(library.papers), len(library.people), len(library.papers_by_venue),
                  len(library.papers_by_topic))
        years = [f"{year}\t{len(ids)}" for year, ids in library.papers_by_year.items()]
        return [repr(counts), *years, *(self.keys[p.id] for p in self.planner.newest_papers())]

    def bibtex_bundle(self, paper_ids: tuple[str, ...]) -> Iterator[str]:
        """``export.export_bundle``, piece by piece."""
        artifacts = self.artifacts
        if len(paper_ids) == len(artifacts.paper_ids) and list(paper_ids) == sorted(artifacts.paper_ids):  # every paper
            return citation_formats.joined_chunks(artifacts.every_text("bibtex"), "\n")
        return citation_formats.joined_chunks((artifacts.text(i, "bibtex") for i in dict.fromkeys(paper_ids)), "\n")


class BibtexView(Mapping[str, str]):
    """paper id -> BibTeX entry, read from the artifacts."""

    def __init__(self, artifacts: ArtifactTexts) -> None:
        self._artifacts = artifacts

    def __getitem__(self, paper_id: str) -> str:
        return self._artifacts.text(paper_id, "bibtex")

    def __iter__(self) -> Iterator[str]:
        return iter(self._artifacts.paper_ids)

    def __len__(self) -> int:
        return len(self._artifacts.paper_ids)


def _render(env: Environment, page: Page) -> str:
    return render_page(env, page.template, page.context)


def template_names(templates_dir: Path) -> list[str]:
    return sorted(p.relative_to(templates_dir).as_posix() for p in templates_dir.rglob("*.html") if p.is_file())
