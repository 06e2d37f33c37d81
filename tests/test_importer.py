"""The import pipeline end to end: merging, resolving, ids, idempotence, hand edits, the account."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator import store
from generator.cli import main
from generator.importer import import_sources

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
IMPORT_DATA = DATA / "import"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with the shipped venues and the invented import fixtures, as the working directory."""
    (tmp_path / "content").mkdir()
    shutil.copy(ROOT / "content" / "venues.yaml", tmp_path / "content" / "venues.yaml")
    shutil.copytree(IMPORT_DATA, tmp_path / "raw")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _papers(content: Path) -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text("utf-8")) for p in sorted((content / "papers").glob("*.yaml"))}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


RAW = ["raw/anthology_two_papers.txt", "raw/listing_preprint_of_published.txt", "raw/abstracts_mixed.txt"]


def test_shipped_records_are_reproduced_byte_for_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = tmp_path / "content"
    for part in ("raw", "reference"):
        shutil.copytree(ROOT / "content" / part, content / part)
    shutil.copy(ROOT / "content" / "venues.yaml", content / "venues.yaml")
    monkeypatch.chdir(tmp_path)
    raw = sorted(Path("content/raw").glob("*"))
    report = import_sources(raw, Path("content"), reference=Path("content/reference/acl-anthology-seeds.bib"))
    assert report.adds_up
    assert not report.rejected
    assert _snapshot(content / "papers") == _snapshot(ROOT / "content" / "papers")
    assert (content / "unresolved.yaml").exists() == (ROOT / "content" / "unresolved.yaml").exists()


def test_same_paper_from_three_sources_becomes_one_record(workdir: Path) -> None:
    report = import_sources([Path(p) for p in RAW], Path("content"), reference=Path("raw/reference.bib"))
    papers = _papers(Path("content"))
    sparse = papers["marchetti-etal-2024-sparse"]
    # anthology page + arXiv listing + abstract line + reference entry
    assert [s["format"] for s in sparse["sources"]] == ["anthology-page", "arxiv-listing", "abstracts", "bibtex"]
    # the published version wins over the preprint for type, venue and year
    assert (sparse["type"], sparse["venue"], sparse["year"], sparse["track"]) == ("inproceedings", "acl", 2024, "short")
    # the longer author list wins, in source order, with particles kept in the family name
    assert [a["family"] for a in sparse["authors"]] == ["Marchetti", "Zheng", "van der Berg"]
    assert sparse["authors"][1]["given"] == "Hai-Tao"
    # the full abstract wins over the truncated one; the reference fills pages, doi and month
    assert sparse["abstract"].endswith("keeping accuracy. Our code is available at https://github.com/example/sparse-lexicons.")
    assert "abstract_truncated" not in sparse
    assert (sparse["pages"], sparse["doi"], sparse["month"]) == ("1010--1018", "10.18653/v1/2024.acl-short.99", 8)
    assert sparse["links"] == {"code": "https://github.com/example/sparse-lexicons"}
    assert report.adds_up


def test_abstract_only_entries_resolve_or_go_to_unresolved(workdir: Path) -> None:
    report = import_sources([Path(p) for p in RAW], Path("content"), reference=Path("raw/reference.bib"))
    papers = _papers(Path("content"))
    resolved = papers["okafor-2023-tokenizer"]
    assert resolved["title"] == "Tokenizer-free Translation for Endangered Languages"
    assert resolved["venue"] == "emnlp"
    assert [s["format"] for s in resolved["sources"]] == ["abstracts", "bibtex"]
    unresolved = yaml.safe_load(Path("content/unresolved.yaml").read_text("utf-8"))
    assert unresolved == [
        {
            "file": "raw/abstracts_mixed.txt",
            "line": 2,
            "text": "A completely unknown abstract about quantum gardening that no reference bibliography will "
            "ever contain, written to stay unresolved forever and ever.",
        }
    ]
    assert [(u.file, u.line) for u in report.unresolved] == [("raw/abstracts_mixed.txt", 2)]
    # no record was published with an invented title
    assert not any("quantum gardening" in (p.get("abstract") or "") for p in papers.values())


