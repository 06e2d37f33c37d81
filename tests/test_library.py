"""People, topics and the Library's indexes."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import store
from generator.library import build_library, likely_unmerged_people, match_topics, topic_matcher
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
