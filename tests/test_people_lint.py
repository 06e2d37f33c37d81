"""People who may be one person (duplicates) and ids that may be two people (homonyms)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.library import build_library, likely_unmerged_people
from generator.model import AuthorRef, Library, Name, Paper, Person, VenueCatalog
from generator.people_lint import is_given_compatible, likely_duplicates, likely_homonyms


def _paper(paper_id: str, *names: tuple[str | None, str], year: int = 2020) -> Paper:
    return Paper(id=paper_id, type="misc", title="A Study", year=year,
                 authors=tuple(AuthorRef(Name(given, family)) for given, family in names))


def _library(*papers: Paper, people: dict[str, Person] | None = None) -> Library:
    return build_library({paper.id: paper for paper in papers}, VenueCatalog(), people or {}, {})


@pytest.mark.parametrize(
    ("first", "second", "flagged"),
    [
        (("J.", "Smith"), ("Jane", "Smith"), True),  # initial
        (("J.R.", "Smith"), ("John Robert", "Smith"), True),  # initials without spaces
        (("J. R.", "Smith"), ("John Robert", "Smith"), True),
        (("JR", "Smith"), ("John Robert", "Smith"), True),  # capitals as initials
        (("J. Robert", "Smith"), ("John R.", "Smith"), True),  # initials on both sides
        (("Yi", "Fung"), ("Yi Ren", "Fung"), True),  # a middle name left out
        (("Hai-Tao", "Zheng"), ("Haitao", "Zheng"), True),  # hyphen
        (("H.-T.", "Zheng"), ("Haitao", "Zheng"), True),
        (("José", "Müller-Lüdenscheidt"), ("Jose", "Mueller Luedenscheidt"), True),  # accents, ue, hyphen
        (("Jürgen", "Müller"), ("Juergen", "Muller"), True),
        (("Ines", "Rehbein"), ("Inés", "REHBEIN"), False),  # one spelling: already one person
        (("Yi", "Fung"), ("Yu", "Fung"), False),
        (("YU", "Fung"), ("Yi", "Fung"), False),  # capitals ending in a vowel are a name, not initials
        (("Jane", "Smith"), ("John", "Smith"), False),
        (("John A.", "Smith"), ("John B.", "Smith"), False),
        (("Jane", "Smith"), ("Jane", "Smyth"), False),  # another family
        ((None, "Smith"), ("Jane", "Smith"), False),  # a family name alone says nothing
        (("Samuel", "Bauer"), ("Samel", "Bauer"), False),  # "ue" folds only where there was an umlaut
    ],
)
def test_likely_duplicates(first: tuple[str | None, str], second: tuple[str | None, str], flagged: bool) -> None:
    library = _library(_paper("a", first), _paper("b", second))
    findings = likely_duplicates(library)
    assert bool(findings) is flagged
    if flagged:
        (finding,) = findings
        assert finding.kind == "duplicate"
        assert finding.paper_ids == ("a", "b")
        assert set(finding.names) == {Name(*first).as_first_last(), Name(*second).as_first_last()}
        assert len(finding.person_ids) == 2
        assert "may be one person" in finding.message
        assert str(finding.to_problem("content/people.yaml")).startswith("content/people.yaml: '")


def test_finds_everything_the_simpler_check_finds() -> None:
    library = _library(
        _paper("a", ("J.", "Smith"), ("Yi", "Fung"), ("Hai-Tao", "Zheng")),
        _paper("b", ("Jane", "Smith"), ("Yi Ren", "Fung"), ("Haitao", "Zheng")),
        _paper("c", ("John", "Smith"), ("Yu", "Fung"), ("H.", "Zheng")),
    )
    old = {p.message.split(" may be")[0] for p in likely_unmerged_people(library, "people.yaml")}
    new = {frozenset(f.names) for f in likely_duplicates(library)}
    assert old and all(frozenset(part.strip("'") for part in pair.split(" and ")) in new for pair in old)


def test_variants_already_merged_in_people_yaml_are_not_flagged() -> None:
    people = {"jane-smith": Person("jane-smith", Name("Jane", "Smith"), (Name("J.", "Smith"), Name("Jane Q.", "Smith")))}
    library = _library(_paper("a", ("J.", "Smith")), _paper("b", ("Jane Q.", "Smith")), people=people)
    assert likely_duplicates(library) == []


def test_a_new_spelling_is_compared_with_every_variant() -> None:
    people = {"ann-smith": Person("ann-smith", Name("Ann", "Smith"), (Name("Jane", "Smith"),))}
    library = _library(_paper("a", ("Ann", "Smith")), _paper("b", ("J.", "Smith")), people=people)
    (finding,) = likely_duplicates(library)
    assert finding.person_ids == ("ann-smith", "j-smith")
    assert finding.names == ("Jane Smith", "J. Smith")


def test_people_kept_apart_on_purpose_are_not_flagged() -> None:
    people = {
        "jane-smith": Person("jane-smith", Name("Jane", "Smith"), orcid="0000-0001-0000-0001"),
        "jane-smith-2": Person("jane-smith-2", Name("J.", "Smith"), orcid="0000-0002-0000-0002"),
    }
    papers = (
        _paper("a", ("Jane", "Smith")),
        Paper(id="b", type="misc", title="T", authors=(AuthorRef(Name("J.", "Smith"), "jane-smith-2"),)),
    )
    assert likely_duplicates(_library(*papers, people=people)) == []  # different ORCIDs
    people = {key: Person(person.id, person.name) for key, person in people.items()}
    library = _library(*papers, people=people)
    assert len(likely_duplicates(library)) == 1
    assert likely_duplicates(library, declared_ids=set(people)) == []  # both listed in people.yaml


def test_duplicates_are_ordered_and_each_pair_reported_once() -> None:
    library = _library(
        _paper("a", ("Jürgen", "Müller")), _paper("b", ("J.", "Mueller")), _paper("c", ("Jurgen", "Muller")),
        _paper("d", ("A.", "Berg")), _paper("e", ("Anna", "Berg")),
    )
    findings = likely_duplicates(library)
    # "Jürgen Müller" and "Jurgen Muller" are one spelling, so one person.
    assert [f.person_ids for f in findings] == [("a-berg", "anna-berg"), ("j-mueller", "jurgen-muller")]
    assert likely_duplicates(library) == findings


def test_many_papers_are_listed_briefly() -> None:
    papers = [_paper(f"a{i}", ("Jane", "Smith")) for i in range(6)] + [_paper("b", ("J.", "Smith"))]
    (finding,) = likely_duplicates(_library(*papers))
    assert "and 3 more" in finding.message and len(finding.paper_ids) == 7


@given(st.text(alphabet="AaBbJjYyIiUu .-", max_size=8), st.text(alphabet="AaBbJjYyIiUu .-", max_size=8))
def test_given_name_compatibility_is_symmetric(first: str, second: str) -> None:
    assert is_given_compatible(first, second) == is_given_compatible(second, first)


# ---------------------------------------------------------------- homonyms


ME = ("Wei", "Zhang")


def test_two_disjoint_circles_are_flagged() -> None:
    library = _library(
        _paper("a1", ME, ("Ada", "Lovelace"), year=2001),
        _paper("a2", ME, ("Ada", "Lovelace"), ("Alan", "Turing"), year=2003),
        _paper("a3", ME, ("Alan", "Turing"), year=2004),  # linked to a1 through a2
        _paper("b1", ME, ("Grace", "Hopper"), year=2019),
        _paper("b2", ("Grace", "Hopper"), ME, year=2020),
        _paper("solo", ME, year=2010),  # alone: a group of one paper does not count
        _paper("c1", ME, ("Edsger", "Dijkstra"), year=2015),  # one paper with Dijkstra: too few
    )
    (finding,) = likely_homonyms(library)
    assert finding.kind == "homonym" and finding.person_ids == ("wei-zhang",)
    assert finding.groups == (("a1", "a2", "a3"), ("b1", "b2"))
    assert finding.paper_ids == ("a1", "a2", "a3", "b1", "b2")
    assert finding.names == ("Wei Zhang",)
    assert "may be 2 people" in finding.message
    assert "2001-2004, with Ada Lovelace and Alan Turing" in finding.message
    assert "2019-2020, with Grace Hopper" in finding.message


def test_one_connected_circle_is_not_flagged() -> None:
    library = _library(
        _paper("a1", ME, ("Ada", "Lovelace")),
        _paper("a2", ME, ("Ada", "Lovelace"), ("Alan", "Turing")),
        _paper("b1", ME, ("Alan", "Turing"), ("Grace", "Hopper")),
        _paper("b2", ME, ("Grace", "Hopper")),
    )
    assert likely_homonyms(library) == []


def test_the_person_themself_does_not_connect_groups_and_spellings_are_listed() -> None:
    people = {"wei-zhang": Person("wei-zhang", Name("Wei", "Zhang"), (Name("W.", "Zhang"),))}
    library = _library(
        _paper("a1", ("W.", "Zhang"), ("Ada", "Lovelace")),
        _paper("a2", ME, ("Ada", "Lovelace")),
        _paper("b1", ME, ("Grace", "Hopper")),
        _paper("b2", ME, ("Grace", "Hopper")),
        people=people,
    )
    (finding,) = likely_homonyms(library)
    assert finding.names == ("W. Zhang", "Wei Zhang")
    assert likely_homonyms(library, min_group_papers=3) == []
