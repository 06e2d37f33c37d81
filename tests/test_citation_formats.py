"""CSL-JSON and RIS exports: valid for the shipped_library content, exact for hand-built records, read back by
third-party readers (citeproc-py renders the CSL-JSON, rispy parses the RIS)."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pytest
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from hypothesis import given
from hypothesis import strategies as st

from generator import citation_formats
from generator.library import build_library
from generator.model import AuthorRef, Name, Paper, Venue, VenueCatalog

ROOT = Path(__file__).resolve().parent.parent
RIS_LINE = re.compile(r"^[A-Z][A-Z0-9]  - ")
# Written out here rather than imported, so a change to the mapping has to change this test too.
EXPECTED_CSL_TYPES = {"inproceedings": "paper-conference", "article": "article-journal", "techreport": "report",
                      "phdthesis": "thesis", "book": "book", "incollection": "chapter", "unpublished": "manuscript"}
EXPECTED_RIS_TYPES = {"inproceedings": "CONF", "article": "JOUR", "misc": "GEN", "techreport": "RPRT",
                      "phdthesis": "THES", "book": "BOOK", "incollection": "CHAP", "unpublished": "UNPB"}


ARXIV = Venue(id="arxiv", short="arXiv", name="arXiv preprint", kind="preprint")


def _library(*papers: Paper):
    return build_library({p.id: p for p in papers}, VenueCatalog(venues=(ARXIV,)), {}, {})


def _csl_vocabulary() -> tuple[set[str], set[str]]:
    """CSL 1.0.2's item types and variable names, from the schema citeproc-py ships."""
    import citeproc

    schema = Path(citeproc.__file__).parent / "data" / "schema" / "schemas" / "styles"
    types = set(re.findall(r'"([a-z_-]+)"', (schema / "csl-types.rnc").read_text(encoding="utf-8")))
    variables = set(re.findall(r'"([A-Za-z_-]+)"', (schema / "csl-variables.rnc").read_text(encoding="utf-8")))
    assert {"paper-conference", "article"} <= types and {"container-title", "DOI", "citation-key"} <= variables
    return types, variables


def _expected_csl_type(paper: Paper) -> str:
    if paper.type == "misc":
        return "article" if paper.is_preprint else "document"
    return EXPECTED_CSL_TYPES[paper.type]


# ---------------------------------------------------------------- CSL-JSON


