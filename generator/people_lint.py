"""People who may be one person under two ids, and ids that may be two people: advice for
``bibsite check``, never a build error.

- ``likely_duplicates``: two people with the same family name (ignoring case, accents, hyphens,
  spaces, and ``ü``/``ue`` spellings) whose given names are compatible: equal once accents,
  hyphens and case are ignored (``Hai-Tao``/``Haitao``), or one made of the other's initials
  (``J.``/``Jane``, ``J.R.``/``John Robert``, ``JR``/``John Robert``), or one a first part of the
  other (``Yi``/``Yi Ren``). ``Yi`` and ``Yu`` are not compatible. Every spelling of each person is
  compared: the canonical name, the variants in ``people.yaml`` and the names printed on papers.
  This finds everything ``library.likely_unmerged_people`` finds, and more.
- ``likely_homonyms``: one person id whose papers fall into two or more groups with no co-author
  in common (the person themself left out), each group with at least two papers.

Both bucket their work (by family name, by person), so they stay near-linear in the number of
author names.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from unidecode import unidecode

from .model import Library, Name, Person, Problem

_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})
_LETTERS = re.compile(r"[a-z]+")
_SHOWN_PAPERS = 3


@dataclass(frozen=True, slots=True)
class Finding:
    """People (or one person) that a human should look at, and the records that show why."""

    kind: str  # "duplicate" | "homonym"
    person_ids: tuple[str, ...]
    names: tuple[str, ...]  # the spellings involved
    paper_ids: tuple[str, ...]  # every record involved
    message: str
    groups: tuple[tuple[str, ...], ...] = ()  # homonyms: the paper ids of each group

    def to_problem(self, people_file: str, line: int | None = None) -> Problem:
        """As a ``people.yaml:line: message`` problem."""
        return Problem(people_file, line, self.message)


# ---------------------------------------------------------------- spellings


def _foldings(text: str) -> set[str]:
    """Lower-case ASCII forms of a text: plain (``Müller`` -> ``muller``) and German (``mueller``)."""
    return {unidecode(text).lower(), unidecode(text.translate(_GERMAN)).lower()}


def _family_keys(family: str) -> set[str]:
    return {"".join(_LETTERS.findall(folded)) for folded in _foldings(family)} - {""}


def _given_tokens(given: str) -> set[tuple[str, ...]]:
    """Given names as words; ``JR`` (capitals, no dots) also as the initials ``j r``, unless it ends
    in a vowel, as the names ``YU`` and ``LI`` do."""
    options = {given}
    word = given.strip()
    if 1 < len(word) <= 3 and word.isupper() and word.isalpha() and word[-1] not in "AEIOUY":
        options.add(" ".join(word))
    return {tuple(_LETTERS.findall(folded)) for option in options for folded in _foldings(option)} - {()}


def _tokens_compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Equal once joined (``hai tao``/``haitao``), or each word equal to or the initial of the
    other's, as far as the shorter goes (``j``/``jane``, ``yi``/``yi ren``)."""
    if "".join(a) == "".join(b):
        return True
    return all(
        x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y)) for x, y in zip(a, b)
    )


def is_given_compatible(first: str | None, second: str | None) -> bool:
    """Could these two given names belong to one person? Missing given names never match."""
    if not first or not second:
        return False
    return any(_tokens_compatible(a, b) for a in _given_tokens(first) for b in _given_tokens(second))


def _spellings(library: Library) -> dict[str, list[Name]]:
    """Every spelling of every person: canonical, people.yaml variants, as printed on papers."""
    found: dict[str, dict[Name, None]] = defaultdict(dict)
    for person in library.people.values():
        for name in (person.name, *person.variants):
            found[person.id][name] = None
    for paper_id in sorted(library.papers):
        for author in library.papers[paper_id].authors:
            if author.person_id:
                found[author.person_id][author.name] = None
    return {person_id: list(names) for person_id, names in found.items()}


def _papers(library: Library, person_id: str) -> tuple[str, ...]:
    return tuple(library.papers_by_person.get(person_id, ()))


def _listed(paper_ids: Iterable[str]) -> str:
    paper_ids = list(paper_ids)
    shown = ", ".join(paper_ids[:_SHOWN_PAPERS])
    more = len(paper_ids) - _SHOWN_PAPERS
    return f"{shown} and {more} more" if more > 0 else shown


# ---------------------------------------------------------------- duplicates


