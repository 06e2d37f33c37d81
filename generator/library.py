"""Papers + venues + people + topics -> a Library with every index a page needs.

Two decisions are made here, once per build: which person each printed name is
(``content/people.yaml`` variants, otherwise one person per spelling) and which
topics a paper has (its own ``topics:``, otherwise the taxonomy's phrases matched
in title and abstract).
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from unidecode import unidecode

from .model import AuthorRef, Library, Name, Paper, Person, Problem, Topic, VenueCatalog
from .names import slug


def name_key(name: Name) -> str:
    """Spellings that differ only by case, accents, punctuation or spacing are one spelling."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", unidecode(name.as_first_last()).lower()).split())


def person_id_for(name: Name) -> str:
    return slug(name.as_first_last()) or "anonymous"


# ---------------------------------------------------------------- topics


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    """Case-, plural- and hyphen-insensitive: "language model" matches "Language-Models"."""
    words = re.split(r"[\s\-]+", phrase.strip().lower())
    body = r"[\s\-]+".join(re.escape(word) + r"(?:s|es)?" for word in words if word)
    return re.compile(rf"(?<![a-z0-9]){body}(?![a-z0-9])", re.IGNORECASE)


def topic_matcher(topics: Iterable[Topic]) -> list[tuple[str, list[re.Pattern[str]]]]:
    return [(topic.id, [_phrase_pattern(p) for p in topic.phrases]) for topic in topics]


def match_topics(paper: Paper, matcher: list[tuple[str, list[re.Pattern[str]]]]) -> tuple[str, ...]:
    text = f"{paper.title}\n{paper.abstract or ''}"
    return tuple(topic_id for topic_id, patterns in matcher if any(p.search(text) for p in patterns))


# ---------------------------------------------------------------- the library


def _newest_first(papers: Mapping[str, Paper], ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(ids), key=lambda i: (-(papers[i].year or 0), -(papers[i].month or 0), papers[i].title.casefold(), i)))


def build_library(
    papers: Mapping[str, Paper], venues: VenueCatalog, people: Mapping[str, Person], topics: Mapping[str, Topic]
) -> Library:
    people = dict(people)
    by_spelling = {name_key(variant): person.id for person in people.values() for variant in (person.name, *person.variants)}
    matcher = topic_matcher(topics.values())
    resolved: dict[str, Paper] = {}
    for paper_id in sorted(papers):
        paper = papers[paper_id]
        authors = []
        for author in paper.authors:
            person_id = author.person_id or by_spelling.get(name_key(author.name)) or person_id_for(author.name)
            if person_id not in people:
                people[person_id] = Person(person_id, author.name)
            authors.append(AuthorRef(author.name, person_id))
        topic_ids = tuple(t for t in paper.topic_ids if t in topics) or match_topics(paper, matcher)
        resolved[paper_id] = dataclasses.replace(paper, authors=tuple(authors), topic_ids=topic_ids)

    by_person, by_venue, by_topic, by_year = defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list)
    for paper in resolved.values():
        for author in paper.authors:
            by_person[author.person_id].append(paper.id)
        if paper.venue_id:
            by_venue[paper.venue_id].append(paper.id)
        for topic_id in paper.topic_ids:
            by_topic[topic_id].append(paper.id)
        if paper.year:
            by_year[paper.year].append(paper.id)

    def index(groups: dict) -> dict:
        return {key: _newest_first(resolved, ids) for key, ids in sorted(groups.items())}

    return Library(
        papers=resolved,
        venues=venues,
        people={pid: people[pid] for pid in sorted(people) if pid in by_person},
        topics=dict(topics),
        papers_by_person=index(by_person),
        papers_by_venue=index(by_venue),
        papers_by_topic=index(by_topic),
        papers_by_year=index(by_year),
    )


# ---------------------------------------------------------------- likely duplicates


def _given_compatible(a: str | None, b: str | None) -> bool:
    """"Yi" ~ "Yi Ren", "J." ~ "Jane", "Hai-Tao" ~ "Haitao"; "Yi" !~ "Yu"."""
    if not a or not b:
        return False
    tokens_a = re.findall(r"[a-z]+", unidecode(a).lower())
    tokens_b = re.findall(r"[a-z]+", unidecode(b).lower())
    if "".join(tokens_a) == "".join(tokens_b):
        return True
    shorter, longer = sorted((tokens_a, tokens_b), key=len)
    return all(s == l or (len(s) == 1 and l.startswith(s)) for s, l in zip(shorter, longer)) and bool(shorter)


def likely_unmerged_people(library: Library, people_file: str) -> list[Problem]:
    """Pairs of people with the same family name and compatible given names, for a person to decide."""
    # Compatible given names start with the same letter, so only people sharing the family name and
    # that initial are compared (a large corpus has thousands of people named Wang).
    by_family: dict[tuple[str, str], list[Person]] = defaultdict(list)
    for person in library.people.values():
        initial = name_key(Name(None, person.name.given or ""))[:1]
        by_family[(name_key(Name(None, person.name.family)), initial)].append(person)
    problems = []
    for family in sorted(by_family):
        group = by_family[family]
        for i, first in enumerate(group):
            for second in group[i + 1 :]:
                if _given_compatible(first.name.given, second.name.given):
                    papers = ", ".join(library.papers_by_person[first.id][:2] + library.papers_by_person[second.id][:2])
                    problems.append(Problem(
                        people_file, None,
                        f"'{first.name.as_first_last()}' and '{second.name.as_first_last()}' may be one person "
                        f"({papers}); list one as a variant of the other",
                    ))
    return problems
