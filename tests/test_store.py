"""YAML store: round trips, validation messages, minimal rewrites."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import store
from generator.model import AuthorRef, Name, Paper, Source
from generator.names import is_reserved_name

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "content" / "papers").glob("*.yaml"))

text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    lambda s: s.strip() == s and s != ""
)
slugs = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True)
names = st.builds(Name, given=st.none() | text, family=text)


@st.composite
def papers(draw: st.DrawFn) -> Paper:
    abstract = draw(st.none() | st.lists(text, min_size=1, max_size=3).map("\n\n".join))
    return Paper(
        id=draw(slugs),
        type=draw(st.sampled_from(["inproceedings", "article", "misc"])),
        title=draw(text),
        authors=tuple(AuthorRef(n) for n in draw(st.lists(names, max_size=4))),
        year=draw(st.none() | st.integers(1900, 2100)),
        month=draw(st.none() | st.integers(1, 12)),
        venue_id=draw(st.none() | slugs),
        pages=draw(st.none() | text),
        doi=draw(st.none() | st.from_regex(r"10\.[0-9]{4,5}/[a-z0-9.]{1,12}", fullmatch=True)),
        abstract=abstract,
        is_abstract_truncated=draw(st.booleans()) if abstract else False,
        note=draw(st.none() | text),
        links=draw(st.dictionaries(st.sampled_from(["code", "data", "pdf"]), st.just("https://example.org/x"), max_size=2)),
        topic_ids=tuple(draw(st.lists(slugs, max_size=2, unique=True))),
        extra=draw(st.dictionaries(st.sampled_from(["isbn", "language"]), text, max_size=2)),
        sources=tuple(draw(st.lists(st.builds(Source, file=text, line=st.integers(1, 10**6),
                                              format=st.sampled_from(["bibtex", "abstracts"]),
                                              key=st.none() | slugs), max_size=3))),
    )


@settings(max_examples=150, deadline=None)
@given(papers())
def test_yaml_round_trip(paper: Paper) -> None:
    loaded, problems = store.load_paper(store.dump_paper(paper))
    assert problems == []
    assert loaded == paper


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_records_load_and_dump_to_identical_bytes(path: Path) -> None:
    text = path.read_text("utf-8")
    paper, problems = store.load_paper(text, str(path))
    assert problems == []
    assert paper is not None and paper.id == path.stem
    assert store.dump_paper(paper) == text


def test_keys_follow_model_order_and_empty_values_are_left_out() -> None:
    paper = Paper(id="doe-2020-x", type="misc", title="X", authors=(AuthorRef(Name("Jane", "Doe")),), year=2020,
                  sources=(Source("a.txt", 3, "abstracts"),))
    assert store.dump_paper(paper) == (
        "id: doe-2020-x\ntype: misc\ntitle: X\nauthors:\n- given: Jane\n  family: Doe\nyear: 2020\n"
        "sources:\n- file: a.txt\n  line: 3\n  format: abstracts\n"
    )


def test_multi_paragraph_abstract_is_a_literal_block() -> None:
    paper = Paper(id="a", type="misc", title="T", abstract="First paragraph.\n\nSecond one.")
    assert "abstract: |-\n  First paragraph.\n\n  Second one.\n" in store.dump_paper(paper)


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("id: a\ntype: misc\ntitle: T\nyear: abc\n", "year: 'abc' is not of type 'integer'"),
        ("id: a\ntype: misc\ntitle: T\ncolour: red\n", "record: unknown field(s) ('colour' was unexpected)"),
        ("id: a\ntype: poster\ntitle: T\n", "type: 'poster' is not one of"),
        ("id: a\ntype: misc\n", "record: 'title' is a required property"),
        ("id: a\ntype: misc\ntitle: T\nauthors:\n- given: Jane\n", "authors.0: 'family' is a required property"),
        ("id: a\ntype: misc\ntitle: T\nmonth: 13\n", "month: 13 is greater than the maximum of 12"),
        ("id: ../etc\ntype: misc\ntitle: T\n", "id: '../etc' does not match"),
        ("- just\n- a list\n", "a paper record must be a mapping of fields, not list"),
        ("id: a\ntitle: [unclosed\n", "not valid YAML"),
    ],
)
def test_invalid_records_are_reported_with_field(yaml_text: str, expected: str) -> None:
    paper, problems = store.load_paper(yaml_text, "content/papers/a.yaml")
    assert paper is None
    assert any(str(p).startswith("content/papers/a.yaml") and expected in str(p) for p in problems), problems


def test_load_papers_reports_file_name_disagreeing_with_id(tmp_path: Path) -> None:
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers" / "right.yaml").write_text("id: right\ntype: misc\ntitle: Fine\n", encoding="utf-8")
    (tmp_path / "papers" / "wrong.yaml").write_text("id: other\ntype: misc\ntitle: T\n", encoding="utf-8")
    loaded = store.load_papers(tmp_path)
    assert list(loaded.papers) == ["right"]
    assert [str(p) for p in loaded.problems] == [
        f"{tmp_path / 'papers' / 'wrong.yaml'}: id: 'other' differs from the file name 'wrong'"
    ]


def test_save_paper_rewrites_only_changed_files(tmp_path: Path) -> None:
    paper = Paper(id="a", type="misc", title="T")
    assert store.save_paper(tmp_path, paper) is True
    assert store.save_paper(tmp_path, paper) is False
    assert store.save_paper(tmp_path, Paper(id="a", type="misc", title="U")) is True
    assert store.paper_path(tmp_path, "a").read_text("utf-8") == "id: a\ntype: misc\ntitle: U\n"


def test_shipped_venues_load_without_problems() -> None:
    catalog, problems = store.load_venues(ROOT / "content")
    assert problems == []
    assert {"acl", "emnlp", "findings-acl", "arxiv"} <= {venue.id for venue in catalog.venues}


def test_bad_venue_pattern_is_reported(tmp_path: Path) -> None:
    (tmp_path / "venues.yaml").write_text("venues:\n- id: x\n  patterns: ['(unclosed']\n- id: y\n", encoding="utf-8")
    catalog, problems = store.load_venues(tmp_path)
    assert [venue.id for venue in catalog.venues] == ["y"]
    assert len(problems) == 1 and "venues[0]" in str(problems[0])


def test_venues_file_that_is_not_a_mapping_is_reported(tmp_path: Path) -> None:
    (tmp_path / "venues.yaml").write_text("- just a list\n", encoding="utf-8")
    catalog, problems = store.load_venues(tmp_path)
    assert catalog.venues == () and "must be a mapping" in str(problems[0])


_values = st.none() | st.booleans() | st.integers(-5, 3000) | st.text(max_size=12) | st.lists(st.text(max_size=5), max_size=2)


@settings(max_examples=300, deadline=None)
@given(papers(), st.dictionaries(st.sampled_from(["id", "type", "title", "year", "month", "doi", "url", "arxiv",
                                                  "authors", "links", "topics", "sources", "abstract_truncated",
                                                  "extra", "colour"]), _values, max_size=3))
def test_deciding_and_explaining_validators_agree(paper: Paper, changes: dict) -> None:
    """jsonschema-rs decides and jsonschema explains: a record one rejects, the other rejects too, and a
    rejected record always gets a problem saying why."""
    data = {**store.paper_to_dict(paper), **changes}
    problems = store.validate_paper_dict(data, "p.yaml")
    reserved = isinstance(data.get("id"), str) and is_reserved_name(data["id"])
    if not store._validator().is_valid(data):
        assert not store._is_valid(data)
    assert bool(problems) == (not store._is_valid(data) or reserved)


def test_a_value_ending_in_a_line_break_is_rejected_with_a_reason() -> None:
    """Python's `$` matches before a final line break; the schema's patterns do not let a DOI end in one."""
    data = {"id": "a-2020-x", "type": "misc", "title": "X", "doi": "10.1000/xyz\n"}
    assert [str(problem) for problem in store.validate_paper_dict(data, "p.yaml")] == [
        'p.yaml: doi: "10.1000/xyz\\n" does not match "^10\\.\\S+/\\S+$"']


def test_values_json_has_no_type_for_are_explained() -> None:
    data = {"id": "a-2020-x", "type": "misc", "title": datetime.date(2020, 1, 2), 7: "x"}
    messages = [str(problem) for problem in store.validate_paper_dict(data, "p.yaml")]
    assert any("title:" in message and "is not of type 'string'" in message for message in messages)
    assert any("unknown field(s)" in message for message in messages)


# ---------------------------------------------------------------- the record emitter writes what PyYAML writes

# Characters that change how PyYAML quotes, folds or escapes a string.
_YAML_PIECES = [
    " ", "  ", "word", "Word", "x", ":", ": ", "#", " #", "-", "- ", "?", "? ", "'", '"', "`", "@", "%", "!", "&", "*",
    "|", ">", ",", "[", "]", "{", "}", "---", "...", "\n", "\n\n", " \n", "\n ", "\t", "\r", "\x85", "\u2028", "\ufeff",
    "\x00", "\x7f", "\xa0", "é", "Ω", "語", "😀", "\ufffd", "\ufffe", "yes", "no", "on", "null", "~", "true", "False",
    "12", "0x1F", "1e3", "-3.5", ".inf", ".NaN", "2020-01-02", "12:30:00", "<<", "=", "a" * 40, "b" * 120,
]
yaml_strings = st.one_of(
    st.lists(st.sampled_from(_YAML_PIECES), min_size=0, max_size=12).map("".join),
    st.lists(st.sampled_from(["lorem", "ipsum", "dolor", "sit", "amét", "a:b", "it's", "x", " "]), max_size=70).map(" ".join),
    st.text(max_size=30),
)
yaml_scalars = st.one_of(yaml_strings, st.integers(-5, 3000), st.booleans())
yaml_keys = st.one_of(st.sampled_from(["id", "title", "year", "authors", "extra"]), yaml_strings)
name_dicts = st.dictionaries(st.sampled_from(["given", "family", "person"]), yaml_strings, min_size=1)
record_values = st.one_of(
    yaml_scalars,
    st.lists(name_dicts, min_size=1, max_size=3),
    st.lists(yaml_strings, min_size=1, max_size=3),
    st.dictionaries(yaml_keys, yaml_strings, min_size=1, max_size=3),
    st.lists(st.lists(yaml_strings, max_size=2), max_size=2),
    st.dictionaries(yaml_keys, st.dictionaries(yaml_keys, yaml_scalars, max_size=2), max_size=2),
    st.just([]) | st.just({}),
)
records = st.dictionaries(yaml_keys, record_values, max_size=8)


@settings(max_examples=1000, deadline=None)
@given(st.one_of(records, st.lists(st.one_of(records, yaml_scalars), max_size=3)))
def test_dump_yaml_writes_what_pyyaml_writes(data) -> None:
    assert store.dump_yaml(data) == store._dump_with_pyyaml(data)


@settings(max_examples=200, deadline=None)
@given(papers())
def test_records_are_written_as_pyyaml_writes_them(paper: Paper) -> None:
    data = store.paper_to_dict(paper)
    assert store.dump_yaml(data) == store._dump_with_pyyaml(data)


# Plain scalars YAML 1.1 (PyYAML, which decides the quoting) reads as strings and YAML 1.2 (yaml-rs, which
# reads records first) reads as numbers, dates or times, and the reverse.
_READ_DIFFERENTLY = ["1e3", "0o17", "0x1F", "12:30:00", "2020-01-02", "yes", "No", "on", "~", ".inf", "1_000", "+12"]


@settings(max_examples=300, deadline=None)
@given(papers(), st.lists(st.one_of(st.sampled_from(_READ_DIFFERENTLY), yaml_strings.filter(str.strip)), min_size=5,
                          max_size=5))
def test_records_read_back_as_written_whichever_reader_reads_them(paper: Paper, values: list[str]) -> None:
    title, pages, family, extra, note = (value.strip() or "x" for value in values)
    paper = dataclasses.replace(paper, title=title, pages=pages, note=note, extra={"isbn": extra},
                                authors=(AuthorRef(Name(None, family)),))
    loaded, problems = store.load_paper(store.dump_paper(paper))
    assert problems == []
    assert loaded == paper


def test_a_record_yaml_rs_refuses_is_read_as_pyyaml_reads_it() -> None:
    text = "id: a-2020-x\ntype: misc\ntitle: First\ntitle: Second\nyear: 2020\n"  # a repeated key: the last wins
    loaded, problems = store.load_paper(text)
    assert problems == [] and loaded is not None and loaded.title == "Second"
    loaded, problems = store.load_paper("id: a-2020-x\ntype: misc\ntitle: T\nabstract_truncated: yes\nabstract: A\n")
    assert problems == [] and loaded is not None and loaded.is_abstract_truncated  # YAML 1.1's yes


def test_long_text_folds_as_pyyaml_folds_it() -> None:
    words = ["a", "model's", "x" * 30, "b:", "c", "  ", "#d"]
    for count in range(1, 300, 7):
        text = " ".join(words[i % len(words)] for i in range(count)).strip()
        for key in ("t", "title", "k" * 90, "k" * 127, "lorem " * 17 + "lorem", "lorem " * 20 + "amét amét"):
            for data in ({key: text}, {"authors": [{key: text, "family": text}]}, [{"text": text + "\n\nmore"}]):
                assert store.dump_yaml(data) == store._dump_with_pyyaml(data)
