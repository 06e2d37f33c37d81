"""`bibsite check`: validate everything under content/ without changing it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import store, versions
from .library import LibraryMemo, build_library
from .model import Library, Paper, Problem, Unresolved, VenueCatalog
from .people_lint import likely_duplicates, likely_homonyms
from .versions import VersionGroup


@dataclass(frozen=True)
class CheckResult:
    paper_count: int
    problems: list[Problem]
    unresolved: list[Unresolved]
    # For a person to decide, not errors: spellings that may be one person, one name that may be two
    # people, proposed version groups.
    findings: list[Problem] = field(default_factory=list)


def check_content(content_dir: Path) -> CheckResult:
    loaded = store.load_papers(content_dir)
    library, groups, problems = assemble_library(content_dir, loaded)
    people_file = str(content_dir / store.PEOPLE_FILE)
    registered = set(store.load_people(content_dir)[0])  # people.yaml's own entries: decided by a person
    told_apart = {person_id for person_id, person in library.people.items() if person.disambiguator}
    findings = [finding.to_problem(people_file)
                for finding in likely_duplicates(library, registered) + likely_homonyms(library)
                if not (finding.kind == "duplicate" and told_apart & set(finding.person_ids))]
    findings += [Problem(str(content_dir / versions.VERSIONS_FILE), None,
                         f"proposed version group {', '.join(group.papers)} ({group.reason}): confirm or reject it")
                 for group in groups if group.status == "proposed"]
    return CheckResult(len(loaded.papers), problems, store.load_unresolved(content_dir), findings)


def assemble_library(content_dir: Path, loaded: store.LoadedPapers, memo: LibraryMemo | None = None,
                     ) -> tuple[Library, list[VersionGroup], list[Problem]]:
    """The records with venues.yaml, people.yaml, topics.yaml and versions.yaml, as one Library;
    the version groups as written; every problem found in those files and in references between them."""
    catalog, problems = store.load_venues(content_dir)
    people, people_problems = store.load_people(content_dir)
    topics, topic_problems = store.load_topics(content_dir)
    groups, version_problems = versions.load_groups(content_dir)
    problems += loaded.problems + people_problems + topic_problems + version_problems
    problems += check_venue_references(content_dir, catalog, loaded.papers.values())
    problems += versions.check_references(content_dir, groups, loaded.papers)
    library = dataclasses.replace(build_library(loaded.papers, catalog, people, topics, memo), records=loaded.papers,
                                  versions=versions.confirmed_groups(groups, loaded.papers))
    return library, groups, problems


def check_venue_references(content_dir: Path, catalog: VenueCatalog, papers: Iterable[Paper]) -> list[Problem]:
    """A problem for each paper whose venue is not in venues.yaml."""
    known_venues = {venue.id for venue in catalog.venues}
    message = "venue: {!r} is not in " + store.VENUES_FILE
    return [
        Problem(str(store.paper_path(content_dir, paper.id)), None, message.format(paper.venue_id))
        for paper in papers
        if paper.venue_id and paper.venue_id not in known_venues
    ]
