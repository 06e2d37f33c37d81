"""`bibsite check`: validate everything under content/ without changing it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import store
from .model import Problem, Unresolved


@dataclass(frozen=True)
class CheckResult:
    paper_count: int
    problems: list[Problem]
    unresolved: list[Unresolved]


def check_content(content_dir: Path) -> CheckResult:
    catalog, problems = store.load_venues(content_dir)
    loaded = store.load_papers(content_dir)
    problems += loaded.problems
    known_venues = {venue.id for venue in catalog.venues}
    for paper in loaded.papers.values():
        if paper.venue_id and paper.venue_id not in known_venues:
            label = str(store.paper_path(content_dir, paper.id))
            problems.append(Problem(label, None, f"venue: {paper.venue_id!r} is not in {store.VENUES_FILE}"))
    return CheckResult(len(loaded.papers), problems, store.load_unresolved(content_dir))
