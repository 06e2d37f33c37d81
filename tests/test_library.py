"""People, topics and the Library's indexes."""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import store
from generator.library import (
    LibraryMemo,
    _given_compatible,
    _phrase_pattern,
    build_library,
    fold_case,
    likely_unmerged_people,
    match_topics,
    name_key,
    topic_matcher,
)
from generator.model import AuthorRef, Name, Paper, Person, Topic, VenueCatalog

ROOT = Path(__file__).resolve().parent.parent


def _paper(paper_id: str, *names: tuple[str | None, str], year: int = 2020, title: str = "A Study",
           abstract: str | None = None, topics: tuple[str, ...] = ()) -> Paper:
    return Paper(id=paper_id, type="misc", title=title, year=year, abstract=abstract, topic_ids=topics,
                 authors=tuple(AuthorRef(Name(given, family)) for given, family in names))


TOPICS = {
    "lm": Topic("lm", "Language models", phrases=("language model",)),
    "mt": Topic("mt", "Translation", phrases=("machine translation",)),
}


def test_variants_in_people_yaml_make_one_person() -> None:
    people = {"yi-r-fung": Person("yi-r-fung", Name("Yi R.", "Fung"), (Name("Yi", "Fung"), Name("Yi Ren", "Fung")))}
    papers = {"a": _paper("a", ("Yi", "Fung")), "b": _paper("b", ("Yi Ren", "Fung"), ("Ada", "Lovelace"))}
    library = build_library(papers, VenueCatalog(), people, {})
    assert library.papers_by_person["yi-r-fung"] == ("a", "b")
    assert library.papers["a"].authors[0].person_id == "yi-r-fung"
    assert set(library.people) == {"yi-r-fung", "ada-lovelace"}


def test_spellings_differing_only_in_accents_or_case_are_one_person() -> None:
    papers = {"a": _paper("a", ("José", "Müller")), "b": _paper("b", ("Jose", "MULLER"))}
    library = build_library(papers, VenueCatalog(), {}, {})
    assert [a.person_id for p in library.papers.values() for a in p.authors] == ["jose-muller", "jose-muller"]


def test_record_person_field_wins() -> None:
    paper = Paper(id="a", type="misc", title="T", authors=(AuthorRef(Name("J.", "Smith"), "john-smith-2"),))
    library = build_library({"a": paper}, VenueCatalog(), {}, {})
    assert library.papers_by_person == {"john-smith-2": ("a",)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Large Language Models for Everyone", ("lm",)),  # case and plural
        ("Language-Model Pruning", ("lm",)),  # hyphen
        ("Neural Machine Translations with Language Modeling", ("mt",)),  # "modeling" is not "model"
        ("Languages modelled", ()),
    ],
)
def test_topic_phrases_match_case_plural_and_hyphen_insensitively(text: str, expected: tuple[str, ...]) -> None:
    assert match_topics(_paper("a", title=text), topic_matcher(TOPICS.values())) == expected


def test_own_topics_win_over_phrases() -> None:
    papers = {"a": _paper("a", title="A language model", topics=("mt",))}
    library = build_library(papers, VenueCatalog(), {}, TOPICS)
    assert library.papers["a"].topic_ids == ("mt",)
    assert library.papers_by_topic == {"mt": ("a",)}


def test_indexes_are_newest_first() -> None:
    papers = {pid: _paper(pid, ("Ada", "Lovelace"), year=year) for pid, year in (("old", 2001), ("new", 2020), ("mid", 2010))}
    library = build_library(papers, VenueCatalog(), {}, {})
    assert library.papers_by_person["ada-lovelace"] == ("new", "mid", "old")
    assert list(library.papers_by_year) == [2001, 2010, 2020]