def test_csl_json_for_the_shipped_content(shipped_library) -> None:
    papers = list(shipped_library.papers.values())
    text = citation_formats.csl_json(papers, shipped_library)
    items = json.loads(text)
    # Sorted keys, two-space indent, UTF-8 rather than \u escapes, a final newline.
    assert text == json.dumps(items, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    assert [item["id"] for item in items] == [paper.id for paper in papers]
    types, variables = _csl_vocabulary()
    for paper, item in zip(papers, items, strict=True):
        assert item["type"] == _expected_csl_type(paper) and item["type"] in types
        assert set(item) - {"id", "type"} <= variables, paper.id
        assert item["title"] == paper.title
        names = [{"family": a.name.family, **({"given": a.name.given} if a.name.given else {})} for a in paper.authors]
        assert item["author"] == names, paper.id
        assert item["issued"]["date-parts"][0][0] == paper.year
        assert "--" not in item.get("page", "")


def test_csl_item_for_a_hand_built_paper_is_exact() -> None:
    paper = Paper(
        id="nguyen-quilla-2024-quadratic", type="inproceedings",
        title="Beyond $O(n^2)$ Parsing for Tiếng Việt and Ångström Corpora",
        authors=(AuthorRef(Name("Thị Lan", "Nguyễn")), AuthorRef(Name(None, "Quilla")),
                 AuthorRef(Name("François", "de la Cruz"))),
        year=2024, month=5, booktitle="Proceedings of the Workshop on Søren’s Corpora", pages="7--19",
        publisher="Invented Press", address="Hà Nội, Việt Nam", doi="10.99999/invented.2024.7",
        url="https://example.org/papers/7/", arxiv="2405.00007",
        abstract="We parse **fast**, in $O(n^2)$.\n\nA second paragraph, with [a link](https://example.org).",
    )
    library = _library(paper)
    assert citation_formats.paper_to_csl(paper, library) == {
        "id": "nguyen-quilla-2024-quadratic",
        "citation-key": "nguyen-quilla-2024-quadratic",
        "type": "paper-conference",
        "title": "Beyond $O(n^2)$ Parsing for Tiếng Việt and Ångström Corpora",
        "author": [{"family": "Nguyễn", "given": "Thị Lan"}, {"family": "Quilla"},
                   {"family": "de la Cruz", "given": "François"}],
        "issued": {"date-parts": [[2024, 5]]},
        "container-title": "Proceedings of the Workshop on Søren’s Corpora",
        "page": "7-19",
        "publisher": "Invented Press",
        "publisher-place": "Hà Nội, Việt Nam",
        "DOI": "10.99999/invented.2024.7",
        "URL": "https://example.org/papers/7/",
        "abstract": "We parse fast, in $O(n^2)$. A second paragraph, with a link.",
    }
    text = citation_formats.csl_json([paper], library)
    assert text.startswith('[\n  {\n    "DOI": "10.99999/invented.2024.7",\n') and text.endswith("  }\n]\n")
    assert '"family": "Nguyễn"' in text


def test_csl_item_for_an_arxiv_preprint_is_zoteros_preprint() -> None:
    paper = Paper(id="lovelace-2024-engines", type="misc", title="Engines", venue_id="arxiv", arxiv="2401.01234",
                  authors=(AuthorRef(Name("Ada", "Lovelace")),), year=2024, note="12 pages")
    assert citation_formats.paper_to_csl(paper, _library(paper)) == {
        "id": "lovelace-2024-engines", "citation-key": "lovelace-2024-engines", "type": "article", "title": "Engines",
        "author": [{"family": "Lovelace", "given": "Ada"}], "issued": {"date-parts": [[2024]]},
        "publisher": "arXiv", "number": "arXiv:2401.01234", "URL": "https://arxiv.org/abs/2401.01234",
        "note": "12 pages",
    }


@pytest.mark.parametrize(
    ("paper", "expected"),
    [
        (Paper(id="a", type="article", title="T", journal="J", volume="3", number="2", pages="5"),
         {"container-title": "J", "volume": "3", "issue": "2", "page": "5"}),
        (Paper(id="b", type="techreport", title="T", number="TR-9", extra={"institution": "Lab"}),
         {"number": "TR-9", "publisher": "Lab"}),
        (Paper(id="c", type="phdthesis", title="T", extra={"school": "University"}),
         {"genre": "PhD thesis", "publisher": "University"}),
        (Paper(id="d", type="incollection", title="T", booktitle="Book", editors=(Name("Ed", "Itor"),), pages="1–2"),
         {"container-title": "Book", "editor": [{"family": "Itor", "given": "Ed"}], "page": "1-2"}),
    ],
    ids=["journal", "report", "thesis", "chapter"],
)
def test_csl_fields_by_entry_type(paper: Paper, expected: dict) -> None:
    item = citation_formats.paper_to_csl(paper, _library(paper))
    assert item["type"] == EXPECTED_CSL_TYPES[paper.type]
    assert {key: item.get(key) for key in expected} == expected


def test_a_csl_processor_renders_every_shipped_paper(shipped_library) -> None:
    items = json.loads(citation_formats.csl_json(shipped_library.papers.values(), shipped_library))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        source = CiteProcJSON(items)
    # citeproc-py implements CSL 1.0.1; `citation-key` (1.0.2) is the one variable it may not know.
    unknown = {str(w.message) for w in caught}
    assert all(message.endswith("unsupported: citation_key") for message in unknown), unknown
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    entries = [str(entry) for entry in bibliography.bibliography()]
    assert len(entries) == len(items)
    for paper in shipped_library.papers.values():
        first_author = paper.authors[0].name.family
        assert any(paper.title in entry and entry.startswith(first_author) for entry in entries), paper.id


# ---------------------------------------------------------------- RIS


def _records(text: str) -> list[list[str]]:
    """RIS text -> the lines of each record, checking the line ends and the blank lines between records."""
    assert "\n" not in text.replace("\r\n", "") and "\r" not in text.replace("\r\n", ""), "only CRLF line ends"
    records, current = [], []
    for line in text.split("\r\n")[:-1]:
        if not line:
            assert not current, "a blank line inside a record"
            continue
        assert RIS_LINE.match(line), line
        current.append(line)
        if line == "ER  - ":
            records.append(current)
            current = []
    assert not current, "a record without ER"
    return records


def test_ris_for_the_shipped_content(shipped_library) -> None:
    papers = list(shipped_library.papers.values())
    text = citation_formats.join_ris(citation_formats.paper_to_ris(paper, shipped_library) for paper in papers)
    records = _records(text)
    parsed = rispy.loads(text)
    assert len(records) == len(parsed) == len(papers)
    for paper, lines, entry in zip(papers, records, parsed, strict=True):
        assert lines[0] == f"TY  - {EXPECTED_RIS_TYPES[paper.type]}" and lines[-1] == "ER  - "
        assert [line for line in lines if line.startswith("AU  - ")] == [
            f"AU  - {a.name.as_last_first()}" for a in paper.authors
        ]
        assert entry["type_of_reference"] == EXPECTED_RIS_TYPES[paper.type]
        assert entry["title"] == paper.title
        assert entry["authors"] == [a.name.as_last_first() for a in paper.authors]
        assert entry["year"] == str(paper.year)
        if paper.pages:
            first, _, last = paper.pages.partition("--")
            assert (entry["start_page"], entry.get("end_page", "")) == (first, last)


def test_ris_record_for_a_hand_built_paper_is_exact() -> None:
    paper = Paper(
        id="nguyen-quilla-2024-quadratic", type="inproceedings",
        title="Beyond $O(n^2)$ Parsing for Tiếng Việt and Ångström Corpora",
        authors=(AuthorRef(Name("Thị Lan", "Nguyễn")), AuthorRef(Name(None, "Quilla"))),
        year=2024, month=5, booktitle="Proceedings of the Workshop on Søren’s Corpora", pages="7--19",
        publisher="Invented Press", address="Hà Nội, Việt Nam", doi="10.99999/invented.2024.7",
        abstract="Line one\nline two.", note="Best paper",
    )
    lines = [
        "TY  - CONF",
        "TI  - Beyond $O(n^2)$ Parsing for Tiếng Việt and Ångström Corpora",
        "AU  - Nguyễn, Thị Lan",
        "AU  - Quilla",
        "T2  - Proceedings of the Workshop on Søren’s Corpora",
        "C3  - Proceedings of the Workshop on Søren’s Corpora",
        "PY  - 2024",
        "DA  - 2024/05//",
        "SP  - 7",
        "EP  - 19",
        "PB  - Invented Press",
        "CY  - Hà Nội, Việt Nam",
        "DO  - 10.99999/invented.2024.7",
        "AB  - Line one line two.",
        "N1  - Best paper",
        "ER  - ",
    ]
    assert citation_formats.paper_to_ris(paper, _library(paper)) == "".join(line + "\r\n" for line in lines)


def test_ris_record_for_an_arxiv_preprint() -> None:
    paper = Paper(id="lovelace-2024-engines", type="misc", title="Engines", venue_id="arxiv", arxiv="2401.01234",
                  authors=(AuthorRef(Name("Ada", "Lovelace")),), year=2024)
    [entry] = rispy.loads(citation_formats.paper_to_ris(paper, _library(paper)))
    assert entry == {"type_of_reference": "GEN", "title": "Engines", "authors": ["Lovelace, Ada"], "year": "2024",
                     "publisher": "arXiv", "note": "arXiv:2401.01234", "urls": ["https://arxiv.org/abs/2401.01234"]}


# Any text a record could hold, line breaks and Unicode line separators included.
_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1).filter(str.strip)