def test_same_title_with_other_authors_is_not_merged(workdir: Path) -> None:
    import_sources([Path(RAW[0])], Path("content"), reference=Path("raw/reference.bib"))
    sparse = _papers(Path("content"))["marchetti-etal-2024-sparse"]
    assert "other-2024-sparse" not in {s.get("key") for s in sparse["sources"]}


def test_comment_states_venue_and_preprints_stay_preprints(workdir: Path) -> None:
    import_sources([Path(RAW[1])], Path("content"))
    papers = _papers(Path("content"))
    graph = papers["marchetti-etal-2024-graph"]
    assert (graph["venue"], graph["year"], graph["track"], graph["type"]) == ("naacl", 2024, "demo", "inproceedings")
    assert "note" not in graph
    sparse = papers["marchetti-zheng-2024-sparse"]
    assert (sparse["venue"], sparse["type"], sparse["month"]) == ("arxiv", "misc", 3)
    assert sparse["abstract_truncated"] is True
    assert sparse["note"] == "8 pages, 3 figures"


def test_reimport_changes_no_byte(workdir: Path) -> None:
    import_sources([Path(p) for p in RAW], Path("content"), reference=Path("raw/reference.bib"))
    before = _snapshot(Path("content"))
    report = import_sources([Path(p) for p in RAW], Path("content"), reference=Path("raw/reference.bib"))
    assert _snapshot(Path("content")) == before
    assert report.created == [] and report.updated == []
    assert report.adds_up


def test_hand_edits_survive_reimport(workdir: Path) -> None:
    import_sources([Path(p) for p in RAW], Path("content"))
    path = Path("content/papers/marchetti-etal-2024-sparse.yaml")
    record = yaml.safe_load(path.read_text("utf-8"))
    record["title"] = "Sparse Lexicons, Revisited by Hand"
    record["note"] = "Best paper award"
    assert "pages" not in record  # the reference, given only now, will fill it
    path.write_text(store.dump_yaml(record), encoding="utf-8")
    import_sources([Path(p) for p in RAW], Path("content"), reference=Path("raw/reference.bib"))
    edited = yaml.safe_load(path.read_text("utf-8"))
    assert edited["title"] == "Sparse Lexicons, Revisited by Hand"
    assert edited["note"] == "Best paper award"
    assert edited["pages"] == "1010--1018"  # empty fields are filled
    assert edited["sources"][-1]["key"] == "marchetti-etal-2024-sparse"  # sources are appended
    assert len(edited["sources"]) == len({tuple(sorted(s.items())) for s in edited["sources"]})


def test_import_never_deletes_a_record(workdir: Path) -> None:
    import_sources([Path(p) for p in RAW], Path("content"))
    before = set(_papers(Path("content")))
    import_sources([Path(RAW[2])], Path("content"))
    assert set(_papers(Path("content"))) >= before


def test_unresolved_entry_resolved_by_hand_leaves_the_list(workdir: Path) -> None:
    import_sources([Path(RAW[2])], Path("content"))
    assert len(yaml.safe_load(Path("content/unresolved.yaml").read_text("utf-8"))) == 3
    text = Path(RAW[2]).read_text("utf-8").split("\n")[1]
    record = {"id": "gardener-2020-quantum", "type": "misc", "title": "Quantum Gardening",
              "authors": [{"given": "Ada", "family": "Gardener"}], "year": 2020, "abstract": text}
    Path("content/papers").mkdir(exist_ok=True)
    Path("content/papers/gardener-2020-quantum.yaml").write_text(store.dump_yaml(record), encoding="utf-8")
    report = import_sources([Path(RAW[2])], Path("content"))
    lines = [entry["line"] for entry in yaml.safe_load(Path("content/unresolved.yaml").read_text("utf-8"))]
    assert lines == [1, 3]
    merged = yaml.safe_load(Path("content/papers/gardener-2020-quantum.yaml").read_text("utf-8"))
    assert merged["sources"] == [{"file": "raw/abstracts_mixed.txt", "line": 2, "format": "abstracts"}]
    assert report.entries_merged == 1 and report.adds_up


