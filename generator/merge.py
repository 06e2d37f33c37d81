"""One paper, one record: grouping records of the same paper and merging them.

Rules when sources disagree:
- the published version wins over the preprint for type, venue and year
  (the preprint stays in ``sources``);
- a full abstract wins over a truncated one;
- the longer author list wins;
- otherwise the better-ranked source wins, and empty fields are filled from the other.

A record already in the store is treated as edited by hand: a merge only fills
its empty fields and appends sources, except that a stored preprint is upgraded
to its published version and a truncated abstract to the full one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from . import match
from .model import Paper

# Fields describing where a paper appeared; they travel together from one version.
PUBLICATION_FIELDS = ("type", "venue_id", "track", "booktitle", "journal", "volume", "number", "pages",
                      "publisher", "address", "year", "month")
FILL_FIELDS = ("title", "doi", "url", "arxiv", "note", "editors")


def rank(paper: Paper) -> int:
    """How authoritative a record's publication data is: published > preprint > bare abstract."""
    if not paper.title:
        return 0
    if paper.is_preprint:
        return 1
    return 2


def _abstract_rank(paper: Paper) -> tuple[int, int, int]:
    return (bool(paper.abstract), not paper.is_abstract_truncated, rank(paper))


def _union_sources(first: Paper, second: Paper) -> tuple:
    seen = dict.fromkeys(first.sources)
    seen.update(dict.fromkeys(second.sources))
    return tuple(seen)


def _fill(base: Paper, other: Paper, names: Iterable[str]) -> dict:
    return {name: getattr(other, name) for name in names if not getattr(base, name) and getattr(other, name)}


def merge_papers(a: Paper, b: Paper) -> Paper:
    """Merge two records of one paper arriving in the same import."""
    better, worse = (a, b) if rank(a) >= rank(b) else (b, a)
    # Publication fields travel together: a preprint's date must not fill a published version's gap.
    fillable = PUBLICATION_FIELDS + FILL_FIELDS if rank(worse) == rank(better) else FILL_FIELDS
    merged = dataclasses.replace(better, **_fill(better, worse, fillable))
    if rank(worse) == rank(better) == 2 and not better.venue_id and worse.venue_id:
        merged = dataclasses.replace(merged, venue_id=worse.venue_id)
    authors = max((better.authors, worse.authors), key=len) if len(worse.authors) > len(better.authors) else better.authors
    abstract_from = max((better, worse), key=_abstract_rank)
    return dataclasses.replace(
        merged,
        id=a.id or b.id,
        authors=authors,
        abstract=abstract_from.abstract,
        is_abstract_truncated=abstract_from.is_abstract_truncated,
        links={**worse.links, **better.links},
        extra={**worse.extra, **better.extra},
        topic_ids=a.topic_ids or b.topic_ids,
        sources=_union_sources(a, b),
    )


def merge_into_stored(stored: Paper, incoming: Paper) -> Paper:
    """Merge an import into a stored (possibly hand-edited) record: fill, append, upgrade."""
    fillable = FILL_FIELDS + ("abstract",) + (PUBLICATION_FIELDS if rank(incoming) >= rank(stored) else ())
    changes = _fill(stored, incoming, fillable)
    if stored.is_preprint and rank(incoming) == 2:
        changes.update({name: getattr(incoming, name) for name in PUBLICATION_FIELDS})
    if not stored.authors:
        changes["authors"] = incoming.authors
    if stored.abstract and stored.is_abstract_truncated and incoming.abstract and not incoming.is_abstract_truncated:
        changes["abstract"] = incoming.abstract
    if "abstract" in changes:
        changes["is_abstract_truncated"] = incoming.is_abstract_truncated
    links = {**incoming.links, **stored.links}
    extra = {**incoming.extra, **stored.extra}
    return dataclasses.replace(stored, **changes, links=links, extra=extra, sources=_union_sources(stored, incoming))


def group_papers(papers: Iterable[Paper]) -> list[Paper]:
    """Merge records of the same paper; the result keeps the order of first appearance."""
    groups: list[Paper] = []
    index = PaperIndex()
    for paper in papers:
        position = index.find(paper)
        if position is None:
            index.add(paper, len(groups))
            groups.append(paper)
        else:
            groups[position] = merge_papers(groups[position], paper)
            index.add(groups[position], position)
    return groups


class PaperIndex:
    """Finds the record a paper matches: exact title key, then abstract, then a fuzzy title.

    Fuzzy comparison is limited to records sharing title words, and words shared by very many
    records are not used to find candidates: one owner's listing of thousands of papers must not
    compare every title with every other (a typo changes one word; the rest still find the record).
    """

    MAX_POSTINGS = 200  # a word in more records than this is too common to narrow anything down

    def __init__(self) -> None:
        self._by_title: dict[str, int] = {}
        self._by_abstract_start: dict[str, list[int]] = {}
        self._by_word: dict[str, list[int]] = {}  # a position again after each re-add: its length is the word's weight
        self._word_positions: dict[str, set[int]] = {}  # the same positions, once each
        self._entries: dict[int, Paper] = {}
        self._title_keys: dict[int, str] = {}
        self._abstract_keys: dict[int, str] = {}

    def add(self, paper: Paper, position: int) -> None:
        self._entries[position] = paper
        title = match.text_key(paper.title)
        self._title_keys[position] = title
        if title:
            self._by_title.setdefault(title, position)
        for word in match.title_words(paper.title):
            postings = self._by_word.setdefault(word, [])
            if position not in postings[-1:]:
                postings.append(position)
                self._word_positions.setdefault(word, set()).add(position)
        abstract = match.text_key(paper.abstract)
        self._abstract_keys[position] = abstract
        if abstract:
            bucket = self._by_abstract_start.setdefault(abstract[: match.ABSTRACT_BUCKET], [])
            if position not in bucket:
                bucket.append(position)

    def find(self, paper: Paper) -> int | None:
        if not self._entries:
            return None
        title = match.text_key(paper.title)
        exact = self._by_title.get(title) if title else None
        if exact is not None and match.authors_compatible(paper, self._entries[exact]):
            return exact
        abstract = match.text_key(paper.abstract)
        for position in self._by_abstract_start.get(abstract[: match.ABSTRACT_BUCKET], []) if abstract else []:
            if match.abstracts_match(abstract, self._abstract_keys[position]):
                return position
        if title:
            candidates = self._fuzzy_candidates(paper.title)
            keys = [self._title_keys[position] for position in candidates]
            for index in match.matching_titles(title, keys):
                if match.authors_compatible(paper, self._entries[candidates[index]]):
                    return candidates[index]
        return None

    def _fuzzy_candidates(self, title: str) -> list[int]:
        """Positions of records sharing a title word with ``title`` (two words, if it has more than two), in order."""
        words = match.title_words(title)
        shared = [self._word_positions[word] for word in words if len(self._by_word.get(word, ())) <= self.MAX_POSTINGS
                  and word in self._word_positions]
        if len(words) <= 2:
            return sorted(set().union(*shared))
        seen: set[int] = set()
        found: set[int] = set()
        for positions in shared:
            found |= seen & positions
            seen |= positions
        return sorted(found)
