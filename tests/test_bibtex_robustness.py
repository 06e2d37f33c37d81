"""BibTeX crossref, entries missing required fields, and a few-MB listing and .bib imported whole."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
import yaml

from generator.importer import import_sources
from generator.sources import read_source

ROOT = Path(__file__).resolve().parent.parent
BIB = Path(__file__).parent / "data" / "bib"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_large_listing", ROOT / "benchmarks" / "bench_large_listing.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    shutil.copy(ROOT / "content" / "venues.yaml", folder / "venues.yaml")
    return folder


def _papers(content: Path) -> dict[str, dict]:
    papers = [yaml.safe_load(p.read_text("utf-8")) for p in sorted((content / "papers").glob("*.yaml"))]
    return {paper["sources"][0]["key"]: paper for paper in papers}


# ---------------------------------------------------------------- crossref


def test_crossref_child_inherits_what_it_lacks_from_the_volume():
    records, problems = read_source(BIB / "crossref.bib", "crossref.bib")
    fields = {record.fields["key"]: record.fields for record in records}
    child = fields["quill2023child"]
    assert child["booktitle"] == "Proceedings of the Invented Conference on Things"  # the @proceedings title
    assert child["editor"] == [{"given": "Ada", "family": "Quill"}, {"given": "Bo", "family": "Reed"}]
    assert (child["publisher"], child["address"], child["year"], child["month"]) == ("Invented Press", "Nowhere", "2023", "oct")
    assert (child["title"], child["pages"]) == ("A Child Paper Reads Its Volume", "1--9")  # its own fields stay
    assert "crossref" not in child
    assert "doi" not in child  # the volume's DOI is not the paper's
    assert [str(p) for p in problems] == ["crossref.bib:27: orphan2021: crossref to unknown entry 'nosuchvolume'"]


def test_crossref_key_is_case_insensitive_and_own_fields_win():
    records, _ = read_source(BIB / "crossref.bib", "crossref.bib")
    own = next(record.fields for record in records if record.fields["key"] == "reed2023own")
    assert (own["booktitle"], own["year"], own["publisher"]) == ("Own Booktitle", "2022", "Invented Press")
    assert "crossref" not in own


def test_crossref_import_keeps_every_entry_and_no_dangling_extra(content: Path):
    report = import_sources([BIB / "crossref.bib"], content)
    assert report.adds_up and report.rejected == []
    papers = _papers(content)
    assert set(papers) == {"quill2023child", "reed2023own", "invconf2023", "orphan2021"}  # the volume is a record too
    assert all("crossref" not in paper.get("extra", {}) for paper in papers.values())
    child = papers["quill2023child"]
    assert (child["year"], child["month"], child["publisher"]) == (2023, 10, "Invented Press")
    assert child["booktitle"] == "Proceedings of the Invented Conference on Things"
    assert any(str(p).endswith("orphan2021: crossref to unknown entry 'nosuchvolume'") for p in report.problems)


def test_crossref_cycle_is_reported_not_followed_forever():
    records, problems = read_bibtex_text(
        "@inproceedings{a, title = {A}, author = {X Y}, crossref = {b}}\n"
        "@inproceedings{b, title = {B}, author = {X Y}, year = 2020, crossref = {a}}\n"
    )
    assert [record.fields["key"] for record in records] == ["a", "b"]
    assert records[0].fields["year"] == "2020"
    assert [p.message for p in problems] == ["a: crossref cycle at 'a'; not followed", "b: crossref cycle at 'b'; not followed"]


def read_bibtex_text(text: str):
    from generator.sources.bibtex import read_bibtex

    return read_bibtex("x.bib", text)


# ---------------------------------------------------------------- required fields


def test_missing_required_fields(content: Path):
    report = import_sources([BIB / "missing_required.bib"], content)
    assert report.adds_up, report.account()
    assert [(str(p), p.is_rejection) for p in report.rejected] == [
        (f"{report.rejected[0].path}:2: notitle2020: no title; skipped", True)
    ]
    assert report.unresolved == []
    warnings = sorted(p.message for p in report.problems)
    assert warnings == ["noauthor2020: no author", "noyear: no year"]
    assert set(_papers(content)) == {"noauthor2020", "noyear", "edited2019", "complete2018"}


def test_unreadable_year_is_reported_once(content: Path, tmp_path: Path):
    path = tmp_path / "nd.bib"
    path.write_text("@misc{nd, title = {Undated}, author = {Ana Lima}, year = {n.d.}}\n", encoding="utf-8")
    report = import_sources([path], content)
    assert [p.message for p in report.problems] == ["year 'n.d.' is not a year; left empty"]


# ---------------------------------------------------------------- size


@pytest.mark.parametrize("kind", ["listing", "bib"])
def test_a_few_megabytes_import_whole(kind: str, content: Path, tmp_path: Path):
    bench = _bench()
    path = tmp_path / ("listing.txt" if kind == "listing" else "large.bib")
    make = bench.make_listing if kind == "listing" else bench.make_bibtex
    generated = make(path, 2_000_000)
    assert path.stat().st_size >= 2_000_000
    report = import_sources([path], content)
    assert report.adds_up, report.account()
    assert report.entries_read == generated
    assert (report.rejected, report.unresolved, report.entries_merged) == ([], [], 0)
    assert len(report.created) == report.entries_in_new == generated  # every entry became a record
    assert len(list((content / "papers").glob("*.yaml"))) == generated
