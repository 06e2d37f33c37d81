"""Version groups: records that are versions of one work (an arXiv preprint, the published paper,
its journal extension, an erratum), kept in ``content/versions.yaml`` for a person to decide.

``bibsite import`` merges what is certainly one paper into one record (a preprint and its
published version with the same title become one record holding both). What is only likely
is proposed here instead: two records sharing a DOI or an arXiv id, or by the same first
author with similar titles a few years apart (a retitled publication, a journal extension).
Each proposal is written with ``status: proposed``; a person changes it to ``confirmed`` or
``rejected``. Proposals are never repeated once decided, and pages show confirmed groups only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process

from . import store
from .match import text_key
from .model import Paper, Problem

VERSIONS_FILE = "versions.yaml"
STATUSES = ("proposed", "confirmed", "rejected")
TITLE_SIMILARITY = 80.0  # rapidfuzz token_sort_ratio of normalized titles: a retitled version, not another paper
MAX_YEARS_APART = 3

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_HEADER = """\
# Version groups: records that are versions of one work (preprint, published paper, journal
# extension, erratum). `bibsite import` proposes groups; set `status` to confirmed or rejected.
# Confirmed groups are listed on each member's page, whose citation then defaults to the
# published version. A decided group is never proposed again.
"""


@dataclass(frozen=True, slots=True)
class VersionGroup:
    papers: tuple[str, ...]  # record ids, in the order written
    status: str
    reason: str = ""

    @property
    def pair_keys(self) -> set[frozenset[str]]:
        return {frozenset((a, b)) for a in self.papers for b in self.papers if a < b}


def version_label(paper: Paper) -> str:
    """What kind of version a record is, as a page names it."""
    title = paper.title.casefold()
    if title.startswith(("erratum", "corrigendum", "correction to")):
        return "Erratum"
    if paper.is_preprint:
        return "Preprint"
    if paper.type == "article":
        return "Journal article"
    return "Published"


def rank_for_citation(paper: Paper) -> tuple[int, int]:
    """Lower is preferred as the version to cite: published conference or journal paper before a preprint."""
    label = version_label(paper)
    order = {"Published": 0, "Journal article": 0, "Preprint": 2, "Erratum": 3}[label]
    return order, -(paper.year or 0)


def propose(papers: Mapping[str, Paper], known: Iterable[VersionGroup]) -> list[VersionGroup]:
    """New proposals: pairs of records that look like versions of one work and that no group decides yet."""
    decided = set().union(*(group.pair_keys for group in known))
    found: dict[frozenset[str], str] = {}

    def consider(first: str, second: str, reason: str) -> None:
        pair = frozenset((first, second))
        if first != second and pair not in decided and pair not in found:
            found[pair] = reason

    for field, reason in (("doi", "same DOI"), ("arxiv", "same arXiv id")):
        holders: dict[str, list[str]] = defaultdict(list)
        for paper_id, paper in papers.items():
            value = getattr(paper, field)
            if value:
                holders[value.strip().lower()].append(paper_id)
        for ids in holders.values():
            for index, first in enumerate(ids):
                for second in ids[index + 1:]:
                    consider(first, second, f"{reason} ({getattr(papers[first], field)})")

    by_first_author: dict[str, list[str]] = defaultdict(list)
    for paper_id, paper in papers.items():
        if paper.authors:
            by_first_author[text_key(paper.authors[0].name.family)].append(paper_id)
    for ids in by_first_author.values():
        if len(ids) < 2 or len(ids) > 500:  # a very common name gives too many pairs to be useful
            continue
        titles = [_title_key(papers[paper_id].title) for paper_id in ids]
        for index, first in enumerate(ids):
            # rapidfuzz compares one title with the rest of the bucket in C, keeping only close ones.
            close = process.extract(titles[index], titles[index + 1:], scorer=fuzz.token_sort_ratio,
                                    score_cutoff=TITLE_SIMILARITY, limit=None)
            for _, similarity, offset in sorted(close, key=lambda item: item[2]):
                second = ids[index + 1 + offset]
                a, b = papers[first], papers[second]
                if a.year and b.year and abs(a.year - b.year) > MAX_YEARS_APART:
                    continue
                if version_label(a) == version_label(b) == "Published" and a.venue_id == b.venue_id:
                    continue  # two papers at one venue are two papers
                consider(first, second, f"same first author, similar titles ({similarity:.0f}%)")
    return [VersionGroup(tuple(sorted(pair)), "proposed", reason)
            for pair, reason in sorted(found.items(), key=lambda item: sorted(item[0]))]


def _title_key(title: str) -> str:
    return " ".join(word for word in text_key_words(title) if word not in ("erratum", "corrigendum"))


def text_key_words(title: str) -> list[str]:
    return [text_key(word) for word in title.split() if text_key(word)]


def confirmed_groups(groups: Iterable[VersionGroup], papers: Mapping[str, Paper]) -> dict[str, tuple[str, ...]]:
    """Paper id -> every member of its confirmed group (itself included), citation-preferred first.

    Groups sharing a record are one group; ids with no record are left out.
    """
    parent: dict[str, str] = {}

    def root(paper_id: str) -> str:
        while parent.setdefault(paper_id, paper_id) != paper_id:
            paper_id = parent[paper_id]
        return paper_id

    for group in groups:
        members = [paper_id for paper_id in group.papers if paper_id in papers]
        if group.status != "confirmed" or len(members) < 2:
            continue
        for other in members[1:]:
            parent[root(other)] = root(members[0])
    components: dict[str, list[str]] = defaultdict(list)
    for paper_id in parent:
        components[root(paper_id)].append(paper_id)
    result = {}
    for members in components.values():
        if len(members) > 1:
            ordered = tuple(sorted(members, key=lambda i: (*rank_for_citation(papers[i]), i)))
            result.update(dict.fromkeys(members, ordered))
    return result


def propose_versions(content_dir: Path, papers: Mapping[str, Paper] | None = None) -> int:
    """Add new proposals for the records under ``content_dir`` (or ``papers``, when the caller has them)
    to versions.yaml; how many were added."""
    groups, problems = load_groups(content_dir)
    if problems:
        return 0  # a file a person is editing is not rewritten under them; `bibsite check` reports it
    new = propose(papers if papers is not None else store.load_papers(content_dir).papers, groups)
    if new:
        save_groups(content_dir, groups + new)
    return len(new)


# ---------------------------------------------------------------- the file


def load_groups(content_dir: Path) -> tuple[list[VersionGroup], list[Problem]]:
    path = content_dir / VERSIONS_FILE
    if not path.exists():
        return [], []
    label = str(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return [], [Problem(label, mark.line + 1 if mark else None, f"not valid YAML: {getattr(error, 'problem', error)}")]
    except (OSError, UnicodeDecodeError) as error:
        return [], [Problem(label, None, f"cannot read: {error}")]
    if data is None:
        return [], []
    if not isinstance(data, list):
        return [], [Problem(label, None, "must be a list of groups")]
    groups, problems = [], []
    for index, item in enumerate(data, 1):
        group, problem = _group(item)
        if problem:
            problems.append(Problem(label, None, f"group {index}: {problem}"))
        else:
            groups.append(group)
    return groups, problems


def _group(item: Any) -> tuple[VersionGroup | None, str | None]:
    if not isinstance(item, dict) or set(item) - {"papers", "status", "reason"}:
        return None, "must be a mapping with papers, status and an optional reason"
    papers, status = item.get("papers"), item.get("status", "proposed")
    if not isinstance(papers, list) or len(papers) < 2 or not all(isinstance(p, str) and p for p in papers):
        return None, "papers: must list two or more record ids"
    if status not in STATUSES:
        return None, f"status: must be one of {', '.join(STATUSES)}, not {status!r}"
    return VersionGroup(tuple(papers), status, str(item.get("reason") or "")), None


def save_groups(content_dir: Path, groups: list[VersionGroup]) -> None:
    """Write the groups, decided ones as they were, then the proposals; nothing when there are none."""
    path = content_dir / VERSIONS_FILE
    if not groups and not path.exists():
        return
    data = [{"papers": list(group.papers), "status": group.status, **({"reason": group.reason} if group.reason else {})}
            for group in groups]
    text = _HEADER + (yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100) if data else "[]\n")
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def check_references(content_dir: Path, groups: Iterable[VersionGroup], papers: Mapping[str, Paper]) -> list[Problem]:
    label = str(content_dir / VERSIONS_FILE)
    return [Problem(label, None, f"{paper_id!r} is not a record in papers/")
            for group in groups for paper_id in group.papers if paper_id not in papers]
