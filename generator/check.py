"""`bibsite check`: validate everything under content/ without changing it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import store, versions
from .library import build_library
from .model import Paper, Problem, Unresolved, VenueCatalog
from .people_lint import likely_duplicates, likely_homonyms


@dataclass(frozen=True)
class CheckResult:
    paper_count: int
    problems: list[Problem]
    unresolved: list[Unresolved]
    # For a person to decide, not errors: spellings that may be one person, one name that may be two
    # people, proposed version groups.
    findings: list[Problem] = field(default_factory=list)


def check_content(content_dir: Path) -> CheckResult:
    catalog, problems = store.load_venues(content_dir)
    loaded = store.load_papers(content_dir)
    people, people_problems = store.load_people(content_dir)
    topics, topic_problems = store.load_topics(content_dir)
    problems += loaded.problems + people_problems + topic_problems
    groups, version_problems = versions.load_groups(content_dir)
    problems += check_venue_references(content_dir, catalog, loaded.papers.values()) + version_problems
    problems += versions.check_references(content_dir, groups, loaded.papers)
    library = build_library(loaded.papers, catalog, people, topics)
    people_file = str(content_dir / store.PEOPLE_FILE)
    findings = [finding.to_problem(people_file)
                for finding in likely_duplicates(library, set(people)) + likely_homonyms(library)]
    findings += [Problem(str(content_dir / versions.VERSIONS_FILE), None,
                         f"proposed version group {', '.join(group.papers)} ({group.reason}): confirm or reject it")
                 for group in groups if group.status == "proposed"]
    return CheckResult(len(loaded.papers), problems, store.load_unresolved(content_dir), findings)


def check_venue_references(content_dir: Path, catalog: VenueCatalog, papers: Iterable[Paper]) -> list[Problem]:
    """A problem for each paper whose venue is not in venues.yaml."""
    known_venues = {venue.id for venue in catalog.venues}
    message = "venue: {!r} is not in " + store.VENUES_FILE
    return [
        Problem(str(store.paper_path(content_dir, paper.id)), None, message.format(paper.venue_id))
        for paper in papers
        if paper.venue_id and paper.venue_id not in known_venues
    ]
