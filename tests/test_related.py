"""Related papers: shared people, topics and distinctive words; deterministic; never the paper itself."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from generator import related
from generator.library import build_library
from generator.model import AuthorRef, Library, Name, Paper, Topic, VenueCatalog
from generator.related import related_papers

TOPICS = {"parsing": Topic("parsing", "Parsing"), "mt": Topic("mt", "Translation")}


def _paper(paper_id: str, *people: str, title: str = "Untitled", abstract: str | None = None,
           topics: tuple[str, ...] = (), year: int = 2020) -> Paper:
    authors = tuple(AuthorRef(Name(given, family)) for given, family in (person.split(" ", 1) for person in people))
    return Paper(id=paper_id, type="misc", title=title, abstract=abstract, year=year, authors=authors,
                 topic_ids=topics)


def _library(*papers: Paper) -> Library:
    return build_library({paper.id: paper for paper in papers}, VenueCatalog(), {}, TOPICS)


def _background(count: int = 12) -> list[Paper]:
    """Unrelated papers that make common words common and rare words rare."""
    return [
        _paper(f"zz-{i:02d}", f"Person{i} Background{i}", title=f"Study number {i} of language data",
               abstract="We study language data with a model.")
        for i in range(count)
    ]


def test_two_shared_authors_and_a_topic_outrank_a_rare_title_word() -> None:
    library = _library(
        _paper("target", "Ada Lovelace", "Alan Turing", title="Dependency parsing for Welsh", topics=("parsing",)),
        _paper("coauthored", "Ada Lovelace", "Alan Turing", "Grace Hopper", title="Evaluation of treebanks",
               topics=("parsing",)),
        _paper("same-word", "Edsger Dijkstra", title="Welsh poetry generation"),
        *_background(),
    )
    assert related_papers(library)["target"][:2] == ("coauthored", "same-word")


def test_text_similarity_ranks_closer_texts_first() -> None:
    library = _library(
        _paper("target", "Ada Lovelace", title="Morphological segmentation of Quechua verbs",
               abstract="Quechua verbs carry many suffixes; we segment them with finite-state transducers."),
        _paper("close", "Alan Turing", title="Finite-state transducers for Quechua morphology",
               abstract="We build transducers that segment Quechua suffixes."),
        _paper("far", "Grace Hopper", title="Quechua speech corpus"),
        *_background(),
    )
    assert related_papers(library)["target"] == ("close", "far")


def test_never_self_never_twice_and_limit_respected() -> None:
    papers = [_paper(f"p{i}", "Ada Lovelace", "Alan Turing", title=f"Parsing {i}", topics=("parsing",))
              for i in range(10)]
    result = related_papers(_library(*papers), limit=3)
    for paper_id, others in result.items():
        assert paper_id not in others
        assert len(others) == len(set(others)) == 3
    # Equal scores: ties are broken by id.
    assert result["p5"] == ("p0", "p1", "p2")
    assert related_papers(_library(*papers), limit=0) == {paper.id: () for paper in papers}


def test_an_isolated_paper_gets_nothing() -> None:
    library = _library(
        _paper("alone", "Hermit Crab", title="Xylophone acoustics"),
        _paper("a", "Ada Lovelace", title="Dependency parsing", topics=("parsing",)),
        _paper("b", "Ada Lovelace", title="Constituency parsing", topics=("parsing",)),
    )
    result = related_papers(library)
    assert result["alone"] == ()
    assert result["a"] == ("b",) and result["b"] == ("a",)
    assert set(result) == set(library.papers)


def test_stopwords_and_plurals() -> None:
    library = _library(
        _paper("a", "Ada Lovelace", title="The models of the paper"),
        _paper("b", "Alan Turing", title="A model"),
        _paper("c", "Grace Hopper", title="The paper of the study"),
    )
    result = related_papers(library)
    assert result["a"] == ("b",)  # "models" ~ "model"; "the", "of", "paper" say nothing
    assert result["c"] == ()


def test_same_result_whatever_the_input_order() -> None:
    papers = [
        _paper("a", "Ada Lovelace", title="Neural parsing of Welsh", topics=("parsing",)),
        _paper("b", "Ada Lovelace", "Alan Turing", title="Welsh treebank", topics=("parsing",)),
        _paper("c", "Alan Turing", title="Neural translation", topics=("mt",)),
        _paper("d", "Grace Hopper", title="Translation of Welsh", topics=("mt",)),
        *_background(5),
    ]
    forward = related_papers(_library(*papers))
    backward = related_papers(_library(*reversed(papers)))
    assert forward == backward
    library = _library(*papers)
    shuffled = dataclasses.replace(library, papers=dict(reversed(list(library.papers.items()))))
    assert related_papers(shuffled) == forward
    assert related_papers(library) == forward  # and across runs


def test_common_features_keep_results_sensible(monkeypatch) -> None:
    """With a tiny limit most features are common: candidates still come from rare ones, and the
    common ones still count in the final score."""
    monkeypatch.setattr(related, "MAX_POSTINGS", 2)
    library = _library(
        _paper("target", "Ada Lovelace", "Alan Turing", title="Welsh parsing", topics=("parsing",)),
        _paper("pair", "Ada Lovelace", "Alan Turing", title="Irish tagging", topics=("parsing",)),
        _paper("ada", "Ada Lovelace", title="Breton tagging", topics=("parsing",)),
        _paper("ada2", "Ada Lovelace", title="Cornish tagging", topics=("parsing",)),
    )
    result = related_papers(library)
    assert result["target"] == ("pair",)  # Alan Turing is on two papers: rare; Ada on four: common
    # Ada, "tagging" and the topic are each on more than two papers: they propose nobody.
    assert result["ada"] == result["ada2"] == ()
    for paper_id, others in result.items():
        assert paper_id not in others and len(set(others)) == len(others)


def test_more_candidates_than_the_shortlist_keep_ties_by_id() -> None:
    """Thirty papers as alike as can be: each has more candidates than are rescored; ties go by id,
    whichever block of papers is worked out together."""
    papers = [_paper(f"p{i:02d}", f"Person{i} Family{i}", title="Quechua morphology", topics=("parsing",))
              for i in range(30)]
    result = related_papers(_library(*papers), limit=3)
    assert result["p00"] == ("p01", "p02", "p03")
    assert result["p29"] == ("p00", "p01", "p02")
    assert all(len(others) == 3 for others in result.values())


def test_blocks_do_not_change_the_result(monkeypatch) -> None:
    words = ["parsing", "welsh", "neural", "treebank", "translation", "speech", "tagging", "irish", "breton", "lexicon"]
    papers = [_paper(f"p{i:03d}", f"Person{i % 37} Family{i % 37}", f"Person{i % 11} Other{i % 11}",
                     title=f"{words[i % 10]} {words[(i * 7) % 10]} {words[(i * 3) % 10]} study {i % 50}",
                     topics=(("parsing",) if i % 3 else ("mt",)))
              for i in range(300)]
    library = _library(*papers)
    whole = related_papers(library)
    assert all(whole.values())
    monkeypatch.setattr(related, "BLOCK_ROWS", 7)
    assert related_papers(library) == whole


names = st.sampled_from(["Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra", "Barbara Liskov"])
words = st.sampled_from(["parsing", "welsh", "neural", "treebank", "translation", "speech", "models", "the"])


@st.composite
def libraries(draw: st.DrawFn) -> Library:
    count = draw(st.integers(1, 12))
    papers = [
        _paper(
            f"p{i:02d}",
            *draw(st.lists(names, min_size=1, max_size=3, unique=True)),
            title=" ".join(draw(st.lists(words, min_size=1, max_size=4))),
            topics=tuple(draw(st.lists(st.sampled_from(sorted(TOPICS)), max_size=2, unique=True))),
        )
        for i in range(count)
    ]
    return _library(*papers)


@settings(max_examples=50, deadline=None)
@given(libraries(), st.integers(1, 4))
def test_properties(library: Library, limit: int) -> None:
    result = related_papers(library, limit)
    assert set(result) == set(library.papers)
    for paper_id, others in result.items():
        assert paper_id not in others
        assert len(others) == len(set(others)) <= limit
        assert all(other in library.papers for other in others)
        paper = library.papers[paper_id]
        people = {a.person_id for a in paper.authors}
        # Sharing a person or a topic always relates two papers (only a few of them are shown).
        sharing = [other for other in library.papers.values() if other.id != paper_id and (
            people & {a.person_id for a in other.authors} or set(paper.topic_ids) & set(other.topic_ids))]
        assert len(others) >= min(limit, len(sharing))
    assert related_papers(library, limit) == result
