"""A large import is shared between processes: the pieces read as the whole file reads, and the
records, messages and account are those of an import in one process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator import importer
from generator.sources.bibtex import read_bibtex, read_bibtex_part, split_bibtex

ROOT = Path(__file__).resolve().parent.parent
BIB = ROOT / "tests" / "data" / "bib"

# Entries whose reading is not plain: a block that never closes (at the end of a piece, and before
# an entry at a line start), a repeated field, a backslash before a line break (bibtexparser does not
# count that line), an `@` inside a value, a `(`-delimited entry, indented and comment lines.
EDGE_CASES = r"""
% a comment line
@misc{edge1,
  title = {Ends with a backslash \
and goes on},
  author = {Quill, Ada and Reed, Bo},
  year = 2021,
}

@misc{edge2,
  title = "Quoted {"} title @ {CLEF}",
  title = {Repeated},
  year = {2020}
}
  @article{edge3,
  title = {Indented entry}, journal = {J}, year = 2019}
@misc(edge4,
  title = {Paren entry},
  year = 2018
)
@misc{unclosed,
  title = {Never {closed,
@misc{edge5, title = {After the unclosed one}, year = 2017}
@inproceedings{edge6,
  title = {Last {\"U}ml{\'a}ut entry},
  author = {M{\"u}ller, J{\"o}rg},
  year = 2016,
"""


def _sample_text() -> str:
    parts = [(ROOT / "content" / "reference" / "acl-anthology-seeds.bib").read_text("utf-8")]
    for name in ("unbalanced_entry", "repeated_field", "type_field", "identifiers", "braced_von_name", "missing_required"):
        parts.append((BIB / f"{name}.bib").read_text("utf-8"))
    return "\n".join(parts) + EDGE_CASES


def _whole(pieces: list[tuple[int, str]]) -> tuple[list, list]:
    parts = [read_bibtex_part("x.bib", piece, offset) for offset, piece in pieces]
    records = [record for part in parts for record in part.records]
    problems = [p for part in parts for p in part.failed] + [p for part in parts for p in part.entry_problems]
    return records, problems


@pytest.mark.parametrize("parts", [2, 3, 5, 11])
@pytest.mark.parametrize("first_share", [None, 0.3, 0.6])
def test_pieces_read_as_the_whole_file_reads(parts: int, first_share: float | None) -> None:
    text = _sample_text()
    pieces = split_bibtex(text, parts, first_share)
    assert len(pieces) == parts
    assert "".join(piece for _, piece in pieces) == text
    assert _whole(pieces) == read_bibtex("x.bib", text)


def test_files_with_macros_or_crossref_are_not_cut() -> None:
    for name in ("string_macros", "crossref"):
        text = (BIB / f"{name}.bib").read_text("utf-8")
        assert split_bibtex(text * 3, 4) == [(0, text * 3)]


SAME_KEY_FIRST = "@misc{edge1,\n  title = {The same key, earlier},\n}\n"


def test_a_key_in_two_pieces_shows_in_the_keys() -> None:
    text = SAME_KEY_FIRST + _sample_text()
    pieces = split_bibtex(text, 2)
    keys = [key for offset, piece in pieces for key in read_bibtex_part("x.bib", piece, offset).keys]
    assert len(keys) != len(set(keys))


def _import(tmp_path: Path, name: str, source: Path, processes: int, monkeypatch: pytest.MonkeyPatch):
    content = tmp_path / name
    content.mkdir()
    shutil.copy(ROOT / "content" / "venues.yaml", content)
    with monkeypatch.context() as patch:
        patch.setattr(importer, "PARALLEL_MIN_CHARACTERS", 0)
        patch.setattr(importer, "PARALLEL_MIN_RECORDS", 0)
        patch.setattr(importer, "_processes", lambda: processes)
        report = importer.import_sources([source], content)
    files = {path.relative_to(content).as_posix(): path.read_bytes() for path in sorted(content.rglob("*")) if path.is_file()}
    return report, files


@pytest.mark.parametrize("first", ["", SAME_KEY_FIRST], ids=["keys", "duplicate"])
def test_import_in_several_processes_equals_import_in_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: str
) -> None:
    source = tmp_path / "all.bib"
    source.write_text(first + _sample_text(), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    alone, alone_files = _import(tmp_path, "one", Path("all.bib"), 1, monkeypatch)
    shared, shared_files = _import(tmp_path, "three", Path("all.bib"), 3, monkeypatch)
    assert shared == alone
    assert shared.adds_up and len(alone.created) > 50
    assert shared_files == alone_files


@pytest.mark.parametrize("processes", [1, 3])
def test_progress_bars_end_at_their_totals_and_change_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             processes: int) -> None:
    """What an import shows on a terminal: a bar for reading and one for writing, each ending full."""
    moved: dict[str, list[int]] = {}

    def progress(label: str, total: int):
        moved[label] = [total, 0]

        def advance(count: int) -> None:
            moved[label][1] += count

        return advance

    source = tmp_path / "all.bib"
    source.write_text(_sample_text(), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    quiet, quiet_files = _import(tmp_path, "quiet", Path("all.bib"), processes, monkeypatch)
    monkeypatch.setattr(importer, "PARALLEL_MIN_CHARACTERS", 0)
    monkeypatch.setattr(importer, "PARALLEL_MIN_RECORDS", 0)
    monkeypatch.setattr(importer, "_processes", lambda: processes)
    content = tmp_path / "loud"
    content.mkdir()
    shutil.copy(ROOT / "content" / "venues.yaml", content)
    loud = importer.import_sources([Path("all.bib")], content, progress=progress)
    assert set(moved) == {"Reading all.bib", "Writing records"}
    assert moved["Writing records"] == [len(loud.created), len(loud.created)]
    assert all(done == total > 50 for total, done in moved.values())
    assert loud == quiet
    assert {p.relative_to(content).as_posix(): p.read_bytes() for p in sorted(content.rglob("*")) if p.is_file()} \
        == quiet_files