@pytest.mark.parametrize(
    ("first", "second", "warned"),
    [
        (("Yi", "Fung"), ("Yi Ren", "Fung"), True),
        (("J.", "Smith"), ("Jane", "Smith"), True),
        (("Hai-Tao", "Zheng"), ("Haitao", "Zheng"), True),
        (("Yi", "Fung"), ("Yu", "Fung"), False),
        (("Jane", "Smith"), ("John", "Smith"), False),
    ],
)
def test_likely_unmerged_people(first, second, warned: bool) -> None:
    papers = {"a": _paper("a", first), "b": _paper("b", second)}
    library = build_library(papers, VenueCatalog(), {}, {})
    problems = likely_unmerged_people(library, "people.yaml")
    assert bool(problems) is warned
    if warned:
        assert "may be one person" in problems[0].message and "(a, b)" in problems[0].message


def test_shipped_content_topics_cover_the_papers_and_people_are_merged() -> None:
    catalog, _ = store.load_venues(ROOT / "content")
    people, people_problems = store.load_people(ROOT / "content")
    topics, topic_problems = store.load_topics(ROOT / "content")
    assert people_problems == [] and topic_problems == []
    library = build_library(store.load_papers(ROOT / "content").papers, catalog, people, topics)
    with_topic = sum(1 for paper in library.papers.values() if paper.topic_ids)
    assert with_topic >= 0.9 * len(library.papers)
    assert set(library.papers_by_topic) == set(topics)  # no topic page would be empty
    assert len(library.papers_by_person["yi-r-fung"]) == 2
    assert likely_unmerged_people(library, "people.yaml") == []


def test_people_file_problems_are_reported(tmp_path: Path) -> None:
    (tmp_path / "people.yaml").write_text(
        "- id: a\n  name: Ada Lovelace\n  colour: red\n- id: a\n  name: Ada King\n- name: 42\n", encoding="utf-8"
    )
    people, problems = store.load_people(tmp_path)
    assert list(people) == ["a"]
    messages = [p.message for p in problems]
    assert any("unknown field(s) ['colour']" in m for m in messages)
    assert any("id 'a' is used twice" in m for m in messages)
    assert any(m.startswith("people[2]") for m in messages)


# ---------------------------------------------------------------- topic matching looks words up first


def _topics_by_searching_every_phrase(paper: Paper, topics: list[Topic]) -> tuple[str, ...]:
    """The plain definition: a topic applies when any of its phrase patterns is found in title or abstract."""
    text = f"{paper.title}\n{paper.abstract or ''}"
    return tuple(t.id for t in topics if any(_phrase_pattern(p).search(text) for p in t.phrases))


def test_fold_case_is_how_ignorecase_compares_with_ascii_letters_and_digits() -> None:
    every_character = "".join(map(chr, range(sys.maxunicode + 1)))
    folded = fold_case(every_character)
    assert len(folded) == len(every_character)  # one character for one, so positions agree
    caseless = re.compile("[a-z0-9]", re.IGNORECASE)
    matched = {match.start() for match in caseless.finditer(every_character)}
    assert matched == {index for index, char in enumerate(folded) if char.isascii() and char.isalnum()}
    assert all(re.fullmatch(folded[index], every_character[index], re.IGNORECASE) for index in matched)


_TOPIC_WORDS = ["model", "language", "LLM", "api", "tool", "e", "s", "es", "x86", "naïve", "c++", "ſ", "İ"]
_TEXT_PIECES = st.sampled_from(
    ["Model", "MODELS", "modeles", "modeling", "Language-Models", "language\n  models", "llms", "LLMes", "APIs",
     "rapid", "tools", "x86s", "NAÏVE", "naive", "C++", "\u212a", "\u017f", "\u0131", "\u0130", "-", " ", "\n", "_", "2"]
)


@settings(max_examples=400, deadline=None)
@given(
    phrases=st.lists(
        st.lists(st.sampled_from(_TOPIC_WORDS), min_size=1, max_size=3).map(" ".join) | st.text(max_size=6),
        min_size=1, max_size=6,
    ),
    title=st.lists(_TEXT_PIECES | st.text(max_size=4), max_size=12).map("".join),
    abstract=st.none() | st.lists(_TEXT_PIECES, max_size=20).map(" ".join),
)
def test_topic_matching_agrees_with_searching_every_phrase(phrases: list[str], title: str, abstract: str | None) -> None:
    topics = [Topic(f"t{index}", "T", phrases=tuple(phrases[index::2])) for index in range(2)]
    paper = _paper("a", title=title, abstract=abstract)
    assert match_topics(paper, topic_matcher(topics)) == _topics_by_searching_every_phrase(paper, topics)


