"""Looking records up in a reference bibliography."""

from __future__ import annotations

import lzma
from pathlib import Path

import pytest

from generator import store
from generator.model import AuthorRef, Name, Paper
from generator.resolve import ReferenceIndex

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = Path(__file__).parent / "data" / "import" / "reference.bib"


@pytest.fixture(scope="module")
def index() -> ReferenceIndex:
    catalog, _ = store.load_venues(ROOT / "content")
    found, problems = ReferenceIndex.from_file(REFERENCE, "reference.bib", catalog)
    assert problems == []
    return found


def _query(title: str = "", family: str | None = None, abstract: str | None = None) -> Paper:
    authors = (AuthorRef(Name(None, family)),) if family else ()
    return Paper(id="", type="misc", title=title, authors=authors, abstract=abstract)


def test_volumes_are_not_indexed(index: ReferenceIndex) -> None:
    assert len(index) == 3


def test_title_with_a_typo_resolves_and_latex_is_decoded(index: ReferenceIndex) -> None:
    found = index.lookup(_query("Sparse Lexicon for Morphologicaly Rich Languages", "Marchetti"))
    assert found is not None
    assert found.authors[0].name == Name("Élodie", "Marchetti")
    assert found.abstract.endswith("available at https://github.com/example/sparse-lexicons.")
    assert (found.venue_id, found.track, found.year, found.month) == ("acl", "short", 2024, 8)
    assert found.sources[0].key == "marchetti-etal-2024-sparse"


def test_same_title_by_other_authors_does_not_resolve_to_them(index: ReferenceIndex) -> None:
    found = index.lookup(_query("Sparse Lexicons for Morphologically Rich Languages", "Nobody"))
    assert found is not None and found.sources[0].key == "other-2024-sparse"


def test_cut_off_abstract_resolves_by_prefix(index: ReferenceIndex) -> None:
    abstract = "We present a reference-only paper on tokenizer-free translation for endangered languages, showing strong gains on twelve"
    found = index.lookup(_query(abstract=abstract))
    assert found is not None and found.title == "Tokenizer-free Translation for Endangered Languages"


def test_unknown_paper_does_not_resolve(index: ReferenceIndex) -> None:
    assert index.lookup(_query("An Unrelated Title About Gardening", "Lovelace")) is None
    assert index.lookup(_query(abstract="Nothing like any abstract in the reference. " * 5)) is None


def test_compressed_reference_is_read(tmp_path: Path) -> None:
    packed = tmp_path / "reference.bib.xz"
    packed.write_bytes(lzma.compress(REFERENCE.read_bytes()))
    catalog, _ = store.load_venues(ROOT / "content")
    found, problems = ReferenceIndex.from_file(packed, "reference.bib.xz", catalog)
    assert problems == [] and len(found) == 3
