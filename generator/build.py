"""`bibsite build`: content/ -> site/, all or nothing. Orchestration only.

Any problem in the content stops the build before anything is written, so a
broken record never reaches the site and the previous site stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import TemplateError, TemplateSyntaxError

from . import citation_formats, export, feeds, pages, render, search, store
from .check import check_venue_references
from .config import SiteConfig
from .library import build_library, likely_unmerged_people
from .model import Library, Problem
from .write import SiteWriter, WriteError


@dataclass(frozen=True, slots=True)
class BuildReport:
    papers: int
    files_written: int
    warnings: list[Problem] = field(default_factory=list)


class BuildError(Exception):
    """The build stopped; ``problems`` says why. Nothing was published."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def build_site(config: SiteConfig) -> BuildReport:
    library, warnings = load_library(config)
    env = render.make_environment(config.templates_dir)
    bibtex = export.export_entries(library)
    planned = pages.plan_pages(library, config, bibtex, pages.load_markdown_pages(config.content_dir))
    try:
        with SiteWriter(config.output_dir) as writer:
            for page in planned:
                writer.write(page.path, render.render_page(env, page.template, page.context))
            for path, text in export.bibtex_files(library, bibtex):
                writer.write(path, text)
            for path, text in citation_formats.citation_files(library):
                writer.write(path, text)
            writer.write("sitemap.xml", feeds.sitemap_xml([page.path for page in planned], config.base_url))
            writer.write("feed.xml", feeds.atom_feed(feeds.newest_entries(library.papers.values()), config, "feed.xml"))
            writer.write("robots.txt", feeds.robots_txt(config.base_url))
            writer.copy_tree(config.static_dir, "static")
            problems = search.index_site(writer.staging_dir)
            if problems:
                raise BuildError(problems)
    except (TemplateError, WriteError) as error:
        raise BuildError([_describe_error(error, config)]) from error
    return BuildReport(papers=len(library.papers), files_written=writer.report.files_written, warnings=warnings)


def load_library(config: SiteConfig, check_folders: bool = True) -> tuple[Library, list[Problem]]:
    """The Library, plus warnings that do not stop a build; BuildError on any real problem."""
    problems = _check_folders(config) if check_folders else []
    if problems:
        raise BuildError(problems)
    content = config.content_dir
    catalog, problems = store.load_venues(content)
    loaded = store.load_papers(content)
    people, people_problems = store.load_people(content)
    topics, topic_problems = store.load_topics(content)
    problems += loaded.problems + people_problems + topic_problems
    problems += check_venue_references(content, catalog, loaded.papers.values())
    if problems:
        raise BuildError(problems)
    library = build_library(loaded.papers, catalog, people, topics)
    warnings = likely_unmerged_people(library, str(content / store.PEOPLE_FILE))
    return library, warnings


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
