"""Merge rules and paper matching, on hand-built records."""

from __future__ import annotations

import dataclasses

import pytest

from generator import match, merge
from generator.model import AuthorRef, Name, Paper, Source


def _paper(**fields) -> Paper:
    base = {"id": "", "type": "misc", "title": "Graph Tokenizers for Speech", "year": 2023,
                "authors": (AuthorRef(Name("Ada", "Lovelace")),), "sources": (Source("a.txt", 1, "arxiv-listing"),)}
    base.update(fields)
    return Paper(**base)


PREPRINT = _paper(venue_id="arxiv", month=3, abstract="Short abstract cut", is_abstract_truncated=True,
                  note="8 pages")
PUBLISHED = _paper(type="inproceedings", venue_id="acl", year=2024, booktitle="Proceedings of ACL",
                   authors=(AuthorRef(Name("Ada", "Lovelace")), AuthorRef(Name("Charles", "Babbage"))),
                   abstract="Short abstract cut short no more.", sources=(Source("b.bib", 7, "bibtex", "k"),))


@pytest.mark.parametrize("order", ["preprint_first", "published_first"])
def test_published_version_wins_whatever_the_order(order: str) -> None:
    a, b = (PREPRINT, PUBLISHED) if order == "preprint_first" else (PUBLISHED, PREPRINT)
    merged = merge.merge_papers(a, b)
    assert (merged.type, merged.venue_id, merged.year, merged.booktitle) == ("inproceedings", "acl", 2024, "Proceedings of ACL")
    assert merged.month is None  # the preprint's posting month is not the publication month
    assert merged.abstract == "Short abstract cut short no more." and not merged.is_abstract_truncated
    assert len(merged.authors) == 2
    assert merged.note == "8 pages"  # non-publication fields are filled from either
    assert set(merged.sources) == set(PREPRINT.sources) | set(PUBLISHED.sources)


def test_full_abstract_wins_even_from_a_preprint() -> None:
    published = dataclasses.replace(PUBLISHED, abstract="Cut", is_abstract_truncated=True)
    preprint = dataclasses.replace(PREPRINT, abstract="The whole abstract.", is_abstract_truncated=False)
    assert merge.merge_papers(published, preprint).abstract == "The whole abstract."


def test_stored_record_is_only_filled_not_overwritten() -> None:
    stored = dataclasses.replace(PUBLISHED, id="lovelace-2024-graph", title="Edited Title", doi=None)
    incoming = dataclasses.replace(PUBLISHED, title="Graph Tokenizers for Speech", doi="10.1/x",
                                   sources=(Source("c.txt", 2, "anthology-page"),))
    merged = merge.merge_into_stored(stored, incoming)
    assert merged.id == "lovelace-2024-graph"
    assert merged.title == "Edited Title"
    assert merged.doi == "10.1/x"
    assert merged.sources == stored.sources + incoming.sources


def test_stored_preprint_is_upgraded_to_published() -> None:
    stored = dataclasses.replace(PREPRINT, id="lovelace-2023-graph")
    merged = merge.merge_into_stored(stored, PUBLISHED)
    assert (merged.venue_id, merged.year, merged.type) == ("acl", 2024, "inproceedings")
    assert merged.abstract == PUBLISHED.abstract and not merged.is_abstract_truncated


def test_group_papers_merges_title_variants_and_keeps_order() -> None:
    other = _paper(title="Completely Different Work", sources=(Source("a.txt", 9, "arxiv-listing"),))
    variant = _paper(title="Graph tokenizers for speech.", sources=(Source("c.txt", 4, "anthology-page"),))
    groups = merge.group_papers([PREPRINT, other, variant])
    assert [g.title for g in groups] == ["Graph Tokenizers for Speech", "Completely Different Work"]
    assert len(groups[0].sources) == 2


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Graph Tokenizers for Speech", "graph tokenizers for speech", True),
        ("Graph Tokenizers for Speech", "Graph Tokenisers for Speech", True),  # one letter
        ("Graph Tokenizers for Speech", "Graph {T}okenizers for Speech", True),  # LaTeX braces
        ("Müller's Graph Tokenizers", 'M{\\"u}ller\'s Graph Tokenizers', True),
        ("Graph Tokenizers for Speech", "Graph Tokenizers for Vision", False),
        ("BERT for Speech", "BART for Text", False),
    ],
)
def test_title_matching(a: str, b: str, same: bool) -> None:
    assert match.titles_match(match.text_key(a), match.text_key(b)) is same


def test_same_title_different_authors_is_not_the_same_paper() -> None:
    stranger = _paper(authors=(AuthorRef(Name("Grace", "Hopper")),))
    assert not match.same_paper(PREPRINT, stranger)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("x" * 150, "x" * 150 + " and a tail", True),  # a cut-off abstract matches by prefix
        ("short", "short and more", False),  # too short to trust a prefix
        ("We propose a method. " * 10, "We propose a method! " * 10, True),  # punctuation only
        ("We propose a method. " * 10, "We reject every method. " * 10, False),
    ],
)
def test_abstract_matching(a: str, b: str, same: bool) -> None:
    assert match.abstracts_match(match.text_key(a), match.text_key(b)) is same