def test_unresolved_entries_of_other_files_are_kept(workdir: Path) -> None:
    import_sources([Path(RAW[2])], Path("content"))
    import_sources([Path(RAW[0])], Path("content"))
    files = {entry["file"] for entry in yaml.safe_load(Path("content/unresolved.yaml").read_text("utf-8"))}
    assert files == {"raw/abstracts_mixed.txt"}


def test_id_collisions_take_another_title_word_then_a_number(workdir: Path) -> None:
    listing = "\n\n".join(
        f"{title}\n\nMay 0{n}, 2022\nAda Lovelace, Charles Babbage, Mary Somerville\n\nAn abstract number {n} about {title}.\nViaarxiv icon"
        for n, title in enumerate(["Towards Reliable Engines", "Towards Reliable Looms", "Towards Reliable Looms at Scale"], 1)
    )
    Path("raw/collide.txt").write_text(listing, encoding="utf-8")
    report = import_sources([Path("raw/collide.txt")], Path("content"))
    assert report.created == [
        "lovelace-etal-2022-towards",
        "lovelace-etal-2022-towards-reliable",
        "lovelace-etal-2022-towards-reliable-looms",
    ]


def test_ids_are_stable_when_new_papers_arrive(workdir: Path) -> None:
    import_sources([Path(RAW[0])], Path("content"))
    first = set(_papers(Path("content")))
    import_sources([Path(p) for p in RAW], Path("content"))
    assert first <= set(_papers(Path("content")))


@pytest.mark.parametrize("fixture", sorted(p for p in DATA.rglob("*") if p.is_file()), ids=lambda p: str(p.relative_to(DATA)))
def test_account_adds_up_on_every_fixture(fixture: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(ROOT / "content" / "venues.yaml", content / "venues.yaml")
    report = import_sources([fixture], content)
    assert report.adds_up, report.account()
    written = sum(len(p["sources"]) for p in _papers(content).values())
    assert written >= report.entries_in_new


def test_cli_import_prints_account_and_problems(workdir: Path) -> None:
    Path("raw/broken.bib").write_text(
        '@article{ok-2020, title = "Fine", author = "Doe, Jane", year = 2020}\n'
        '@article{bad-2020, title = {Unbalanced, year = 2020}\n'
        '@article{ok-2020, title = "Duplicate key"}\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["import", "raw/broken.bib", "--content", "content"])
    assert result.exit_code == 1
    assert "raw/broken.bib:3: duplicate key 'ok-2020'" in result.output
    assert "raw/broken.bib:2: cannot parse entry" in result.output
    assert "read 3 entries from 1 files" in result.output
    assert "2 rejected" in result.output


def test_cli_usage_error_exits_2(workdir: Path) -> None:
    result = CliRunner().invoke(main, ["import", "no/such/file.txt"])
    assert result.exit_code == 2


def test_an_entry_that_trips_a_bug_is_rejected_and_the_rest_imported(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import importer

    real = importer.normalize_record

    def flaky(record, catalog):
        if record.line == 4:
            raise ValueError("boom")
        return real(record, catalog)

    monkeypatch.setattr(importer, "normalize_record", flaky)
    report = import_sources([Path(RAW[0])], Path("content"))
    assert [str(p) for p in report.rejected] == ["raw/anthology_two_papers.txt:4: cannot normalize entry (ValueError: boom)"]
    assert len(report.created) == 1 and report.adds_up
