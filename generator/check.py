"""`bibsite check`: validate everything under content/ without changing it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import store
from .model import Paper, Problem, Unresolved, VenueCatalog


@dataclass(frozen=True)
class CheckResult:
    paper_count: int
    problems: list[Problem]
    unresolved: list[Unresolved]


def check_content(content_dir: Path) -> CheckResult:
    catalog, problems = store.load_venues(content_dir)
    loaded = store.load_papers(content_dir)
    problems += loaded.problems + check_venue_references(content_dir, catalog, loaded.papers.values())
    return CheckResult(len(loaded.papers), problems, store.load_unresolved(content_dir))


def check_venue_references(content_dir: Path, catalog: VenueCatalog, papers: Iterable[Paper]) -> list[Problem]:
    """A problem for each paper whose venue is not in venues.yaml."""
    known_venues = {venue.id for venue in catalog.venues}
    message = "venue: {!r} is not in " + store.VENUES_FILE
    return [
        Problem(str(store.paper_path(content_dir, paper.id)), None, message.format(paper.venue_id))
        for paper in papers
        if paper.venue_id and paper.venue_id not in known_venues
    ]
