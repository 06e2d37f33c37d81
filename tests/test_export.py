"""BibTeX export and the formatted citation."""

from __future__ import annotations

from pathlib import Path

import bibtexparser
import pytest

from generator import export, store
from generator.library import build_library
from generator.model import AuthorRef, Name, Paper, VenueCatalog
from generator.sources.bibtex import read_bibtex

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def shipped():
    content = ROOT / "content"
    catalog, _ = store.load_venues(content)
    people, _ = store.load_people(content)
    topics, _ = store.load_topics(content)
    return build_library(store.load_papers(content).papers, catalog, people, topics)


def _library(*papers: Paper):
    return build_library({p.id: p for p in papers}, VenueCatalog(), {}, {})


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        ("Müller & Søren", r'M{\"u}ller \& S{\o}ren'),
        ("5% of #1 in a_b", r"5\% of \#1 in a\_b"),
        ("cost $O(n^2)$ ~ fast", r"cost $O(n^2)$ {\textasciitilde} fast"),
        ('a "quoted" {word}', r'a {"}quoted{"} \{word\}'),
    ],
)
def test_to_latex(text: str, latex: str) -> None:
    assert export.to_latex(text) == latex


@pytest.mark.parametrize(
    ("title", "protected"),
    [
        ("bert2BERT: Towards Reusable Models", "{bert2BERT}: Towards Reusable Models"),
        ("WebCPM for LLMs", "{WebCPM} for {LLMs}"),
        ("An Ordinary Title", "An Ordinary Title"),
        ("Math $O(N^2)$ stays", "Math $O(N^2)$ stays"),
    ],
)
def test_protect_case(title: str, protected: str) -> None:
    assert export.protect_case(title) == protected


def test_every_shipped_entry_parses_back_with_the_same_meaning(shipped) -> None:
    for paper in shipped.papers.values():
        text = export.export_paper_bibtex(paper, shipped)
        records, problems = read_bibtex("x.bib", text)
        assert problems == [] and len(records) == 1, text
        fields = records[0].fields
        assert fields["key"] == paper.id and fields["entry_type"] == paper.type
        assert fields["title"] == paper.title
        assert [(a.get("given"), a["family"]) for a in fields["author"]] == [
            (a.name.given, a.name.family) for a in paper.authors
        ]
        assert int(fields["year"]) == paper.year
        if paper.abstract:
            assert fields["abstract"] == paper.abstract.replace("\n\n", " ")


def test_entry_follows_the_anthology_layout(shipped) -> None:
    text = export.export_paper_bibtex(shipped.papers["qin-etal-2023-webcpm"], shipped)
    assert text.startswith("@inproceedings{qin-etal-2023-webcpm,\n    title = {{WebCPM}: Interactive Web Search")
    assert '    author = "Qin, Yujia and\n      Cai, Zihan and' in text
    assert "    month = jul,\n    year = \"2023\"," in text
    assert '    pages = "8968--8988",' in text
    assert text.isascii()


def test_preprint_exports_as_misc_with_arxiv_fields() -> None:
    paper = Paper(id="lovelace-2023-engines", type="misc", title="Engines", year=2023, arxiv="2301.01234",
                  authors=(AuthorRef(Name("Ada", "Lovelace")),))
    text = export.export_paper_bibtex(paper, _library(paper))
    assert '    eprint = "2301.01234",\n    archivePrefix = "arXiv",' in text


def test_bundles_hold_each_key_once(shipped) -> None:
    files = dict(export.bibtex_files(shipped, export.export_entries(shipped)))
    everything = bibtexparser.parse_string(files["all.bib"])
    assert sorted(e.key for e in everything.entries) == sorted(shipped.papers)
    assert everything.failed_blocks == []
    author = bibtexparser.parse_string(files["authors/yujia-qin/yujia-qin.bib"])
    assert len(author.entries) == len(shipped.papers_by_person["yujia-qin"])


def test_formatted_citation(shipped) -> None:
    citation = export.format_citation(shipped.papers["lv-etal-2023-parameter"], shipped)
    assert citation.startswith("Xingtai Lv, Ning Ding, Yujia Qin, Zhiyuan Liu and Maosong Sun. 2023. Parameter-efficient")
    assert "In Proceedings of the 61st Annual Meeting" in citation and "pages " in citation
    assert citation.endswith("Association for Computational Linguistics.")