def likely_duplicates(library: Library, declared_ids: Collection[str] = ()) -> list[Finding]:
    """Pairs of people who may be one person, for someone to merge in ``people.yaml``.

    ``declared_ids`` are the people listed in ``people.yaml``: two of them listed separately are
    separate by decision and never reported together. People with different ORCIDs never are.
    """
    spellings = _spellings(library)
    buckets: dict[tuple[str, str], dict[str, list[Name]]] = defaultdict(lambda: defaultdict(list))
    for person_id in sorted(spellings):
        for name in spellings[person_id]:
            if not name.given:
                continue
            initials = {tokens[0][0] for tokens in _given_tokens(name.given)}
            for family in _family_keys(name.family):
                for initial in initials:
                    buckets[(family, initial)][person_id].append(name)

    declared = set(declared_ids)
    pairs: dict[tuple[str, str], tuple[str, Name, Name]] = {}
    for key in sorted(buckets):
        members = buckets[key]
        person_ids = sorted(members)
        for i, first_id in enumerate(person_ids):
            for second_id in person_ids[i + 1 :]:
                if (first_id, second_id) in pairs or _decided_apart(library, declared, first_id, second_id):
                    continue
                match = next(
                    ((a, b) for a in members[first_id] for b in members[second_id]
                     if is_given_compatible(a.given, b.given)),
                    None,
                )
                if match:
                    pairs[(first_id, second_id)] = (key[0], *match)

    findings = []
    for (first_id, second_id), (family, first_name, second_name) in sorted(pairs.items(), key=lambda i: (i[1][0], i[0])):
        first_papers, second_papers = _papers(library, first_id), _papers(library, second_id)
        names = (first_name.as_first_last(), second_name.as_first_last())
        findings.append(Finding(
            kind="duplicate",
            person_ids=(first_id, second_id),
            names=names,
            paper_ids=tuple(sorted({*first_papers, *second_papers})),
            message=(
                f"'{names[0]}' ({first_id}: {_listed(first_papers)}) and '{names[1]}' ({second_id}: "
                f"{_listed(second_papers)}) may be one person; if so, list one as a variant of the other"
            ),
        ))
    return findings


def _decided_apart(library: Library, declared: set[str], first_id: str, second_id: str) -> bool:
    if first_id in declared and second_id in declared:
        return True
    first, second = library.people.get(first_id), library.people.get(second_id)
    return bool(first and second and first.orcid and second.orcid and first.orcid != second.orcid)


# ---------------------------------------------------------------- homonyms


def _coauthor_groups(library: Library, person_id: str) -> list[list[str]]:
    """The person's papers, grouped: two papers are in one group when a chain of shared
    co-authors (not the person) links them. Groups in order of their first paper id."""
    paper_ids = sorted(_papers(library, person_id))
    parent = list(range(len(paper_ids)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_paper_of: dict[str, int] = {}
    for index, paper_id in enumerate(paper_ids):
        for author in library.papers[paper_id].authors:
            other = author.person_id
            if not other or other == person_id:
                continue
            if other in first_paper_of:
                a, b = root(index), root(first_paper_of[other])
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                first_paper_of[other] = index
    groups: dict[int, list[str]] = defaultdict(list)
    for index, paper_id in enumerate(paper_ids):
        groups[root(index)].append(paper_id)
    return [groups[key] for key in sorted(groups)]


def _describe_group(library: Library, person_id: str, paper_ids: list[str]) -> str:
    years = sorted(year for year in (library.papers[p].year for p in paper_ids) if year)
    span = "" if not years else f"{years[0]}" if years[0] == years[-1] else f"{years[0]}-{years[-1]}"
    coauthors: dict[str, int] = defaultdict(int)
    for paper_id in paper_ids:
        for author in library.papers[paper_id].authors:
            if author.person_id and author.person_id != person_id:
                coauthors[author.name.as_first_last()] += 1
    frequent = sorted(coauthors, key=lambda name: (-coauthors[name], name))[:2]
    details = ", ".join(part for part in (span, "with " + " and ".join(frequent) if frequent else "") if part)
    return f"{_listed(paper_ids)} ({details})" if details else _listed(paper_ids)


def likely_homonyms(library: Library, min_group_papers: int = 2) -> list[Finding]:
    """People whose papers split into groups with disjoint co-author circles: maybe two people
    sharing a name. Only groups of at least ``min_group_papers`` papers count, and at least two
    such groups are needed."""
    spellings = _spellings(library)
    findings = []
    for person_id in sorted(library.papers_by_person):
        if len(library.papers_by_person[person_id]) < 2 * min_group_papers:
            continue
        groups = [group for group in _coauthor_groups(library, person_id) if len(group) >= min_group_papers]
        if len(groups) < 2:
            continue
        person = library.people.get(person_id) or Person(person_id, spellings[person_id][0])
        printed = sorted({name.as_first_last() for name in spellings.get(person_id, [])})
        described = "; ".join(_describe_group(library, person_id, group) for group in groups)
        findings.append(Finding(
            kind="homonym",
            person_ids=(person_id,),
            names=tuple(printed),
            paper_ids=tuple(paper_id for group in groups for paper_id in group),
            groups=tuple(tuple(group) for group in groups),
            message=(
                f"'{person.name.as_first_last()}' ({person_id}) may be {len(groups)} people: their papers fall into "
                f"groups with no co-author in common: {described}; if so, give each their own id "
                "(`person:` on the author in the records of one group)"
            ),
        ))
    return findings
