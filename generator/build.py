"""`bibsite build`: content/ -> site/, all or nothing. Orchestration only.

Any problem in the content stops the build before anything is written, so a
broken record never reaches the site and the previous site stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import TemplateError, TemplateSyntaxError

from . import render, store
from .check import check_venue_references
from .config import SiteConfig
from .model import Paper, Problem, VenueCatalog
from .write import SiteWriter, WriteError


@dataclass(frozen=True, slots=True)
class BuildReport:
    papers: int
    files_written: int


class BuildError(Exception):
    """The build stopped; ``problems`` says why. Nothing was published."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class PaperEntry:
    """One paper as a list shows it."""

    id: str
    title: str
    authors: tuple[str, ...]
    year: int | None
    venue: str | None


def build_site(config: SiteConfig) -> BuildReport:
    catalog, papers = load_content(config)
    env = render.make_environment(config.templates_dir)
    try:
        with SiteWriter(config.output_dir) as writer:
            index = make_index_context(config, catalog, papers)
            writer.write("index.html", render.render_page(env, "index.html", index))
            writer.copy_tree(config.static_dir, "static")
    except (TemplateError, WriteError) as error:
        raise BuildError([_describe_error(error, config)]) from error
    return BuildReport(papers=len(papers), files_written=writer.report.files_written)


def load_content(config: SiteConfig) -> tuple[VenueCatalog, dict[str, Paper]]:
    """Venues and papers, or BuildError listing every problem found."""
    problems = _check_folders(config)
    if problems:
        raise BuildError(problems)
    catalog, problems = store.load_venues(config.content_dir)
    loaded = store.load_papers(config.content_dir)
    problems += loaded.problems + check_venue_references(config.content_dir, catalog, loaded.papers.values())
    if problems:
        raise BuildError(problems)
    return catalog, loaded.papers


def make_index_context(config: SiteConfig, catalog: VenueCatalog, papers: dict[str, Paper]) -> dict[str, Any]:
    """Every paper, newest year first, then by title."""
    ordered = sorted(papers.values(), key=lambda p: (p.year is None, -(p.year or 0), p.title.casefold(), p.id))
    return {"page_path": "index.html", "site": config, "papers": [_make_entry(paper, catalog) for paper in ordered]}


def _make_entry(paper: Paper, catalog: VenueCatalog) -> PaperEntry:
    venue = catalog.get(paper.venue_id) if paper.venue_id else None
    return PaperEntry(
        id=paper.id,
        title=paper.title,
        authors=tuple(author.name.as_first_last() for author in paper.authors),
        year=paper.year,
        venue=venue.short if venue else None,
    )


def _check_folders(config: SiteConfig) -> list[Problem]:
    """The input folders exist, and replacing the output folder cannot delete any of them."""
    inputs = {
        "content": config.content_dir,
        "templates": config.templates_dir,
        "static": config.static_dir,
    }
    problems = [
        Problem(str(folder), None, f"{kind} folder not found") for kind, folder in inputs.items() if not folder.is_dir()
    ]
    output = config.output_dir.resolve()
    for kind, folder in {**inputs, "current": Path.cwd()}.items():
        if output == folder.resolve() or output in folder.resolve().parents:
            problems.append(
                Problem(str(config.output_dir), None, f"refusing to replace a folder holding the {kind} folder")
            )
    return problems


def _describe_error(error: Exception, config: SiteConfig) -> Problem:
    if isinstance(error, TemplateSyntaxError):
        return Problem(error.filename or str(config.templates_dir), error.lineno, error.message or str(error))
    if isinstance(error, WriteError):
        return Problem(str(config.output_dir), None, str(error))
    return Problem(str(config.templates_dir), None, f"{type(error).__name__}: {error}")