@given(title=_text, family=_text, note=st.none() | _text)
def test_any_ris_record_keeps_one_value_per_line(title: str, family: str, note: str | None) -> None:
    paper = Paper(id="x", type="article", title=title, authors=(AuthorRef(Name(None, family)),), note=note)
    text = citation_formats.paper_to_ris(paper, _library(paper))
    [lines] = _records(text)
    assert len(text.splitlines()) == len(lines)  # no character another reader takes for a line break
    assert lines[1] == "TI  - " + " ".join(title.split())


# ---------------------------------------------------------------- files


def test_citation_files_sit_beside_each_bib_and_bundle_everything(shipped_library) -> None:
    files = dict(citation_formats.citation_files(shipped_library))
    for paper_id in shipped_library.papers:
        assert [item["id"] for item in json.loads(files[f"papers/{paper_id}/{paper_id}.json"])] == [paper_id]
        assert len(_records(files[f"papers/{paper_id}/{paper_id}.ris"])) == 1
    assert [item["id"] for item in json.loads(files["all.json"])] == sorted(shipped_library.papers)
    assert [entry["title"] for entry in rispy.loads(files["all.ris"])] == [
        shipped_library.papers[paper_id].title for paper_id in sorted(shipped_library.papers)
    ]
    assert len(files) == 2 * len(shipped_library.papers) + 2



def test_citation_files_are_the_per_paper_entries_joined(shipped_library) -> None:
    csl, ris = citation_formats.csl_entries(shipped_library), citation_formats.ris_entries(shipped_library)
    files = dict(citation_formats.citation_files(shipped_library))
    assert files == dict(citation_formats.citation_files(shipped_library, csl, ris))
    papers = [shipped_library.papers[paper_id] for paper_id in sorted(shipped_library.papers)]
    assert files["all.json"] == json.dumps(
        [citation_formats.paper_to_csl(paper, shipped_library) for paper in papers], ensure_ascii=False, sort_keys=True,
        indent=2,
    ) + "\n"
    for paper in papers:
        assert csl[paper.id] == citation_formats.csl_entry(paper, shipped_library)
        assert ris[paper.id] == citation_formats.paper_to_ris(paper, shipped_library)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=3) | st.tuples(children, children)
    | st.dictionaries(st.text(max_size=4), children, max_size=3),
    max_leaves=12,
)


@given(st.dictionaries(st.text(max_size=6), _JSON_VALUES, max_size=6))
def test_a_csl_item_is_dumped_as_json_dumps_would_indent_it(item: dict) -> None:
    expected = json.dumps([item], ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    assert citation_formats.join_csl([citation_formats.dump_csl_item(item)]) == expected


@pytest.mark.parametrize("items", [[], ["{\n  \"id\": \"a\"\n}"], ["{}", "{\n  \"id\": \"b\"\n}", "{}"]])
def test_files_of_every_paper_written_in_pieces_hold_the_same_bytes(items: list[str]) -> None:
    from generator.citation_formats import RIS_EOL, csl_chunks, join_csl, join_ris, joined_chunks

    assert "".join(csl_chunks(iter(items))) == join_csl(items)
    assert "".join(joined_chunks(iter(items), RIS_EOL)) == join_ris(items)
    assert "".join(joined_chunks(iter(items), "\n")) == "\n".join(items)
