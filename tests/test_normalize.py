"""RawRecord -> Paper: each normalization step, the seeds end to end, and idempotence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import normalize
from generator.model import AuthorRef, Name, RawRecord, Source
from generator.normalize import (
    STEPS,
    clean_text,
    detect_venue,
    extract_links,
    mark_comment_as_note,
    normalize_identifiers,
    normalize_record,
    parse_authors,
    parse_date,
    parse_month,
    unify_fields,
)
from generator.sources import read_source
from generator.store import load_venues

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
RAW = ROOT / "content" / "raw"

CATALOG, VENUE_PROBLEMS = load_venues(ROOT / "content")


def record(fmt: str, **fields: Any) -> RawRecord:
    return RawRecord("r.txt", 7, fmt, fields)


def anthology(**fields: Any) -> RawRecord:
    return record("anthology-page", **fields)


def listing(**fields: Any) -> RawRecord:
    return record("arxiv-listing", **fields)


def bibtex(**fields: Any) -> RawRecord:
    return record("bibtex", **fields)


def test_venue_catalog_loads():
    assert VENUE_PROBLEMS == []
    assert CATALOG.get("acl").ordinal_year_base == 1962
    assert CATALOG.get("arxiv").kind == "preprint"
    assert {track.id for track in CATALOG.tracks} >= {"long", "short", "demo", "main"}


# ---------------------------------------------------------------- clean_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Zoe\u0308", "Zoë"),  # NFC
        ("Zoe\u200b\u0308", "Zoë"),  # an invisible character between letter and accent
        ("Ång\u00adström", "Ångström"),  # soft hyphen
        ("\ufeffTitle", "Title"),
        ("  A \n  Two-Line\tTitle  ", "A Two-Line Title"),
        ("non\u00a0breaking", "non breaking"),
    ],
)
def test_clean_text_strings(value, expected):
    assert clean_text(anthology(title=value), CATALOG).fields["title"] == expected


def test_clean_text_abstract_keeps_paragraphs():
    cleaned = clean_text(anthology(abstract="  First  line\nwrapped.\n \n\n  Second\tparagraph.  \n"), CATALOG)
    assert cleaned.fields["abstract"] == "First line wrapped.\n\nSecond paragraph."


def test_clean_text_lists_dicts_and_other_values():
    cleaned = clean_text(
        bibtex(author=[{"given": " Ana ", "family": "Li\u200bma"}], authors=["  Rui   Costa "], abstract_truncated=True),
        CATALOG,
    )
    assert cleaned.fields["author"] == [{"given": "Ana", "family": "Lima"}]
    assert cleaned.fields["authors"] == ["Rui Costa"]
    assert cleaned.fields["abstract_truncated"] is True


# ---------------------------------------------------------------- unify_fields


def test_unify_fields_renames_bibtex_fields():
    unified = unify_fields(
        bibtex(entry_type="misc", author=[{"family": "Lima"}], editor=[{"family": "Costa"}], eprint="2101.00001v2",
               archiveprefix="arXiv", primaryclass="cs.CL"),
        CATALOG,
    )
    assert unified.fields == {
        "type": "misc",
        "authors": [{"family": "Lima"}],
        "editors": [{"family": "Costa"}],
        "arxiv": "2101.00001v2",
    }


def test_unify_fields_eprint_of_another_archive_is_kept():
    unified = unify_fields(bibtex(entry_type="misc", eprint="hal-0001", archiveprefix="HAL"), CATALOG)
    assert "arxiv" not in unified.fields
    assert unified.fields["eprint"] == "hal-0001"


def test_unify_fields_does_not_overwrite_authors():
    unified = unify_fields(bibtex(author=[{"family": "A"}], authors=[{"family": "B"}]), CATALOG)
    assert unified.fields["authors"] == [{"family": "B"}]


@pytest.mark.parametrize(
    ("entry_type", "type_", "problem"),
    [
        ("inproceedings", "inproceedings", False),
        ("article", "article", False),
        ("phdthesis", "phdthesis", False),
        ("conference", "inproceedings", False),  # BibTeX's own alias
        ("online", "misc", True),
        ("software", "misc", True),
    ],
)
def test_unify_fields_entry_types(entry_type, type_, problem):
    unified = unify_fields(bibtex(entry_type=entry_type, key="k"), CATALOG)
    assert unified.fields["type"] == type_
    assert "entry_type" not in unified.fields
    assert bool(unified.fields.get("_problems")) is problem


def test_bibtex_type_field_is_not_the_entry_type():
    unified = unify_fields(bibtex(entry_type="techreport", type="Research Note"), CATALOG)
    assert unified.fields["type"] == "techreport"
    assert unified.fields["bibtex_type"] == "Research Note"


# ---------------------------------------------------------------- parse_authors


def test_parse_authors_from_printed_names():
    parsed = parse_authors(
        anthology(authors=["Hai-Tao Zheng", "Jan van der Berg", "Teodora", "", "Martin Luther Kingsley, Jr.", " , ", "\xa0"]),
        CATALOG,
    )
    assert parsed.fields["authors"] == [
        {"given": "Hai-Tao", "family": "Zheng"},
        {"given": "Jan", "family": "van der Berg"},
        {"family": "Teodora"},
        {"given": "Martin Luther", "family": "Kingsley Jr."},
    ]


def test_parse_authors_leaves_parsed_names_and_parses_editors():
    names = [{"given": "Ana", "family": "Lima"}]
    parsed = parse_authors(bibtex(authors=names, editors=["van der Berg, Jan"]), CATALOG)
    assert parsed.fields["authors"] == names
    assert parsed.fields["editors"] == [{"given": "Jan", "family": "van der Berg"}]


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "month"),
    [("oct", 10), ("October", 10), ("Sept.", 9), ("10", 10), ("07", 7), (7, 7), ("Oct 05, 2023", 10),
     ("13", None), (0, None), (13, None), ("", None), ("xyz", None)],
)
def test_parse_month(text, month):
    assert parse_month(text) == month


@pytest.mark.parametrize(
    ("fields", "year", "month", "problems"),
    [
        ({"year": "2023", "month": "oct"}, 2023, 10, []),
        ({"year": "2023a"}, 2023, None, []),
        ({"year": "n.d."}, None, None, ["year 'n.d.' is not a year; left empty"]),
        ({"year": "2019", "month": "13"}, 2019, None, ["month '13' is not a month; left empty"]),
        ({"date": "Oct 05, 2023"}, 2023, 10, []),
        ({"date": "May 31, 2021", "year": "2020"}, 2020, None, []),  # a stated year wins
        ({"date": "Oct 05, 2023", "comment_venue": "ACL 2024", "year": 2024}, 2024, None, []),
        ({"year": "n.d.", "date": "2023-05-01"}, 2023, None, []),  # the date stands in for a bad year
    ],
)
def test_parse_date(fields, year, month, problems):
    parsed = parse_date(record("bibtex", **fields), CATALOG)
    assert parsed.fields.get("year") == year
    assert parsed.fields.get("month") == month
    assert parsed.fields.get("_problems", []) == problems


# ---------------------------------------------------------------- venues


NAACL_2022 = (
    "Proceedings of the 2022 Conference of the North American Chapter of the Association for Computational Linguistics: "
    "Human Language Technologies"
)
ACL_IJCNLP_2021 = (
    "Proceedings of the 59th Annual Meeting of the Association for Computational Linguistics and the 11th International "
    "Joint Conference on Natural Language Processing (Volume 1: Long Papers)"
)


@pytest.mark.parametrize(
    ("venue_line", "venue", "year", "track"),
    [
        ("Proceedings of the 61st Annual Meeting of the Association for Computational Linguistics (Volume 1: Long Papers)",
         "acl", 2023, "long"),
        ("Proceedings of the 61st Annual Meeting of the Association for Computational Linguistics (Volume 2: Short Papers)",
         "acl", 2023, "short"),
        ("Proceedings of the 60th Annual Meeting of the Association for Computational Linguistics: System Demonstrations",
         "acl", 2022, "demo"),
        (ACL_IJCNLP_2021, "acl", 2021, "long"),
        ("Findings of the Association for Computational Linguistics: ACL 2023", "findings-acl", 2023, None),
        ("Findings of the Association for Computational Linguistics: EMNLP 2023", "findings-emnlp", 2023, None),
        ("Proceedings of the 2023 Conference on Empirical Methods in Natural Language Processing", "emnlp", 2023, None),
        (NAACL_2022, "naacl", 2022, None),
        ("Proceedings of the 2023 Conference of the European Chapter of the Association for Computational Linguistics",
         "eacl", 2023, None),
        ("Proceedings of the 2021 Workshop on Imaginary Corpora", None, 2021, None),
        ("Proceedings of the Third Workshop on Imaginary Corpora (IC @ ACL 2022)", None, 2022, None),
        (("Proceedings of the 60th Annual Meeting of the Association for Computational Linguistics: "
         "Student Research Workshop"), "acl", 2022, "srw"),
    ],
)
def test_detect_venue_from_anthology_venue_line(venue_line, venue, year, track):
    detected = detect_venue(anthology(title="T", venue_line=venue_line), CATALOG)
    assert detected.fields.get("venue") == venue
    assert detected.fields.get("year") == year
    assert detected.fields.get("track") == track
    assert detected.fields["type"] == "inproceedings"
    assert detected.fields["booktitle"] == venue_line
    assert "venue_line" not in detected.fields


def test_journal_venue_line_becomes_journal():
    line = "Transactions of the Association for Computational Linguistics, Volume 12"
    detected = detect_venue(anthology(venue_line=line), CATALOG)
    assert (detected.fields["venue"], detected.fields["type"], detected.fields["journal"]) == ("tacl", "article", line)
    assert "booktitle" not in detected.fields


@pytest.mark.parametrize(
    ("comment", "venue", "year", "track", "type_"),
    [
        ("Accepted to ACL 2023 Demo track", "acl", 2023, "demo", "inproceedings"),
        ("This paper is published in IJCAI 2022", "ijcai", 2022, None, "inproceedings"),
        ("Accepted to AAAI 2022", "aaai", 2022, None, "inproceedings"),
        ("Accepted as a long paper to EMNLP 2021 Main Conference", "emnlp", 2021, "long", "inproceedings"),
        ("ACL 2022 Main Conference, Camera-ready version", "acl", 2022, "main", "inproceedings"),
        ("Findings of EMNLP 2023", "findings-emnlp", 2023, None, "inproceedings"),
        ("Accepted at TACL 2024", "tacl", 2024, None, "article"),
    ],
)
def test_detect_venue_from_arxiv_comment(comment, venue, year, track, type_):
    raw = parse_date(listing(title="T", date="Oct 05, 2020", comment=comment), CATALOG)
    detected = detect_venue(raw, CATALOG)
    assert detected.fields["venue"] == venue
    assert detected.fields["year"] == year  # the venue's year, not the preprint's
    assert "month" not in detected.fields
    assert detected.fields.get("track") == track
    assert detected.fields["type"] == type_
    assert "comment" not in detected.fields
    assert detected.fields["comment_venue"] == comment


@pytest.mark.parametrize(
    "comment",
    [
        "10 pages main paper, 8 pages appendix",
        "Corrected typos",
        "arXiv admin note: text overlap with arXiv:2107.06499 by other authors",
        "Accepted to ACL",  # no year: not a statement about one meeting
        "Submitted to NeurIPS 2023",
        "Under review at ICLR 2024",
        None,
    ],
)
def test_arxiv_entry_without_a_stated_venue_is_a_preprint(comment):
    raw = listing(title="T", date="Oct 05, 2023", **({"comment": comment} if comment else {}))
    paper, _ = normalize_record(raw, CATALOG)
    assert (paper.venue_id, paper.type, paper.year, paper.month) == ("arxiv", "misc", 2023, 10)
    assert paper.is_preprint
    assert paper.note == comment


def test_detect_venue_from_bibtex_booktitle_and_journal():
    booktitle = detect_venue(
        bibtex(type="inproceedings", booktitle="Proceedings of the 61st Annual Meeting of the Association for "
               "Computational Linguistics (Volume 2: Short Papers)"),
        CATALOG,
    )
    assert (booktitle.fields["venue"], booktitle.fields["year"], booktitle.fields["track"]) == ("acl", 2023, "short")
    journal = detect_venue(bibtex(type="article", journal="Computational Linguistics", year=2019), CATALOG)
    assert (journal.fields["venue"], journal.fields["year"]) == ("cl", 2019)


def test_detect_venue_keeps_a_stated_venue():
    raw = anthology(venue="acl", venue_line="Findings of the Association for Computational Linguistics: EMNLP 2023")
    assert detect_venue(raw, CATALOG) == raw


# ---------------------------------------------------------------- notes, identifiers, links


@pytest.mark.parametrize(
    ("fields", "note"),
    [
        ({"comment": "10 pages, 4 figures"}, "10 pages, 4 figures"),
        ({"comment": "Corrected typos", "note": "Extended version"}, "Extended version; Corrected typos"),
        ({"comment": "49 pages", "note": "See also: 49 pages"}, "See also: 49 pages"),
        ({"note": "Only a note"}, "Only a note"),
    ],
)
def test_mark_comment_as_note(fields, note):
    marked = mark_comment_as_note(listing(**fields), CATALOG)
    assert marked.fields["note"] == note
    assert "comment" not in marked.fields


@pytest.mark.parametrize(
    ("doi", "expected"),
    [
        ("10.18653/v1/2023.acl-long.1", "10.18653/v1/2023.acl-long.1"),
        ("https://doi.org/10.18653/v1/2023.acl-long.1", "10.18653/v1/2023.acl-long.1"),
        ("http://dx.doi.org/10.1/x", "10.1/x"),
        ("doi:10.1/x", "10.1/x"),
        ("DOI: 10.1/x", "10.1/x"),
        (" https://doi.org/10.1/x ", "10.1/x"),
        ("https://doi.org/doi:10.1/x", "10.1/x"),
    ],
)
def test_doi_loses_its_resolver(doi, expected):
    assert normalize_identifiers(bibtex(doi=doi), CATALOG).fields["doi"] == expected


@pytest.mark.parametrize(
    ("fields", "arxiv"),
    [
        ({"arxiv": "arXiv:2101.00001v2"}, "2101.00001"),
        ({"arxiv": "2101.00001"}, "2101.00001"),
        ({"arxiv": "cs/0601001v1"}, "cs/0601001"),
        ({"arxiv": " not-an-id "}, "not-an-id"),
        ({"url": "https://arxiv.org/abs/2305.12345v3"}, "2305.12345"),
        ({"url": "https://arxiv.org/pdf/2305.12345.pdf"}, "2305.12345"),
        ({"url": "https://aclanthology.org/2023.acl-long.1/"}, None),
    ],
)
def test_arxiv_ids(fields, arxiv):
    assert normalize_identifiers(bibtex(**fields), CATALOG).fields.get("arxiv") == arxiv


@pytest.mark.parametrize(
    ("pages", "expected"),
    [("1-10", "1--10"), ("1--10", "1--10"), ("101—117", "101--117"), ("1 – 10", "1--10"), ("e1234", "e1234"),
     (" 12 ", "12"), ("1-2-3", "1-2-3")],
)
def test_page_ranges(pages, expected):
    assert normalize_identifiers(bibtex(pages=pages), CATALOG).fields["pages"] == expected


@pytest.mark.parametrize(
    ("abstract", "links"),
    [
        ("The source code can be obtained from https://github.com/example-org/shapes.",
         {"code": "https://github.com/example-org/shapes"}),
        ("Code: https://gitlab.com/a/b; data: https://huggingface.co/datasets/c/d!",
         {"code": "https://gitlab.com/a/b", "data": "https://huggingface.co/datasets/c/d"}),
        ("Released (https://github.com/a/b) and at https://github.com/a/c.", {"code": "https://github.com/a/b"}),
        ("Quoted: “https://github.com/a/b”.", {"code": "https://github.com/a/b"}),
        ("See https://www.github.com/a/b...", {"code": "https://www.github.com/a/b"}),
        ("Our site https://example.org/project is not a code host.", None),
        ("No links at all.", None),
    ],
)
def test_extract_links(abstract, links):
    assert extract_links(anthology(abstract=abstract), CATALOG).fields.get("links") == links


def test_extract_links_keeps_links_already_known():
    raw = anthology(abstract="Code: https://github.com/a/new.", links={"code": "https://github.com/a/old"})
    assert extract_links(raw, CATALOG).fields["links"] == {"code": "https://github.com/a/old"}


# ---------------------------------------------------------------- whole records


def test_bibtex_record_end_to_end():
    (raw,), _ = read_source(DATA / "bib" / "identifiers.bib", "identifiers.bib")
    paper, problems = normalize_record(raw, CATALOG)
    assert problems == []
    assert (paper.type, paper.title, paper.year, paper.arxiv, paper.doi) == (
        "misc", "Identifiers in Every Shape", 2021, "2109.01234", "10.48550/arXiv.2109.01234"
    )
    assert paper.authors == (AuthorRef(Name("Eamon", "Ó Briain")), AuthorRef(Name("Søren", "Kierkegaard-Lund")))
    assert paper.links == {"code": "https://github.com/example-org/shapes"}
    assert paper.extra == {"keywords": "identifiers, shapes"}
    assert paper.sources == (Source("identifiers.bib", 1, "bibtex", "briain2021"),)


def test_type_field_and_unknown_entry_types_end_to_end():
    raws, _ = read_source(DATA / "bib" / "type_field.bib", "type_field.bib")
    (report, report_problems), (conference, _), (online, online_problems) = (normalize_record(r, CATALOG) for r in raws)
    assert (report.type, report.number, report.extra) == (
        "techreport", "7", {"bibtex_type": "Research Note", "institution": "Institute of Invented Studies"}
    )
    assert report_problems == []
    assert (conference.type, conference.venue_id, conference.year) == ("inproceedings", "emnlp", 2018)
    assert (online.type, online.url) == ("misc", "https://example.org/~ines/page")
    assert [p.message for p in online_problems] == ["entry type @online is not known; kept as @misc"]


def test_listing_record_end_to_end():
    raws, _ = read_source(DATA / "listing" / "truncated_abstract.txt", "truncated.txt")
    papers = [normalize_record(r, CATALOG)[0] for r in raws]
    assert [p.is_abstract_truncated for p in papers] == [True, True, False]
    first = papers[0]
    assert (first.type, first.venue_id, first.year, first.month) == ("misc", "arxiv", 2024, 1)
    assert first.authors[0].name == Name("Tereza", "Novotná")
    assert first.extra == {}  # page_owner and date are the reader's, not the paper's
    assert first.sources == (Source("truncated.txt", 8, "arxiv-listing"),)


def test_abstract_only_record():
    paper, problems = normalize_record(record("abstracts", abstract="Just text.  More text."), CATALOG)
    assert problems == []
    assert (paper.type, paper.title, paper.abstract, paper.authors) == ("misc", "", "Just text. More text.", ())


def test_problems_carry_the_record_position():
    _, problems = normalize_record(bibtex(entry_type="misc", title="T", year="someday"), CATALOG)
    assert [(p.path, p.line, p.message) for p in problems] == [("r.txt", 7, "year 'someday' is not a year; left empty")]


# ---------------------------------------------------------------- the seeds


def normalized(name: str):
    records, _ = read_source(RAW / name, name)
    return [normalize_record(r, CATALOG) for r in records]


ANTHOLOGY_SEED = [
    ("findings-acl", 2023, None),
    ("findings-emnlp", 2023, None),
    ("emnlp", 2023, None),
    ("emnlp", 2023, None),
    ("acl", 2023, "long"),
    ("acl", 2023, "short"),
    ("acl", 2022, "long"),
    ("acl", 2022, "long"),
    ("findings-acl", 2022, None),
    ("findings-emnlp", 2022, None),
    ("findings-emnlp", 2022, None),
    ("naacl", 2022, None),
    ("naacl", 2022, None),
    ("naacl", 2022, None),
    ("emnlp", 2022, None),
    ("acl", 2021, "long"),
]


def test_anthology_seed_venues():
    results = normalized("000_b54dbd89deb80526.txt")
    assert all(problems == [] for _, problems in results)
    papers = [paper for paper, _ in results]
    assert [(p.venue_id, p.year, p.track) for p in papers] == ANTHOLOGY_SEED
    assert {p.type for p in papers} == {"inproceedings"}
    assert papers[15].booktitle == ACL_IJCNLP_2021
    assert papers[11].booktitle == NAACL_2022
    assert papers[0].authors[0].name == Name("Yujia", "Qin")
    assert papers[3].authors[1].name == Name("Chi-Min", "Chan")
    assert papers[3].links == {"code": "https://github.com/yushengsu-thu/PET_Scaling"}
    assert papers[4].links == {"code": "https://github.com/thunlp/WebCPM"}
    assert not any(p.extra for p in papers)


LISTING_SEED = {
    "002_636125aae36b5e83.txt": [
        ("arxiv", 2023, None, "10 pages main paper, 8 pages appendix"),
        ("arxiv", 2023, None, None),
        ("acl", 2023, "demo", None),
        ("arxiv", 2023, None, None),
        ("arxiv", 2022, None, "arXiv admin note: text overlap with arXiv:2107.06499 by other authors"),
        ("arxiv", 2022, None, "49 pages"),
        ("arxiv", 2021, None, None),
        ("arxiv", 2021, None, None),
    ],
    "004_c6b72d533fa23d44.txt": [
        ("ijcai", 2022, None, None),
        ("arxiv", 2022, None, None),
        ("arxiv", 2022, None, None),
        ("acl", 2022, "main", None),
        ("arxiv", 2022, None, None),
        ("aaai", 2022, None, None),
        ("emnlp", 2021, "long", None),
        ("arxiv", 2021, None, "10 pages, 4 figures"),
        ("arxiv", 2020, None, "Corrected typos"),
        ("arxiv", 2020, None, None),
    ],
}


@pytest.mark.parametrize("name", sorted(LISTING_SEED))
def test_listing_seed_venues(name):
    results = normalized(name)
    assert all(problems == [] for _, problems in results)
    papers = [paper for paper, _ in results]
    assert [(p.venue_id, p.year, p.track, p.note) for p in papers] == LISTING_SEED[name]
    for paper in papers:
        assert paper.type == ("misc" if paper.venue_id == "arxiv" else "inproceedings")
        assert paper.is_preprint is (paper.venue_id == "arxiv")
        assert paper.month is None or paper.venue_id == "arxiv"


def test_listing_seed_code_links_and_decoded_abstracts():
    papers = [paper for paper, _ in normalized("002_636125aae36b5e83.txt")]
    assert papers[6].links == {"code": "https://github.com/thunlp/OpenPrompt"}
    assert "$cloze$" in papers[6].abstract
    assert "0.05% deviation" in papers[0].abstract
    assert papers[7].authors[1].name == Name("Weilin", "Zhao")
    delta = papers[5]
    assert Name("Hai-Tao", "Zheng") in [a.name for a in delta.authors]


@pytest.mark.parametrize(("name", "with_code"), [("001_8a06f9bb0f78aa77.txt", 5), ("003_9b77c4dfcb76ac54.txt", 14)])
def test_abstract_seed_code_links(name, with_code):
    papers = [paper for paper, _ in normalized(name)]
    links = [p.links["code"] for p in papers if p.links]
    assert len(links) == with_code
    assert all(link.startswith("https://github.com/") and not link.endswith((".", ",", ")")) for link in links)
    assert {p.type for p in papers} == {"misc"} and not any(p.title for p in papers)


# ---------------------------------------------------------------- idempotence


_TRICKY = st.sampled_from([
    "\u200b", "\u00ad", "\u0301", "\u0308", "e\u0301", "o\u00ad\u0308", "e\u200b\u0301", "  ", "\n", "\n\n", "\t", "\u00a0", "\u2028", "\ufeff", "~", "--",
    ",", ".", " | ", "{", "}", "\\'e", "%", "(", ")", "“", "”",
])
_WORDS = st.sampled_from([
    "Tuning", "Zoë", "Ångström", "van der", "de la", "Hai-Tao", "Jr.", "2023", "61st", "ACL", "EMNLP", "Findings",
    "Long Papers", "Demo", "Main Conference", "accepted", "Submitted to", "under review", "pages", "arXiv",
])


def _text(max_parts: int = 8) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.text(max_size=6), _TRICKY, _WORDS), max_size=max_parts).map("".join)


_NAME_STRINGS = st.lists(
    st.one_of(st.sampled_from(["Hai-Tao Zheng", "van der Berg, Jan", "Teodora", "Martin Kingsley, Jr.", " , ", ""]),
              _text(4)),
    max_size=6,
)
_NAME_DICTS = st.lists(
    st.fixed_dictionaries({"family": _text(3).filter(str.strip)}, optional={"given": _text(3)}), max_size=4
)
_URLS = st.sampled_from([
    "https://github.com/example-org/repo.", "https://github.com/a/b)", "“https://gitlab.com/a/b”",
    "https://huggingface.co/datasets/a/b,", "https://example.org/x", "https://github.com/a/b...",
])
_ABSTRACT = st.lists(st.one_of(_text(6), _URLS), max_size=6).map(" ".join)
_VENUE_LINES = st.one_of(
    st.sampled_from([
        "Proceedings of the 61st Annual Meeting of the Association for Computational Linguistics (Volume 1: Long Papers)",
        "Findings of the Association for Computational Linguistics: EMNLP 2023", NAACL_2022, ACL_IJCNLP_2021,
        "Transactions of the Association for Computational Linguistics, Volume 9", "arXiv preprint", "",
    ]),
    _text(),
)
_COMMENTS = st.one_of(
    st.sampled_from([
        "Accepted to ACL 2023 Demo track", "This paper is published in IJCAI 2022", "Accepted to AAAI 2022",
        "Accepted as a long paper to EMNLP 2021 Main Conference", "ACL 2022 Main Conference, Camera-ready version",
        "10 pages main paper, 8 pages appendix", "Corrected typos", "Submitted to NeurIPS 2023", "",
        "arXiv admin note: text overlap with arXiv:2107.06499 by other authors",
    ]),
    _text(),
)
_DATES = st.one_of(
    st.builds(lambda m, d, y: f"{m} {d:02d}, {y}", st.sampled_from(["Jan", "Oct", "Sept", "Dec"]), st.integers(1, 31),
              st.integers(1890, 2110)),
    st.sampled_from(["2023-05-01", "n.d.", ""]),
    _text(3),
)
_YEARS = st.one_of(st.integers(1900, 2100).map(str), st.sampled_from(["n.d.", "2023a", "in press", "", " 2021 "]), _text(2))
_MONTHS = st.one_of(st.sampled_from(["oct", "October", "Sept.", "10", "13", "0", "", "jun"]), _text(2))
_DOIS = st.one_of(
    st.sampled_from(["10.1/x", "https://doi.org/10.1/x", " https://doi.org/doi:10.1/x", "doi: doi:10.1/x", "DOI:10.2/y "]),
    _text(3),
)

_RECORD_FIELDS = {
    "anthology-page": st.fixed_dictionaries(
        {"title": _text()},
        optional={"authors": _NAME_STRINGS, "venue_line": _VENUE_LINES, "abstract": _ABSTRACT, "page_owner": _text(3)},
    ),
    "arxiv-listing": st.fixed_dictionaries(
        {"title": _text()},
        optional={"date": _DATES, "authors": _NAME_STRINGS, "comment": _COMMENTS, "abstract": _ABSTRACT,
                  "abstract_truncated": st.just(True), "page_owner": _text(3)},
    ),
    "abstracts": st.fixed_dictionaries({"abstract": _ABSTRACT}),
    "bibtex": st.fixed_dictionaries(
        {"entry_type": st.sampled_from(["inproceedings", "article", "misc", "techreport", "conference", "online"]),
         "key": st.text(st.characters(categories=("L", "N")), min_size=1, max_size=8)},
        optional={
            "title": _text(), "author": _NAME_DICTS, "editor": _NAME_DICTS, "booktitle": _VENUE_LINES,
            "journal": _VENUE_LINES, "year": _YEARS, "month": _MONTHS, "pages": st.one_of(
                st.sampled_from(["1-10", "1--10", "101—117", "e12", " 1 – 2 ", "1-2-3", "--5"]), _text(2)),
            "doi": _DOIS, "eprint": st.sampled_from(["2101.00001v2", "cs/0601001", "hal-1"]),
            "archiveprefix": st.sampled_from(["arXiv", "HAL"]), "url": st.sampled_from(
                ["https://arxiv.org/abs/2305.12345v3", "https://example.org/~x", " "]),
            "note": _text(), "type": _text(2), "date": _DATES, "abstract": _ABSTRACT, "keywords": _text(3),
            "arxiv": st.sampled_from(["arXiv:2101.00001v2", "junk", " 2101.00001 "]),
        },
    ),
}


@st.composite
def raw_records(draw, fmt: str | None = None) -> RawRecord:
    fmt = fmt or draw(st.sampled_from(sorted(_RECORD_FIELDS)))
    return RawRecord("gen.txt", draw(st.integers(1, 500)), fmt, draw(_RECORD_FIELDS[fmt]))


_IDEMPOTENCE = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# Examples per format, by how many fields (and so how many interactions) a format has.
_EXAMPLES = {"abstracts": 20, "anthology-page": 50, "arxiv-listing": 60, "bibtex": 80}


@pytest.mark.parametrize("fmt", sorted(_RECORD_FIELDS))
@pytest.mark.parametrize("step", STEPS, ids=lambda step: step.__name__)
def test_every_step_is_idempotent(step, fmt):
    @settings(max_examples=_EXAMPLES[fmt], deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(raw=raw_records(fmt))
    def check(raw: RawRecord) -> None:
        once = step(raw, CATALOG)
        assert step(once, CATALOG) == once

    check()


@_IDEMPOTENCE
@given(raw=raw_records())
def test_normalized_records_are_a_fixed_point_of_every_step(raw):
    for step in STEPS:
        raw = step(raw, CATALOG)
    for step in STEPS:
        assert step(raw, CATALOG) == raw, step.__name__
    paper, _ = normalize.paper_from_record(raw)
    assert paper.type in {"inproceedings", "article", "misc", "techreport"}
    assert all(ref.name.family for ref in paper.authors)
    assert paper.year is None or 1900 <= paper.year <= 2099
    assert paper.month is None or 1 <= paper.month <= 12
    assert all(not url.endswith((".", ",", ")", "”")) for url in paper.links.values())