def test_topic_matching_agrees_with_searching_every_phrase_on_the_shipped_content() -> None:
    topics, _ = store.load_topics(ROOT / "content")
    matcher = topic_matcher(topics.values())
    for paper in store.load_papers(ROOT / "content").papers.values():
        assert match_topics(paper, matcher) == _topics_by_searching_every_phrase(paper, list(topics.values()))


# ---------------------------------------------------------------- likely duplicates compares few pairs


def _unmerged_by_comparing_every_pair(library, people_file: str) -> list[str]:
    by_family = defaultdict(list)
    for person in library.people.values():
        by_family[(name_key(Name(None, person.name.family)), name_key(Name(None, person.name.given or ""))[:1])].append(
            person
        )
    pairs = []
    for family in sorted(by_family):
        group = by_family[family]
        for i, first in enumerate(group):
            pairs += [(first.id, second.id) for second in group[i + 1 :] if _given_compatible(first.name.given, second.name.given)]
    return pairs


_GIVEN = st.sampled_from(["Yi", "Yi Ren", "Y.", "Y. R.", "Yu", "Hai-Tao", "Haitao", "H. T.", "Hai", "J.", "Jane", "John",
                          "J. Jane", "", ".", "Ÿi", "2Pac", "yi-ren"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_GIVEN, st.sampled_from(["Fung", "Wang", "Wáng"])), min_size=2, max_size=12))
def test_unmerged_people_are_the_compatible_pairs_of_every_pair(names: list[tuple[str, str]]) -> None:
    papers = {f"p{index}": _paper(f"p{index}", (given or None, family)) for index, (given, family) in enumerate(names)}
    library = build_library(papers, VenueCatalog(), {}, {})
    found = [problem.message for problem in likely_unmerged_people(library, "people.yaml")]
    expected = _unmerged_by_comparing_every_pair(library, "people.yaml")
    assert len(found) == len(expected)
    for message, (first, second) in zip(found, expected):
        assert f"'{library.people[first].name.as_first_last()}' and '{library.people[second].name.as_first_last()}'" in message


def test_a_memo_from_earlier_builds_changes_nothing() -> None:
    content = ROOT / "tests" / "sample_site"
    if not (content / "papers").is_dir():
        content = ROOT / "content"
    papers = store.load_papers(content).papers
    catalog, _ = store.load_venues(content)
    people, _ = store.load_people(content)
    topics, _ = store.load_topics(content)
    fresh = build_library(papers, catalog, people, topics)
    memo = LibraryMemo()
    assert build_library(papers, catalog, people, topics, memo) == fresh and memo.names and memo.matched
    memo.changed = False
    assert build_library(papers, catalog, people, topics, memo) == fresh and not memo.changed  # all from the memo
    warnings = likely_unmerged_people(fresh, "people.yaml")
    assert likely_unmerged_people(fresh, "people.yaml", memo) == warnings
    assert likely_unmerged_people(fresh, "people.yaml", memo) == warnings
    # Another taxonomy, fewer people, fewer papers: the memo is brought up to date, never trusted blindly.
    fewer_topics = dict(list(topics.items())[1:])
    assert build_library(papers, catalog, people, fewer_topics, memo) == build_library(papers, catalog, people,
                                                                                        fewer_topics)
    some = dict(list(papers.items())[::2])
    assert build_library(some, catalog, {}, topics, memo) == build_library(some, catalog, {}, topics)
    assert len(memo.matched) <= len(some)
    assert likely_unmerged_people(build_library(some, catalog, {}, topics), "people.yaml", memo) == \
        likely_unmerged_people(build_library(some, catalog, {}, topics), "people.yaml")
